// `ingestbench serve`: the reference target as a long-running process. SERVE_OPTIONS is the one
// table the CLI parses and prints help from; serveOptionsToStart maps parsed values to
// startReferenceTarget options; serve() prints the URLs and runs until the signal aborts.

import type { OptionSpec } from '../cli/command-table.js';
import { IngestbenchError } from '../errors.js';
import { isUnknownTokens, UNKNOWN_TOKEN_MODES } from './capture/capture-admission.js';
import { FAULT_SPEC_HELP } from './pipeline/fault-spec.js';
import { isQueryLimitsName, QUERY_LIMIT_PROFILES } from './query/query-limits.js';
import {
  REFERENCE_DEFAULTS,
  startReferenceTarget,
  type ReferenceTargetOptions,
} from './start-reference-target.js';

export const SERVE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'host',
    kind: 'string',
    value: 'HOST',
    default: REFERENCE_DEFAULTS.host,
    help: 'interface to listen on',
  },
  {
    name: 'port',
    kind: 'integer',
    value: 'PORT',
    default: REFERENCE_DEFAULTS.port,
    help: 'port to listen on (0 picks a free one and prints it)',
  },
  {
    name: 'data',
    kind: 'string',
    value: 'DIR',
    default: REFERENCE_DEFAULTS.data,
    help: 'durable data directory (queue.db, store.db); acknowledged events survive kills and restarts',
    conflicts: ['memory'],
  },
  {
    name: 'memory',
    kind: 'boolean',
    default: false,
    help: 'keep data in a temporary directory, not fsynced and removed at exit (not durable)',
    conflicts: ['data'],
  },
  {
    name: 'token',
    kind: 'string',
    value: 'TOKEN',
    repeatable: true,
    default: REFERENCE_DEFAULTS.tokens[0],
    help: 'project token; repeat for more projects (ids --project, +1, … in order)',
  },
  {
    name: 'personal-key',
    kind: 'string',
    value: 'KEY',
    default: REFERENCE_DEFAULTS.personalKey,
    help: 'personal API key the query API accepts (Authorization: Bearer KEY)',
  },
  {
    name: 'project',
    kind: 'integer',
    value: 'ID',
    default: REFERENCE_DEFAULTS.firstProjectId,
    help: 'id of the first project',
  },
  {
    name: 'unknown-tokens',
    kind: 'choice',
    choices: UNKNOWN_TOKEN_MODES,
    default: 'reject',
    help:
      "a well-formed token of no project: reject answers 401 at capture (PostHog's capture with token enforcement on); " +
      'accept answers 200 and ingestion drops the events (enforcement off or failing open)',
  },
  {
    name: 'person-processing-opt-out',
    kind: 'integer',
    value: 'PROJECT',
    repeatable: true,
    help: "project id that opted out of person processing (PostHog's person_processing_opt_out): its events are all processed personless and never force-upgraded; repeat for more",
  },
  { name: 'fault', kind: 'string', value: 'SPEC', help: `inject faults: ${FAULT_SPEC_HELP}` },
  {
    name: 'query-limits',
    kind: 'choice',
    choices: [...QUERY_LIMIT_PROFILES, 'legacy'],
    default: 'cloud',
    help:
      "the query API's limits, as PostHog's deployments set them: cloud (240/min and 2,400/hour per personal key, " +
      '3 concurrent per project held up to 30 s then 429, 10 s per query), cloud-legacy (HogQL 120/hour, no minute ' +
      'window, 60 s per query; `legacy` is its older name), self-hosted (no throttle, no concurrency cap, 60 s per ' +
      'query), custom or none (no limit but the --query-* flags given)',
  },
  {
    name: 'query-per-minute',
    kind: 'integer',
    value: 'N',
    min: 1,
    help: "override the profile's queries per minute per personal key",
  },
  {
    name: 'query-per-hour',
    kind: 'integer',
    value: 'N',
    min: 1,
    help: "override the profile's queries per hour per personal key",
  },
  {
    name: 'query-concurrency',
    kind: 'integer',
    value: 'N',
    min: 0,
    help: "override the profile's concurrent queries per project (a plan's API_QUERIES_CONCURRENCY); 0 holds every query 30 s, then 429, as for an organisation over its API-queries quota",
  },
  {
    name: 'query-time-limit',
    kind: 'duration',
    value: 'D',
    help: "override the profile's maximum query execution time (API_QUERIES_MAX_EXECUTION_TIME), e.g. 30s; longer queries are answered 504",
  },
];

export type ServeOptionValues = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

/** Parsed `serve` flags (names as in SERVE_OPTIONS) → startReferenceTarget options. */
export function serveOptionsToStart(values: ServeOptionValues): ReferenceTargetOptions {
  const str = (name: string): string | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw usage(name, 'expects a text value');
    return v;
  };
  const int = (name: string): number | undefined => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n)) throw usage(name, `expects an integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const tokenValue = values['token'];
  const tokens =
    tokenValue === undefined
      ? undefined
      : typeof tokenValue === 'string'
        ? [tokenValue]
        : Array.isArray(tokenValue)
          ? [...(tokenValue as readonly string[])]
          : null;
  if (tokens === null) throw usage('token', 'expects one or more token values');
  const memory = values['memory'] === true;
  const data = str('data');
  const host = str('host');
  const port = int('port');
  const personalKey = str('personal-key');
  const firstProjectId = int('project');
  const fault = str('fault');
  const unknownTokens = str('unknown-tokens') ?? 'reject';
  if (!isUnknownTokens(unknownTokens))
    throw usage(
      'unknown-tokens',
      `expects one of ${UNKNOWN_TOKEN_MODES.join(', ')}, got ${JSON.stringify(unknownTokens)}`,
    );
  const optOutValue = values['person-processing-opt-out'];
  const optOutList =
    optOutValue === undefined ? [] : Array.isArray(optOutValue) ? optOutValue : [optOutValue];
  const personProcessingOptOut = optOutList.map((v: unknown) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!(Number.isInteger(n) && n >= 1))
      throw usage(
        'person-processing-opt-out',
        `expects a project id (a positive integer), got ${JSON.stringify(v)}`,
      );
    return n;
  });
  const queryLimits = str('query-limits') ?? 'cloud';
  if (!isQueryLimitsName(queryLimits))
    throw usage(
      'query-limits',
      `expects one of ${QUERY_LIMIT_PROFILES.join(', ')}, got ${JSON.stringify(queryLimits)}`,
    );
  const timeLimit = values['query-time-limit'];
  if (timeLimit !== undefined && typeof timeLimit !== 'number')
    throw usage('query-time-limit', 'expects a duration, e.g. 30s');
  const overrides = {
    ...optional('perMinute', int('query-per-minute')),
    ...optional('perHour', int('query-per-hour')),
    ...optional('concurrent', int('query-concurrency')),
    ...optional('maxExecutionMs', timeLimit),
  };
  return {
    queryLimits,
    unknownTokens,
    ...(Object.keys(overrides).length > 0 ? { queryLimitOverrides: overrides } : {}),
    memory,
    ...(personProcessingOptOut.length > 0 ? { personProcessingOptOut } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(data !== undefined && !memory ? { data } : {}),
    ...(tokens !== undefined ? { tokens } : {}),
    ...(personalKey !== undefined ? { personalKey } : {}),
    ...(firstProjectId !== undefined ? { firstProjectId } : {}),
    ...(fault !== undefined ? { fault } : {}),
  };
}

export interface ServeIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Starts the target, prints its URLs (never keys), and stops it cleanly when `signal` aborts. */
export async function serve(
  options: ReferenceTargetOptions,
  io: ServeIo,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return;
  const target = await startReferenceTarget(options);
  io.stdout.write(
    `capture  ${target.captureUrl}\n` +
      `query    ${target.queryUrl}\n` +
      `metrics  ${target.metricsUrl}\n` +
      `admin    ${target.adminUrl}/admin/faults\n`,
  );
  const projects = target.projects.map((p) => p.projectId).join(', ');
  io.stderr.write(
    `reference target: project${target.projects.length > 1 ? 's' : ''} ${projects}, ` +
      (target.durable ? `data in ${target.dataDir}` : 'in memory (not durable; removed at exit)') +
      '. Stop with Ctrl-C.\n',
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await target.stop();
  io.stderr.write('reference target stopped.\n');
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

function usage(name: string, why: string): IngestbenchError {
  return new IngestbenchError('USAGE', `serve --${name} ${why}; see ingestbench serve --help.`);
}
