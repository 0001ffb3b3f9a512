// A short mixed scenario (anonymous pageviews and identified custom events) as YAML text, for the
// end-to-end tests that run real load for a few seconds.

export interface ShortScenario {
  readonly name: string;
  readonly seed: number;
  /** Events per second of the single steady phase. */
  readonly rate: number;
  readonly duration: string;
  readonly populationSize: number;
  readonly pollInterval: string;
  readonly drainTimeout: string;
  readonly sla: readonly string[];
  /** observation.method (the scenario's default, auto, when not given). */
  readonly method?: 'auto' | 'exact' | 'counts';
  /** observation.queries_per_minute / queries_per_hour: the key's budget (PostHog's when not given). */
  readonly queriesPerMinute?: number;
  /** observation.limits: the deployment profile (from the target's host when not given). */
  readonly limits?: 'cloud' | 'cloud-legacy' | 'self-hosted';
  readonly queriesPerHour?: number;
}

export function shortScenarioText(s: ShortScenario): string {
  return `name: ${s.name}
seed: ${s.seed}
phases:
  - kind: steady
    rate: ${s.rate}
    duration: ${s.duration}
batch_size: 50
population:
  size: ${s.populationSize}
  returning: 0.3
person_profiles: identified_only
behaviours:
  - kind: pageview
    weight: 3
  - kind: custom
    weight: 1
    events: [report viewed]
observation:
  poll_interval: ${s.pollInterval}
  drain_timeout: ${s.drainTimeout}
${s.method ? `  method: ${s.method}\n` : ''}${s.limits ? `  limits: ${s.limits}\n` : ''}${s.queriesPerMinute ? `  queries_per_minute: ${s.queriesPerMinute}\n` : ''}${s.queriesPerHour ? `  queries_per_hour: ${s.queriesPerHour}\n` : ''}sla:
${s.sla.map((c) => `  - ${c}`).join('\n')}
`;
}
