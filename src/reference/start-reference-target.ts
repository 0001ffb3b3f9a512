// Starts the reference target: capture HTTP → durable queue (queue.db) → ingestion child process →
// event store (store.db) → query API, with /metrics on the same port and /admin/faults on a
// loopback-only port of its own. `stop()` closes everything; --memory data is removed then.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { debuglog } from 'node:util';
import { epochClock, systemClock, type ClockAnchor } from '../clock.js';
import { IngestbenchError } from '../errors.js';
import type { CapturedEvent } from './captured-event.js';
import { isUnknownTokens, UNKNOWN_TOKEN_MODES, type UnknownTokens } from './capture/capture-admission.js';
import { createCaptureHandler } from './capture/capture-handler.js';
import { createFlagsHandler } from './capture/flags-handler.js';
import { eventClassOf, parseCaptureRequest } from './capture/parse-capture.js';
import type { HttpRequest } from './http-types.js';
import { isQuotaLimited, NO_FAULTS, parseFaultSpec, type FaultSpec } from './pipeline/fault-spec.js';
import { superviseIngestion } from './pipeline/ingestion-supervisor.js';
import { createQueryHandler } from './query/query-handler.js';
import { startQueryWorkerPool } from './query/query-worker-pool.js';
import {
  isQueryLimitsName,
  QUERY_LIMIT_PROFILES,
  resolveQueryLimits,
  type QueryLimitOverrides,
  type QueryLimitsName,
} from './query/query-limits.js';
import { openDurableQueue } from './queue/durable-queue.js';
import { createAdminHandler } from './server/admin-handler.js';
import { listenHttp } from './server/reference-app.js';
import { createAdminApp, createCaptureApp } from './server/reference-routes.js';
import { createReferenceMetrics } from './server/reference-metrics.js';
import { createRejectFault } from './server/reject-fault.js';
import { openStore } from './store/open-store.js';

const debug = debuglog('ingestbench:reference');

export const REFERENCE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8010,
  data: '.ingestbench-data',
  tokens: ['phc_ingestbench'],
  personalKey: 'phx_ingestbench',
  firstProjectId: 1,
  batchSize: 2000,
  lingerMs: 20,
  /** A well-formed token of no project is refused at capture, as PostHog's with enforcement on. */
  unknownTokens: 'reject',
  /** What `serve` enforces on the query API unless told otherwise (a library caller's default is none). */
  serveQueryLimits: 'cloud',
} as const satisfies Record<string, unknown> & {
  unknownTokens: UnknownTokens;
  serveQueryLimits: QueryLimitsName;
};

export interface ReferenceTargetOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Durable data directory (queue.db, store.db); reused across restarts. */
  readonly data?: string;
  /** A temporary directory, not fsynced, removed at stop. Wins over `data`. */
  readonly memory?: boolean;
  /** Project tokens; project ids are firstProjectId, +1, … in this order. */
  readonly tokens?: readonly string[];
  readonly personalKey?: string;
  readonly firstProjectId?: number;
  /** A fault spec string (see FAULT_SPEC_HELP) or a parsed spec. */
  readonly fault?: string | FaultSpec;
  /**
   * Event names (`event`) the drop-after-ack and duplicate faults leave alone, whatever the spec:
   * whoever starts the target names its own control events (the harness: its preflight probe, so
   * the fault counters count the run's events only and a dropped probe does not hold the
   * preflight). Default none: the target knows nothing of its client.
   */
  readonly spareFromFaults?: readonly string[];
  /** Most events per ingestion transaction. */
  readonly batchSize?: number;
  /** How long ingestion waits for more rows after a short read. */
  readonly lingerMs?: number;
  /**
   * The time base for capture's `now`, created_at and lag (see clock.ts): the harness passes its
   * own so created_at and its intended times subtract; default this process's clock.
   */
  readonly clockAnchor?: ClockAnchor;
  /**
   * The query API's limits (query/query-limits.ts): PostHog's `cloud`, `cloud-legacy` or
   * `self-hosted` profile, or `custom`/`none` (the default here; `serve` defaults to cloud).
   */
  readonly queryLimits?: QueryLimitsName;
  /** Numeric overrides of the chosen profile (serve's --query-* flags, tests, benches). */
  readonly queryLimitOverrides?: QueryLimitOverrides;
  /** The query API's clock (unix ms): the throttle windows, now() and last_refresh. */
  readonly queryClock?: { now(): number };
  /**
   * A well-formed token of no project: `reject` (the default, PostHog's capture with token
   * enforcement on) answers 401 at capture; `accept` answers 200 and ingestion drops the events
   * (enforcement off or failing open).
   */
  readonly unknownTokens?: UnknownTokens;
  /**
   * Projects (ids) that opted out of person processing (PostHog's team setting
   * `person_processing_opt_out`): every event is processed personless, none is force-upgraded.
   */
  readonly personProcessingOptOut?: readonly number[];
}

export interface ReferenceTarget {
  /** Base URL of capture (/batch/, /e/, …), e.g. http://127.0.0.1:8010. */
  readonly captureUrl: string;
  /** Base URL of the query API (POST /api/projects/:id/query/). */
  readonly queryUrl: string;
  /** Full URL of the Prometheus metrics. */
  readonly metricsUrl: string;
  /** Base URL of the loopback-only admin API (GET/POST /admin/faults). */
  readonly adminUrl: string;
  readonly dataDir: string;
  /** false for --memory. */
  readonly durable: boolean;
  readonly projects: readonly { readonly token: string; readonly projectId: number }[];
  faults(): FaultSpec;
  setFaults(faults: FaultSpec): void;
  stop(): Promise<void>;
}

export async function startReferenceTarget(options: ReferenceTargetOptions = {}): Promise<ReferenceTarget> {
  const settings = resolveOptions(options);
  const clock = options.clockAnchor ? epochClock(options.clockAnchor) : systemClock;
  const durable = !settings.memory;
  const dataDir = settings.memory ? mkdtempSync(join(tmpdir(), 'ingestbench-')) : resolve(settings.data);
  if (!settings.memory) mkdirSync(dataDir, { recursive: true });
  const queueFile = join(dataDir, 'queue.db');
  const storeFile = join(dataDir, 'store.db');
  const cleanups: (() => void | Promise<void>)[] = [];
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        debug('cleanup failed: %o', error);
      }
    }
  };
  if (settings.memory) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

  try {
    const queue = await openDurableQueue(queueFile, { durable, now: clock.now });
    cleanups.push(() => queue.close());
    // Create the store schema here so the query side can open it read-only before ingestion runs.
    const schemaDb = openStore(storeFile, { durable });
    schemaDb.close();
    // Queries are parsed and run in worker threads, off the thread that answers capture. They
    // load the parser while the ingestion process starts, so neither waits for the other.
    const queryWorkersStarting = startQueryWorkerPool({ storeFile });
    // Awaited below and in the cleanup; this keeps a failure meanwhile from being unhandled.
    queryWorkersStarting.catch(() => undefined);
    cleanups.push(async () => (await queryWorkersStarting).close());

    let faults = settings.faults;
    // The consumer offset ingestion last committed. Only ever raised: a report from a killed
    // child may arrive after its successor said ready, and must not move the offset back.
    let committedOffset = 0;
    let lastTruncated = 0;
    const metrics = createReferenceMetrics({
      depth: () => queue.eventsAfter(committedOffset),
      lagSeconds() {
        const oldest = queue.oldestAfter(committedOffset);
        return oldest === null ? 0 : Math.max(0, clock.now() - oldest) / 1000;
      },
    });

    const supervisor = superviseIngestion(
      {
        queueFile,
        storeFile,
        durable,
        projects: settings.projects.map((p) => ({
          token: p.token,
          teamId: p.projectId,
          personProcessingOptOut: settings.personProcessingOptOut.has(p.projectId),
        })),
        batchSize: settings.batchSize,
        lingerMs: settings.lingerMs,
        faults,
        spareFromFaults: settings.spareFromFaults,
        clockAnchor: clock.anchor,
      },
      {
        onReady(offset) {
          committedOffset = Math.max(committedOffset, offset);
        },
        onBatch(report) {
          committedOffset = Math.max(committedOffset, report.offset);
          metrics.batch(report);
        },
        onCpu: (cpu, incarnation) => metrics.ingestionCpu(cpu, incarnation),
        onRestart: () => metrics.restart(),
        onCrashInjected: () => metrics.fault('crash'),
      },
    );
    cleanups.push(() => supervisor.stop());
    await supervisor.ready;
    const queryWorkers = await queryWorkersStarting;

    // Consumed rows are deleted in the background; the offset is committed, so they are done with.
    const truncation = setInterval(() => {
      if (committedOffset > lastTruncated) {
        queue.truncateThrough(committedOffset);
        lastTruncated = committedOffset;
      }
    }, 1_000);
    truncation.unref();
    cleanups.push(() => clearInterval(truncation));

    const countByClass = (
      events: readonly CapturedEvent[],
      outcome: 'accepted' | 'rejected' | 'quota_limited',
    ): void => {
      let identified = 0;
      for (const e of events) if (eventClassOf(e.data) === 'identified') identified++;
      metrics.captured('anonymous', outcome, events.length - identified);
      metrics.captured('identified', outcome, identified);
    };
    const projectIds = new Map(settings.projects.map((p) => [p.token, p.projectId]));
    const capture = createCaptureHandler({
      async enqueue(events) {
        await queue.append(events);
        countByClass(events, 'accepted');
      },
      now: () => new Date(clock.now()),
      admission: {
        unknownTokens: settings.unknownTokens,
        projectIdOf: (token) => projectIds.get(token),
        isQuotaLimited: (projectId) => isQuotaLimited(faults, projectId),
      },
      onQuotaLimited: (events) => countByClass(events, 'quota_limited'),
    });
    const rejectFault = createRejectFault({
      faults: () => faults,
      onReject(request: HttpRequest) {
        metrics.fault('reject');
        countByClass(eventsOf(request), 'rejected');
      },
    });
    const queryClock = options.queryClock ?? clock;
    const query = createQueryHandler({
      execute: queryWorkers.execute,
      projectIds: new Set(settings.projects.map((p) => p.projectId)),
      personalKeys: [settings.personalKey],
      now: () => queryClock.now(),
      limits: settings.queryLimits,
      onOutcome: (outcome) => metrics.query(outcome),
    });
    const flags = createFlagsHandler({ isProjectToken: (t) => projectIds.has(t), now: clock.now });
    const setFaults = (next: FaultSpec): void => {
      faults = next;
      supervisor.setFaults(next);
    };

    const main = await listenHttp({
      host: settings.host,
      port: settings.port,
      app: createCaptureApp({
        capture: (request) => rejectFault(request) ?? capture(request),
        captureAnswered: (status) => metrics.captureResponse(status),
        query,
        metrics: () => metrics.render(),
        flags,
      }),
    });
    cleanups.push(() => main.close());
    const admin = await listenHttp({
      host: '127.0.0.1',
      port: 0,
      app: createAdminApp(createAdminHandler({ faults: () => faults, setFaults })),
    });
    cleanups.push(() => admin.close());
    debug('listening on %s (admin %s), data in %s', main.url, admin.url, dataDir);

    let stopped: Promise<void> | null = null;
    return {
      captureUrl: main.url,
      queryUrl: main.url,
      metricsUrl: `${main.url}/metrics`,
      adminUrl: admin.url,
      dataDir,
      durable,
      projects: settings.projects,
      faults: () => faults,
      setFaults,
      stop: () => (stopped ??= runCleanups()),
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}

/** The events of a request the reject fault answered, for counting; none when it is malformed. */
function eventsOf(request: HttpRequest): readonly CapturedEvent[] {
  try {
    const parsed = parseCaptureRequest(request, new Date(systemClock.now()));
    return parsed.ok ? parsed.events : [];
  } catch {
    return [];
  }
}

/** Refuses options that cannot start a target; messages name a bad token by position, never its value. */
function resolveOptions(options: ReferenceTargetOptions) {
  const usage = (message: string): IngestbenchError => new IngestbenchError('USAGE', message);
  const port = options.port ?? REFERENCE_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw usage(`--port ${port} is not a TCP port (0-65535; 0 picks a free one).`);
  const tokens = options.tokens ?? REFERENCE_DEFAULTS.tokens;
  if (tokens.length === 0) throw usage('At least one --token is needed: each token is a project.');
  tokens.forEach((token, i) => {
    if (token === '' || token.length > 64 || token.startsWith('phx_') || !/^[\x21-\x7e]+$/.test(token))
      throw usage(
        `--token #${i + 1} is not a project token: it must be 1-64 printable ASCII characters and not a personal key (phx_…).`,
      );
    if (tokens.indexOf(token) !== i)
      throw usage(`--token #${i + 1} repeats an earlier token; each token is one project.`);
  });
  const firstProjectId = options.firstProjectId ?? REFERENCE_DEFAULTS.firstProjectId;
  if (!Number.isInteger(firstProjectId) || firstProjectId < 1)
    throw usage(`--project ${firstProjectId} is not a project id (a positive integer).`);
  const personalKey = options.personalKey ?? REFERENCE_DEFAULTS.personalKey;
  if (personalKey === '') throw usage('--personal-key must not be empty.');
  const batchSize = options.batchSize ?? REFERENCE_DEFAULTS.batchSize;
  const lingerMs = options.lingerMs ?? REFERENCE_DEFAULTS.lingerMs;
  if (!(Number.isInteger(batchSize) && batchSize >= 1) || !(lingerMs >= 0))
    throw usage(
      `Ingestion batch size (${batchSize}) must be a positive integer and linger (${lingerMs} ms) not negative.`,
    );
  const limitsName = options.queryLimits ?? 'none';
  if (!isQueryLimitsName(limitsName))
    throw usage(`--query-limits ${String(limitsName)} is not one of ${QUERY_LIMIT_PROFILES.join(', ')}.`);
  const unknownTokens = options.unknownTokens ?? REFERENCE_DEFAULTS.unknownTokens;
  if (!isUnknownTokens(unknownTokens))
    throw usage(`--unknown-tokens ${String(unknownTokens)} is not one of ${UNKNOWN_TOKEN_MODES.join(', ')}.`);
  const projects = tokens.map((token, i) => ({ token, projectId: firstProjectId + i }));
  const optOut = options.personProcessingOptOut ?? [];
  for (const id of optOut) {
    if (!projects.some((p) => p.projectId === id))
      throw usage(
        `--person-processing-opt-out ${id} names no project: the projects are ${projects.map((p) => p.projectId).join(', ')} (one per --token, from --project).`,
      );
  }
  const fault = options.fault ?? NO_FAULTS;
  return {
    unknownTokens,
    personProcessingOptOut: new Set(optOut),
    host: options.host ?? REFERENCE_DEFAULTS.host,
    port,
    memory: options.memory ?? false,
    data: options.data ?? REFERENCE_DEFAULTS.data,
    projects,
    personalKey,
    faults: typeof fault === 'string' ? parseFaultSpec(fault) : fault,
    spareFromFaults: options.spareFromFaults ?? [],
    batchSize,
    lingerMs,
    queryLimits: resolveQueryLimits(limitsName, options.queryLimitOverrides),
  };
}
