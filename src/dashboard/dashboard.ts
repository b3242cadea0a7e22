/**
 * The dashboard component: the hub's state through one set of watches, served to browsers as a
 * fleet grid and per-object pages with live updates, behind sign-in and the hub's own RBAC.
 * The process serves its routes on their own listener (`--dashboard-address`), on every replica:
 * it only reads and writes hub objects, so it needs no leadership.
 */
import type { RepoSource } from '../git/types.ts';
import type { KubeClient } from '../kube/client.ts';
import type { SharedInformers } from '../kube/shared-informers.ts';
import type { Logger } from '../log.ts';
import type { ChartSource } from '../charts/index.ts';
import { createRenderer, type RenderRepos, type ToolOptions } from '../render/index.ts';
import { Actions } from './actions.ts';
import { loadAssets, type Assets } from './assets.ts';
import { AccessReviewer } from './auth/access.ts';
import type { User } from './auth/identity.ts';
import { SignInLimiter } from './auth/rate-limit.ts';
import { Sessions } from './auth/sessions.ts';
import type { Route } from './http.ts';
import { dashboardRoutes } from './routes.ts';
import { SpokeClients } from './spokes.ts';
import { FleetStore } from './store.ts';
import { Views } from './views.ts';

export interface DashboardOptions {
  readonly hub: KubeClient;
  readonly namespace: string;
  readonly appNamespaces?: readonly string[];
  /** Git, for the desired side of diffs and for param sets (the process's repository cache). */
  readonly repos: RepoSource & RenderRepos;
  /** Helm chart repositories and OCI registries, for the desired side of chart sources' diffs. */
  readonly charts?: ChartSource;
  readonly tools?: ToolOptions;
  readonly log: Logger;
  /** The process's shared informers; default: the dashboard's own. */
  readonly informers?: SharedInformers;
  /** Mark the session cookie Secure even when TLS ends before us and no proxy says so. */
  readonly secureCookie?: boolean;
  /** Standalone: sign-in by one-time code as the kubeconfig's identity. */
  readonly oneTimeSignIn?: { take(code: string): Promise<User | undefined> };
  /** Sign-in attempts per client address and overall, per minute (default 10 and 100). */
  readonly signInLimits?: { readonly perClient: number; readonly overall: number };
}

export class Dashboard {
  readonly name = 'dashboard';
  readonly store: FleetStore;
  readonly routes: readonly Route[];
  readonly sessions = new Sessions();
  readonly #assets: Promise<Assets>;

  constructor(options: DashboardOptions) {
    const { hub, log } = options;
    this.store = new FleetStore({
      hub,
      namespace: options.namespace,
      appNamespaces: options.appNamespaces ?? [],
      log,
      ...(options.informers ? { informers: options.informers } : {}),
    });
    const access = new AccessReviewer(hub);
    const manifests = createRenderer({
      repos: options.repos,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.charts ? { charts: options.charts } : {}),
    });
    const views = new Views({
      store: this.store,
      access,
      spokes: new SpokeClients(hub),
      repos: options.repos,
      manifests,
    });
    const actions = new Actions({ hub, store: this.store, access, log });
    this.#assets = loadAssets();
    // A failure to read the page's files shows at start, not at the first request.
    this.#assets.catch(() => undefined);
    const limits = options.signInLimits ?? { perClient: 10, overall: 100 };
    this.routes = dashboardRoutes({
      hub,
      store: this.store,
      views,
      actions,
      sessions: this.sessions,
      limiter: new SignInLimiter({ ...limits, windowMs: 60_000 }),
      assets: () => this.#assets,
      log: log.child({ component: 'dashboard' }),
      forceSecureCookie: options.secureCookie === true,
      ...(options.oneTimeSignIn ? { oneTimeSignIn: options.oneTimeSignIn } : {}),
    });
  }

  get ready(): boolean {
    return this.store.ready;
  }

  async start(): Promise<void> {
    await this.#assets;
    await this.store.start();
  }

  async stop(): Promise<void> {
    await this.store.stop();
  }
}
