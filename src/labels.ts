/** Kubernetes label-selector matching (matchLabels AND every matchExpression). */
import type { LabelSelector } from './api/selector.ts';

export type Labels = Readonly<Record<string, string>>;

/** True when the selector has no requirements at all (it selects everything). */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return (
    selector === undefined ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((expr) => {
    const has = Object.hasOwn(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        return has && values.includes(labels[expr.key]!);
      case 'NotIn':
        return !has || !values.includes(labels[expr.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/** Why a selector is malformed (In/NotIn need values, Exists/DoesNotExist take none), or undefined. */
export function selectorProblem(selector: LabelSelector): string | undefined {
  for (const [i, expr] of (selector.matchExpressions ?? []).entries()) {
    const count = expr.values?.length ?? 0;
    const needsValues = expr.operator === 'In' || expr.operator === 'NotIn';
    if (needsValues && count === 0) {
      return `matchExpressions[${i}]: operator ${expr.operator} needs at least one value`;
    }
    if (!needsValues && count > 0) {
      return `matchExpressions[${i}]: operator ${expr.operator} takes no values`;
    }
  }
  return undefined;
}
