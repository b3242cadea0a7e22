/** `--repo URL=PATH` flags (generate, diff, controller): repoURL → a local repository or a folder in one. */
import { SpokesError } from '../errors.ts';

/** The mappings in order given; the last `=` splits, since URLs may hold `=` but paths rarely do. */
export function parseRepoMappings(mappings: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const mapping of mappings) {
    const eq = mapping.lastIndexOf('=');
    if (eq <= 0 || eq === mapping.length - 1) {
      throw new SpokesError('Usage', `--repo expects URL=PATH, got "${mapping}"`);
    }
    out.set(mapping.slice(0, eq), mapping.slice(eq + 1));
  }
  return out;
}
