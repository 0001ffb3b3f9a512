// The one table of commands and flags. Parsing, defaults, validation and `--help` all read it,
// so help text and behaviour cannot drift apart. `serve`'s flags live beside the reference target.

import { SERVE_OPTIONS } from '../reference/serve.js';

export type OptionKind = 'string' | 'integer' | 'number' | 'duration' | 'boolean' | 'choice';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  readonly help: string;
  /** Shown in help and applied when the flag is absent; undefined = no default (flag optional). */
  readonly default?: string | number | boolean;
  readonly choices?: readonly string[];
  readonly repeatable?: boolean;
  /** Placeholder in help, e.g. "DIR". */
  readonly value?: string;
  readonly conflicts?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly { name: string; help: string; required: boolean }[];
  readonly options: readonly OptionSpec[];
  readonly examples: readonly string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary:
      'Run a scenario against a target and report time-to-queryable, loss, duplicates and the SLA verdict.',
    positionals: [{ name: 'scenario.yaml', help: 'the scenario file', required: true }],
    options: [
      {
        name: 'target',
        kind: 'choice',
        choices: ['embedded', 'posthog', 'containers'],
        default: 'embedded',
        help: 'embedded: the reference pipeline started inside the run; posthog: a real PostHog from POSTHOG_* environment variables; containers: the reference pipeline in Docker (or --compose FILE)',
      },
      {
        name: 'target-cpus',
        kind: 'number',
        value: 'N',
        help: 'containers target: CPUs the target container may use (default 1)',
      },
      {
        name: 'target-memory',
        kind: 'string',
        value: 'SIZE',
        help: 'containers target: memory limit of the target container, e.g. 512m, 2g (default 1g)',
      },
      {
        name: 'compose',
        kind: 'string',
        value: 'FILE',
        help: 'containers target: bring up your own stack from a compose file; endpoints and keys from POSTHOG_* variables',
      },
      {
        name: 'out',
        kind: 'string',
        value: 'DIR',
        default: 'reports',
        help: 'where reports/<run-id>/ is written',
      },
      {
        name: 'rate',
        kind: 'number',
        value: 'R',
        help: 'scale the rate phases so the peak rate is R events/s',
      },
      {
        name: 'duration',
        kind: 'duration',
        value: 'D',
        help: "set the steady phase's duration (e.g. 30s, 5m)",
      },
      { name: 'workers', kind: 'integer', value: 'N', help: 'load worker threads (default: one per core)' },
      { name: 'seed', kind: 'integer', value: 'S', help: "override the scenario's seed" },
      {
        name: 'fault',
        kind: 'string',
        value: 'SPEC',
        help: 'embedded target only: inject faults (same SPEC as `serve --fault`) to see how the harness reports them',
      },
      {
        name: 'json',
        kind: 'boolean',
        default: false,
        help: 'print report.json to stdout (human output stays on stderr)',
      },
      { name: 'quiet', kind: 'boolean', default: false, help: 'no live progress lines' },
    ],
    examples: [
      'ingestbench run scenarios/quickstart.yaml',
      'ingestbench run scenarios/sla-ci.yaml --json > report.json',
      'POSTHOG_HOST=… ingestbench run scenarios/marketing-site.yaml --target posthog --rate 200',
    ],
  },
  {
    name: 'validate',
    summary: 'Check a scenario file without running it (exit 0 when valid, 2 when not).',
    positionals: [{ name: 'scenario.yaml', help: 'the scenario file', required: true }],
    options: [],
    examples: ['ingestbench validate scenarios/saas-mixed.yaml'],
  },
  {
    name: 'schema',
    summary: 'Print the scenario JSON Schema (for editors: `# yaml-language-server: $schema=…`).',
    positionals: [],
    options: [],
    examples: ['ingestbench schema > scenario.schema.json'],
  },
  {
    name: 'serve',
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
  { name: 'help', kind: 'boolean', default: false, help: 'show help for a command' },
  { name: 'version', kind: 'boolean', default: false, help: 'print the version' },
];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
