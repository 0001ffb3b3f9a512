// The one table of commands: each with its handler and its flags. Parsing, defaults, validation,
// `--help`, the README test and dispatch (main.ts) all read it, so help text and behaviour cannot
// drift apart. Commands that share a flag share its object (the groups below); a command that
// words one differently says so with withHelp. `serve`'s flags are in serve-options.ts.

import { capacityCommand } from './capacity-command.js';
import { withHelp, type CommandSpec, type OptionSpec } from './command-spec.js';
import { compareCommand } from './compare-command.js';
import { mergeCommand } from './merge-command.js';
import { monitorCommand } from './monitor-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { schemaCommand } from './schema-command.js';
import { serveCommand } from './serve-command.js';
import { SERVE_OPTIONS } from './serve-options.js';
import { validateCommand } from './validate-command.js';

export type { CommandSpec, OptionKind, OptionSpec } from './command-spec.js';

const DASHBOARD_OPTION: OptionSpec = {
  name: 'dashboard',
  kind: 'string',
  value: '[HOST:PORT]',
  optionalValue: { whenBare: '127.0.0.1:0', pattern: /^(\[[^\]]+\]|[\w.-]*):\d+$/ },
  help: 'serve a live dashboard (server-sent events) while it runs, on loopback and a free port unless HOST:PORT says otherwise (the URL is printed); when the run ends the page becomes the final report',
};

const RATE_OPTION: OptionSpec = {
  name: 'rate',
  kind: 'number',
  value: 'R',
  help: 'scale the rate phases so the peak rate is R events/s (R > 0)',
};

const DURATION_OPTION: OptionSpec = {
  name: 'duration',
  kind: 'duration',
  value: 'D',
  help: "set only the steady phase's duration (e.g. 30s, 5m); warmup and ramp phases, the drain and the preflight come on top: `validate` prints the total",
};

const MAX_REGRESSION_OPTION: OptionSpec = {
  name: 'max-regression',
  kind: 'string',
  value: 'METRIC=LIMIT',
  repeatable: true,
  help: 'how much worse than the baseline a metric may be (visible.p99=10%, ack.p99=250ms, lost_share=0.01%, rate.achieved_share=2%, METRIC=off); repeat for more',
};

/** Which target takes the load (`run`, `replay`, `capacity`; `monitor` offers two of the three). */
const TARGET_OPTION: OptionSpec = {
  name: 'target',
  kind: 'choice',
  choices: ['embedded', 'posthog', 'containers'],
  default: 'embedded',
  help: 'embedded: the reference pipeline started inside the run; posthog: a real PostHog from POSTHOG_* environment variables; containers: the reference pipeline in Docker (or --compose FILE)',
};

/** A taskset CPU list for the embedded target (pinProcess), a CPU quota for the containers target. */
const TARGET_CPUS_OPTION: OptionSpec = {
  name: 'target-cpus',
  kind: 'string',
  value: 'LIST',
  help: 'embedded target: pin its processes to these CPUs with taskset (e.g. 1 or 0-1,3), apart from the load generator; containers target: the CPU quota of its container (e.g. 1.5, default 1)',
};

const TARGET_MEMORY_OPTION: OptionSpec = {
  name: 'target-memory',
  kind: 'string',
  value: 'SIZE',
  help: 'containers target: memory limit of the target container, e.g. 512m, 2g (default 1g)',
};

const COMPOSE_OPTION: OptionSpec = {
  name: 'compose',
  kind: 'string',
  value: 'FILE',
  help: 'containers target: bring up your own stack from a compose file; endpoints and keys from POSTHOG_* variables',
};

const PROBE_TIMEOUT_OPTION: OptionSpec = {
  name: 'probe-timeout',
  kind: 'duration',
  value: 'D',
  help: "how long the preflight waits for its probe event to come back through the query API (default: the scenario's preflight.probe_timeout, 2m)",
};

const FAULT_OPTION: OptionSpec = {
  name: 'fault',
  kind: 'string',
  value: 'SPEC',
  help: 'embedded target only: inject faults (same SPEC as `serve --fault`) to see how the harness reports them',
};

/** Where the load goes: shared by every command that runs load (`run`, `replay`). */
const TARGET_OPTIONS: readonly OptionSpec[] = [
  TARGET_OPTION,
  TARGET_CPUS_OPTION,
  TARGET_MEMORY_OPTION,
  COMPOSE_OPTION,
  PROBE_TIMEOUT_OPTION,
  FAULT_OPTION,
];

/** `capacity`'s target: the group without the preflight's probe timeout (capacity has no preflight). */
const CAPACITY_TARGET_OPTIONS: readonly OptionSpec[] = [
  withHelp(
    TARGET_OPTION,
    'embedded: the reference pipeline started for the run; posthog: a real PostHog from POSTHOG_* environment variables; containers: the reference pipeline in Docker with a CPU and memory quota (or --compose FILE)',
  ),
  TARGET_CPUS_OPTION,
  TARGET_MEMORY_OPTION,
  COMPOSE_OPTION,
  withHelp(
    FAULT_OPTION,
    'embedded target only: inject faults (same SPEC as `serve --fault`, e.g. identified-cost=200us)',
  ),
];

const WORKERS_OPTION: OptionSpec = {
  name: 'workers',
  kind: 'integer',
  value: 'N',
  min: 1,
  help: 'load worker threads, at least 1 (default: one per core; more than the cores is warned about)',
};

/** How a run's load is sent and named: `run` and `replay` (`capacity` takes its workers, and names its own run). */
const SENDER_OPTIONS: readonly OptionSpec[] = [
  WORKERS_OPTION,
  {
    name: 'run-id',
    kind: 'string',
    value: 'ID',
    help: 'the run id (default: a new timestamped one); in a sharded run every shard must be given the same',
  },
];

/** Where a report goes, how it is printed and watched: every command that runs load (`run`, `replay`, `capacity`). */
const REPORT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'out',
    kind: 'string',
    value: 'DIR',
    default: 'reports',
    help: 'where reports/<run-id>/ is written',
  },
  {
    name: 'json',
    kind: 'boolean',
    default: false,
    help: 'print report.json to stdout (human output stays on stderr)',
  },
  { name: 'quiet', kind: 'boolean', default: false, help: 'no live progress lines' },
  DASHBOARD_OPTION,
];

/** A single run's outputs: the report's, and the per-second timeline and metrics (`run`, `replay`). */
const OUTPUT_OPTIONS: readonly OptionSpec[] = [
  ...REPORT_OPTIONS,
  {
    name: 'timeline-out',
    kind: 'string',
    value: 'FILE',
    help: 'stream the per-second timeline to FILE as NDJSON while the run runs (one line per second, flushed: tail -f works); see README for the line format',
  },
  {
    name: 'metrics-listen',
    kind: 'string',
    value: 'HOST:PORT',
    help: "serve the monitor's Prometheus metrics (/metrics, /healthz) while the run runs, e.g. 0.0.0.0:9464 for a shard on Kubernetes; the counters end equal to the report's, the gauges (oldest unseen event, SLA over a rolling 5 min, last poll) are read live",
  },
];

/** Judging a finished run against a baseline, beside its SLA: `run` and `replay`. */
const BASELINE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'baseline',
    kind: 'string',
    value: 'FILE',
    help: 'compare the finished run with a baseline report.json (as `ingestbench compare`): exit 1 on an SLA failure or a regression',
  },
  MAX_REGRESSION_OPTION,
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    handler: runCommand,
    summary:
      'Run a scenario against a target and report time-to-queryable, loss, duplicates and the SLA verdict.',
    positionals: [{ name: 'scenario.yaml', help: 'the scenario file', required: true }],
    options: [
      ...TARGET_OPTIONS,
      RATE_OPTION,
      DURATION_OPTION,
      { name: 'seed', kind: 'integer', value: 'S', help: "override the scenario's seed" },
      {
        name: 'shard',
        kind: 'string',
        value: 'i/n',
        help: 'send shard i of n (1-based) of the run: a deterministic share of rate, users, sequence numbers and seed; needs --run-id; the report goes to <out>/<run-id>-shard-<i>-of-<n>/',
      },
      ...SENDER_OPTIONS,
      ...OUTPUT_OPTIONS,
      ...BASELINE_OPTIONS,
    ],
    examples: [
      'ingestbench run scenarios/quickstart.yaml',
      'ingestbench run scenarios/sla-ci.yaml --baseline baseline/report.json',
      'ingestbench run scenarios/sla-ci.yaml --shard 2/4 --run-id nightly-42 --target posthog',
      'ingestbench run scenarios/sla-ci.yaml --json > report.json',
      'POSTHOG_HOST=… ingestbench run scenarios/marketing-site.yaml --target posthog --rate 200',
    ],
  },
  {
    name: 'replay',
    handler: replayCommand,
    summary:
      'Replay recorded PostHog events (JSON lines from the query API or a batch export, or a requests_dump.jsonl) against a target, re-stamped for the run, and report as `run` does.',
    positionals: [
      {
        name: 'events file',
        help: 'JSON lines: one PostHog event a line, or one captured request a line (requests_dump.jsonl)',
        required: true,
      },
    ],
    options: [
      {
        name: 'speed',
        kind: 'number',
        value: 'X',
        conflicts: ['rate'],
        help: "keep the recording's relative timing, X times faster (default 1 unless --rate is given)",
      },
      {
        name: 'rate',
        kind: 'number',
        value: 'R',
        conflicts: ['speed'],
        help: "send the recorded events in their order at a constant R events/s, ignoring the recording's timing",
      },
      {
        name: 'duration',
        kind: 'duration',
        value: 'D',
        help: 'how long to send, looping over the file when it ends (default: one pass over the file)',
      },
      {
        name: 'scenario',
        kind: 'string',
        value: 'FILE',
        help: "take the run's settings (batching, compression, observation, SLA, load) from a scenario file; its phases and behaviours are not used",
      },
      ...TARGET_OPTIONS,
      ...SENDER_OPTIONS,
      ...OUTPUT_OPTIONS,
      ...BASELINE_OPTIONS,
    ],
    examples: [
      'ingestbench replay production-sample.jsonl --speed 10',
      'ingestbench replay requests_dump.jsonl --rate 500 --duration 2m --scenario scenarios/sla-ci.yaml',
      'POSTHOG_HOST=… ingestbench replay export.jsonl --rate 200 --target posthog',
    ],
  },
  {
    name: 'capacity',
    handler: capacityCommand,
    summary:
      'Find the highest rate of each event class the target sustains (ramp, then bisect), latency at 50/80/100 % of it, and the ratio anonymous ÷ identified.',
    positionals: [
      { name: 'scenario.yaml', help: 'the scenario whose behaviours the load is drawn from', required: true },
    ],
    options: [
      ...CAPACITY_TARGET_OPTIONS,
      {
        name: 'classes',
        kind: 'string',
        value: 'LIST',
        default: 'anonymous,identified',
        help: 'event classes to measure, comma-separated, in that order',
      },
      {
        name: 'step-duration',
        kind: 'duration',
        value: 'D',
        default: '30s',
        help: 'how long each step sends at one rate',
      },
      {
        name: 'start-rate',
        kind: 'number',
        value: 'R',
        help: "first step's rate, events/s (default: the scenario's peak rate)",
      },
      {
        name: 'max-rate',
        kind: 'number',
        value: 'R',
        help: 'the load generator\'s ceiling, events/s (default: measured by a 3 s burst into a local sink); higher capacities read "at least"',
      },
      {
        name: 'resolution',
        kind: 'number',
        value: 'F',
        default: 0.1,
        help: 'bisect until the failing rate is within this share of the sustained one',
      },
      WORKERS_OPTION,
      ...REPORT_OPTIONS,
    ],
    examples: [
      'ingestbench capacity scenarios/quickstart.yaml --target-cpus 1',
      'ingestbench capacity scenarios/saas-mixed.yaml --classes identified --step-duration 10s --json > capacity.json',
      'POSTHOG_HOST=… ingestbench capacity scenarios/marketing-site.yaml --target posthog --step-duration 2m',
    ],
  },
  {
    name: 'monitor',
    handler: monitorCommand,
    summary:
      "Watch ingestion until stopped: send a trickle of the scenario's events, see each one come back through the query API, serve Prometheus metrics (time-to-queryable, loss, the SLA over a rolling window) within a share of the key's query budget.",
    positionals: [
      {
        name: 'scenario.yaml',
        help: 'the scenario whose events, SLA and query budget are used',
        required: true,
      },
    ],
    options: [
      {
        ...TARGET_OPTION,
        choices: ['embedded', 'posthog'],
        help: 'embedded: the reference pipeline started for the monitor; posthog: a real PostHog from POSTHOG_* environment variables',
      },
      {
        name: 'rate',
        kind: 'number',
        value: 'R',
        default: 1,
        help: 'events per second of each class (a tick sends one anonymous and one identified event)',
      },
      {
        name: 'listen',
        kind: 'string',
        value: 'HOST:PORT',
        default: '127.0.0.1:9464',
        help: 'where /metrics (Prometheus text) and /healthz are served; 0.0.0.0:9464 to be scraped from other machines, port 0 for a free one',
      },
      {
        name: 'log',
        kind: 'string',
        value: 'FILE',
        help: 'append one NDJSON status line a minute (and a last one at stop) to FILE',
      },
      {
        name: 'query-share',
        kind: 'number',
        value: 'F',
        default: 0.1,
        help: "share of the key's query budget (observation.queries_per_hour and per minute) the monitor may use, 0 < F ≤ 1; the poll interval follows from it",
      },
      {
        name: 'deadline',
        kind: 'duration',
        value: 'D',
        help: "how long an event may stay unseen before it counts as lost (default: the loosest visible-latency bound of the scenario's SLA, else 5m)",
      },
      {
        name: 'sla-window',
        kind: 'duration',
        value: 'D',
        default: '5m',
        help: 'the rolling window ingestbench_sla_ok judges the SLA over',
      },
      {
        name: 'run-id',
        kind: 'string',
        value: 'ID',
        help: 'the id its events carry (default: a new timestamped one)',
      },
      withHelp(
        FAULT_OPTION,
        'embedded target only: inject faults (same SPEC as `serve --fault`, e.g. pause)',
      ),
      withHelp(
        DASHBOARD_OPTION,
        'serve the live dashboard (server-sent events) while it monitors, on loopback and a free port unless HOST:PORT says otherwise (the URL is printed): events per second, visible p50/p99, the oldest unseen age, the query budget and the SLA over the window, the last 30 minutes; at stop the page keeps the final state',
      ),
    ],
    examples: [
      'ingestbench monitor scenarios/quickstart.yaml --listen 127.0.0.1:9464',
      'ingestbench monitor scenarios/quickstart.yaml --listen 127.0.0.1:0 --dashboard',
      'POSTHOG_HOST=… ingestbench monitor scenarios/sla-ci.yaml --target posthog --listen 0.0.0.0:9464 --log monitor.ndjson',
    ],
  },
  {
    name: 'validate',
    handler: validateCommand,
    summary:
      "Check a scenario file without running it and print what it would do, with the run's total length (exit 0 when valid, 2 when not).",
    positionals: [{ name: 'scenario.yaml', help: 'the scenario file', required: true }],
    options: [RATE_OPTION, DURATION_OPTION],
    examples: [
      'ingestbench validate scenarios/saas-mixed.yaml',
      'ingestbench validate scenarios/marketing-site.yaml --duration 10s',
    ],
  },
  {
    name: 'schema',
    handler: (_line, io) => schemaCommand(io),
    summary: 'Print the scenario JSON Schema (for editors: `# yaml-language-server: $schema=…`).',
    positionals: [],
    options: [],
    examples: ['ingestbench schema > scenario.schema.json'],
  },
  {
    name: 'compare',
    handler: compareCommand,
    summary:
      'Compare a candidate report.json with a baseline, per class, from the HDR histograms (exit 1 on a regression).',
    positionals: [
      { name: 'baseline report.json', help: 'the reference run', required: true },
      { name: 'candidate report.json', help: 'the run to judge', required: true },
    ],
    options: [MAX_REGRESSION_OPTION],
    examples: [
      'ingestbench compare main/report.json reports/20261130-101500-a1b2c3/report.json',
      'ingestbench compare base.json new.json --max-regression visible.p99=5% --max-regression ack.p99=off',
    ],
  },
  {
    name: 'merge',
    handler: mergeCommand,
    summary:
      "Merge the shards' reports of one run into DIR/<run-id>/ (histograms merged losslessly, SLA judged again).",
    positionals: [
      {
        name: 'report.json',
        help: 'shard reports, or folders holding them (<folder>/report.json or <folder>/*/report.json)',
        required: true,
        variadic: true,
      },
    ],
    options: [
      {
        name: 'out',
        kind: 'string',
        value: 'DIR',
        default: 'reports',
        help: 'where DIR/<run-id>/ (report.json, summary.md, report.html, junit.xml) is written',
      },
      {
        name: 'json',
        kind: 'boolean',
        default: false,
        help: 'print the merged report.json to stdout',
      },
    ],
    examples: [
      'ingestbench merge reports/nightly-42-shard-*/report.json --out reports',
      'ingestbench merge shard-reports/ --out merged',
    ],
  },
  {
    name: 'serve',
    handler: serveCommand,
    summary: 'Run the embedded reference target (capture, query and metrics APIs) until SIGINT/SIGTERM.',
    positionals: [],
    options: SERVE_OPTIONS,
    examples: [
      'ingestbench serve --port 0 --memory',
      'ingestbench serve --data ./data --fault drop-after-ack=0.01',
    ],
  },
];

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'help',
    kind: 'boolean',
    short: 'h',
    default: false,
    help: 'show help for a command (also: ingestbench help [command])',
  },
  { name: 'version', kind: 'boolean', short: 'v', default: false, help: 'print the version' },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
