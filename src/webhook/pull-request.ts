/**
 * Pull request webhooks: which repository a verified GitHub `pull_request`, Gitea `pull_request`
 * or GitLab `Merge Request Hook` event is about, and whether a pullRequest generator reads that
 * repository, the way Argo CD's ApplicationSet webhook decides it (owner and repository compared
 * case-insensitively, GitLab by project id or path, the API host compared with the payload's).
 * Gitea is Spokes' addition; so is GitHub's `edited` (a title change matters to titleMatch).
 */
import { isPlainObject } from '../params.ts';

export interface PullRequestEvent {
  readonly provider: 'github' | 'gitlab' | 'gitea';
  readonly action: string;
  /** GitHub and Gitea: the repository's owner and name. */
  readonly owner?: string;
  readonly repo?: string;
  /** GitLab: the target project's id and full path. */
  readonly projectId?: string;
  readonly projectPath?: string;
  /** The provider's host as the payload names it (API host for GitHub, web host otherwise). */
  readonly host: string;
}

const ACTIONS: Readonly<Record<PullRequestEvent['provider'], readonly string[]>> = {
  github: ['opened', 'closed', 'synchronize', 'labeled', 'reopened', 'unlabeled', 'edited'],
  gitlab: ['open', 'close', 'reopen', 'update', 'merge'],
  gitea: ['opened', 'closed', 'reopened', 'synchronized', 'label_updated', 'label_cleared', 'edited'],
};

/** The event a payload describes, or a reason to ignore it. */
export function pullRequestEventOf(
  provider: PullRequestEvent['provider'],
  payload: unknown,
): PullRequestEvent | { readonly ignored: string } {
  const action = text(
    provider === 'gitlab' ? at(payload, 'object_attributes', 'action') : at(payload, 'action'),
  );
  if (!ACTIONS[provider].includes(action))
    return { ignored: `${provider} pull request action "${action}" changes nothing` };
  if (provider === 'gitlab') {
    return {
      provider,
      action,
      projectId: text(at(payload, 'object_attributes', 'target_project_id')),
      projectPath: text(at(payload, 'project', 'path_with_namespace')),
      host: hostOf(at(payload, 'project', 'web_url')),
    };
  }
  const owner = at(payload, 'repository', 'owner', 'login') ?? at(payload, 'repository', 'owner', 'username');
  return {
    provider,
    action,
    owner: text(owner),
    repo: text(at(payload, 'repository', 'name')),
    host: hostOf(at(payload, 'repository', provider === 'github' ? 'url' : 'html_url')),
  };
}

const DEFAULT_API: Readonly<Record<PullRequestEvent['provider'], string>> = {
  github: 'https://api.github.com/',
  gitlab: 'https://gitlab.com/',
  gitea: '',
};

/** Whether a pullRequest generator's spec (as written) reads the event's repository. */
export function pullRequestGeneratorMatches(spec: unknown, event: PullRequestEvent): boolean {
  const block = at(spec, event.provider);
  if (!isPlainObject(block)) return false;
  const api = typeof block.api === 'string' && block.api !== '' ? block.api : DEFAULT_API[event.provider];
  if (hostOf(api) !== event.host) return false;
  if (event.provider === 'gitlab') {
    const project = text(block.project);
    return project === event.projectId || equalFold(project, event.projectPath ?? '');
  }
  return equalFold(text(block.owner), event.owner ?? '') && equalFold(text(block.repo), event.repo ?? '');
}

function at(value: unknown, ...keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = isPlainObject(current) ? current[key] : undefined;
  return current;
}

/** A string or number as text; anything else as ''. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function hostOf(url: unknown): string {
  try {
    return typeof url === 'string' ? new URL(url).hostname.toLowerCase() : '';
  } catch {
    return '';
  }
}

function equalFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
