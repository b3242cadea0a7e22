/**
 * ConfigMaps and Secrets the generators' sources read by name (plugin configuration and tokens,
 * SCM tokens and CA bundles): read through on the hub, each answer kept for a few seconds so a
 * burst of reconciles reads an object once. Secret values stay wrapped in Redacted.
 */
import { secretData, secretSchema } from '../api/secret.ts';
import { Redacted } from '../redact.ts';
import type { KubeClient } from './client.ts';
import { CONFIG_MAPS, SECRETS, type KubeObject } from './types.ts';

export interface SecretView {
  readonly labels: Readonly<Record<string, string>>;
  /** The decoded data (base64 `data` with `stringData` over it). */
  readonly data: Redacted<Readonly<Record<string, string>>>;
}

export interface ObjectReader {
  configMap(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined>;
  secret(namespace: string, name: string): Promise<SecretView | undefined>;
}

const TTL_MS = 5_000;

export function hubObjectReader(client: KubeClient, now: () => number = Date.now): ObjectReader {
  const cache = new Map<string, { readonly at: number; readonly value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit !== undefined && now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { at: now(), value });
    value.catch(() => cache.delete(key));
    return value;
  };
  return {
    configMap: (namespace, name) =>
      cached(`cm/${namespace}/${name}`, async () => {
        const cm = await client.get<KubeObject & { data?: Record<string, string> }>(
          CONFIG_MAPS,
          namespace,
          name,
        );
        return cm === undefined ? undefined : (cm.data ?? {});
      }),
    secret: (namespace, name) =>
      cached(`secret/${namespace}/${name}`, async () => {
        const raw = await client.get(SECRETS, namespace, name);
        if (raw === undefined) return undefined;
        const secret = secretSchema.parse(raw);
        return { labels: secret.metadata.labels ?? {}, data: new Redacted(secretData(secret)) };
      }),
  };
}

/** An ObjectReader over objects in memory (offline: Secrets from the clusters folder; tests). */
export function staticObjectReader(objects: readonly KubeObject[]): ObjectReader {
  const find = (kind: string, namespace: string, name: string): KubeObject | undefined =>
    objects.find(
      (o) => o.kind === kind && o.metadata.name === name && (o.metadata.namespace ?? namespace) === namespace,
    );
  return {
    configMap: (namespace, name) => {
      const cm = find('ConfigMap', namespace, name);
      return Promise.resolve(cm === undefined ? undefined : ((cm.data ?? {}) as Record<string, string>));
    },
    secret: (namespace, name) => {
      const raw = find('Secret', namespace, name);
      if (raw === undefined) return Promise.resolve(undefined);
      const secret = secretSchema.parse(raw);
      return Promise.resolve({
        labels: secret.metadata.labels ?? {},
        data: new Redacted(secretData(secret)),
      });
    },
  };
}
