// One ingestion step, free of process and timer concerns so it is tested in-process: read the
// queue rows after the committed offset, apply the ingestion faults, run the batch processor and
// commit the new offset inside the processor's store transaction (exactly-once across crashes).

import type Database from 'better-sqlite3';
import type { CapturedEvent } from '../captured-event.js';
import type { BatchOutcome, BatchProcessor, ProjectDirectory } from '../ingest/process-batch.js';
import type { ConsumerOffset } from '../queue/consumer-offset.js';
import type { QueueReader } from '../queue/queue-reader.js';
import { burnCpu } from './burn-cpu.js';
import { faultRoll } from './fault-roll.js';
import type { FaultSpec } from './fault-spec.js';
import type { BatchReport } from './ingestion-protocol.js';
import { IngestbenchError } from '../../errors.js';
import { EVENT_CLASSES, type EventClass } from '../../core/event-class.js';
import { eventClassOf } from '../capture/parse-capture.js';

export interface IngestionStepOptions {
  readonly reader: QueueReader;
  /** The consumer offset on the store connection the processor writes through. */
  readonly offset: ConsumerOffset;
  readonly processor: Pick<BatchProcessor, 'process'>;
  /** The processor's projects: tells dropped unknown-token events' classes. */
  readonly projects: Pick<ProjectDirectory, 'teamIdForToken'>;
  readonly batchSize: number;
  readonly now: () => number;
  /** Event names drop-after-ack and duplicate leave alone (IngestionConfig.spareFromFaults). */
  readonly spareFromFaults: readonly string[];
}

export interface StepResult {
  readonly report: BatchReport;
  /** The read hit the batch size: more rows are probably waiting, read again at once. */
  readonly full: boolean;
}

export interface IngestionStep {
  /** Ingests one batch; null when no row is due. */
  step(): StepResult | null;
  setFaults(faults: FaultSpec): void;
}

export function createIngestionStep(options: IngestionStepOptions, initialFaults: FaultSpec): IngestionStep {
  let faults = initialFaults;
  const spared = new Set(options.spareFromFaults);
  const isSpared = (e: CapturedEvent): boolean => {
    const event = e.data['event'];
    return typeof event === 'string' && spared.has(event);
  };
  return {
    setFaults(next) {
      faults = next;
    },
    step() {
      const f = faults;
      // Paused: rows stay queued (capture still acknowledges them) until the switch is turned off.
      if (f.paused) return null;
      const start = options.offset.read();
      const dueBy = f.delayMs > 0 ? options.now() - f.delayMs : Number.POSITIVE_INFINITY;
      const rows = options.reader.readAfter(start, { maxEvents: options.batchSize, dueBy });
      const last = rows.at(-1);
      if (last === undefined) return null;
      const events = rows.length === 1 ? last.events : rows.flatMap((r) => r.events);
      // Counted inside the hooks, kept only if the transaction commits (a replay recounts). The
      // drop hook sees every event before routing, so it also tells dropped events' classes.
      const tally = emptyTally();
      let duplicated = 0;
      let identifiedCost = 0;
      const outcome = options.processor.process(events, {
        inTransaction(_db: Database.Database) {
          // Compare-and-set: a second consumer (an old child not yet gone after a restart) that
          // committed these rows first makes this transaction roll back instead of ingesting twice.
          if (options.offset.read() !== start) {
            throw new IngestbenchError(
              'INTERNAL',
              `Consumer offset moved past ${start} during a batch: another ingestion process is running.`,
            );
          }
          options.offset.write(last.id);
          // The identified-cost fault, inside the transaction: its work delays the batch's commit.
          if (f.identifiedCostMicros > 0)
            identifiedCost = burnCpu(f.identifiedCostMicros * tally.events.identified);
        },
        drop(e: CapturedEvent) {
          const eventClass = eventClassOf(e.data);
          tally.events[eventClass]++;
          if (
            f.dropAfterAck > 0 &&
            !isSpared(e) &&
            faultRoll(f.seed, 'drop-after-ack', e.uuid) < f.dropAfterAck
          ) {
            tally.fault[eventClass]++;
            return true;
          }
          // Quota-limited projects never get here: capture filters their events (capture-admission.ts).
          if (options.projects.teamIdForToken(e.token) === undefined) tally.unknownToken[eventClass]++;
          return false;
        },
        ...(f.duplicate > 0
          ? {
              duplicate(e: CapturedEvent) {
                const hit = !isSpared(e) && faultRoll(f.seed, 'duplicate', e.uuid) < f.duplicate;
                if (hit) duplicated++;
                return hit;
              },
            }
          : {}),
      });
      const faultsInjected = {
        dropAfterAck: tally.fault.anonymous + tally.fault.identified,
        duplicate: duplicated,
        delay: f.delayMs > 0 ? events.length : 0,
      };
      return {
        full: events.length >= options.batchSize,
        report: toReport(
          outcome,
          {
            offset: last.id,
            rows: rows.length,
            events: events.length,
            lastEnqueuedAt: last.enqueuedAt,
            faults: faultsInjected,
          },
          tally,
          identifiedCost,
        ),
      };
    },
  };
}

function toReport(
  outcome: BatchOutcome,
  batch: Pick<BatchReport, 'offset' | 'rows' | 'events' | 'lastEnqueuedAt' | 'faults'>,
  tally: Tally,
  identifiedCostMicros = 0,
): BatchReport {
  return {
    ...batch,
    ingested: { anonymous: outcome.ingested.anonymous, identified: outcome.ingested.identified },
    otherClass: {
      forceUpgrade: outcome.forceUpgraded,
      personProcessingOptOut: outcome.personProcessingOptedOut,
    },
    dropped: droppedByClass(outcome, tally),
    warnings: { ...outcome.warnings },
    personRowsRead: outcome.personRowsRead,
    personRowsWritten: outcome.personRowsWritten,
    storeRowsWritten: outcome.storeRowsWritten,
    cpuMicros: {
      anonymous: outcome.cpuMicros.anonymous,
      identified: outcome.cpuMicros.identified + identifiedCostMicros,
    },
  };
}

type PerClass = Record<EventClass, number>;
interface Tally {
  readonly events: PerClass;
  readonly fault: PerClass;
  readonly unknownToken: PerClass;
}
const emptyTally = (): Tally => ({
  events: { anonymous: 0, identified: 0 },
  fault: { anonymous: 0, identified: 0 },
  unknownToken: { anonymous: 0, identified: 0 },
});

/**
 * Dropped events by reason and class (as sent). The outcome counts reasons over the whole batch;
 * classes come from the drop hook (fault, unknown token), from the rule itself (person events sent
 * personless are anonymous by definition, those an opted-out project sent as person events
 * identified) and, for invalid events, from what is left of each class once the others are
 * accounted for.
 */
export function droppedByClass(outcome: BatchOutcome, tally: Tally): BatchReport['dropped'] {
  const entries: { reason: string; eventClass: string; count: number }[] = [];
  // Ingested counts are by the class processed as; the tally's by the class sent.
  const sentAnonymousIngested =
    outcome.ingested.anonymous - outcome.personProcessingOptedOut + outcome.forceUpgraded;
  const sentIdentifiedIngested =
    outcome.ingested.identified - outcome.forceUpgraded + outcome.personProcessingOptedOut;
  const remaining: PerClass = {
    anonymous: tally.events.anonymous - sentAnonymousIngested - outcome.dropped.personlessPersonEvent,
    identified: tally.events.identified - sentIdentifiedIngested - outcome.dropped.personProcessingDisabled,
  };
  for (const eventClass of EVENT_CLASSES) {
    remaining[eventClass] -= tally.fault[eventClass] + tally.unknownToken[eventClass];
    entries.push({ reason: 'fault', eventClass, count: tally.fault[eventClass] });
    entries.push({ reason: 'unknownToken', eventClass, count: tally.unknownToken[eventClass] });
    entries.push({ reason: 'invalid', eventClass, count: Math.max(0, remaining[eventClass]) });
  }
  entries.push({
    reason: 'personlessPersonEvent',
    eventClass: 'anonymous',
    count: outcome.dropped.personlessPersonEvent,
  });
  entries.push({
    reason: 'personProcessingDisabled',
    eventClass: 'identified',
    count: outcome.dropped.personProcessingDisabled,
  });
  return entries.filter((e) => e.count > 0);
}
