// A real PostHog (self-hosted or cloud), configured only from environment variables so keys never
// sit in scenario files, shell history of flags, or reports. PostHog Cloud captures on one host
// (us.i.posthog.com) and answers queries on another (us.posthog.com): POSTHOG_QUERY_HOST.

import { IngestbenchError } from '../errors.js';
import type { Target } from './target.js';

export const POSTHOG_ENV = {
  POSTHOG_HOST: 'capture base URL, e.g. https://us.i.posthog.com or http://localhost:8010',
  POSTHOG_PROJECT_API_KEY: 'the project token (phc_…) events are sent with',
  POSTHOG_PERSONAL_API_KEY: 'a personal API key (phx_…) with query read access',
  POSTHOG_PROJECT_ID: 'the numeric project id (Project settings)',
  POSTHOG_QUERY_HOST: 'query API base URL when it differs from POSTHOG_HOST (cloud: https://us.posthog.com)',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function baseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IngestbenchError(
      'USAGE',
      `${name} is not a URL: "${value}" (expected e.g. https://us.i.posthog.com)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IngestbenchError('USAGE', `${name} must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new IngestbenchError('USAGE', `${name} must not carry credentials; use POSTHOG_PERSONAL_API_KEY`);
  }
  return url.href.replace(/\/+$/, '');
}

export function posthogTargetFromEnv(env: Env): Target {
  const missing = (
    ['POSTHOG_HOST', 'POSTHOG_PROJECT_API_KEY', 'POSTHOG_PERSONAL_API_KEY', 'POSTHOG_PROJECT_ID'] as const
  ).filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new IngestbenchError(
      'USAGE',
      `--target posthog needs ${missing.join(', ')} in the environment:\n${missing.map((m) => `  ${m}: ${POSTHOG_ENV[m]}`).join('\n')}`,
    );
  }
  const captureUrl = baseUrl('POSTHOG_HOST', env['POSTHOG_HOST']!);
  const queryUrl = env['POSTHOG_QUERY_HOST']
    ? baseUrl('POSTHOG_QUERY_HOST', env['POSTHOG_QUERY_HOST'])
    : captureUrl;
  const projectId = env['POSTHOG_PROJECT_ID']!;
  if (!/^\d+$/.test(projectId)) {
    throw new IngestbenchError(
      'USAGE',
      `POSTHOG_PROJECT_ID must be the numeric project id, got "${projectId}"`,
    );
  }
  const token = env['POSTHOG_PROJECT_API_KEY']!;
  if (token.startsWith('phx_')) {
    throw new IngestbenchError(
      'USAGE',
      'POSTHOG_PROJECT_API_KEY holds a personal key (phx_…); it must be the project token (phc_…)',
    );
  }
  return {
    kind: 'posthog',
    captureUrl,
    queryUrl,
    metricsUrl: null,
    projectId,
    token,
    personalKey: env['POSTHOG_PERSONAL_API_KEY']!,
    describe: () => ({ kind: 'posthog', captureUrl, queryUrl, projectId }),
    settingNames: {
      captureHost: 'POSTHOG_HOST',
      queryHost: env['POSTHOG_QUERY_HOST'] ? 'POSTHOG_QUERY_HOST' : 'POSTHOG_HOST (or POSTHOG_QUERY_HOST)',
      project: 'POSTHOG_PROJECT_ID',
      token: 'POSTHOG_PROJECT_API_KEY',
      personalKey: 'POSTHOG_PERSONAL_API_KEY',
    },
    stop: () => Promise.resolve(),
  };
}
