/**
 * The README's shell blocks, for the test that runs them. Every ```sh block is preceded by an HTML
 * comment saying what happens to it: `<!-- run: STEP -->` (executed by test/e2e/quickstart.test.ts,
 * in order) or `<!-- not run: REASON -->` (what covers it instead), so no command can be added
 * without being run or explained.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const README = path.resolve(import.meta.dirname, '..', '..', 'README.md');

export interface ShellBlock {
  /** The step name of a `run` block; undefined for `not run`. */
  readonly step: string | undefined;
  /** The reason given for a `not run` block. */
  readonly reason: string | undefined;
  readonly script: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

const ANNOTATION = /^<!--\s*(run|not run):\s*(.+?)\s*-->$/;

/** Every ```sh block of the README, with its annotation; an unannotated block is an error. */
export function readmeShellBlocks(file = README): ShellBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```sh') continue;
    const end = lines.findIndex((line, j) => j > i && line.trim() === '```');
    if (end === -1) throw new Error(`${file}:${i + 1}: a \`\`\`sh block is never closed`);
    const annotation = ANNOTATION.exec(lines[i - 1]?.trim() ?? '');
    if (annotation === null) {
      throw new Error(
        `${file}:${i + 1}: a \`\`\`sh block needs "<!-- run: STEP -->" or "<!-- not run: REASON -->" on the line before it`,
      );
    }
    const run = annotation[1] === 'run';
    blocks.push({
      step: run ? annotation[2] : undefined,
      reason: run ? undefined : annotation[2],
      script: lines.slice(i + 1, end).join('\n'),
      line: i + 1,
    });
    i = end;
  }
  return blocks;
}
