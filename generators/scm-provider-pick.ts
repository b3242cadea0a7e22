/**
 * Which provider block a pullRequest or scmProvider spec names: the first one set, in Argo CD's
 * order. Blocks for providers Spokes does not talk to yet are refused by name.
 */
import { SpokesError } from '../src/errors.ts';
import { SUPPORTED_PROVIDERS } from '../src/scm/config.ts';

/** The provider block, typed as `P`: the spec's zod schema has already validated the block. */
export function pickProvider<P extends { readonly kind: string; readonly spec: unknown }>(
  spec: Readonly<Record<string, unknown>>,
  order: readonly string[],
  what: 'Pull Request' | 'SCM',
): P {
  const kind = order.find((key) => spec[key] !== undefined && spec[key] !== null);
  if (kind === undefined) {
    throw new SpokesError(
      'InvalidSpec',
      `no ${what} provider implementation configured (set one of ${order.join(', ')})`,
    );
  }
  if (!(SUPPORTED_PROVIDERS as readonly string[]).includes(kind)) {
    throw new SpokesError(
      'NotSupported',
      `${kind}: the ${kind} ${what} provider is not supported by Spokes yet (supported: ${SUPPORTED_PROVIDERS.join(', ')})`,
    );
  }
  return { kind, spec: spec[kind] } as P;
}
