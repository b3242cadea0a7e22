/**
 * Notification services by type: `service.<type>[.<name>]` in argocd-notifications-cm makes one,
 * named `<name>` (or `<type>` alone). Spokes delivers `webhook` and `slack`; other Argo CD types
 * are reported as unsupported, naming the key.
 */
import type { z } from 'zod';
import type { Destination } from '../state.ts';
import type { Notification } from '../templates.ts';
import { slackOptionsSchema, slackService } from './slack.ts';
import { webhookOptionsSchema, webhookService } from './webhook.ts';

export interface NotificationService {
  send(notification: Notification, dest: Destination, signal?: AbortSignal): Promise<void>;
}

interface ServiceType {
  readonly schema: z.ZodType;
  readonly build: (options: never) => NotificationService;
}

const TYPES: Readonly<Record<string, ServiceType>> = {
  webhook: { schema: webhookOptionsSchema, build: webhookService },
  slack: { schema: slackOptionsSchema, build: slackService },
};

export const SUPPORTED_SERVICE_TYPES = Object.keys(TYPES);

/** Builds a service from its (secret-substituted) options; throws a message naming the field. */
export function buildService(type: string, options: unknown): NotificationService {
  if (!Object.hasOwn(TYPES, type))
    throw new Error(
      `service type ${JSON.stringify(type)} is not supported by Spokes (supported: ${SUPPORTED_SERVICE_TYPES.join(', ')})`,
    );
  const spec = TYPES[type]!;
  const parsed = spec.schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  return spec.build(parsed.data as never);
}
