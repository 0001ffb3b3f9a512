// What posthog-js asks besides capture, answered as PostHog answers a project without feature
// flags: `/flags/` (v2 shape with `?v=2`, else v1; `&config=true` adds the remote config),
// `/decide/` (the legacy route: v1 flags plus the config), and the remote config at
// `/array/<token>/config` (JSON) and `/array/<token>/config.js` (a script that stores it in
// window._POSTHOG_REMOTE_CONFIG). The config advertises the compressions capture accepts, so
// posthog-js keeps compressing as it does against PostHog. The route table sends it these paths
// alone and adds capture's CORS to every answer.

import { randomUUID } from 'node:crypto';

import { json, text, type HttpRequest, type HttpResponse } from '../http-types.js';
import { EVENT_SIZE_LIMIT, pathOf, queryOf } from './capture-routes.js';
import { decodePayload, payloadSourceOf } from './decode-payload.js';

export interface FlagsDeps {
  /** Is this a project token of the target? */
  isProjectToken(token: string): boolean;
  /** Unix ms, for evaluatedAt. */
  now(): number;
}

const CONFIG_PATH = /^\/array\/([^/]+)\/config(\.js)?\/?$/;

/** PostHog's remote config for a project with every optional product off and no flags. */
export function remoteConfig(token: string): Record<string, unknown> {
  return {
    token,
    supportedCompression: ['gzip', 'gzip-js'],
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance: false,
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    analytics: { endpoint: '/i/v0/e/' },
    elementsChainAsString: true,
    errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
    logs: false,
    sessionRecording: false,
    heatmaps: false,
    surveys: false,
    defaultIdentifiedOnly: true,
    siteApps: [],
  };
}

export function createFlagsHandler(deps: FlagsDeps): (req: HttpRequest) => HttpResponse {
  return (req) => {
    const config = CONFIG_PATH.exec(pathOf(req.url));
    if (config !== null) {
      const token = decodeURIComponent(config[1]!);
      if (!deps.isProjectToken(token)) return text(404, 'Not found');
      const body = remoteConfig(token);
      if (config[2] === undefined) return json(200, body);
      const script =
        '(function() {\n' +
        '  window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {};\n' +
        `  window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token)}] = {\n` +
        `    config: ${JSON.stringify(body)},\n` +
        '    siteApps: []\n' +
        '  }\n' +
        '})();';
      return { status: 200, headers: { 'content-type': 'application/javascript' }, body: script };
    }

    const token = tokenOf(req);
    if (token === null || !deps.isProjectToken(token)) {
      return json(401, {
        type: 'authentication_error',
        code: 'invalid_api_key',
        detail:
          'Project API key invalid. You can find your project API key in your PostHog project settings.',
        attr: null,
      });
    }
    const query = new URLSearchParams(queryOf(req.url));
    const decide = pathOf(req.url).startsWith('/decide');
    const v2 = !decide && Number(query.get('v') ?? '1') >= 2;
    const withConfig = decide || query.get('config') === 'true';
    const { token: _token, hasFeatureFlags: _has, ...configFields } = remoteConfig(token);
    return json(200, {
      ...(withConfig ? configFields : {}),
      ...(v2 ? { flags: {} } : { featureFlags: {}, featureFlagPayloads: {} }),
      errorsWhileComputingFlags: false,
      requestId: randomUUID(),
      evaluatedAt: deps.now(),
    });
  };
}

/** The project token of a flags request: `token` or `api_key` in its (possibly compressed) body. */
function tokenOf(req: HttpRequest): string | null {
  const query = new URLSearchParams(queryOf(req.url));
  const payload = decodePayload(payloadSourceOf(req, query, EVENT_SIZE_LIMIT));
  if (!payload.ok) return null;
  try {
    const body = JSON.parse(payload.text) as Record<string, unknown> | null;
    const token = body?.['token'] ?? body?.['api_key'] ?? body?.['$token'];
    return typeof token === 'string' && token !== '' ? token : null;
  } catch {
    return null;
  }
}
