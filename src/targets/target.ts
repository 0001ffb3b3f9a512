// A target is anything with a PostHog capture API and a PostHog query API. The harness talks to
// every target through the same HTTP contracts; only how the target is started and configured
// differs (embedded reference pipeline, a real PostHog from environment variables, containers).

export interface TargetEndpoints {
  /** Capture base URL, e.g. http://127.0.0.1:8010 (routes /batch/, /e/, … are appended). */
  readonly captureUrl: string;
  /** Query API base URL, e.g. http://127.0.0.1:8010 (POST /api/projects/:id/query/ appended). */
  readonly queryUrl: string;
  /** Prometheus metrics URL when the target exposes one (the reference target does). */
  readonly metricsUrl: string | null;
  readonly projectId: string;
  /** Project token (phc_…): secret, never printed. */
  readonly token: string;
  /** Personal API key (phx_…) for the query API: secret, never printed. */
  readonly personalKey: string;
}

/** How messages name the user's settings: env vars for a posthog target, plain words otherwise. */
export interface TargetSettingNames {
  readonly captureHost: string;
  readonly queryHost: string;
  readonly project: string;
  readonly token: string;
  readonly personalKey: string;
}

export interface Target extends TargetEndpoints {
  readonly kind: 'embedded' | 'posthog' | 'containers';
  /** What the report and logs may say about the target: URLs and project id, no secrets. */
  describe(): { kind: string; captureUrl: string; queryUrl: string; projectId: string };
  /** Names of the settings behind the endpoints, for error messages (default: plain words). */
  readonly settingNames?: TargetSettingNames;
  stop(): Promise<void>;
}
