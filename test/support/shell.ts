/**
 * One bash session that runs scripts one after another, as a user typing them would: variables
 * and background jobs carry over. Each script's stdout is returned; a failing command (bash -e)
 * ends the session and rejects with what it printed. `stop()` ends the session's whole process
 * group, background jobs included.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ShellResult {
  readonly stdout: string;
  readonly stderr: string;
}

export class ShellSession {
  readonly #child: ChildProcessWithoutNullStreams;
  #stdout = '';
  #stderr = '';
  #exited: Promise<number | null>;
  #count = 0;

  constructor(options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.#child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail'], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
    });
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.#stdout += chunk));
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    this.#exited = new Promise((resolve) => this.#child.on('exit', (code) => resolve(code)));
    // Background jobs must not outlive the test process, however it ends.
    process.once('exit', () => this.#signal('SIGKILL'));
  }

  /** Runs `script` and resolves with what it printed, once it is done (`timeoutMs` bounds it). */
  async run(script: string, timeoutMs = 120_000): Promise<ShellResult> {
    const marker = `__spokes_step_${++this.#count}_done__`;
    const [outStart, errStart] = [this.#stdout.length, this.#stderr.length];
    this.#child.stdin.write(`${script}\necho ${marker}\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.#stdout.indexOf(`${marker}\n`, outStart);
      if (at !== -1) {
        return { stdout: this.#stdout.slice(outStart, at), stderr: this.#stderr.slice(errStart) };
      }
      const exited = await Promise.race([this.#exited, sleep(50).then(() => undefined)]);
      if (exited !== undefined || Date.now() > deadline) {
        const why = exited !== undefined ? `the shell exited (${exited})` : `timed out after ${timeoutMs} ms`;
        throw new Error(
          `${why} running:\n${script}\n--- stdout\n${this.#stdout.slice(outStart)}\n--- stderr\n${this.#stderr.slice(errStart)}`,
        );
      }
    }
  }

  /** Ends the session and its background jobs: SIGTERM to the group, SIGKILL after 5 s. */
  async stop(): Promise<void> {
    this.#signal('SIGTERM');
    await Promise.race([this.#exited, sleep(5_000)]);
    this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals): void {
    if (this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, signal);
    } catch {
      // the group is gone
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
