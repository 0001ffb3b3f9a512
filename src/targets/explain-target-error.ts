// Query API failures as the user can act on them: the query client knows URLs and HTTP statuses,
// the target knows which of the user's settings produced them (POSTHOG_QUERY_HOST,
// POSTHOG_PROJECT_ID, …). Matched on status, never on message text.

import { IngestbenchError } from '../errors.js';
import { authAdvice, QueryError } from '../observe/query-client.js';
import { publicUrl } from '../public-url.js';
import type { Target, TargetSettingNames } from './target.js';

const PLAIN_NAMES: TargetSettingNames = {
  captureHost: 'the capture URL',
  queryHost: 'the query URL',
  project: 'the project id',
  token: 'the project token',
  personalKey: 'the personal API key',
};

export function settingNamesOf(target: Pick<Target, 'settingNames'>): TargetSettingNames {
  return target.settingNames ?? PLAIN_NAMES;
}

/** The same failure with a message that names the user's settings; other errors unchanged. */
export function explainTargetError(
  error: unknown,
  target: Pick<Target, 'settingNames' | 'queryUrl' | 'projectId'>,
): unknown {
  if (!(error instanceof QueryError)) return error;
  const names = settingNamesOf(target);
  const where = `${publicUrl(target.queryUrl)}/api/projects/${encodeURIComponent(target.projectId)}/query`;
  const options = { cause: error };
  if (error.status === 404) {
    return new IngestbenchError(
      'QUERY_NOT_FOUND',
      `query API at ${where} not found (HTTP 404): check ${names.queryHost} (the query API's base URL; PostHog Cloud: https://us.posthog.com or https://eu.posthog.com) and ${names.project}`,
      options,
    );
  }
  if (error.status === 401 || error.status === 403) {
    // PostHog's detail says which: the scope, the project or the organisation (permissions.py).
    const said = error.detail === null ? '' : `: PostHog says "${error.detail}"`;
    return new IngestbenchError(
      'TARGET_AUTH',
      `query API at ${where} refused the personal API key (HTTP ${error.status})${said}. Fix: ${authAdvice(error.detail)} (${names.personalKey}; project ${names.project})`,
      options,
    );
  }
  // Every slot held: the query client's message already names both causes and what to check.
  if (error.code === 'QUERY_SLOTS_HELD') return error;
  if (error.code === 'QUERY_DEADLINE' || error.code === 'QUERY_BUDGET_EXHAUSTED') {
    return new IngestbenchError(
      error.code,
      `query API at ${where} did not answer the preflight query before the probe timeout (${error.message}): ` +
        'a slow or throttled query API; allow it longer with --probe-timeout (scenario: preflight.probe_timeout), ' +
        'or free the personal API key of other tools using its query budget',
      options,
    );
  }
  if (error.status === null) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return new IngestbenchError(
      'TARGET_UNREACHABLE',
      `query API at ${where} did not answer${typeof code === 'string' ? ` (${code})` : ''}: check that the target is running and ${names.queryHost} is right`,
      options,
    );
  }
  return error;
}
