/**
 * argoproj.io/v1alpha1 Application, as Argo CD's YAML has it. Known fields are typed; unknown
 * fields are kept (loose objects), so existing manifests pass through unchanged.
 */
import { z } from 'zod';

export const API_VERSION = 'argoproj.io/v1alpha1';
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

const stringMap = z.record(z.string(), z.string());

export const applicationSourceSchema = z.looseObject({
  repoURL: z.string(),
  path: z.string().optional(),
  targetRevision: z.string().optional(),
  chart: z.string().optional(),
  ref: z.string().optional(),
  name: z.string().optional(),
  helm: z.looseObject({}).optional(),
  kustomize: z.looseObject({}).optional(),
  directory: z.looseObject({}).optional(),
  plugin: z.looseObject({}).optional(),
});

export const applicationDestinationSchema = z.looseObject({
  server: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});

export const applicationSpecSchema = z.looseObject({
  project: z.string(),
  source: applicationSourceSchema.optional(),
  sources: z.array(applicationSourceSchema).optional(),
  destination: applicationDestinationSchema,
  syncPolicy: z.looseObject({}).optional(),
  ignoreDifferences: z.array(z.looseObject({})).optional(),
  info: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
  revisionHistoryLimit: z.number().int().optional(),
});

export const applicationMetadataSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  finalizers: z.array(z.string()).optional(),
});

export const applicationSchema = z.looseObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Application'),
  metadata: applicationMetadataSchema,
  spec: applicationSpecSchema,
  status: z.looseObject({}).optional(),
  operation: z.looseObject({}).optional(),
});

export type ApplicationSource = z.infer<typeof applicationSourceSchema>;
export type ApplicationSpec = z.infer<typeof applicationSpecSchema>;
export type Application = z.infer<typeof applicationSchema>;
