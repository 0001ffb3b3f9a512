// The live hook's I/O shell inside a run: a LiveTimeline fed by the load side's progress and the
// observer's first sightings, a timer that hands each ended second (and the SLA as it stands) to
// the run's listener, and the final seconds and report at the end. runScenario owns one per run.

import { debuglog } from 'node:util';
import type { Clock } from '../clock.js';
import type { LoadProgress } from '../load/run-load.js';
import type { ClassCounts } from '../load/load-tally.js';
import type { VisibleListener } from '../observe/observation-result.js';
import type { QueryClientStats } from '../observe/query-client.js';
import type { Report } from '../report/report-types.js';
import type { EventClass, SlaCheck } from '../scenario/scenario.js';
import type { LiveEvent, LiveListener, LiveStage } from './live-event.js';
import { liveSla } from './live-sla.js';
import { LiveTimeline } from './live-timeline.js';

const debug = debuglog('ingestbench:live');

/** How often the timer looks for ended seconds: a second is handed out at most this late. */
const TICK_MS = 250;

export interface LiveFeedOptions {
  readonly listener: LiveListener;
  readonly started: Extract<LiveEvent, { type: 'started' }>;
  readonly checks: readonly SlaCheck[];
  readonly clock: Clock;
  readonly queryStats: () => QueryClientStats;
}

export interface LiveFeed {
  readonly onVisible: VisibleListener;
  load(progress: LoadProgress): void;
  stage(stage: LiveStage): void;
  /** Observation has ended: the last seconds, settled to the load side's final counts. */
  finish(final: {
    counts: Readonly<Record<EventClass, ClassCounts>>;
    errors: Readonly<Record<string, number>>;
  }): void;
  report(report: Report): void;
  /** Stops the timer (idempotent; finish() calls it). */
  close(): void;
}

export function startLiveFeed(options: LiveFeedOptions): LiveFeed {
  const { clock, started } = options;
  const timeline = new LiveTimeline(started.startAtMs, options.queryStats().limits);
  // A watcher's bug must not end a benchmark: it is logged and the run goes on.
  const emit = (event: LiveEvent): void => {
    try {
      options.listener(event);
    } catch (error) {
      debug('live listener failed on %s: %o', event.type, error);
    }
  };
  const readQueries = (): void => timeline.queries(options.queryStats());
  const hand = (seconds: ReturnType<LiveTimeline['tick']>): void => {
    if (seconds.length === 0) return;
    for (const second of seconds) emit({ type: 'second', second });
    emit({ type: 'sla', checks: liveSla(options.checks, timeline.totals()) });
  };
  emit(started);
  emit({ type: 'stage', stage: 'load' });
  let timer: ReturnType<typeof setInterval> | null = setInterval(() => {
    readQueries();
    hand(timeline.tick(clock.now()));
  }, TICK_MS);
  // A run that throws past its finish() must not be kept alive by the live view.
  timer.unref();
  const close = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    onVisible: (eventClass, events, measured, latencyMs, atMs) =>
      timeline.visible(eventClass, events, measured, latencyMs, atMs),
    load: (progress) => timeline.load(progress),
    stage(stage) {
      timeline.setStage(stage);
      emit({ type: 'stage', stage });
    },
    finish(final) {
      close();
      readQueries();
      hand(timeline.finish(clock.now(), final));
    },
    report: (report) => emit({ type: 'report', report }),
    close,
  };
}
