/**
 * argoproj.io/v1alpha1 ApplicationSet, compatible with Argo CD's YAML. Generators are validated
 * by their own schemas (generators/), so here each entry is only "an object". Unknown fields are
 * kept, not dropped.
 */
import { z } from 'zod';
import { SpokesError } from '../errors.ts';
import { isPlainObject } from '../params.ts';
import { crdAdmissionError } from './crd-validate.ts';
import { parseWith } from './validate.ts';

const stringMap = z.record(z.string(), z.string());

/** Template metadata: the only fields Argo copies onto a generated Application. */
export const templateMetadataSchema = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
  finalizers: z.array(z.string()).nullish(),
});

/** The Application template: strings may hold `{{...}}`, so the spec is checked only for shape. */
export const applicationSetTemplateSchema = z.looseObject({
  metadata: templateMetadataSchema.optional(),
  spec: z.looseObject({}).optional(),
});

export const applicationsSyncPolicies = ['create-only', 'create-update', 'create-delete', 'sync'] as const;
export type ApplicationsSyncPolicy = (typeof applicationsSyncPolicies)[number];

export const applicationSetSpecSchema = z.looseObject({
  generators: z.array(z.record(z.string(), z.unknown())).min(1, 'at least one generator is required'),
  template: applicationSetTemplateSchema,
  templatePatch: z.string().optional(),
  goTemplate: z.boolean().optional(),
  goTemplateOptions: z.array(z.string()).optional(),
  syncPolicy: z
    .looseObject({
      preserveResourcesOnDeletion: z.boolean().optional(),
      applicationsSync: z.enum(applicationsSyncPolicies).optional(),
    })
    .optional(),
  preservedFields: z
    .looseObject({
      annotations: z.array(z.string()).optional(),
      labels: z.array(z.string()).optional(),
    })
    .optional(),
  ignoreApplicationDifferences: z
    .array(
      z.looseObject({
        name: z.string().optional(),
        jsonPointers: z.array(z.string()).optional(),
        jqPathExpressions: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  strategy: z.looseObject({ type: z.string().optional() }).optional(),
});

export const applicationSetSchema = z.looseObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('ApplicationSet'),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: applicationSetSpecSchema,
  status: z.looseObject({}).optional(),
});

export type ApplicationSetTemplate = z.infer<typeof applicationSetTemplateSchema>;
export type ApplicationSetSpec = z.infer<typeof applicationSetSpecSchema>;
export type ApplicationSet = z.infer<typeof applicationSetSchema>;

/** The namespace an ApplicationSet lives in (Argo CD's control-plane namespace when unset). */
export const DEFAULT_NAMESPACE = 'argocd';

export function appSetNamespace(appSet: ApplicationSet): string {
  return appSet.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/** Validates a parsed document as an ApplicationSet; `source` names the file in errors. */
export function parseApplicationSet(value: unknown, source: string): ApplicationSet {
  const named = describeDocument(value);
  const refused = isPlainObject(value) ? crdAdmissionError(value) : undefined;
  if (refused !== undefined)
    throw new SpokesError('InvalidSpec', refused, { path: named === '' ? [source] : [source, named] });
  return parseWith(applicationSetSchema, value, { path: named === '' ? [source] : [source, named] });
}

function describeDocument(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const meta = (value as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  if (typeof meta?.name !== 'string') return '';
  const ns = typeof meta.namespace === 'string' ? meta.namespace : DEFAULT_NAMESPACE;
  return `ApplicationSet ${ns}/${meta.name}`;
}
