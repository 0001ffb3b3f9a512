// The resolved scenario: what the rest of the harness consumes once a YAML file has been parsed,
// validated (scenario-schema.ts) and resolved (resolve-scenario.ts). Durations are milliseconds,
// rates events/second, shares fractions in [0, 1]. Nothing here is optional that has a default.

import type { DeploymentLimitOverrides, DeploymentLimits, DeploymentProfile } from '../posthog-limits.js';

/** Re-exported: the harness names classes through the scenario; the core owns them. */
export { EVENT_CLASSES, type EventClass } from '../core/event-class.js';

export type PersonProfiles = 'identified_only' | 'always';
export type Compression = 'none' | 'gzip';
export type CaptureEndpoint = '/batch/' | '/e/' | '/i/v0/e/';

/** One rate phase. A ramp goes linearly from `fromRate` to `toRate`; other kinds hold `toRate`. */
export interface RatePhase {
  readonly name: string;
  readonly kind: 'warmup' | 'ramp' | 'steady';
  readonly durationMs: number;
  readonly fromRate: number;
  readonly toRate: number;
  /** Warmup events are sent and checked but left out of latency histograms and SLA. */
  readonly measured: boolean;
}

/** A property generator: a value drawn from a faker-built pool, a fixed value, or a choice. */
export type PropertyGenerator =
  | { readonly kind: 'faker'; readonly path: string } // e.g. "internet.url", "commerce.productName"
  | { readonly kind: 'const'; readonly value: string | number | boolean | null }
  | { readonly kind: 'oneOf'; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: 'int'; readonly min: number; readonly max: number };

export type BehaviourKind = 'pageview' | 'autocapture' | 'custom' | 'identify' | 'alias' | 'set' | 'group';

/** Whose default properties events carry (src/generate/sdk-properties.ts); none: the harness's few. */
export type SdkName = 'posthog-js' | 'posthog-node' | 'none';
export const SDK_NAMES: readonly SdkName[] = ['posthog-js', 'posthog-node', 'none'];

export interface Behaviour {
  readonly name: string;
  readonly kind: BehaviourKind;
  /** Normalised weight (all behaviours' weights sum to 1). */
  readonly weight: number;
  /** `custom` only: `[object] [verb]` event names to pick from. */
  readonly events: readonly string[];
  /** Event properties (custom, pageview), person properties (identify, set) or group properties (group). */
  readonly properties: Readonly<Record<string, PropertyGenerator>>;
  /** `group` only: group type and how many distinct keys. */
  readonly groupType: string | null;
  readonly groupCount: number;
  /** The behaviour's SDK profile, its own or the scenario's (absent: none). */
  readonly sdk?: SdkName;
}

/** How often each user sends (`population.activity`): the same for all, or zipf by rank. */
export type Activity = { readonly kind: 'uniform' } | { readonly kind: 'zipf'; readonly exponent: number };

/**
 * Sessions (`session:`): a user's events come as visits of about `meanEvents` events with think
 * times between them, and carry posthog-js's `$session_id`/`$window_id` (generate/session-model.ts).
 */
export interface SessionShape {
  /** posthog-js rotates the session id after this long without activity (its default: 30 min). */
  readonly idleTimeoutMs: number;
  /** Mean events per visit, a closing `$pageleave` included. */
  readonly meanEvents: number;
  /** Mean time between a visit's events (exponential). */
  readonly meanThinkMs: number;
  /** A visit's last event is a `$pageleave`. */
  readonly pageleave: boolean;
}

export interface Population {
  /** Distinct users the generator draws from. */
  readonly size: number;
  /** Share of users that are already identified when the run starts (returning, logged in). */
  readonly returningShare: number;
  /**
   * Share of events sent anonymous, whatever the rate (`population.anonymous_share`). Absent when
   * the mix follows from the behaviours (identify turns anonymous users into identified ones over
   * time, so the mix drifts with the rate). Optional so existing literals stay valid.
   */
  readonly anonymousShare?: number;
  /** Absent: uniform (every user equally likely). */
  readonly activity?: Activity;
}

export interface Observation {
  readonly pollIntervalMs: number;
  /**
   * Query API calls per minute the poller may make (Infinity: no minute window). Resolved from
   * `limits` (deployment-limits.ts): planned as cloud until the target is known, then again
   * against the target's host (withTargetLimits).
   */
  readonly queryBudgetPerMinute: number;
  /** And per hour (Infinity: no hourly window). */
  readonly queryBudgetPerHour: number;
  /** Query API calls in flight at once (always finite). */
  readonly maxConcurrentQueries: number;
  /** What the scenario file says about limits; absent in literals, whose numbers stand as given. */
  readonly limits?: ObservationLimits;
  /** The limits the numbers above came from, and the request timeout (absent in literals). */
  readonly resolvedLimits?: ResolvedLimits;
  readonly drainTimeoutMs: number;
  /** How visibility is observed (absent: 'auto'). */
  readonly method?: ObservationMethod;
  /** Intended-time bucket of counts observation, a whole number of seconds in ms (absent: 1000). */
  readonly bucketMs?: number;
}

export type ObservationMethod = 'auto' | 'exact' | 'counts';

/** What the scenario file says about limits. */
export interface ObservationLimits {
  /** The profile the scenario names; null: the target's host decides. */
  readonly profile: DeploymentProfile | null;
  /** Numbers the scenario gives, each overriding the profile's (maxQueryMs: `max_query_time`). */
  readonly given: DeploymentLimitOverrides;
}

/** The limits a run plans to and how they were chosen. */
export interface ResolvedLimits {
  readonly profile: DeploymentProfile;
  /**
   * 'scenario': named there; 'host': from the target's host; 'target': the target's own default
   * (the embedded reference target: cloud); 'assumed': the target is not known yet.
   */
  readonly source: 'scenario' | 'host' | 'target' | 'assumed';
  /** The query host the profile was chosen from ('host' only). */
  readonly host: string | null;
  /** What the deployment enforces: the profile's numbers, the scenario's max_query_time, custom's all. */
  readonly deployment: DeploymentLimits;
  /** The harness's own budget: the deployment's, lowered or raised by the scenario's fields. */
  readonly perMinute: number;
  readonly perHour: number;
  /** In flight at once: never unbounded (HARNESS_MAX_CONCURRENT where the deployment has no cap). */
  readonly concurrent: number;
  /** The query client's request timeout (posthog-limits.ts requestTimeoutFor). */
  readonly requestTimeoutMs: number;
}

export interface SlaCheck {
  /** The expression as written, e.g. "anonymous.visible.p99 < 5m". */
  readonly source: string;
  /** Metric path, e.g. "anonymous.visible.p99", "lost", "capture.error_share", "rate.achieved". */
  readonly metric: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** Threshold in the metric's unit: ms for latencies, a fraction for rates/percentages, a count. */
  readonly threshold: number;
}

/** How a replay is paced: the recording's timing sped up, or a constant rate. */
export type ReplayPace =
  { readonly kind: 'speed'; readonly speed: number } | { readonly kind: 'rate'; readonly rate: number };

/** A recorded file to replay instead of generating events (`replay:`, or `ingestbench replay`). */
export interface ReplaySpec {
  /** Absolute path of the events file. */
  readonly file: string;
  readonly pace: ReplayPace;
  /** Load duration (ms); absent: one pass over the file. */
  readonly durationMs?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the file it came from, or "<inline>". */
  readonly source: string;
  readonly seed: number;
  readonly phases: readonly RatePhase[];
  readonly batchSize: number;
  readonly compression: Compression;
  readonly endpoint: CaptureEndpoint;
  readonly population: Population;
  /** Absent: no sessions, each event's user drawn on its own. */
  readonly session?: SessionShape;
  readonly personProfiles: PersonProfiles;
  /** The scenario's SDK profile (absent: none); each behaviour carries its resolved one. */
  readonly sdk?: SdkName;
  readonly behaviours: readonly Behaviour[];
  readonly observation: Observation;
  readonly sla: readonly SlaCheck[];
  /** Cap on concurrent HTTP requests per worker; events that cannot be sent are `dropped`. */
  readonly maxInFlight: number;
  /** Per-request timeout in ms. */
  readonly requestTimeoutMs: number;
  /** Retries of 429/503 answers (honouring Retry-After), as the SDKs do. 0 disables. */
  readonly maxRetries: number;
  /** How long the probe event may take to come back through the query API before the load. */
  readonly preflight: { readonly probeTimeoutMs: number };
  /** The built-in "load applied" check (shares as fractions); null when the scenario turns it off. */
  readonly loadApplied: LoadApplied | null;
  /**
   * Replay this file instead of generating events; `phases` and `behaviours` are then empty until
   * the file's validating pass gives the phases (load/plan-replay.ts). Optional so existing
   * literals stay valid.
   */
  readonly replay?: ReplaySpec;
}

export interface LoadApplied {
  /** Most dropped events, as a share of planned ones. */
  readonly maxDropped: number;
  /** Least achieved send rate, as a share of the target rate (measured phases). */
  readonly minAchieved: number;
}
