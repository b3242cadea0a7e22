/**
 * The `slack` service, in both of Slack's shapes:
 * - bot token (Argo CD's): `chat.postMessage` on `apiURL` (default https://slack.com/api/) with the
 *   token as a Bearer header, the recipient as the channel, the template's attachments and blocks,
 *   username and icon (an `:emoji:` or a URL), threads by `groupingKey` and `deliveryPolicy`
 *   (Post, PostAndUpdate, Update) as Argo keeps them (in memory, per process);
 * - incoming webhook (a Spokes addition): `webhookURL` gets the same message as JSON.
 * 429 and 5xx answers are retried (Retry-After honoured); `{"ok": false}` is a failure.
 */
import { z } from 'zod';
import type { Destination } from '../state.ts';
import type { Notification, SlackMessage } from '../templates.ts';
import { DEFAULT_RETRY, DeliveryError, dispatcherFor, sendWithRetry, type HttpResponse } from './http.ts';
import type { NotificationService } from './index.ts';

export const slackOptionsSchema = z.looseObject({
  token: z.string().nullish(),
  webhookURL: z.string().nullish(),
  apiURL: z.string().nullish(),
  username: z.string().nullish(),
  icon: z.string().nullish(),
  signingSecret: z.string().nullish(),
  channels: z.array(z.string()).nullish(),
  disableUnfurl: z.boolean().nullish(),
  insecureSkipVerify: z.boolean().nullish(),
});

export type SlackOptions = z.infer<typeof slackOptionsSchema>;

const DEFAULT_API = 'https://slack.com/api/';

/** The message fields both shapes send, parsed from the rendered template. */
function messageFields(notification: Notification, options: SlackOptions): Record<string, unknown> {
  const slack = notification.slack;
  const fields: Record<string, unknown> = { text: notification.message };
  const username = slack?.username || options.username;
  if (username) fields['username'] = username;
  const icon = slack?.icon || options.icon;
  if (icon) {
    if (/^:.+:$/.test(icon)) fields['icon_emoji'] = icon;
    else if (/^https?:\/\/[^/]+/.test(icon)) fields['icon_url'] = icon;
  }
  if (slack !== undefined) {
    fields['attachments'] = parseJSON('attachments', slack.attachments, []);
    fields['blocks'] = parseJSON('blocks', slack.blocks, []);
  }
  if (options.disableUnfurl) {
    fields['unfurl_links'] = false;
    fields['unfurl_media'] = false;
  }
  return fields;
}

function parseJSON(what: string, text: string, empty: unknown): unknown {
  if (text.trim() === '') return empty;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DeliveryError(
      `failed to unmarshal ${what} '${text.slice(0, 200)}' : ${(err as Error).message}`,
    );
  }
}

export function slackService(options: SlackOptions): NotificationService {
  const dispatcher = dispatcherFor(options.insecureSkipVerify === true);
  if (options.webhookURL) return incomingWebhook(options.webhookURL, options, dispatcher);
  if (!options.token)
    throw new Error('slack: set token (bot token, chat.postMessage) or webhookURL (incoming webhook)');
  const token = options.token;
  const api = (options.apiURL || DEFAULT_API).replace(/\/?$/, '/');
  /** Thread timestamps by recipient and grouping key, as Argo keeps them. */
  const threads = new Map<string, string>();
  const call = async (
    method: string,
    form: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<SlackReply> => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      if (v !== undefined) body.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    const response = await sendWithRetry(
      {
        method: 'POST',
        url: `${api}${method}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
      DEFAULT_RETRY,
      { dispatcher, ...(signal ? { signal } : {}) },
    );
    return slackReply(method, response);
  };
  return {
    async send(notification, dest, signal) {
      const fields = messageFields(notification, options);
      const slack: Partial<SlackMessage> = notification.slack ?? {};
      const thread = threadOf(threads, dest.recipient, slack.groupingKey ?? '');
      const policy = slack.deliveryPolicy ?? 'Post';
      if (thread.ts === undefined || policy === 'Post' || policy === 'PostAndUpdate') {
        const reply = await call(
          'chat.postMessage',
          { channel: dest.recipient, ...fields, ...threadFields(thread.ts, slack.notifyBroadcast === true) },
          signal,
        );
        if (thread.ts === undefined && reply.ts) thread.remember(reply.ts);
      }
      if (thread.ts !== undefined && (policy === 'Update' || policy === 'PostAndUpdate')) {
        await call('chat.update', { channel: dest.recipient, ts: thread.ts, ...fields }, signal);
      }
    },
  };
}

/** The thread a grouping key names for a recipient (none without a key), and how to remember its first message. */
function threadOf(
  threads: Map<string, string>,
  recipient: string,
  groupingKey: string,
): { readonly ts: string | undefined; remember(ts: string): void } {
  const key = `${recipient}\u0000${groupingKey}`;
  return {
    ts: groupingKey === '' ? undefined : threads.get(key),
    remember: (ts) => {
      if (groupingKey !== '') threads.set(key, ts);
    },
  };
}

function threadFields(ts: string | undefined, broadcast: boolean): Record<string, string> {
  if (ts === undefined) return {};
  return broadcast ? { thread_ts: ts, reply_broadcast: 'true' } : { thread_ts: ts };
}

interface SlackReply {
  readonly ts?: string;
}

function slackReply(method: string, response: HttpResponse): SlackReply {
  if (response.status < 200 || response.status > 299)
    throw new DeliveryError(`slack ${method}: HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  let reply: { ok?: boolean; error?: string; ts?: string };
  try {
    reply = JSON.parse(response.body) as typeof reply;
  } catch {
    throw new DeliveryError(`slack ${method}: not a Slack API answer: ${response.body.slice(0, 200)}`);
  }
  if (reply.ok !== true) throw new DeliveryError(`slack ${method}: ${reply.error ?? 'not ok'}`);
  return reply.ts ? { ts: reply.ts } : {};
}

function incomingWebhook(
  url: string,
  options: SlackOptions,
  dispatcher: ReturnType<typeof dispatcherFor>,
): NotificationService {
  return {
    async send(notification, dest: Destination, signal) {
      const payload = {
        ...messageFields(notification, options),
        ...(dest.recipient ? { channel: dest.recipient } : {}),
      };
      const response = await sendWithRetry(
        {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        },
        DEFAULT_RETRY,
        { dispatcher, ...(signal ? { signal } : {}) },
      );
      if (response.status < 200 || response.status > 299)
        throw new DeliveryError(
          `slack incoming webhook: HTTP ${response.status}: ${response.body.slice(0, 200)}`,
        );
    },
  };
}
