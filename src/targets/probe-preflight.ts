// Proof of the project token before any load. Capture can accept a token and still drop its
// events: PostHog's capture answers 200 and keeps nothing for a project over its billing quota,
// and, with token enforcement off or failing open, for a well-formed token of another project or
// region. With enforcement on it refuses an unknown token (401 "API key does not belong to any
// project", or 403 `ingest_key_unknown` in front of some deployments): capture-refusal.ts says
// which setting to check. The only proof is an event that comes back: one marked probe event is
// sent through capture and the query API is asked for it until it is returned or the probe
// timeout passes.
//
// The probe is class-neutral: it carries `ingestbench_probe` (the run id), never `ingestbench_run`
// or `ingestbench_class`, and a uuid outside the run's encoding, so no count of the run sees it.
// It is personless ($process_person_profile: false), so it creates no person either.
// A probe that ingestion drops (a fault, a lost message) would fail the run for nothing: while
// waiting, a fresh probe (new uuid) is sent at growing intervals, and the first one seen counts.

import { randomUUID } from 'node:crypto';
import { IngestbenchError } from '../errors.js';
import { systemClock, type Clock } from '../clock.js';
import { hogqlDateTime, hogqlLiteral } from '../observe/hogql-literal.js';
import { QueryError, type QueryClient } from '../observe/query-client.js';
import { captureRefusal } from './capture-refusal.js';
import { postCaptureBatch } from './preflight.js';
import { PROBE_EVENT } from './probe-event.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 120_000;

/** How far around the probe's timestamp its query looks (bounded, so it never scans history). */
const WINDOW_MS = 10 * 60_000;
/** Polls start fast (the reference target answers in milliseconds) and slow down to this. */
const FIRST_POLL_MS = 200;
const MAX_POLL_MS = 2_000;
/** A probe unseen this long is sent again; the gap doubles each time. */
const FIRST_RESEND_MS = 5_000;
/** Capture answers a probe may get that mean "try again" (faults, a busy queue). */
const RETRYABLE = new Set([429, 502, 503, 504]);
const SEND_ATTEMPTS = 5;

export interface ProbeOptions {
  readonly captureUrl: string;
  /** The project token: a secret, sent and never printed. */
  readonly token: string;
  readonly client: QueryClient;
  readonly runId: string;
  readonly timeoutMs: number;
  /** Words that name the user's settings in the failure message (env vars for posthog). */
  readonly settings?: ProbeSettingNames;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

export interface ProbeSettingNames {
  readonly token: string;
  readonly project: string;
  readonly queryHost: string;
  /** Default: "the capture host". */
  readonly captureHost?: string;
}

const GENERIC_SETTINGS: ProbeSettingNames = {
  token: 'the project token',
  project: 'the project id',
  queryHost: 'the query host',
  captureHost: 'the capture host',
};

export interface ProbeResult {
  /** From sending the probe that was seen to the query answer that returned it (ms). */
  readonly latencyMs: number;
  /** Probe events sent (more than 1 when one was resent while waiting). */
  readonly sent: number;
  /** Query API calls the probe used. */
  readonly queries: number;
}

/** The HogQL that finds a run's probe events: bounded in time, on the probe's own property. */
export function probeQuery(runId: string, aroundMs: number): string {
  return (
    `SELECT uuid FROM events WHERE properties.ingestbench_probe = ${hogqlLiteral(runId)}` +
    ` AND timestamp >= ${hogqlDateTime(aroundMs - WINDOW_MS)} AND timestamp < ${hogqlDateTime(aroundMs + WINDOW_MS)}` +
    ' LIMIT 100'
  );
}

/** One probe event as capture's /batch/ takes it. */
export function probeBody(token: string, runId: string, uuid: string, timestampMs: number): string {
  return JSON.stringify({
    api_key: token,
    batch: [
      {
        event: PROBE_EVENT,
        uuid,
        distinct_id: `ingestbench-probe-${runId}`,
        timestamp: new Date(timestampMs).toISOString(),
        properties: { ingestbench_probe: runId, $process_person_profile: false, $lib: 'ingestbench' },
      },
    ],
  });
}

export async function probePreflight(options: ProbeOptions): Promise<ProbeResult> {
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  const names = options.settings ?? GENERIC_SETTINGS;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const sentAt = new Map<string, number>();
  const queriesBefore = options.client.stats().queries;

  const sendProbe = async (): Promise<void> => {
    const uuid = randomUUID();
    const now = clock.now();
    await postProbe(options, probeBody(options.token, options.runId, uuid, now), clock, names);
    sentAt.set(uuid, now);
  };

  await sendProbe();
  let nextResend = clock.now() + FIRST_RESEND_MS;
  let resendGap = FIRST_RESEND_MS;
  let pollGap = FIRST_POLL_MS;
  for (;;) {
    let response;
    try {
      response = await options.client.query(probeQuery(options.runId, started), {
        deadline: () => deadline,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      // The probe's own deadline came inside a query (a slow answer, a throttle): say what the
      // probe's timeout means rather than what the query client saw.
      if (
        error instanceof QueryError &&
        (error.code === 'QUERY_DEADLINE' || error.code === 'QUERY_BUDGET_EXHAUSTED')
      )
        break;
      throw error;
    }
    for (const row of response.results) {
      const at = sentAt.get(String(row[0]));
      if (at !== undefined) {
        return {
          latencyMs: Math.max(0, response.receivedAt - at),
          sent: sentAt.size,
          queries: options.client.stats().queries - queriesBefore,
        };
      }
    }
    const now = clock.now();
    if (now >= deadline) break;
    if (now >= nextResend) {
      await sendProbe();
      resendGap *= 2;
      nextResend = clock.now() + resendGap;
    }
    await clock.sleep(Math.min(pollGap, Math.max(0, deadline - clock.now())), signal);
    pollGap = Math.min(MAX_POLL_MS, pollGap * 2);
  }
  throw new IngestbenchError(
    'TARGET_PROBE_UNSEEN',
    `capture acknowledged ${sentAt.size === 1 ? 'a probe event' : `${sentAt.size} probe events`}, but the query API did not return ` +
      `${sentAt.size === 1 ? 'it' : 'any'} within ${Math.round(options.timeoutMs / 1000)} s, so no load was sent. ` +
      'Capture answers 200 and keeps nothing when the project is over its billing quota (capture itself drops its events); ' +
      `and when capture does not check tokens (token enforcement off or failing open), when ${names.token} belongs to another project ` +
      `than ${names.project}, or to another region than ${names.queryHost}. ` +
      'If ingestion is only slow, allow it longer with --probe-timeout (scenario: preflight.probe_timeout).',
  );
}

async function postProbe(
  options: Pick<ProbeOptions, 'captureUrl' | 'token' | 'signal'>,
  body: string,
  clock: Clock,
  names: ProbeSettingNames,
): Promise<void> {
  const { captureUrl, signal } = options;
  const url = `${captureUrl}/batch/`;
  for (let attempt = 1; ; attempt += 1) {
    let status: number;
    let answer: string;
    try {
      ({ status, body: answer } = await postCaptureBatch(captureUrl, body, signal));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const code = (error as { code?: unknown }).code;
      throw new IngestbenchError(
        'TARGET_UNREACHABLE',
        `capture API at ${url} did not answer the probe event (${typeof code === 'string' ? code : String(error)}); is the target running?`,
        { cause: error },
      );
    }
    if (status >= 200 && status < 300) return;
    if (status === 401 || status === 403) {
      throw captureRefusal(url, status, answer, options.token, {
        token: names.token,
        captureHost: names.captureHost ?? 'the capture host',
      });
    }
    if (!RETRYABLE.has(status) || attempt >= SEND_ATTEMPTS) {
      throw new IngestbenchError(
        'TARGET_REFUSED',
        `capture API at ${url} answered HTTP ${status} to the probe event${attempt > 1 ? ` (${attempt} attempts)` : ''}`,
      );
    }
    await clock.sleep(250 * 2 ** (attempt - 1), signal);
  }
}
