/**
 * The pull-request comment (`plan --comment`): one comment per pull request and plan key, found again by
 * a hidden marker and edited in place on the next run, through GitHub's REST API with GITHUB_TOKEN. It uses
 * the global fetch (not the ClickHouse transport): a different service, a handful of calls, no rate pacing.
 * The token never appears in a message.
 */
import { userError } from '../errors.js';

export interface GitHubTarget {
  readonly apiUrl: string;
  readonly token: string;
  /** owner/name */
  readonly repository: string;
  readonly pullRequest: number;
}

export interface CommentResult {
  readonly action: 'created' | 'updated';
  readonly url: string;
}

export function marker(key: string): string {
  return `<!-- pipeform-plan:${key} -->`;
}

export async function upsertComment(t: GitHubTarget, key: string, markdown: string): Promise<CommentResult> {
  const body = `${marker(key)}\n${markdown}`;
  const base = `${t.apiUrl.replace(/\/+$/, '')}/repos/${t.repository}`;
  for (let page = 1; ; page++) {
    const comments = (await call(t, 'GET', `${base}/issues/${t.pullRequest}/comments?per_page=100&page=${page}`)) as { id: number; body?: string; html_url: string }[];
    const mine = comments.find((c) => c.body?.startsWith(marker(key)));
    if (mine) {
      const updated = (await call(t, 'PATCH', `${base}/issues/comments/${mine.id}`, { body })) as { html_url: string };
      return { action: 'updated', url: updated.html_url };
    }
    if (comments.length < 100) break;
  }
  const created = (await call(t, 'POST', `${base}/issues/${t.pullRequest}/comments`, { body })) as { html_url: string };
  return { action: 'created', url: created.html_url };
}

async function call(t: GitHubTarget, method: string, url: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${t.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'pipeform',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw userError('GITHUB_UNREACHABLE', `cannot reach the GitHub API at ${t.apiUrl} (${(err as Error).message})`);
  }
  if (res.ok) return res.json();
  const hint =
    res.status === 401 ? 'GITHUB_TOKEN is not valid'
      : res.status === 403 ? 'GITHUB_TOKEN may not write comments: give the workflow `permissions: pull-requests: write`'
        : res.status === 404 ? `pull request #${t.pullRequest} of ${t.repository} was not found (or the token cannot see it)` : 'see the GitHub API status';
  throw userError('GITHUB_API', `GitHub answered ${res.status} to ${method} ${new URL(url).pathname}: ${hint}`);
}
