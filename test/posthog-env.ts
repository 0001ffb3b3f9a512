// The POSTHOG_* variables that point the posthog target at a reference target's first project, for
// the tests that drive the harness through PostHog's wire contracts rather than the embedded target.
import type { ReferenceTarget } from '../src/reference/index.js';

export interface PosthogKeys {
  /** The project API key (phc_…) the reference was started with. */
  readonly token: string;
  /** The personal API key (phx_…) the reference accepts on its query API. */
  readonly personalKey: string;
}

export function posthogEnv(
  reference: Pick<ReferenceTarget, 'captureUrl' | 'projects'>,
  keys: PosthogKeys,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    POSTHOG_HOST: reference.captureUrl,
    POSTHOG_PROJECT_API_KEY: keys.token,
    POSTHOG_PERSONAL_API_KEY: keys.personalKey,
    POSTHOG_PROJECT_ID: String(reference.projects[0]!.projectId),
    ...overrides,
  };
}
