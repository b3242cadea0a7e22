/**
 * What a user can do from the dashboard, done the way the CLI does it: a sync writes the
 * Application's `operation` (as `spokes sync` and `argocd app sync`), a refresh sets the
 * `argocd.argoproj.io/refresh` annotation. The user's right is checked first with a
 * SubjectAccessReview (`update` on that Application), then the dashboard writes with its own
 * identity, naming the user in `operation.initiatedBy.username` and in an Event on the
 * Application, so every action leaves an audit record on the hub. Resume lets a stopped rollout
 * continue with the same hub write `spokes rollout resume` makes (src/api/rollout-resume.ts),
 * after an `update` check on the ApplicationSet.
 */
import { randomBytes } from 'node:crypto';
import { resumeRollout } from '../api/rollout-resume.ts';
import { SpokesError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { APPLICATION_SETS, APPLICATIONS, EVENTS, type KubeObject } from '../kube/types.ts';
import type { Logger } from '../log.ts';
import { can, type Authorizer } from './auth/access.ts';
import type { User } from './auth/identity.ts';
import type { FleetStore } from './store.ts';
import { Forbidden, NotFound } from './views.ts';

export class Conflict extends Error {}

export interface ActionDeps {
  readonly hub: KubeClient;
  readonly store: FleetStore;
  readonly access: Authorizer;
  readonly log: Logger;
}

export const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';

export class Actions {
  readonly #deps: ActionDeps;

  constructor(deps: ActionDeps) {
    this.#deps = deps;
  }

  async sync(
    user: User,
    target: { namespace: string; name: string },
    options: { prune: boolean },
  ): Promise<void> {
    const app = await this.#authorised(user, target);
    if (app['operation'] !== undefined && app['operation'] !== null)
      throw new Conflict('another operation is already in progress');
    const operation = {
      sync: { prune: options.prune },
      initiatedBy: { username: user.username },
    };
    await this.#deps.hub.patch(APPLICATIONS, target, { operation }, { type: 'merge' });
    await this.#record(
      app,
      'SyncRequested',
      `${user.username} requested a sync${options.prune ? ' with prune' : ''} from the dashboard`,
    );
  }

  async refresh(
    user: User,
    target: { namespace: string; name: string },
    options: { hard: boolean },
  ): Promise<void> {
    const app = await this.#authorised(user, target);
    const mode = options.hard ? 'hard' : 'normal';
    await this.#deps.hub.patch(
      APPLICATIONS,
      target,
      { metadata: { annotations: { [REFRESH_ANNOTATION]: mode } } },
      { type: 'merge' },
    );
    await this.#record(
      app,
      'RefreshRequested',
      `${user.username} requested a ${mode} refresh from the dashboard`,
    );
  }

  /** Lets a stopped rollout continue past the Applications that stopped it; returns their names. */
  async resume(user: User, target: { namespace: string; name: string }): Promise<string[]> {
    const { access, hub } = this.#deps;
    if (!(await access.allowed(user, can.updateAppSet(target.namespace, target.name))))
      throw new Forbidden(`you may not update ApplicationSet ${target.namespace}/${target.name}`);
    let resumed: string[];
    try {
      ({ resumed } = await resumeRollout(hub, target));
    } catch (err) {
      if (err instanceof SpokesError && err.message.includes('not found')) throw new NotFound(err.message);
      if (err instanceof SpokesError) throw new Conflict(err.message);
      throw err;
    }
    const appSet = await hub.get(APPLICATION_SETS, target.namespace, target.name);
    if (appSet !== undefined)
      await this.#record(
        { ...appSet, kind: 'ApplicationSet' },
        'RolloutResumed',
        `${user.username} resumed the rollout past ${resumed.join(', ')} from the dashboard`,
      );
    return resumed;
  }

  async #authorised(user: User, target: { namespace: string; name: string }): Promise<KubeObject> {
    const { access, store } = this.#deps;
    // Checked on the server for every action: a hidden button is not a permission.
    if (!(await access.allowed(user, can.updateApp(target.namespace, target.name))))
      throw new Forbidden(`you may not update Application ${target.namespace}/${target.name}`);
    const app = store.apps.get(target.namespace, target.name);
    if (app === undefined) throw new NotFound(`Application ${target.namespace}/${target.name} not found`);
    return app;
  }

  /** An Event on the Application naming who asked; a failure to write it does not undo the action. */
  async #record(app: KubeObject, reason: string, message: string): Promise<void> {
    const now = new Date().toISOString();
    const namespace = app.metadata.namespace ?? '';
    await this.#deps.hub
      .create(EVENTS, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${app.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
        involvedObject: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: app.kind === 'ApplicationSet' ? 'ApplicationSet' : 'Application',
          name: app.metadata.name,
          namespace,
          uid: app.metadata.uid,
        },
        reason,
        message,
        type: 'Normal',
        source: { component: 'spokes-dashboard' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      })
      .catch((err: unknown) =>
        this.#deps.log.warn('could not record the action as an Event', { reason, error: err }),
      );
  }
}
