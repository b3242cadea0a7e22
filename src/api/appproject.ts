/**
 * argoproj.io/v1alpha1 AppProject: the fields Spokes enforces before applying anything (source
 * repositories, destinations, resource allow/deny lists). Unknown fields are kept.
 */
import { z } from 'zod';

const groupKind = z.looseObject({ group: z.string().default(''), kind: z.string() });
const clusterResource = groupKind.extend({ name: z.string().optional() });

export const appProjectSpecSchema = z.looseObject({
  sourceRepos: z.array(z.string()).optional(),
  destinations: z
    .array(
      z.looseObject({
        server: z.string().optional(),
        name: z.string().optional(),
        namespace: z.string().optional(),
      }),
    )
    .optional(),
  clusterResourceWhitelist: z.array(clusterResource).optional(),
  clusterResourceBlacklist: z.array(clusterResource).optional(),
  namespaceResourceWhitelist: z.array(groupKind).optional(),
  namespaceResourceBlacklist: z.array(groupKind).optional(),
});

export const appProjectSchema = z.looseObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('AppProject'),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
  spec: appProjectSpecSchema,
});

export type AppProjectSpec = z.infer<typeof appProjectSpecSchema>;
export type AppProject = z.infer<typeof appProjectSchema>;
