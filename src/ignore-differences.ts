/**
 * `ignoreApplicationDifferences`: fields of a generated Application the controller leaves as they
 * are live (someone else owns them, e.g. a sync wave, or a team's manual targetRevision pin).
 * Paths are JSON pointers or jq paths of the forms `.a.b`, `.a["b"]`, `.a[0]`, `.a[]` and
 * `.a[] | select(.k == "v")`; other jq is refused with a clear error.
 */
import { SpokesError } from './errors.ts';
import { groupOf, type KubeObject } from './kube/types.ts';
import { isPlainObject } from './params.ts';

export interface IgnoreRule {
  readonly name?: string | undefined;
  readonly jsonPointers?: readonly string[] | undefined;
  readonly jqPathExpressions?: readonly string[] | undefined;
}

type Step =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'each'; readonly where?: { readonly key: string; readonly value: unknown } };

type Path = readonly Step[];

/** Compiled rules: `keepLive(desired, live, name)` copies each ignored field's live value into desired. */
export function compileIgnoreRules(
  rules: readonly IgnoreRule[],
): (desired: unknown, live: unknown, appName: string) => unknown {
  const compiled = rules.map((rule, i) => ({
    name: rule.name,
    paths: [
      ...(rule.jsonPointers ?? []).map((p, j) =>
        parsePointer(p, `ignoreApplicationDifferences[${i}].jsonPointers[${j}]`),
      ),
      ...(rule.jqPathExpressions ?? []).map((p, j) =>
        parseJqPath(p, `ignoreApplicationDifferences[${i}].jqPathExpressions[${j}]`),
      ),
    ],
  }));
  return (desired, live, appName) => {
    let out = structuredClone(desired);
    for (const rule of compiled) {
      if (rule.name !== undefined && rule.name !== '' && rule.name !== appName) continue;
      for (const path of rule.paths) out = copyAt(out, live, path);
    }
    return out;
  };
}

/** One `spec.ignoreDifferences` entry of an Application. */
export interface ResourceIgnoreRule extends IgnoreRule {
  readonly group?: string | undefined;
  readonly kind: string;
  readonly namespace?: string | undefined;
}

/** The target with the fields its matching ignore rules name taken from live. */
export function withIgnoredFromLive(
  target: KubeObject,
  live: KubeObject,
  rules: readonly ResourceIgnoreRule[],
): KubeObject {
  const matching = rules.filter(
    (rule) =>
      (rule.group ?? '') === groupOf(target.apiVersion) &&
      rule.kind === target.kind &&
      anyOrEqual(rule.name, target.metadata.name) &&
      anyOrEqual(rule.namespace, target.metadata.namespace ?? ''),
  );
  if (matching.length === 0) return target;
  const keepLive = compileIgnoreRules(
    matching.map(({ jsonPointers, jqPathExpressions }) => ({ jsonPointers, jqPathExpressions })),
  );
  return keepLive(target, live, '') as KubeObject;
}

function anyOrEqual(want: string | undefined, have: string): boolean {
  return want === undefined || want === '' || want === have;
}

function parsePointer(pointer: string, field: string): Path {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw new SpokesError('InvalidSpec', `spec.${field}: a JSON pointer starts with "/", got "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((key) => (/^\d+$/.test(key) ? { kind: 'index', index: Number(key) } : { kind: 'key', key }));
}

const JQ_STEP = /^(?:\.([A-Za-z_][\w-]*)|\.?\["([^"]*)"\]|\.?\[(\d+)\]|\.?\[\])/;
const JQ_SELECT =
  /^\s*\|\s*select\(\s*\.([A-Za-z_][\w-]*)\s*==\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)\s*\)/;

function parseJqPath(expression: string, field: string): Path {
  const steps: Step[] = [];
  let rest = expression.trim();
  if (rest === '.') return [];
  while (rest !== '') {
    const match = JQ_STEP.exec(rest);
    if (match === null) {
      throw new SpokesError(
        'InvalidSpec',
        `spec.${field}: unsupported jq path "${expression}" (supported: .a.b, .a["b"], .a[0], .a[], .a[] | select(.k == "v"))`,
      );
    }
    rest = rest.slice(match[0].length);
    if (match[1] !== undefined || match[2] !== undefined)
      steps.push({ kind: 'key', key: (match[1] ?? match[2])! });
    else if (match[3] !== undefined) steps.push({ kind: 'index', index: Number(match[3]) });
    else {
      const select = JQ_SELECT.exec(rest);
      if (select !== null) rest = rest.slice(select[0].length);
      steps.push(
        select
          ? { kind: 'each', where: { key: select[1]!, value: JSON.parse(select[2]!) as unknown } }
          : { kind: 'each' },
      );
    }
  }
  return steps;
}

/** `target` with the value at `path` replaced by live's value there (removed where live has none). */
function copyAt(target: unknown, live: unknown, path: Path): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return structuredClone(live);
  if (step.kind === 'key') {
    if (!isPlainObject(target)) return target;
    const liveChild = isPlainObject(live) ? live[step.key] : undefined;
    const out = { ...target };
    if (rest.length === 0 && liveChild === undefined) delete out[step.key];
    else if (rest.length === 0) out[step.key] = structuredClone(liveChild);
    else out[step.key] = copyAt(out[step.key], liveChild, rest);
    return out;
  }
  if (!Array.isArray(target)) return target;
  const list = target as unknown[];
  const liveList: unknown[] = Array.isArray(live) ? (live as unknown[]) : [];
  if (step.kind === 'index') {
    const out = [...list];
    if (step.index < out.length) out[step.index] = copyAt(out[step.index], liveList[step.index], rest);
    return out;
  }
  const where = step.where;
  if (where === undefined) return list.map((item, i) => copyAt(item, liveList[i], rest));
  const matches = (item: unknown): boolean => isPlainObject(item) && item[where.key] === where.value;
  return list.map((item) => (matches(item) ? copyAt(item, liveList.find(matches), rest) : item));
}
