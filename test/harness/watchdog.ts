// Started detached by processes.ts: argv = [parent pid, state file]. Once the parent is gone, kills
// the process groups and removes the folders the state file lists, then exits. A parent that
// cleaned up after itself leaves an empty (or no) state file, so nothing is left to do.
import { readFileSync, rmSync } from 'node:fs';

const [parentArg, stateFile] = process.argv.slice(2);
const parent = Number(parentArg);
if (!parent || !stateFile) process.exit(2);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function cleanUp(file: string): void {
  let state: { pids?: number[]; dirs?: string[] } = {};
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as typeof state;
  } catch {
    // no state: the parent cleaned up
  }
  for (const pid of state.pids ?? []) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of state.dirs ?? []) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  rmSync(file, { force: true });
}

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  cleanUp(stateFile);
}, 500);
