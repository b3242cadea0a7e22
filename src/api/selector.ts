import { z } from 'zod';

/** A Kubernetes label selector (matchLabels + matchExpressions). */
export const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).nullish(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string().min(1),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});

export type LabelSelector = z.infer<typeof labelSelectorSchema>;
