// The resolved scenario: what the rest of the harness consumes once a YAML file has been parsed,
// validated (scenario-schema.ts) and resolved (resolve-scenario.ts). Durations are milliseconds,
// rates events/second, shares fractions in [0, 1]. Nothing here is optional that has a default.

export type EventClass = 'anonymous' | 'identified';
export const EVENT_CLASSES: readonly EventClass[] = ['anonymous', 'identified'];

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
}

export interface Observation {
  readonly pollIntervalMs: number;
  /** Query API calls per minute the poller may make (PostHog allows 240/min). */
  readonly queryBudgetPerMinute: number;
  /** And per hour (PostHog: 2,400; 120 for HogQL on the older plan). */
  readonly queryBudgetPerHour: number;
  /** Query API calls in flight at once (PostHog: 3 per team). */
  readonly maxConcurrentQueries: number;
  readonly drainTimeoutMs: number;
  /** How visibility is observed (absent: 'auto'). */
  readonly method?: ObservationMethod;
  /** Intended-time bucket of counts observation, a whole number of seconds in ms (absent: 1000). */
  readonly bucketMs?: number;
}

export type ObservationMethod = 'auto' | 'exact' | 'counts';

export interface SlaCheck {
  /** The expression as written, e.g. "anonymous.visible.p99 < 5m". */
  readonly source: string;
  /** Metric path, e.g. "anonymous.visible.p99", "lost", "capture.error_rate", "rate.achieved". */
  readonly metric: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** Threshold in the metric's unit: ms for latencies, a fraction for rates/percentages, a count. */
  readonly threshold: number;
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
}

export interface LoadApplied {
  /** Most dropped events, as a share of planned ones. */
  readonly maxDropped: number;
  /** Least achieved send rate, as a share of the target rate (measured phases). */
  readonly minAchieved: number;
}
