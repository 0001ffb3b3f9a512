// `ingestbench serve`: the reference target as a long-running process. The flags' table is
// cli/serve-options.ts (the CLI parses and prints help from it); serveOptionsToStart maps parsed values to
// startReferenceTarget options; serve() prints the URLs and runs until the signal aborts.

import { IngestbenchError } from '../errors.js';
import { isUnknownTokens, UNKNOWN_TOKEN_MODES } from './capture/capture-admission.js';
import { isQueryLimitsName, QUERY_LIMIT_PROFILES } from './query/query-limits.js';
import {
  REFERENCE_DEFAULTS,
  startReferenceTarget,
  type ReferenceTargetOptions,
} from './start-reference-target.js';

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
  const unknownTokens = str('unknown-tokens') ?? REFERENCE_DEFAULTS.unknownTokens;
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
  const queryLimits = str('query-limits') ?? REFERENCE_DEFAULTS.serveQueryLimits;
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
