/**
 * `spokes dashboard`: the dashboard alone, from a laptop, against a hub, as the kubeconfig's
 * identity. A browser signs in with the one-time link printed at start (or a bearer token); the
 * hub's RBAC decides what each session sees and may do. Stops on SIGTERM/SIGINT.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Dashboard } from '../dashboard/dashboard.ts';
import { whoAmI, type User } from '../dashboard/auth/identity.ts';
import { createRepoSource } from '../git/index.ts';
import { parseRepoMappings } from '../git/repo-flags.ts';
import type { KubeClient } from '../kube/client.ts';
import { createLogger } from '../log.ts';
import type { DashboardConfig } from './config.ts';
import { serveDashboard } from './run.ts';

export interface StandaloneOptions {
  readonly config: DashboardConfig;
  readonly hub: KubeClient;
  /** Where kustomize and helm are looked up when no path flag names them. */
  readonly toolSearchPath: string;
  /** Told the sign-in link once the server listens. */
  readonly announce: (link: string) => void;
  /** Aborts to stop (default: SIGTERM or SIGINT). */
  readonly signal?: AbortSignal;
}

/** A sign-in code valid once: the link is for the person who started the command. */
export function oneTimeCode(hub: KubeClient): {
  code: string;
  take(code: string): Promise<User | undefined>;
} {
  const code = randomBytes(24).toString('base64url');
  let used = false;
  return {
    code,
    async take(sent) {
      const a = Buffer.from(sent);
      const b = Buffer.from(code);
      if (used || a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
      used = true;
      return whoAmI(hub);
    },
  };
}

export async function runDashboard(options: StandaloneOptions): Promise<number> {
  const { config, hub } = options;
  const log = createLogger({ level: config['log-level'] });
  const repos = createRepoSource({
    localRepos: parseRepoMappings(config.repo),
    ...(config['repo-cache-dir'] ? { cacheDir: config['repo-cache-dir'] } : {}),
    credentials: () => [],
    log,
  });
  const signIn = oneTimeCode(hub);
  const dashboard = new Dashboard({
    hub,
    namespace: config.namespace,
    appNamespaces: config['applicationset-namespaces'],
    repos,
    tools: {
      searchPath: options.toolSearchPath,
      ...(config['kustomize-path'] ? { kustomize: config['kustomize-path'] } : {}),
      ...(config['helm-path'] ? { helm: config['helm-path'] } : {}),
    },
    log,
    secureCookie: config['secure-cookie'] === 'true',
    oneTimeSignIn: signIn,
  });
  const served = await serveDashboard(dashboard, config.address, log);
  const port = served!.port;
  const host = config.address.slice(0, config.address.lastIndexOf(':')) || '127.0.0.1';
  // The code is in the fragment: browsers never send it to a server or into a log.
  options.announce(`http://${host.includes(':') ? `[${host}]` : host}:${port}/login#code=${signIn.code}`);
  await new Promise<void>((resolve) => {
    if (options.signal) {
      options.signal.addEventListener('abort', () => resolve());
      return;
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  await served!.stop();
  repos.close();
  return 0;
}
