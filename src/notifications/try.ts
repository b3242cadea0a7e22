/**
 * One trigger tried by hand against one object (`spokes notifications test`): every condition
 * evaluated, the notification rendered for each destination, and delivered on request. Nothing
 * is recorded in the object's notified state.
 */
import type { NotificationsConfig } from './config.ts';
import { destinationsOf, render, subjectVars, type Subject } from './engine.ts';
import type { Destination } from './state.ts';
import type { Notification } from './templates.ts';

export interface TriedCondition {
  readonly index: number;
  readonly when: string;
  readonly oncePer: string | undefined;
  readonly triggered: boolean;
  /** `%v` of the oncePer expression when the condition is true. */
  readonly oncePerValue: string;
  readonly templates: readonly string[];
  readonly renders: readonly TriedRender[];
}

export interface TriedRender {
  readonly dest: Destination;
  readonly notification?: Notification;
  readonly error?: string;
  /** Set once delivered (true) or failed (false) with `send`. */
  readonly sent?: boolean;
  readonly sendError?: string;
}

export interface TryResult {
  readonly destinations: readonly Destination[];
  readonly conditions: readonly TriedCondition[];
  readonly errors: readonly string[];
}

export interface TryOptions {
  readonly config: NotificationsConfig;
  readonly subject: Subject;
  readonly trigger: string;
  /** Destinations to use instead of the object's subscriptions. */
  readonly destinations?: readonly Destination[];
  /** Deliver what true conditions render. */
  readonly send?: boolean;
}

export async function tryTrigger(options: TryOptions): Promise<TryResult> {
  const { config, subject, trigger: name } = options;
  const trigger = config.triggers.get(name);
  if (trigger === undefined) {
    const known = [...config.triggers.keys()].sort().join(', ');
    throw new Error(`trigger '${name}' is not configured (configured: ${known})`);
  }
  const destinations = options.destinations ?? destinationsOf(subject, config).get(name) ?? [];
  const vars = subjectVars(subject, config);
  const run = trigger.run(vars);
  const conditions: TriedCondition[] = [];
  for (const [index, result] of run.results.entries()) {
    const condition = trigger.conditions[index]!;
    const renders: TriedRender[] = [];
    for (const dest of destinations) {
      renders.push(
        await renderAndSend(
          config,
          { templates: result.templates, vars, dest },
          options.send === true && result.triggered,
        ),
      );
    }
    conditions.push({
      index,
      when: condition.when,
      oncePer: condition.oncePer,
      triggered: result.triggered,
      oncePerValue: result.oncePer,
      templates: result.templates,
      renders,
    });
  }
  return { destinations, conditions, errors: run.errors };
}

async function renderAndSend(
  config: NotificationsConfig,
  what: {
    readonly templates: readonly string[];
    readonly vars: Record<string, unknown>;
    readonly dest: Destination;
  },
  send: boolean,
): Promise<TriedRender> {
  const { dest } = what;
  let notification: Notification;
  try {
    notification = render(config, what.templates, what.vars, dest);
  } catch (err) {
    return { dest, error: messageOf(err) };
  }
  if (!send) return { dest, notification };
  const service = config.services.get(dest.service);
  if (service === undefined)
    return {
      dest,
      notification,
      sent: false,
      sendError: `notification service '${dest.service}' is not supported`,
    };
  try {
    await service.send(notification, dest);
    return { dest, notification, sent: true };
  } catch (err) {
    return { dest, notification, sent: false, sendError: messageOf(err) };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
