// The reference target's ingestion worker core: turns a batch of captured events into store rows
// in one SQLite transaction, so all of a batch's rows become visible together at commit, together
// with whatever the caller writes in `inTransaction` (the pipeline's consumer offset: exactly once).
//
// The batch is split by class and each class is processed on its own, in order within the class,
// with its CPU measured (class-cost.ts: marginal cost per class, shared overhead and commit by
// rows written), so the cost of person processing is measured, not assumed. Personless events
// come first: in the `identified_only` flow a user's anonymous events precede the $identify that
// merges them. Persons are cached for the batch and each changed person is written once
// (person-batch.ts); person_properties on each event is the person after it.
//
// Classes are as PostHog processes them, which is not always as sent:
// - force_upgrade: a personless event whose distinct id has a person created over a minute before
//   it goes through full person processing (PostHog's personless step sets force_upgrade, its
//   process-persons step then runs the person processor with processPerson true). It joins the
//   identified slice and counts as identified, as PostHog bills it (usage_report: person_mode IN
//   ('full', 'force_upgrade')). Its own $set/$set_once/$unset were stripped by normalization
//   before that step, as in PostHog, so they are not applied.
// - A project that opted out of person processing has every event processed personless, and
//   never force-upgraded ("If the team has opted out then we never force the upgrade").
// Sources: nodejs/src/ingestion/event-processing/process-persons-step.ts,
// worker/ingestion/event-pipeline/processPersonlessStep.ts, normalize-process-person-flag-step.ts.

import { debuglog } from 'node:util';
import type Database from 'better-sqlite3';

import { IngestbenchError } from '../../errors.js';
import type { CapturedEvent } from '../captured-event.js';
import { eventClassOf } from '../capture/parse-capture.js';
import { prepareStoreStatements, type EventRow, type PersonMode } from '../store/store-statements.js';
import { emptyOutcome, type BatchOutcome, type OutcomeBuilder } from './batch-outcome.js';
import { createClassCostMeter } from './class-cost.js';
import { eventTimestamp } from './event-timestamp.js';
import type { IngestionWarning } from './ingestion-warning.js';
import { normalizeEvent, type NormalizedEvent } from './normalize-event.js';
import { createPersonBatch, propertiesOf, type PersonBatch } from './person-batch.js';
import { personUuid } from './person-uuid.js';
import { updatePersonForEvent, type PersonContext } from './update-person.js';
import { checkGroupIdentify, upsertGroup } from './upsert-group.js';

export type { BatchOutcome } from './batch-outcome.js';

const debug = debuglog('ingestbench:ingest');

/** A personless event later than its person's creation by this much is marked force_upgrade. */
export const FORCE_UPGRADE_AFTER_MS = 60_000;
// Distinct ids known to have a personless_distinct_ids row, with their person uuid: skips the
// INSERT and the uuid's SHA-1 (about a tenth of an anonymous event's CPU) on repeat visitors.
const KNOWN_PERSONLESS_LIMIT = 200_000;

export interface ProjectDirectory {
  teamIdForToken(token: string): number | undefined;
  /** The team opted out of person processing (absent: none did). */
  personProcessingOptOut?(teamId: number): boolean;
}

export interface ProcessOptions {
  /** Runs inside the batch's transaction, after the rows are written. */
  readonly inTransaction?: (db: Database.Database) => void;
  /** Fault: store this event twice. */
  readonly duplicate?: (event: CapturedEvent) => boolean;
  /** Fault: do not store this event (it was acknowledged). */
  readonly drop?: (event: CapturedEvent) => boolean;
}

export interface BatchProcessor {
  process(events: readonly CapturedEvent[], options?: ProcessOptions): BatchOutcome;
}

interface Routed {
  readonly captured: CapturedEvent;
  readonly teamId: number;
  /** The team opted out of person processing. */
  readonly optOut: boolean;
}

interface Prepared {
  readonly ev: NormalizedEvent;
  readonly timestampMs: number;
}

/** Work of the identified slice: an identified event, or a force-upgraded personless one. */
type IdentifiedWork = Routed | (Prepared & { readonly forceUpgrade: true });

/** Per-batch state shared by both classes. */
interface BatchContext {
  readonly outcome: OutcomeBuilder;
  readonly persons: PersonBatch;
  readonly rows: EventRow[];
  /** Keys (team, distinct id) first marked personless in this batch, with their person uuid. */
  readonly newPersonless: [key: string, personUuid: string][];
  /** Personless events found force-upgraded, for the identified slice. */
  readonly forceUpgrades: (Prepared & { readonly forceUpgrade: true })[];
  readonly duplicate: ((event: CapturedEvent) => boolean) | undefined;
}

const isPersonless = (event: CapturedEvent): boolean => eventClassOf(event.data) === 'anonymous';

export function createBatchProcessor(
  db: Database.Database,
  projects: ProjectDirectory,
  clock: () => number = Date.now,
): BatchProcessor {
  const statements = prepareStoreStatements(db);
  const knownPersonless = new Map<string, string>();
  const cost = createClassCostMeter();
  let lastNow = '';
  let lastNowMs = 0;
  // Events of one request share `now`: parse it once.
  const parseNow = (now: string): number => {
    if (now !== lastNow) {
      lastNow = now;
      lastNowMs = Date.parse(now);
    }
    return lastNowMs;
  };

  const warn = (ctx: BatchContext, teamId: number, warning: IngestionWarning): void => {
    const uuid = typeof warning.details['eventUuid'] === 'string' ? warning.details['eventUuid'] : null;
    statements.insertWarning(teamId, warning.type, uuid, JSON.stringify(warning.details), clock());
    ctx.outcome.warnings[warning.type] = (ctx.outcome.warnings[warning.type] ?? 0) + 1;
  };

  const personContext = (ctx: BatchContext, teamId: number): PersonContext => ({
    batch: ctx.persons,
    statements,
    warn: (type, details) => warn(ctx, teamId, { type, details }),
  });

  /** Normalizes and times one event; null when it is dropped (counted, warnings recorded). */
  const prepare = (ctx: BatchContext, routed: Routed): Prepared | null => {
    const result = normalizeEvent(routed.captured, routed.teamId, routed.optOut);
    for (const warning of result.warnings) warn(ctx, routed.teamId, warning);
    if (result.kind === 'drop') {
      ctx.outcome.dropped[result.reason] += 1;
      return null;
    }
    const ev = result.event;
    const time = eventTimestamp({
      timestamp: routed.captured.data['timestamp'],
      offset: routed.captured.data['offset'],
      sentAt: routed.captured.sentAt,
      ignoreSentAt: Boolean(ev.properties['$ignore_sent_at']),
      nowMs: parseNow(routed.captured.now),
      processedAtMs: clock(),
      eventUuid: routed.captured.uuid,
    });
    for (const warning of time.warnings) warn(ctx, routed.teamId, warning);
    return { ev, timestampMs: time.timestampMs };
  };

  /** The store row of one event: as normalized, with the person it was written with. */
  const eventRow = (
    { ev, timestampMs }: Prepared,
    createdAt: number,
    personId: string,
    mode: PersonMode,
    personProperties: string,
  ): EventRow => [
    ev.teamId,
    ev.captured.uuid,
    ev.event,
    ev.distinctId,
    timestampMs,
    createdAt,
    JSON.stringify(ev.properties),
    personId,
    mode,
    personProperties,
  ];

  const addRow = (ctx: BatchContext, captured: CapturedEvent, row: EventRow): void => {
    ctx.rows.push(row);
    if (ctx.duplicate?.(captured) === true) {
      ctx.rows.push(row);
      ctx.outcome.duplicated += 1;
    }
  };

  const ingestPersonless = (ctx: BatchContext, routed: Routed): void => {
    const prepared = prepare(ctx, routed);
    if (prepared === null) return;
    const { ev, timestampMs } = prepared;
    const createdAt = clock();
    // PostHog still looks the distinct id up (read only): an existing person's uuid is used, and
    // an event well after that person was created is force-upgraded (unless the team opted out).
    const person = ctx.persons.find(ev.teamId, ev.distinctId);
    let personId: string;
    if (person !== undefined) {
      if (!routed.optOut && timestampMs > person.createdAt + FORCE_UPGRADE_AFTER_MS) {
        ctx.forceUpgrades.push({ ev, timestampMs, forceUpgrade: true });
        return;
      }
      personId = person.uuid;
    } else {
      const key = `${ev.teamId}\u0000${ev.distinctId}`;
      const known = knownPersonless.get(key);
      if (known !== undefined) {
        personId = known;
      } else {
        personId = personUuid(ev.teamId, ev.distinctId);
        if (statements.markPersonless(ev.teamId, ev.distinctId, createdAt))
          ctx.outcome.personRowsWritten += 1;
        ctx.newPersonless.push([key, personId]);
      }
    }
    addRow(ctx, ev.captured, eventRow(prepared, createdAt, personId, 'propertyless', '{}'));
    ctx.outcome.ingested.anonymous += 1;
    if (routed.optOut && !isPersonless(routed.captured)) ctx.outcome.personProcessingOptedOut += 1;
  };

  /** Full person processing of a force-upgraded event: written as a person event, its person's properties. */
  const ingestForceUpgraded = (ctx: BatchContext, prepared: Prepared): void => {
    const { ev, timestampMs } = prepared;
    const createdAt = clock();
    // Its person updates are empty (normalized personless), so this finds the person and changes nothing.
    const { person } = updatePersonForEvent(ev, timestampMs, personContext(ctx, ev.teamId));
    const snapshot = JSON.stringify(propertiesOf(person));
    addRow(ctx, ev.captured, eventRow(prepared, createdAt, person.uuid, 'force_upgrade', snapshot));
    ctx.outcome.ingested.identified += 1;
    ctx.outcome.forceUpgraded += 1;
  };

  const ingestIdentified = (ctx: BatchContext, routed: Routed): void => {
    const prepared = prepare(ctx, routed);
    if (prepared === null) return;
    const { ev, timestampMs } = prepared;
    const group = checkGroupIdentify(ev);
    if (!group.ok) {
      warn(ctx, ev.teamId, group.warning);
      ctx.outcome.dropped.invalid += 1;
      return;
    }
    const createdAt = clock();
    const { person, refused } = updatePersonForEvent(ev, timestampMs, personContext(ctx, ev.teamId));
    if (refused !== null) ctx.outcome.mergesRefused[refused] += 1;
    if (ev.event === '$groupidentify') upsertGroup(ev, timestampMs, statements);
    const personProperties = propertiesOf(person);
    // The event shows what it set even where the person already held it (PostHog createEvent).
    const snapshot = JSON.stringify(
      Object.keys(ev.set).length === 0 ? personProperties : { ...personProperties, ...ev.set },
    );
    addRow(ctx, ev.captured, eventRow(prepared, createdAt, person.uuid, 'full', snapshot));
    ctx.outcome.ingested.identified += 1;
  };

  return {
    process(events, options = {}) {
      const outcome = emptyOutcome();
      const anonymous: Routed[] = [];
      const identified: Routed[] = [];
      for (const captured of events) {
        if (options.drop?.(captured) === true) {
          outcome.dropped.fault += 1;
          continue;
        }
        const teamId = projects.teamIdForToken(captured.token);
        if (teamId === undefined) {
          outcome.dropped.unknownToken += 1;
          continue;
        }
        const optOut = projects.personProcessingOptOut?.(teamId) === true;
        (optOut || isPersonless(captured) ? anonymous : identified).push({ captured, teamId, optOut });
      }

      const persons = createPersonBatch(statements, outcome);
      const anonCtx: BatchContext = {
        outcome,
        persons,
        rows: [],
        newPersonless: [],
        forceUpgrades: [],
        duplicate: options.duplicate,
      };
      const identCtx: BatchContext = { ...anonCtx, rows: [] };
      // Per-class CPU by class-cost.ts's rule (warm marginal cost per class, the batch's shared
      // overhead and commit by rows written); a class with no events in the batch costs exactly 0.
      const meter = cost.begin();
      const personRows = { anonymous: 0, identified: 0 };
      const run = db.transaction(() => {
        let before = outcome.personRowsWritten;
        meter.slice('anonymous', 'process', anonymous, (routed) => ingestPersonless(anonCtx, routed));
        // A force-upgraded event is identified work: the identified slice charges it.
        meter.uncount('anonymous', 'process', anonCtx.forceUpgrades.length);
        personRows.anonymous = outcome.personRowsWritten - before;
        before = outcome.personRowsWritten;
        const work: readonly IdentifiedWork[] =
          anonCtx.forceUpgrades.length === 0 ? identified : [...identified, ...anonCtx.forceUpgrades];
        if (work.length > 0) {
          meter.slice('identified', 'process', work, (item) =>
            'forceUpgrade' in item ? ingestForceUpgraded(identCtx, item) : ingestIdentified(identCtx, item),
          );
          // Each changed person is one row written, charged like an event row (its warm rate).
          meter.slice('identified', 'person', persons.pendingWrites(), (person) => persons.write(person));
        }
        personRows.identified = outcome.personRowsWritten - before;
        // inserted_at is one write time per batch, taken just before the rows go in.
        const insertedAt = clock();
        meter.slice('anonymous', 'write', anonCtx.rows, (row) => statements.insertEvent(row, insertedAt));
        meter.slice('identified', 'write', identCtx.rows, (row) => statements.insertEvent(row, insertedAt));
        outcome.storeRowsWritten = anonCtx.rows.length + identCtx.rows.length;

        options.inTransaction?.(db);
      });
      try {
        run();
      } catch (error) {
        if (error instanceof IngestbenchError) throw error;
        throw new IngestbenchError(
          'INTERNAL',
          `writing a batch of ${events.length} events to the reference store failed (${(error as Error).message}); ` +
            'the transaction was rolled back, so the batch can be processed again',
          { cause: error },
        );
      }
      outcome.cpuMicros = meter.end({
        anonymous: anonCtx.rows.length + personRows.anonymous,
        identified: identCtx.rows.length + personRows.identified,
      });
      outcome.committedAt = clock();
      if (knownPersonless.size > KNOWN_PERSONLESS_LIMIT) knownPersonless.clear();
      for (const [key, uuid] of anonCtx.newPersonless) knownPersonless.set(key, uuid);
      debug(
        'batch of %d: stored %d anonymous, %d identified; dropped %o; cpu µs %o',
        events.length,
        outcome.ingested.anonymous,
        outcome.ingested.identified,
        outcome.dropped,
        outcome.cpuMicros,
      );
      return outcome;
    },
  };
}
