// `run --timeline-out FILE`: the live seconds as NDJSON, one JSON object a line, each line written
// with one write(2) as the second ends (no buffering), so `tail -f` shows it at once and a log
// shipper can forward it. Lines, by `type`:
//   started  the run's id, scenario, startAtMs (unix ms of second 0), durationMs, plannedTotal,
//            method, pollIntervalMs (and `step` for a capacity step)
//   second   a LiveSecond (live/live-event.ts): second, endMs, stage, classes.{anonymous,
//            identified}.{sent, acknowledged, rejected, failed, dropped, visible, visibleP50Ms,
//            visibleP99Ms, latencyCount}, errors by kind, sendDelayMaxMs, inFlight, queries, budget
//   end      runId, verdict, partial, and per class the report's totals (planned, sent,
//            acknowledged, visible, lost, unverified, duplicates, rejected, failed, dropped)
// Every second's counts are final when written; summed over the lines they equal the end totals.

import { closeSync, openSync, writeSync } from 'node:fs';
import { IngestbenchError } from '../errors.js';
import { EVENT_CLASSES } from '../scenario/scenario.js';
import type { LiveEvent, LiveListener } from './live-event.js';

export interface TimelineOut {
  readonly listener: LiveListener;
  close(): void;
}

export function openTimelineOut(path: string): TimelineOut {
  let fd: number | null;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new IngestbenchError(
      'USAGE',
      `--timeline-out ${path}: cannot open for writing (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the folder exists and is writable`,
      { cause: error },
    );
  }
  const line = (value: unknown): void => {
    if (fd !== null) writeSync(fd, `${JSON.stringify(value)}\n`);
  };
  const listener = (event: LiveEvent): void => {
    switch (event.type) {
      case 'started':
        line(event);
        break;
      case 'second':
        line({ type: 'second', ...event.second });
        break;
      case 'report': {
        const r = event.report;
        const pick = (cls: (typeof EVENT_CLASSES)[number]): Record<string, number> => {
          const c = r.classes[cls];
          return {
            planned: c.planned,
            sent: c.sent,
            acknowledged: c.acknowledged,
            visible: c.visible,
            lost: c.lost,
            unverified: c.unverified,
            duplicates: c.duplicates,
            rejected: c.rejected,
            failed: c.failed,
            dropped: c.dropped,
          };
        };
        line({
          type: 'end',
          runId: r.run.id,
          verdict: r.verdict,
          partial: r.run.partial,
          classes: { anonymous: pick('anonymous'), identified: pick('identified') },
        });
        break;
      }
      default:
        break;
    }
  };
  return {
    listener,
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
