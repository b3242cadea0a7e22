/**
 * A running operation's progress, written to the hub at a bounded rate: the first report at once,
 * later ones at most every `intervalMs` (only the newest of a burst is written), one write at a
 * time. `settle()` waits for the write in flight and drops what is pending, so the final status
 * written after the operation is never overtaken by a late progress write.
 */
import type { KubeObject } from '../kube/types.ts';
import type { ResourceResult } from './operation.ts';

export interface OperationProgress {
  /** What the operation is doing or waiting for, as Argo CD words it. */
  readonly message: string;
  /** Per-resource results so far. */
  readonly resources: readonly ResourceResult[];
  /** What the apiserver answered for each resource applied so far, by target key. */
  readonly applied: ReadonlyMap<string, KubeObject>;
  /** Set while the destination cluster does not answer: why. */
  readonly unreachable?: string;
}

export type ProgressSink = (progress: OperationProgress) => void;

export class ProgressWriter {
  readonly #write: (progress: OperationProgress) => Promise<void>;
  readonly #intervalMs: number;
  readonly #onError: (err: unknown) => void;
  #pending: OperationProgress | undefined;
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #settled = false;

  constructor(options: {
    readonly write: (progress: OperationProgress) => Promise<void>;
    readonly intervalMs: number;
    readonly onError: (err: unknown) => void;
  }) {
    this.#write = options.write;
    this.#intervalMs = options.intervalMs;
    this.#onError = options.onError;
  }

  readonly report: ProgressSink = (progress) => {
    if (this.#settled) return;
    this.#pending = progress;
    this.#schedule();
  };

  /** Waits for the write in flight; nothing pending is written after this. */
  async settle(): Promise<void> {
    this.#settled = true;
    this.#pending = undefined;
    clearTimeout(this.#timer);
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#inFlight !== undefined || this.#timer !== undefined) return;
    const wait = this.#lastWriteAt + this.#intervalMs - Date.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, wait);
      return;
    }
    const progress = this.#pending;
    if (progress === undefined) return;
    this.#pending = undefined;
    this.#lastWriteAt = Date.now();
    this.#inFlight = this.#write(progress)
      .catch(this.#onError)
      .finally(() => {
        this.#inFlight = undefined;
        if (this.#pending !== undefined && !this.#settled) this.#schedule();
      });
  }
}
