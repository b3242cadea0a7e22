/**
 * Reads git objects through one long-lived `git cat-file --batch` process per repository: a
 * request is one line on stdin, replies come back in order. An object over the caller's size limit
 * is skipped as it streams by, never held in memory. The process does not keep Node alive while
 * idle, and ends with `close()` (or when Node exits and its stdin closes).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type ObjectRead =
  | { readonly type: string; readonly size: number; readonly data: Buffer }
  | { readonly type: string; readonly size: number; readonly tooLarge: true };

export interface ObjectReaderOptions {
  readonly gitDir: string;
  readonly binary: string;
  readonly env: Readonly<Record<string, string>>;
}

interface Pending {
  readonly maxBytes: number;
  resolve(reply: ObjectRead | undefined): void;
  reject(err: Error): void;
}

/** The reply being received: its header is parsed, its content still streaming in. */
interface Receiving {
  readonly type: string;
  readonly size: number;
  readonly keep: boolean;
  readonly chunks: Buffer[];
  /** Content bytes (plus the trailing newline) still to come. */
  remaining: number;
}

const LF = 0x0a;

export class ObjectReader {
  readonly #options: ObjectReaderOptions;
  #child: ChildProcessWithoutNullStreams | undefined;
  #queue: Pending[] = [];
  #head = 0;
  #header: Buffer = Buffer.alloc(0);
  #receiving: Receiving | undefined;
  #stderr = '';
  #outbox: string[] = [];

  constructor(options: ObjectReaderOptions) {
    this.#options = options;
  }

  /** The object's bytes (or just its size when over `maxBytes`); undefined when the repository lacks it. */
  read(oid: string, maxBytes: number): Promise<ObjectRead | undefined> {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid))
      return Promise.reject(new Error(`not an object id: ${oid}`));
    const child = this.#child ?? this.#start();
    return new Promise((resolve, reject) => {
      if (this.#pending() === 0) setRef(child, true);
      this.#queue.push({ maxBytes, resolve, reject });
      this.#send(child, `${oid}\n`);
    });
  }

  /** Requests made in the same turn of the event loop go out in one write. */
  #send(child: ChildProcessWithoutNullStreams, line: string): void {
    this.#outbox.push(line);
    if (this.#outbox.length > 1) return;
    setImmediate(() => {
      const lines = this.#outbox.join('');
      this.#outbox = [];
      if (this.#child === child) child.stdin.write(lines);
    });
  }

  close(): void {
    this.#child?.stdin.end();
    this.#child?.kill();
    this.#child = undefined;
  }

  #pending(): number {
    return this.#queue.length - this.#head;
  }

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.#options.binary, ['cat-file', '--batch'], {
      cwd: this.#options.gitDir,
      env: this.#options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#header = Buffer.alloc(0);
    this.#receiving = undefined;
    this.#stderr = '';
    child.stdout.on('data', (chunk: Buffer) => this.#onData(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.on('error', (err) => this.#fail(child, err));
    child.on('exit', (code) =>
      this.#fail(child, new Error(`git cat-file exited (${code}): ${this.#stderr.trim()}`)),
    );
    child.stdin.on('error', (err) => this.#fail(child, err));
    setRef(child, false);
    return child;
  }

  #fail(child: ChildProcessWithoutNullStreams, err: Error): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    const pending = this.#queue.slice(this.#head);
    this.#queue = [];
    this.#head = 0;
    for (const p of pending) p.reject(err);
  }

  #onData(chunk: Buffer): void {
    let rest: Buffer = chunk;
    while (rest.length > 0) {
      rest = this.#receiving === undefined ? this.#onHeader(rest) : this.#onContent(this.#receiving, rest);
    }
  }

  /** Consumes header bytes; returns what follows the header line (or nothing while incomplete). */
  #onHeader(chunk: Buffer): Buffer {
    const eol = chunk.indexOf(LF);
    if (eol < 0) {
      this.#header = Buffer.concat([this.#header, chunk]);
      return Buffer.alloc(0);
    }
    const line = Buffer.concat([this.#header, chunk.subarray(0, eol)]).toString('utf8');
    this.#header = Buffer.alloc(0);
    const [, type, size] = line.split(' ');
    const request = this.#queue[this.#head];
    if (type === undefined || size === undefined || request === undefined) {
      this.#settle(undefined); // "<oid> missing" or "<oid> ambiguous"
    } else {
      const bytes = Number(size);
      this.#receiving = {
        type,
        size: bytes,
        keep: bytes <= request.maxBytes,
        chunks: [],
        remaining: bytes + 1,
      };
    }
    return chunk.subarray(eol + 1);
  }

  #onContent(receiving: Receiving, chunk: Buffer): Buffer {
    const take = Math.min(receiving.remaining, chunk.length);
    if (receiving.keep) receiving.chunks.push(chunk.subarray(0, take));
    receiving.remaining -= take;
    if (receiving.remaining === 0) {
      this.#receiving = undefined;
      const { type, size } = receiving;
      if (!receiving.keep) this.#settle({ type, size, tooLarge: true });
      else this.#settle({ type, size, data: Buffer.concat(receiving.chunks).subarray(0, size) });
    }
    return chunk.subarray(take);
  }

  #settle(reply: ObjectRead | undefined): void {
    const request = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
      if (this.#child) setRef(this.#child, false);
    }
    request?.resolve(reply);
  }
}

/** A process with no request in flight must not keep Node running. */
function setRef(child: ChildProcessWithoutNullStreams, ref: boolean): void {
  // The pipes are sockets at runtime, which can be (un)referenced like the process.
  const targets = [child, child.stdout, child.stderr, child.stdin] as unknown as Refable[];
  for (const target of targets) {
    if (ref) target.ref();
    else target.unref();
  }
}

interface Refable {
  ref(): void;
  unref(): void;
}
