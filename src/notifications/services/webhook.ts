/**
 * The `webhook` service (`service.webhook.<name>`): a request to `url` (plus the template's
 * `webhook.<name>.path`), with the configured headers and basic auth. The body is the template's
 * `webhook.<name>.body`, or the message when the template has no block for this service; the method
 * is the block's, else GET, as in Argo CD. A non-2xx answer after the retries is a failure.
 */
import { z } from 'zod';
import type { Destination } from '../state.ts';
import type { Notification } from '../templates.ts';
import {
  DEFAULT_RETRY,
  DeliveryError,
  dispatcherFor,
  durationMs,
  sendWithRetry,
  type RetryPolicy,
} from './http.ts';
import type { NotificationService } from './index.ts';

export const webhookOptionsSchema = z.looseObject({
  url: z.string().min(1),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
  basicAuth: z.object({ username: z.string(), password: z.string() }).nullish(),
  retryWaitMin: z.union([z.number(), z.string()]).nullish(),
  retryWaitMax: z.union([z.number(), z.string()]).nullish(),
  retryMax: z.number().int().nullish(),
  insecureSkipVerify: z.boolean().nullish(),
});

export type WebhookOptions = z.infer<typeof webhookOptionsSchema>;

export function retryPolicyOf(options: {
  retryWaitMin?: number | string | null;
  retryWaitMax?: number | string | null;
  retryMax?: number | null;
}): RetryPolicy {
  return {
    // Zero means "the default", as in Argo CD.
    retryMax: options.retryMax || DEFAULT_RETRY.retryMax,
    waitMinMs: durationMs(options.retryWaitMin, DEFAULT_RETRY.waitMinMs),
    waitMaxMs: durationMs(options.retryWaitMax, DEFAULT_RETRY.waitMaxMs),
  };
}

export function webhookService(options: WebhookOptions): NotificationService {
  const policy = retryPolicyOf(options);
  const dispatcher = dispatcherFor(options.insecureSkipVerify === true);
  return {
    async send(notification: Notification, dest: Destination, signal?: AbortSignal): Promise<void> {
      let url = options.url;
      let method = 'GET';
      let body = notification.message;
      const block = notification.webhook?.[dest.service];
      if (block !== undefined) {
        body = block.body;
        method = block.method || method;
        if (block.path !== '') url = `${url.replace(/\/+$/, '')}/${block.path.replace(/^\/+/, '')}`;
      }
      const headers: Record<string, string> = {};
      for (const h of options.headers ?? []) headers[h.name] = h.value;
      if (options.basicAuth) {
        const { username, password } = options.basicAuth;
        headers['authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      }
      const response = await sendWithRetry({ method, url, headers, body }, policy, {
        dispatcher,
        ...(signal ? { signal } : {}),
      });
      if (response.status < 200 || response.status > 299) {
        throw new DeliveryError(
          `request to ${method} ${url} has failed with error code ${response.status} : ${response.body.slice(0, 512)}`,
        );
      }
    },
  };
}
