/**
 * Where a plan comment goes, from the GitHub Actions environment: GITHUB_TOKEN, GITHUB_REPOSITORY,
 * GITHUB_API_URL, and the pull request from --pr, the event payload (GITHUB_EVENT_PATH) or GITHUB_REF.
 */
import { readFileSync } from 'node:fs';
import type { GitHubTarget } from '../api/github.js';
import { userError } from '../errors.js';
import type { CliIo } from './io.js';

export function githubTarget(io: CliIo, pr: string | undefined): GitHubTarget {
  const token = io.env.GITHUB_TOKEN;
  const repository = io.env.GITHUB_REPOSITORY;
  if (!token) throw userError('GITHUB_TOKEN', '--comment needs GITHUB_TOKEN (in a workflow: env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }})');
  if (!repository || !/^[^/\s]+\/[^/\s]+$/.test(repository)) throw userError('GITHUB_REPOSITORY', '--comment needs GITHUB_REPOSITORY as owner/name (GitHub Actions sets it)');
  const number = pr ?? fromEvent(io.env.GITHUB_EVENT_PATH) ?? /^refs\/pull\/(\d+)\//.exec(io.env.GITHUB_REF ?? '')?.[1];
  const n = Number(number);
  if (!Number.isInteger(n) || n < 1) throw userError('GITHUB_PR', '--comment needs the pull request: run on a pull_request event or pass --pr NUMBER');
  return { apiUrl: io.env.GITHUB_API_URL ?? 'https://api.github.com', token, repository, pullRequest: n };
}

function fromEvent(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const event = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: { number?: number }; number?: number };
    const n = event.pull_request?.number ?? event.number;
    return n === undefined ? undefined : String(n);
  } catch {
    return undefined;
  }
}
