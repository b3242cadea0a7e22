/**
 * Kubernetes Secrets as Argo CD stores clusters and repositories in them. `data` is base64,
 * `stringData` plain; like the apiserver, stringData wins where both set a key.
 */
import { z } from 'zod';

export const secretSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).nullish(),
  stringData: z.record(z.string(), z.string()).nullish(),
});

export type Secret = z.infer<typeof secretSchema>;

export const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';

/** The Secret's `argocd.argoproj.io/secret-type` label: cluster, repository, repo-creds, or undefined. */
export function secretType(secret: Secret): string | undefined {
  return secret.metadata.labels?.[SECRET_TYPE_LABEL];
}

/** The Secret's decoded data: base64 `data` overlaid with plain `stringData`. */
export function secretData(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    out[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return Object.assign(out, secret.stringData ?? {});
}
