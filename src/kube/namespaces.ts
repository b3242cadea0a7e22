/**
 * Which namespaces the controller serves: its own (the control plane) plus those allowed by
 * `--applicationset-namespaces`, each a glob (`team-*`) or a /regular expression/.
 */
export type NamespaceFilter = (namespace: string) => boolean;

export function namespaceFilter(controlPlane: string, patterns: readonly string[]): NamespaceFilter {
  const matchers = patterns.map(toMatcher);
  return (namespace) => namespace === controlPlane || matchers.some((m) => m.test(namespace));
}

function toMatcher(pattern: string): RegExp {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/'))
    return new RegExp(pattern.slice(1, -1));
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`);
}
