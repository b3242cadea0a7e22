import type { z } from 'zod';
import { SpokesError, type ErrorCode } from '../errors.ts';

/** Parses `value` with `schema`, or throws one error naming the first bad field under `path`. */
export function parseWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  where: { readonly path: readonly string[]; readonly field?: string; readonly code?: ErrorCode },
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = joinField(where.field ?? '', issue.path);
  const detail = field === '' ? describeIssue(issue) : `${field}: ${describeIssue(issue)}`;
  throw new SpokesError(where.code ?? 'InvalidSpec', detail, { path: where.path });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** `spec.generators` + [0, 'list'] → `spec.generators[0].list`. */
export function joinField(base: string, segments: readonly PropertyKey[]): string {
  let out = base;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
