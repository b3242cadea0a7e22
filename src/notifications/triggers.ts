/**
 * Triggers (`trigger.<name>`): a list of conditions, each `{when, send, oncePer, description}`.
 * Running one evaluates every condition for an object: `when` must be true (a non-boolean or an
 * error is false), and a true condition's `oncePer` is evaluated and printed with Go's `%v`.
 */
import { createHash } from 'node:crypto';
import { compileExpr, formatV, type Env, type Program } from './expr/index.ts';
import type { ConditionResult } from './state.ts';

export interface Condition {
  readonly when: string;
  readonly oncePer?: string;
  readonly send: readonly string[];
  readonly description?: string;
}

interface CompiledCondition {
  readonly condition: Condition;
  readonly key: string;
  readonly when: Program;
  readonly oncePer: Program | undefined;
}

export interface Trigger {
  readonly name: string;
  readonly conditions: readonly Condition[];
  run(env: Env): TriggerRun;
}

export interface TriggerRun {
  readonly results: readonly ConditionResult[];
  /** Conditions that failed to evaluate: `when` (or `oncePer`) and the error. */
  readonly errors: readonly string[];
}

/** Argo's condition key: `[index].` + base64url(sha1(when)), so editing a condition re-arms it. */
export function conditionKey(index: number, when: string): string {
  return `[${index}].${createHash('sha1').update(when).digest('base64url')}`;
}

/** Compiles a trigger's conditions; a syntax error throws, naming the condition and field. */
export function compileTrigger(name: string, conditions: readonly Condition[]): Trigger {
  const compiled: CompiledCondition[] = conditions.map((condition, i) => ({
    condition,
    key: conditionKey(i, condition.when),
    when: compileField(i, 'when', condition.when || 'false'),
    oncePer: condition.oncePer ? compileField(i, 'oncePer', condition.oncePer) : undefined,
  }));
  return {
    name,
    conditions,
    run(env) {
      const errors: string[] = [];
      const results = compiled.map((c, i): ConditionResult => {
        let triggered = false;
        try {
          triggered = c.when.run(env) === true;
        } catch (err) {
          errors.push(`[${i}].when: ${messageOf(err)}`);
        }
        let oncePer = '';
        if (triggered && c.oncePer !== undefined) {
          try {
            oncePer = formatV(c.oncePer.run(env));
          } catch (err) {
            errors.push(`[${i}].oncePer: ${messageOf(err)}`);
          }
        }
        return { key: c.key, oncePer, templates: c.condition.send, triggered };
      });
      return { results, errors };
    },
  };
}

function compileField(index: number, field: string, source: string): Program {
  try {
    return compileExpr(source);
  } catch (err) {
    throw new Error(`[${index}].${field}: ${messageOf(err)}`, { cause: err });
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
