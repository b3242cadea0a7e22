// The binaries the e2e harness runs: where they live and how they are built.
//
// Each tool has a small Go module under test/harness/bin/<module>/ (go.mod + tools.go) that pins
// its version. `npm run test:bins` builds the main packages with CGO_ENABLED=0 into
// $SPOKES_CACHE_DIR/bin/<module>-<version>/ (default ~/.cache/spokes) and skips binaries that are
// already there. Go's module and build caches live under the same folder, so a second build on
// the same machine is quick. KUBEBUILDER_ASSETS (setup-envtest's folder) supplies kube-apiserver,
// etcd and, when present, kube-controller-manager instead of building them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export type BinaryName =
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kubectl'
  | 'etcd'
  | 'kustomize'
  | 'helm'
  | 'registry'
  | 'jaeger';
export type Binaries = Record<BinaryName, string>;

interface Tool {
  /** Folder under test/harness/bin/ holding the go.mod that pins the tool. */
  module: string;
  /** The required module whose version names the cache folder. */
  versionOf: string;
  /** Binary name -> Go main package. */
  binaries: Partial<Record<BinaryName, string>>;
  /** -X flags that stamp the version the way upstream release builds do. */
  stamp?: (version: string, goMod: string) => string[];
}

const MODULES_DIR = path.join(import.meta.dirname, 'bin');

/** Binaries envtest users already have; KUBEBUILDER_ASSETS may supply them. */
const ENVTEST_REQUIRED: BinaryName[] = ['kube-apiserver', 'etcd'];
const ENVTEST_OPTIONAL: BinaryName[] = ['kube-controller-manager'];

const TOOLS: Tool[] = [
  {
    module: 'kube',
    versionOf: 'k8s.io/kubernetes',
    binaries: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      kubectl: 'k8s.io/kubernetes/cmd/kubectl',
    },
    stamp: (version) => {
      const [major, minor] = version.replace(/^v/, '').split('.');
      const pkg = 'k8s.io/component-base/version';
      return [
        `${pkg}.gitVersion=${version}`,
        `${pkg}.gitMajor=${major}`,
        `${pkg}.gitMinor=${minor}`,
        `${pkg}.gitTreeState=clean`,
      ];
    },
  },
  { module: 'etcd', versionOf: 'go.etcd.io/etcd/server/v3', binaries: { etcd: 'go.etcd.io/etcd/server/v3' } },
  {
    module: 'kustomize',
    versionOf: 'sigs.k8s.io/kustomize/kustomize/v5',
    binaries: { kustomize: 'sigs.k8s.io/kustomize/kustomize/v5' },
  },
  {
    module: 'helm',
    versionOf: 'helm.sh/helm/v3',
    binaries: { helm: 'helm.sh/helm/v3/cmd/helm' },
    stamp: (version, goMod) => {
      // helm template's default .Capabilities.KubeVersion follows the client-go it was built with.
      const [, minor] = requiredVersion(goMod, 'k8s.io/client-go').replace(/^v/, '').split('.');
      return [
        `helm.sh/helm/v3/internal/version.version=${version}`,
        `helm.sh/helm/v3/internal/version.gitTreeState=clean`,
        `helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1`,
        `helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}`,
        `helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1`,
        `helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}`,
      ];
    },
  },
  {
    // An OCI distribution server (in memory) for chart pushes and pulls; test/harness/chart-servers.ts
    // puts an authenticating proxy in front of it.
    module: 'registry',
    versionOf: 'github.com/google/go-containerregistry',
    binaries: { registry: 'github.com/google/go-containerregistry/cmd/registry' },
  },
  {
    // The trace backend (Jaeger v2: an OpenTelemetry Collector distribution with an OTLP receiver,
    // in-memory storage and Jaeger's query API); Debian has no package. test/harness/jaeger.ts.
    module: 'jaeger',
    versionOf: 'github.com/jaegertracing/jaeger',
    binaries: { jaeger: 'github.com/jaegertracing/jaeger/cmd/jaeger' },
  },
];

/** The stable folder for Go caches and built binaries, outside any clone. */
export function cacheDir(): string {
  return process.env.SPOKES_CACHE_DIR || path.join(homedir(), '.cache', 'spokes');
}

/** Environment for every go command: pinned caches, no cgo, no toolchain downloads. */
export function goEnv(): NodeJS.ProcessEnv {
  const cache = cacheDir();
  return {
    ...process.env,
    CGO_ENABLED: '0',
    GOMODCACHE: path.join(cache, 'go', 'mod'),
    GOCACHE: path.join(cache, 'go', 'build'),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=readonly -buildvcs=false',
    GOWORK: 'off',
  };
}

function requiredVersion(goMod: string, modulePath: string): string {
  const escaped = modulePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod);
  if (!match?.[1]) throw new Error(`${modulePath} is not required in its go.mod`);
  return match[1];
}

function readGoMod(tool: Tool): string {
  return readFileSync(path.join(MODULES_DIR, tool.module, 'go.mod'), 'utf8');
}

function toolVersion(tool: Tool): string {
  return requiredVersion(readGoMod(tool), tool.versionOf);
}

function toolBinDir(tool: Tool): string {
  return path.join(cacheDir(), 'bin', `${tool.module}-${toolVersion(tool)}`);
}

function envtestAssets(): string | undefined {
  const dir = process.env.KUBEBUILDER_ASSETS;
  if (!dir) return undefined;
  const missing = ENVTEST_REQUIRED.filter((name) => !existsSync(path.join(dir, name)));
  if (missing.length > 0) {
    throw new Error(`KUBEBUILDER_ASSETS=${dir} has no ${missing.join(' or ')}`);
  }
  return dir;
}

/** Where each binary is (or will be, once built). */
export function binaryPaths(): Binaries {
  const paths = {} as Binaries;
  for (const tool of TOOLS) {
    for (const name of Object.keys(tool.binaries) as BinaryName[]) {
      paths[name] = path.join(toolBinDir(tool), name);
    }
  }
  const assets = envtestAssets();
  if (assets) {
    for (const name of [...ENVTEST_REQUIRED, ...ENVTEST_OPTIONAL]) {
      const candidate = path.join(assets, name);
      if (existsSync(candidate)) paths[name] = candidate;
    }
  }
  return paths;
}

/** The binaries (default: all), or an error naming what is missing and how to build it. */
export function requireBinaries(names?: BinaryName[]): Binaries {
  const paths = binaryPaths();
  const wanted = names ?? (Object.keys(paths) as BinaryName[]);
  const missing = wanted.filter((name) => !existsSync(paths[name]));
  if (missing.length > 0) {
    const list = missing.map((name) => `${name} (${paths[name]})`).join(', ');
    throw new Error(`test binaries missing: ${list}; run \`npm run test:bins\` (needs Go) first`);
  }
  return paths;
}

/** The pinned version of each Go module, for reports. */
export function pinnedVersions(): Record<string, string> {
  return Object.fromEntries(TOOLS.map((tool) => [tool.versionOf, toolVersion(tool)]));
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) =>
      reject(
        new Error(
          `cannot run ${command}: ${error.message} (Go >= 1.26 is needed to build the test binaries)`,
        ),
      ),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`${command} ${args.join(' ')} failed in ${options.cwd} (${signal ?? `exit ${code}`})`),
        );
    });
  });
}

async function buildTool(tool: Tool, names: BinaryName[], log: (line: string) => void): Promise<void> {
  const version = toolVersion(tool);
  const binDir = toolBinDir(tool);
  await mkdir(binDir, { recursive: true });
  const staging = await mkdtemp(path.join(binDir, '.build-'));
  const stamp = tool.stamp?.(version, readGoMod(tool)) ?? [];
  const ldflags = ['-s', '-w', ...stamp.flatMap((flag) => ['-X', flag])].join(' ');
  try {
    for (const name of names) {
      const started = Date.now();
      const pkg = tool.binaries[name] as string;
      const args = ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', path.join(staging, name), pkg];
      log(`building ${name} ${version} (${pkg})`);
      await run('go', args, { cwd: path.join(MODULES_DIR, tool.module), env: goEnv() });
      // A rename is atomic: a concurrent reader sees no binary or a whole one.
      await rename(path.join(staging, name), path.join(binDir, name));
      log(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Builds every binary that binaryPaths() points at and that does not exist yet. */
export async function buildBinaries(log: (line: string) => void = console.log): Promise<void> {
  const paths = binaryPaths();
  for (const tool of TOOLS) {
    const names = (Object.keys(tool.binaries) as BinaryName[]).filter((name) => !existsSync(paths[name]));
    const have = (Object.keys(tool.binaries) as BinaryName[]).filter((name) => !names.includes(name));
    for (const name of have) log(`have ${name}: ${paths[name]}`);
    // Binaries taken from KUBEBUILDER_ASSETS live elsewhere; only build those headed for the cache.
    const buildable = names.filter((name) => paths[name].startsWith(toolBinDir(tool)));
    if (buildable.length > 0) await buildTool(tool, buildable, log);
  }
}
