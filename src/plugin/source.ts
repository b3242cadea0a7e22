/**
 * Where plugin calls go. In the controller: the ConfigMap named by `configMapRef` in the
 * control-plane namespace gives `baseUrl`, `token` (`$key` in argocd-secret, or
 * `$secret-name:key`) and `requestTimeout`, exactly as Argo CD reads them. Offline (`spokes
 * generate --plugin NAME=URL`): NAME's calls go to URL, or, when URL is a file, the file is the
 * recorded answer.
 */
import { readFile } from 'node:fs/promises';
import { SpokesError } from '../errors.ts';
import type { ObjectReader } from '../kube/objects.ts';
import { parseYamlValue } from '../yaml.ts';
import { callPlugin, DEFAULT_PLUGIN_TIMEOUT_SECONDS } from './client.ts';
import type { PluginSource } from './types.ts';

/** Argo CD's default Secret for `$key` references. */
export const ARGOCD_SECRET = 'argocd-secret';

export interface HubPluginOptions {
  readonly objects: ObjectReader;
  /** The control-plane namespace: plugin ConfigMaps and token Secrets live there. */
  readonly namespace: string;
  readonly maxResponseBytes?: number;
}

export function hubPluginSource(options: HubPluginOptions): PluginSource {
  return {
    async call(name, request) {
      const { objects, namespace } = options;
      const where = `ConfigMap ${namespace}/${name}`;
      const data = await objects.configMap(namespace, name);
      if (data === undefined)
        throw new SpokesError('ObjectNotFound', `error fetching ConfigMap: ${where} not found`);
      const baseUrl = data.baseUrl ?? '';
      if (baseUrl === '') throw new SpokesError('InvalidSpec', `${where}: baseUrl not found in ConfigMap`);
      const tokenRef = data.token ?? '';
      if (tokenRef === '') throw new SpokesError('InvalidSpec', `${where}: token not found in ConfigMap`);
      const token = await resolveToken(objects, namespace, tokenRef, where);
      return callPlugin({
        plugin: name,
        baseUrl,
        token,
        timeoutSeconds: requestTimeout(data.requestTimeout, where),
        request,
        ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
      });
    },
  };
}

/** `$key` (in argocd-secret) or `$secret:key`; the value trimmed, as Argo CD does. */
async function resolveToken(
  objects: ObjectReader,
  namespace: string,
  ref: string,
  where: string,
): Promise<string> {
  if (!ref.startsWith('$')) {
    throw new SpokesError(
      'InvalidSpec',
      `${where}: token does not reference a secret key starting with '$' (expected $key or $secret-name:key)`,
    );
  }
  const colon = ref.indexOf(':');
  const [secretName, key] =
    colon < 0 ? [ARGOCD_SECRET, ref.slice(1)] : [ref.slice(1, colon), ref.slice(colon + 1)];
  const secret = await objects.secret(namespace, secretName);
  if (secret === undefined)
    throw new SpokesError(
      'ObjectNotFound',
      `${where}: error fetching secret ${namespace}/${secretName}: not found`,
    );
  const value = secret.data.reveal()[key];
  if (value === undefined)
    throw new SpokesError(
      'ObjectNotFound',
      `${where}: key "${key}" not found in Secret ${namespace}/${secretName}`,
    );
  return value.trim();
}

function requestTimeout(text: string | undefined, where: string): number {
  if (text === undefined) return DEFAULT_PLUGIN_TIMEOUT_SECONDS;
  if (!/^[+-]?\d+$/.test(text.trim()))
    throw new SpokesError(
      'InvalidSpec',
      `${where}: requestTimeout: expected a whole number of seconds, got "${text}"`,
    );
  const seconds = Number(text);
  return seconds === 0 ? DEFAULT_PLUGIN_TIMEOUT_SECONDS : seconds;
}

export interface OfflinePlugin {
  /** An http(s) base URL to call, or a file holding the recorded answer. */
  readonly target: string;
  /** The bearer token for http(s) targets ('' for none). */
  readonly token: string;
}

export function offlinePluginSource(plugins: ReadonlyMap<string, OfflinePlugin>): PluginSource {
  return {
    async call(name, request) {
      const plugin = plugins.get(name);
      if (plugin === undefined) {
        throw new SpokesError(
          'SourceUnavailable',
          `plugin "${name}" is not available offline; pass --plugin ${name}=URL (its base URL, or a file with its recorded answer)`,
        );
      }
      if (/^https?:\/\//.test(plugin.target)) {
        return callPlugin({
          plugin: name,
          baseUrl: plugin.target,
          token: plugin.token,
          timeoutSeconds: DEFAULT_PLUGIN_TIMEOUT_SECONDS,
          request,
        });
      }
      const text = await readFile(plugin.target, 'utf8').catch((err: unknown) => {
        throw new SpokesError(
          'Io',
          `plugin "${name}": cannot read ${plugin.target}: ${(err as Error).message}`,
        );
      });
      return text.trim() === '' ? undefined : parseYamlValue(text, plugin.target);
    },
  };
}
