// Child processes that never outlive the test: each server runs in its own process group, and
// every group still running is killed when this process exits, is interrupted (SIGINT/SIGTERM),
// or dies outright (a detached watchdog notices the parent is gone and cleans up after it).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited, for any reason. */
  readonly exited: Promise<string>;
  /** True once the process has exited. */
  readonly done: () => boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

export interface StartOptions {
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

const live = new Map<number, ManagedProcess>();
const tempDirs = new Set<string>();
let watchdogStateFile: string | undefined;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every live process group at once and removes registered temp dirs (synchronous). */
export function killEverything(): void {
  for (const pid of live.keys()) killGroup(pid, 'SIGKILL');
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.clear();
  writeWatchdogState();
}

function installHandlers(): void {
  if (watchdogStateFile) return;
  watchdogStateFile = path.join(tmpdir(), `spokes-e2e-watchdog-${process.pid}.json`);
  writeWatchdogState();
  startWatchdog(watchdogStateFile);
  process.on('exit', () => {
    killEverything();
    if (watchdogStateFile) rmSync(watchdogStateFile, { force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killEverything();
      // Let the default action (or another handler, such as the test runner's) end the process.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function writeWatchdogState(): void {
  if (!watchdogStateFile) return;
  const state = { pids: [...live.keys()], dirs: [...tempDirs] };
  writeFileSync(watchdogStateFile, JSON.stringify(state));
}

/**
 * The watchdog is a detached process that kills the groups and removes the folders listed in the
 * state file once this process is gone without having cleaned up (SIGKILL, a native crash).
 */
function startWatchdog(stateFile: string): void {
  const script = path.join(import.meta.dirname, 'watchdog.ts');
  const watchdog = spawn(process.execPath, [script, String(process.pid), stateFile], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

/** Registers a folder to delete when everything is killed. */
export function trackTempDir(dir: string): void {
  installHandlers();
  tempDirs.add(dir);
  writeWatchdogState();
}

export function untrackTempDir(dir: string): void {
  tempDirs.delete(dir);
  writeWatchdogState();
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts `command` in a new process group, stdout and stderr appended to `logFile`. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions,
): ManagedProcess {
  installHandlers();
  const fd = openSync(options.logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: options.env ?? {} });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${name} (${command})`);
  let finished = false;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      finished = true;
      live.delete(pid);
      writeWatchdogState();
      resolve(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });
  const managed: ManagedProcess = {
    name,
    pid,
    logFile: options.logFile,
    exited,
    done: () => finished,
    async stop(graceMs = 10_000) {
      if (finished) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The group may hold helpers the leader left behind.
      killGroup(pid, 'SIGKILL');
    },
    logTail: (lines = 20) => tail(options.logFile, lines),
  };
  live.set(pid, managed);
  writeWatchdogState();
  return managed;
}
