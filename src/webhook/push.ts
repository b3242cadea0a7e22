/**
 * Git push webhooks from GitHub, GitLab, Gitea and Bitbucket (Cloud and Server), and pull request
 * webhooks from GitHub, GitLab and Gitea. Each is verified with the provider's shared secret
 * before anything happens: an HMAC-SHA256 of the body (GitHub, Gitea, Bitbucket Server), the token
 * itself (GitLab), or the hook UUID (Bitbucket Cloud). A verified push yields the repository URLs
 * it names; a verified pull request event, the repository it is about.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pullRequestEventOf, type PullRequestEvent } from './pull-request.ts';

export interface WebhookSecrets {
  readonly github?: string;
  readonly gitlab?: string;
  readonly gitea?: string;
  readonly bitbucketServer?: string;
  readonly bitbucketUUID?: string;
}

export type WebhookResult =
  | { readonly kind: 'push'; readonly provider: string; readonly repoURLs: readonly string[] }
  | { readonly kind: 'pullRequest'; readonly provider: string; readonly event: PullRequestEvent }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

export function handleWebhook(headers: Headers, body: Buffer, secrets: WebhookSecrets): WebhookResult {
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // Gitea also sends X-GitHub-Event, so it is recognised first.
  if (header('x-gitea-event') !== undefined) {
    return verified(
      hmacMatches(secrets.gitea, body, header('x-gitea-signature'), ''),
      'gitea',
      eventKind(header('x-gitea-event'), 'push', 'pull_request'),
      body,
    );
  }
  if (header('x-github-event') !== undefined) {
    return verified(
      hmacMatches(secrets.github, body, header('x-hub-signature-256'), 'sha256='),
      'github',
      eventKind(header('x-github-event'), 'push', 'pull_request'),
      body,
    );
  }
  if (header('x-gitlab-event') !== undefined) {
    const event = header('x-gitlab-event');
    return verified(
      equalSecret(secrets.gitlab, header('x-gitlab-token')),
      'gitlab',
      event === 'Tag Push Hook' ? 'push' : eventKind(event, 'Push Hook', 'Merge Request Hook'),
      body,
    );
  }
  const bitbucketEvent = header('x-event-key');
  if (bitbucketEvent !== undefined) {
    if (header('x-hook-uuid') !== undefined) {
      return verified(
        equalSecret(secrets.bitbucketUUID, header('x-hook-uuid')),
        'bitbucket',
        bitbucketEvent === 'repo:push' ? 'push' : 'other',
        body,
      );
    }
    return verified(
      hmacMatches(secrets.bitbucketServer, body, header('x-hub-signature'), 'sha256='),
      'bitbucket-server',
      bitbucketEvent === 'repo:refs_changed' ? 'push' : 'other',
      body,
    );
  }
  return { kind: 'ignored', reason: 'not a GitHub, GitLab, Gitea or Bitbucket event' };
}

type EventKind = 'push' | 'pullRequest' | 'other';

function eventKind(event: string | undefined, push: string, pullRequest: string): EventKind {
  return event === push ? 'push' : event === pullRequest ? 'pullRequest' : 'other';
}

function verified(ok: boolean | undefined, provider: string, kind: EventKind, body: Buffer): WebhookResult {
  if (ok === undefined) return { kind: 'rejected', reason: `no ${provider} webhook secret is configured` };
  if (!ok) return { kind: 'rejected', reason: `${provider} signature does not match` };
  if (kind === 'other') return { kind: 'ignored', reason: `${provider} event is not a push or pull request` };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'rejected', reason: `${provider} payload is not JSON` };
  }
  if (kind === 'push') return { kind: 'push', provider, repoURLs: repoURLsOf(payload) };
  const event = pullRequestEventOf(provider as PullRequestEvent['provider'], payload);
  if ('ignored' in event) return { kind: 'ignored', reason: event.ignored };
  return { kind: 'pullRequest', provider, event };
}

/** undefined when no secret is configured; otherwise whether the signature matches. */
function hmacMatches(
  secret: string | undefined,
  body: Buffer,
  signature: string | undefined,
  prefix: string,
): boolean | undefined {
  if (!secret) return undefined;
  if (signature === undefined || !signature.startsWith(prefix)) return false;
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  return constantTimeEqual(signature.slice(prefix.length).toLowerCase(), expected);
}

function equalSecret(secret: string | undefined, given: string | undefined): boolean | undefined {
  if (!secret) return undefined;
  return given !== undefined && constantTimeEqual(given, secret);
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Every URL a push payload gives for its repository (web, HTTPS clone and SSH forms). */
function repoURLsOf(payload: unknown): string[] {
  const urls = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (
        typeof child === 'string' &&
        /^(html_url|clone_url|ssh_url|git_url|web_url|git_http_url|git_ssh_url|http_url|url|href)$/.test(key)
      ) {
        if (/^(https?|ssh|git):\/\/|^[^@\s]+@[^:\s]+:/.test(child)) urls.add(child);
      } else {
        visit(child, depth + 1);
      }
    }
  };
  const repository =
    (payload as { repository?: unknown; project?: unknown }).repository ??
    (payload as { project?: unknown }).project;
  visit(repository, 0);
  return [...urls];
}
