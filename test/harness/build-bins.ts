// `npm run test:bins`: builds the e2e binaries that are not in the cache yet (see bins.ts).
import { binaryPaths, buildBinaries, cacheDir, pinnedVersions } from './bins.ts';
import { buildGitea, giteaBinary, GITEA_MODULE, GITEA_VERSION } from './gitea.ts';

const started = Date.now();
console.log(`test binaries: cache ${cacheDir()}`);
for (const [module, version] of Object.entries(pinnedVersions())) console.log(`  ${module} ${version}`);
console.log(`  ${GITEA_MODULE} ${GITEA_VERSION}`);
try {
  await buildBinaries((line) => console.log(`  ${line}`));
  await buildGitea((line) => console.log(`  ${line}`));
} catch (error) {
  console.error(`test binaries: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
for (const [name, file] of Object.entries(binaryPaths())) console.log(`  ${name}: ${file}`);
console.log(`  gitea: ${giteaBinary()}`);
console.log(`test binaries ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
