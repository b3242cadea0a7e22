import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret value so that it cannot leak by accident: JSON.stringify, String(), template
 * rendering and util.inspect (console.log, loggers) all see "[redacted]". Only `reveal()` gives it back.
 */
export class Redacted<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
