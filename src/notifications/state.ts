/**
 * What has been sent, kept on the object itself as Argo CD keeps it: the
 * `notified.notifications.argoproj.io` annotation, a JSON map from
 * `[oncePer:]trigger:[i].hash:service:recipient` to the Unix time it was sent. A key is set when a
 * condition's notification is delivered and removed (re-armed) when the condition turns false,
 * unless it carries an oncePer value; at most 100 keys are kept, the oldest dropped first. The
 * format is Argo's byte for byte, so moving between Argo CD and Spokes neither re-sends nor drops.
 */
export const NOTIFIED_ANNOTATION = 'notified.notifications.argoproj.io';

/** Keys kept at most (Argo's notifiedHistoryMaxSize). */
export const MAX_STATE_KEYS = 100;

export interface Destination {
  readonly service: string;
  readonly recipient: string;
}

/** One condition of a trigger, evaluated for one object. */
export interface ConditionResult {
  /** `[index].<base64url(sha1(when))>`: changes when the condition's text does. */
  readonly key: string;
  /** The oncePer value (`%v` of the expression), or "" when the condition has none or is false. */
  readonly oncePer: string;
  readonly templates: readonly string[];
  readonly triggered: boolean;
}

export function stateKey(trigger: string, result: ConditionResult, dest: Destination): string {
  const key = `${trigger}:${result.key}:${dest.service}:${dest.recipient}`;
  return result.oncePer === '' ? key : `${result.oncePer}:${key}`;
}

export class NotifiedState {
  readonly #sent: Map<string, number>;
  /** The keys as loaded, before this pass changed anything. */
  readonly #initial: ReadonlySet<string>;
  /** Changed since loaded or last serialized. */
  #dirty = false;

  private constructor(sent: Map<string, number>) {
    this.#sent = sent;
    this.#initial = new Set(sent.keys());
  }

  /** From the annotation; anything unreadable is an empty state, as in Argo CD. */
  static parse(annotation: string | undefined): NotifiedState {
    const sent = new Map<string, number>();
    if (annotation !== undefined && annotation !== '') {
      try {
        const parsed = JSON.parse(annotation) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          for (const [key, value] of Object.entries(parsed))
            if (typeof value === 'number') sent.set(key, value);
        }
      } catch {
        // An unreadable annotation is an empty state.
      }
    }
    return new NotifiedState(sent);
  }

  has(key: string): boolean {
    return this.#sent.has(key);
  }

  /**
   * Marks a destination notified (or re-arms it); returns whether anything changed. A condition
   * with an oncePer value is never re-armed: its key stays until it ages out.
   */
  set(key: string, result: ConditionResult, notified: boolean, nowSeconds: number): boolean {
    if (this.#sent.has(key) === notified) return false;
    if (notified) {
      this.#sent.set(key, nowSeconds);
      this.#dirty = true;
      return true;
    }
    if (result.oncePer !== '') return false;
    this.#sent.delete(key);
    this.#dirty = true;
    return true;
  }

  /** Whether anything changed since it was loaded or last serialized. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** True when, before this pass, any destination had been notified about `trigger`. */
  wasNotified(trigger: string): boolean {
    const marker = `${trigger}:[`;
    for (const key of this.#initial) {
      const at = key.indexOf(marker);
      if (at === 0 || (at > 0 && key[at - 1] === ':')) return true;
    }
    return false;
  }

  /** The annotation value (keys sorted, as Go's encoding/json writes a map), or undefined when empty. */
  serialize(): string | undefined {
    this.#dirty = false;
    this.#truncate();
    if (this.#sent.size === 0) return undefined;
    const sorted = [...this.#sent.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(Object.fromEntries(sorted));
  }

  #truncate(): void {
    const excess = this.#sent.size - MAX_STATE_KEYS;
    if (excess <= 0) return;
    const oldest = [...this.#sent.entries()].sort((a, b) => a[1] - b[1]).slice(0, excess);
    for (const [key] of oldest) this.#sent.delete(key);
  }
}
