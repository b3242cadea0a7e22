/**
 * Secret values never reach logs or Events: an error text (a receiver may echo a request back, a
 * URL may carry a token from the Secret) has every value of argocd-notifications-secret replaced.
 */
const REDACTED = '[redacted]';
/** Shorter values are too likely to be ordinary words to replace everywhere. */
const MIN_LENGTH = 4;

export function secretScrubber(values: readonly string[]): (text: string) => string {
  const secrets = [...new Set(values.filter((v) => v.length >= MIN_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.replaceAll(secret, REDACTED), text);
}
