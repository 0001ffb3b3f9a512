// The one schema of the scenario file. It gives the input type (ScenarioInput), the validation
// messages (load-scenario.ts maps each issue to its YAML line) and the JSON Schema editors use
// (scenario-json-schema.ts). Defaults live here and nowhere else; resolve-scenario.ts turns the
// parsed input into the resolved Scenario (milliseconds, normalised weights, overrides).

import * as z from 'zod';
import { DEPLOYMENT_PROFILES } from '../posthog-limits.js';
import { trySlaExpression } from './parse-sla.js';
import { fakerPathProblem } from './faker-path.js';
import { DURATION_EXAMPLES, DURATION_PATTERN, tryParseDuration } from '../core/parse-duration.js';

/** A positive duration such as "30s"; a bare number is refused because its unit would be a guess. */
function duration(description: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? undefined : `a duration is text with a unit, e.g. ${DURATION_EXAMPLES}`,
    })
    .meta({ description, pattern: DURATION_PATTERN })
    .superRefine((text, ctx) => {
      const parsed = tryParseDuration(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
      else if (parsed.ms <= 0)
        ctx.addIssue({ code: 'custom', message: `duration must be longer than 0, got "${text}"` });
    });
}

const rate = (description: string) => z.number().positive().max(10_000_000).meta({ description });

const phaseName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a phase name is letters, digits, "-", "_" or "."')
  .meta({ description: 'Name in reports (default: the kind, numbered when repeated).' });

const WarmupPhase = z.strictObject({
  kind: z.literal('warmup'),
  name: phaseName.optional(),
  rate: rate('Events per second.'),
  duration: duration('How long the phase lasts.'),
});
const SteadyPhase = z.strictObject({
  kind: z.literal('steady'),
  name: phaseName.optional(),
  rate: rate('Events per second.'),
  duration: duration('How long the phase lasts.'),
});
const RampPhase = z.strictObject({
  kind: z.literal('ramp'),
  name: phaseName.optional(),
  from: z.number().min(0).max(10_000_000).meta({ description: 'Events per second at the start.' }),
  to: rate('Events per second at the end.'),
  duration: duration('How long the ramp lasts.'),
});

const Phase = z.discriminatedUnion('kind', [WarmupPhase, RampPhase, SteadyPhase]).meta({
  description: 'warmup: sent and checked but not in latency figures or SLA; ramp: linear from → to.',
});

const Phases = z
  .array(Phase)
  .min(1, 'a scenario needs at least one phase')
  .superRefine((phases, ctx) => {
    if (!phases.some((p) => p.kind !== 'warmup')) {
      ctx.addIssue({ code: 'custom', message: 'only warmup phases: add a steady or ramp phase to measure' });
    }
    const seen = new Set<string>();
    phases.forEach((phase, index) => {
      if (phase.name === undefined) return;
      if (seen.has(phase.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `phase name "${phase.name}" is used twice`,
          path: [index, 'name'],
        });
      }
      seen.add(phase.name);
    });
  });

// ---- property generators -------------------------------------------------------------------

const Constant = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const GeneratorObject = z
  .strictObject({
    faker: z
      .string()
      .superRefine((path, ctx) => {
        const problem = fakerPathProblem(path);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .meta({ description: '@faker-js/faker module.method, e.g. internet.url, commerce.productName.' }),
    one_of: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1, 'one_of needs at least one value')
      .optional()
      .meta({ description: 'Pick uniformly from these values.' }),
    int: z
      .tuple([z.int(), z.int()])
      .refine(([min, max]) => min <= max, 'int is [min, max] with min ≤ max')
      .optional()
      .meta({ description: 'A whole number from min to max inclusive.' }),
  })
  .superRefine((generator, ctx) => {
    const keys = Object.keys(generator);
    if (keys.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a generator has exactly one of faker, one_of, int (found ${keys.length === 0 ? 'none of them' : keys.join(', ')})`,
      });
    }
  })
  .meta({ minProperties: 1, maxProperties: 1 });

const Generator = z.union([Constant, GeneratorObject], {
  error:
    'a property is a constant (text, number, true/false, null) or a generator: ' +
    '{faker: module.method}, {one_of: [...]}, {int: [min, max]}',
});

const Properties = z
  .record(
    z
      .string()
      .min(1)
      .refine(
        (key) => !key.startsWith('ingestbench_'),
        'properties starting with ingestbench_ are the harness’s own',
      ),
    Generator,
  )
  // An id makes the JSON Schema define this once and refer to it from every behaviour.
  .meta({ id: 'properties', description: 'Property name → constant or generator.' });

// ---- behaviours ----------------------------------------------------------------------------

/** PostHog's recommended `[object] [verb]` form: lowercase words, e.g. "project created". */
export const EVENT_NAME_FORM = /^[a-z][a-z0-9]*( [a-z][a-z0-9]*)+$/;

const EventName = z.string().superRefine((name, ctx) => {
  if (!EVENT_NAME_FORM.test(name)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${name}" is not an [object] [verb] event name: use lowercase words separated by spaces, e.g. "project created", "invite sent"`,
    });
  }
});

const Sdk = z.enum(['posthog-js', 'posthog-node', 'none']);

const behaviourCommon = {
  sdk: Sdk.optional().meta({
    description: "SDK profile of this behaviour's events (default: the scenario's sdk).",
  }),
  name: z.string().min(1).optional().meta({ description: 'Unique name in reports (default: the kind).' }),
  weight: z
    .number()
    .min(0)
    .default(1)
    .meta({ description: 'Relative share of events; weights are normalised to sum to 1.' }),
};

const PageviewBehaviour = z
  .strictObject({
    kind: z.literal('pageview'),
    ...behaviourCommon,
    properties: Properties.default({}),
  })
  .meta({ description: '$pageview events; $current_url defaults to {faker: internet.url}.' });

const AutocaptureBehaviour = z
  .strictObject({
    kind: z.literal('autocapture'),
    ...behaviourCommon,
    properties: Properties.default({}),
  })
  .meta({
    description: '$autocapture clicks as posthog-js sends them: $event_type, $el_text, $elements_chain.',
  });

const CustomBehaviour = z
  .strictObject({
    kind: z.literal('custom'),
    ...behaviourCommon,
    events: z.array(EventName).min(1, 'custom needs at least one event name').meta({
      description: '[object] [verb] event names to pick from, e.g. "project created".',
    }),
    properties: Properties.default({}),
  })
  .meta({ description: 'Product events by identified users.' });

const IdentifyBehaviour = z
  .strictObject({
    kind: z.literal('identify'),
    ...behaviourCommon,
    properties: Properties.default({}).meta({ description: 'Person properties sent as $set.' }),
  })
  .meta({
    description: '$identify: an anonymous visitor logs in ($anon_distinct_id merges it into a person).',
  });

const AliasBehaviour = z
  .strictObject({ kind: z.literal('alias'), ...behaviourCommon })
  .meta({ description: '$create_alias: a second distinct id for an identified person.' });

const SetBehaviour = z
  .strictObject({
    kind: z.literal('set'),
    ...behaviourCommon,
    properties: Properties.refine(
      (p) => Object.keys(p).length > 0,
      'set needs at least one person property',
    ).meta({
      description: 'Person properties sent as $set.',
    }),
  })
  .meta({ description: '$set: update person properties of an identified user.' });

const GroupBehaviour = z
  .strictObject({
    kind: z.literal('group'),
    ...behaviourCommon,
    group_type: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'a group type is lowercase letters, digits and "_", e.g. company')
      .default('company')
      .meta({ description: 'Group type, e.g. company, project.' }),
    group_count: z.int().min(1).max(1_000_000).default(10).meta({ description: 'Distinct group keys.' }),
    properties: Properties.default({}).meta({ description: 'Group properties sent as $group_set.' }),
  })
  .meta({ description: "$groupidentify; the user's later events carry $groups." });

const Behaviour = z.discriminatedUnion('kind', [
  PageviewBehaviour,
  AutocaptureBehaviour,
  CustomBehaviour,
  IdentifyBehaviour,
  AliasBehaviour,
  SetBehaviour,
  GroupBehaviour,
]);

/** PostHog's limit of group types per project. */
export const MAX_GROUP_TYPES = 5;

const Behaviours = z
  .array(Behaviour)
  .min(1, 'a scenario needs at least one behaviour')
  .superRefine((behaviours, ctx) => {
    if (behaviours.length > 0 && behaviours.reduce((sum, b) => sum + b.weight, 0) <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'behaviour weights sum to 0: give at least one a positive weight',
      });
    }
    const groupTypes = new Set<string>();
    behaviours.forEach((behaviour, index) => {
      if (behaviour.kind !== 'group' || groupTypes.has(behaviour.group_type)) return;
      groupTypes.add(behaviour.group_type);
      if (groupTypes.size > MAX_GROUP_TYPES) {
        ctx.addIssue({
          code: 'custom',
          message: `PostHog allows at most ${MAX_GROUP_TYPES} group types per project; this is the ${groupTypes.size}th`,
          path: [index, 'group_type'],
        });
      }
    });
    const seen = new Map<string, number>();
    behaviours.forEach((behaviour, index) => {
      const name = behaviour.name ?? behaviour.kind;
      const first = seen.get(name);
      if (first !== undefined) {
        const how = behaviour.name === undefined ? ` (unnamed ${behaviour.kind} behaviours need a name)` : '';
        ctx.addIssue({
          code: 'custom',
          message: `behaviour name "${name}" is already used by behaviours[${first}]${how}`,
          path: [index, 'name'],
        });
      } else {
        seen.set(name, index);
      }
    });
  });

// ---- sessions ------------------------------------------------------------------------------

/** posthog-js clamps session_idle_timeout_seconds to [60 s, 10 h] (packages/browser/src/sessionid.ts). */
const IDLE_TIMEOUT_MIN_MS = 60_000;
const IDLE_TIMEOUT_MAX_MS = 10 * 3_600_000;

const Session = z
  .strictObject({
    idle_timeout: duration(
      "posthog-js's session_idle_timeout: the session id rotates after this long without activity (1m to 10h).",
    )
      .refine(
        (text) => {
          const parsed = tryParseDuration(text);
          return !parsed.ok || (parsed.ms >= IDLE_TIMEOUT_MIN_MS && parsed.ms <= IDLE_TIMEOUT_MAX_MS);
        },
        { message: 'idle_timeout must be from 1m to 10h, the range posthog-js allows' },
      )
      .default('30m'),
    events: z
      .strictObject({
        mean: z.number().min(1).max(100_000).default(8).meta({
          description: 'Mean events per visit (geometric), a closing $pageleave included.',
        }),
      })
      .prefault({}),
    think_time: z
      .strictObject({
        mean: duration('Mean time between a visit’s events (exponential).').default('20s'),
      })
      .prefault({}),
    pageleave: z
      .boolean()
      .default(true)
      .meta({ description: "A visit's last event is a $pageleave (posthog-js's capture_pageleave)." }),
  })
  .superRefine((session, ctx) => {
    if (session.pageleave && session.events.mean < 2) {
      ctx.addIssue({
        code: 'custom',
        message: `events.mean ${session.events.mean} with pageleave: a visit is at least an event and its $pageleave, so the mean must be 2 or more`,
        path: ['events', 'mean'],
      });
    }
  })
  .meta({
    description:
      "A user's events come as visits (sessions) with think time between them, carrying posthog-js's $session_id and $window_id. Absent: no sessions.",
  });

// ---- the file ------------------------------------------------------------------------------

/** A share written as a fraction (0.01) or a percentage ("1%"). */
const Share = z
  .union([
    z.number().min(0).max(1),
    z.string().regex(/^(\d+(\.\d+)?|\.\d+)\s*%$/, 'a share is a fraction (0.01) or a percentage ("1%")'),
  ])
  .meta({ description: 'A fraction (0.01) or a percentage ("1%").' });

const SlaExpression = z
  .string()
  .meta({ description: 'e.g. "visible.p99 < 5m", "lost == 0", "capture.error_share < 0.1%".' })
  .superRefine((expression, ctx) => {
    const parsed = trySlaExpression(expression);
    if (!parsed.ok) {
      // The span travels with the issue so the error can put a caret under the bad part.
      ctx.addIssue({
        code: 'custom',
        message: parsed.message,
        params: { slaStart: parsed.start, slaEnd: parsed.end },
      });
    }
  });

// ---- replay ---------------------------------------------------------------------------------

const Replay = z
  .strictObject({
    file: z.string().min(1).meta({
      description:
        'Recorded events to replay: JSON lines of PostHog events (query API, batch export) or a requests_dump.jsonl; relative to the scenario file.',
    }),
    speed: z
      .number()
      .positive()
      .max(1_000_000)
      .optional()
      .meta({ description: "Keep the recording's relative timing, this many times faster (default 1)." }),
    rate: rate('Send the recorded events in order at this constant rate instead (events/s).').optional(),
    duration: duration('How long to send, looping over the file (default: one pass).').optional(),
  })
  .superRefine((replay, ctx) => {
    if (replay.speed !== undefined && replay.rate !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give speed or rate, not both', path: ['rate'] });
    }
  })
  .meta({
    description:
      'Replay a recorded file instead of generating events: phases and behaviours are then left out.',
  });

export const ScenarioSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a scenario name is letters, digits, "-", "_" or "."')
      .optional()
      .meta({ description: 'Name in reports (default: the file name without .yaml).' }),
    description: z.string().default('').meta({ description: 'What the scenario models.' }),
    seed: z
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1)
      .meta({ description: 'Seed for every random choice: same seed, same events.' }),
    phases: Phases.optional(),
    replay: Replay.optional(),
    batch_size: z.int().min(1).max(1000).default(100).meta({ description: 'Events per capture request.' }),
    compression: z
      .enum(['none', 'gzip'])
      .default('gzip')
      .meta({ description: 'Request body encoding (the SDKs gzip when they can).' }),
    endpoint: z
      .enum(['/batch/', '/e/', '/i/v0/e/'])
      .default('/batch/')
      .meta({ description: 'Capture route the requests go to.' }),
    population: z
      .strictObject({
        size: z.int().min(1).max(100_000_000).default(10_000).meta({ description: 'Distinct users.' }),
        returning: z
          .number()
          .min(0)
          .max(1)
          .default(0)
          .meta({ description: 'Share of users already identified when the run starts (0 to 1).' }),
        anonymous_share: z.number().min(0).max(1).optional().meta({
          description:
            'Share of events sent anonymous (personless), fixed whatever the rate: users are split into anonymous-only and identified ones (0 to 1).',
        }),
        activity: z
          .union([
            z.literal('uniform'),
            z.strictObject({
              zipf: z.number().positive().max(5).meta({
                description:
                  'Exponent s: the user of rank r sends in proportion to r^-s (1 is classic zipf).',
              }),
            }),
          ])
          .default('uniform')
          .meta({
            description:
              'How often each user sends: uniform (all alike) or {zipf: s} (a few users send most events).',
          }),
      })
      .prefault({}),
    session: Session.optional(),
    person_profiles: z.enum(['identified_only', 'always']).default('identified_only').meta({
      description: "posthog-js person_profiles: 'identified_only' sends personless events until identify.",
    }),
    sdk: Sdk.default('none').meta({
      description:
        "Whose default properties events carry: posthog-js (browser, device, page, session, $set_once), posthog-node ($lib, $is_server), none (the harness's few).",
    }),
    behaviours: Behaviours.optional(),
    observation: z
      .strictObject({
        poll_interval: duration('Time between visibility polls (the latency resolution).').default('1s'),
        limits: z.enum(DEPLOYMENT_PROFILES).optional().meta({
          description:
            "The deployment's query limits: cloud (240/min + 2,400/hour per personal key, 3 concurrent, 10 s per query), cloud-legacy (HogQL 120/hour, no minute window), self-hosted (no throttle, 60 s per query) or custom (give queries_per_minute, queries_per_hour, max_concurrent_queries and max_query_time). Default: from the target's host (PostHog Cloud's hosts: cloud; any other: self-hosted). The fields below override it.",
        }),
        queries_per_minute: z.int().min(1).max(100_000).optional().meta({
          description:
            "Query API calls per minute of the personal API key: the key's budget, shared by every run, shard and capacity step that uses the key and by whatever else queries with it (lower it by what other tools use). Default: the profile's; cloud 240.",
        }),
        queries_per_hour: z.int().min(1).max(10_000_000).optional().meta({
          description:
            "Query API calls per hour of the personal API key, shared like queries_per_minute (default: the profile's; cloud 2,400, cloud-legacy 120). The poll interval stretches to fit the run and drain.",
        }),
        max_concurrent_queries: z.int().min(1).max(100).optional().meta({
          description:
            "Query API calls in flight at once (default: the profile's; cloud 3 per team, plan-dependent; where the deployment has no cap the harness still keeps to 3).",
        }),
        max_query_time: duration(
          "The deployment's maximum query execution time (default: the profile's; cloud 10 s, else 60 s). The request timeout is this plus the concurrency queue wait and a margin.",
        ).optional(),
        query_budget: z.int().min(1).max(100_000).optional().meta({
          description:
            "Older name of queries_per_minute (used when queries_per_minute is not set): the personal API key's budget, whatever else uses the key.",
        }),
        drain_timeout: duration('How long to keep polling after the last send.').default('60s'),
        method: z.enum(['auto', 'exact', 'counts']).default('auto').meta({
          description:
            'exact: a row per event; counts: per class and time bucket count() and count(DISTINCT uuid), a query cost that does not grow with the rate; auto: counts when the rows a poll would fetch exceed the query budget.',
        }),
        bucket: duration(
          'Intended-time bucket of counts observation, whole seconds (adds to its latency resolution).',
        )
          .refine(
            (text) => {
              // HogQL's toStartOfInterval buckets by whole seconds at the finest.
              const parsed = tryParseDuration(text);
              return !parsed.ok || (parsed.ms >= 1000 && parsed.ms % 1000 === 0);
            },
            { message: 'bucket must be a whole number of seconds, at least 1s' },
          )
          .default('1s'),
      })
      .prefault({}),
    preflight: z
      .strictObject({
        probe_timeout: duration(
          'How long to wait for the probe event to come back through the query API before any load (proof of the token).',
        ).default('2m'),
      })
      .prefault({}),
    load_applied: z
      .union([
        z.literal(false),
        z.strictObject({
          max_dropped: Share.default('1%').meta({
            description: 'Most events that may go unsent (dropped), as a share of those planned.',
          }),
          min_achieved: Share.default('99%').meta({
            description: 'Least achieved send rate, as a share of the target rate over the measured phases.',
          }),
        }),
      ])
      .default({ max_dropped: '1%', min_achieved: '99%' })
      .meta({
        description:
          'The built-in "load applied" SLA check: a run that did not send its load has shown nothing. false turns it off.',
      }),
    sla: z
      .array(SlaExpression)
      .default([])
      .meta({ description: 'Checks evaluated at the end; any failure fails the run.' }),
    load: z
      .strictObject({
        max_in_flight: z.int().min(1).max(100_000).default(64).meta({
          description: 'Concurrent requests per worker; events over the cap are dropped and counted.',
        }),
        request_timeout: duration('Per-request timeout.').default('10s'),
        retries: z.int().min(0).max(10).default(3).meta({ description: 'Retries of 429/503 answers.' }),
      })
      .prefault({}),
  })
  .superRefine((scenario, ctx) => {
    // custom has no numbers of its own: each must be given, so none falls back to a guess.
    const o = scenario.observation;
    if (o.limits === 'custom') {
      const given = {
        queries_per_minute: o.queries_per_minute ?? o.query_budget,
        queries_per_hour: o.queries_per_hour,
        max_concurrent_queries: o.max_concurrent_queries,
        max_query_time: o.max_query_time,
      };
      const missing = Object.entries(given)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k);
      if (missing.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `limits: custom needs ${missing.join(', ')} (or pick cloud, cloud-legacy or self-hosted and override what differs)`,
          path: ['observation', 'limits'],
        });
      }
    }
    // A scenario either generates events (phases and behaviours) or replays a file: not both.
    for (const field of ['phases', 'behaviours'] as const) {
      if (scenario.replay === undefined && scenario[field] === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `a scenario needs ${field} (or a replay: { file } of recorded events)`,
          path: [field],
        });
      } else if (scenario.replay !== undefined && scenario[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} has no effect in a replay (the file gives the events and their times): remove it`,
          path: [field],
        });
      }
    }
    // With 'always' every event is processed with a person: an anonymous share would be a lie.
    const share = scenario.population.anonymous_share;
    if (share !== undefined && share > 0 && scenario.person_profiles === 'always') {
      ctx.addIssue({
        code: 'custom',
        message: `anonymous_share ${share} needs person_profiles: identified_only ('always' sends every event identified)`,
        path: ['population', 'anonymous_share'],
      });
    }
  })
  .meta({
    title: 'ingestbench scenario',
    description: 'A PostHog-style ingestion workload: rate phases, behaviours, observation and SLA.',
  });

export type ScenarioInput = z.input<typeof ScenarioSchema>;
/** The file after validation, with defaults filled in; resolve-scenario.ts turns it into a Scenario. */
export type ParsedScenario = z.output<typeof ScenarioSchema>;
