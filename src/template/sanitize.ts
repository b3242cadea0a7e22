/**
 * Argo CD's name sanitizer (`nameNormalized`, `path.basenameNormalized`, `normalize`): lowercase,
 * every character outside [-a-z0-9.] becomes '-', cut to 253, then leading and trailing '-' and
 * '.' trimmed.
 */
const MAX_DNS_NAME = 253;

export function sanitizeName(name: string): string {
  let out = '';
  for (const char of name) {
    // Go lowercases one rune to one rune; JS may expand (İ → i̇), so keep the first code point.
    const lower = String.fromCodePoint(char.toLowerCase().codePointAt(0)!);
    out += /^[-a-z0-9.]$/.test(lower) ? lower : '-';
  }
  return out.slice(0, MAX_DNS_NAME).replace(/^[-.]+|[-.]+$/g, '');
}
