// What the live dashboard shows: LiveEvents folded into a state (pure), and that state rendered as
// an HTML fragment with report.html's own chart code (report/svg-charts.ts), so a live chart and
// the report's chart are drawn by the same lines. The final page is report.html itself
// (renderHtml / renderCapacityHtml), sent whole when the run ends.

import type { CapacityStep } from '../verdict/capacity-types.js';
import { formatCount, formatDuration, formatLatency, formatShare } from '../core/format.js';
import { htmlTable } from '../report/html-parts.js';
import { escapeHtml, lagChart, timelineChart, type LagSeries } from '../report/svg-charts.js';
import { EVENT_CLASSES, type EventClass } from '../scenario/scenario.js';
import type { LiveEvent, LiveMonitorStatus, LiveSecond, LiveSlaCheck, LiveStage } from './live-event.js';

/** Seconds the charts keep: the last half hour (a day-long run would otherwise draw 86,400 points). */
export const DASHBOARD_SECONDS = 1800;

const COLOR: Readonly<Record<EventClass, string>> = { anonymous: '#0969da', identified: '#8250df' };

type Totals = Record<'sent' | 'acknowledged' | 'rejected' | 'failed' | 'dropped' | 'visible', number>;

export interface DashboardState {
  readonly started: Extract<LiveEvent, { type: 'started' }> | null;
  readonly stage: LiveStage | null;
  /** The most recent seconds, oldest first (at most DASHBOARD_SECONDS). */
  readonly seconds: readonly LiveSecond[];
  /** Over every second of the current run, not only those kept. */
  readonly totals: Readonly<Record<EventClass, Totals>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly sla: readonly LiveSlaCheck[];
  readonly steps: readonly { readonly eventClass: EventClass; readonly step: CapacityStep }[];
  /** Set when the feed is `ingestbench monitor`'s (it has no `started`). */
  readonly monitor: Extract<LiveEvent, { type: 'monitor-started' }> | null;
  readonly monitorStatus: LiveMonitorStatus | null;
  /** The monitor's oldest unseen age by second, as many as `seconds` keeps. */
  readonly ages: readonly (readonly [second: number, ageMs: number])[];
}

const zeroTotals = (): Totals => ({
  sent: 0,
  acknowledged: 0,
  rejected: 0,
  failed: 0,
  dropped: 0,
  visible: 0,
});

export const EMPTY_DASHBOARD: DashboardState = {
  started: null,
  stage: null,
  seconds: [],
  totals: { anonymous: zeroTotals(), identified: zeroTotals() },
  errors: {},
  sla: [],
  steps: [],
  monitor: null,
  monitorStatus: null,
  ages: [],
};

export function foldLiveEvent(state: DashboardState, event: LiveEvent): DashboardState {
  switch (event.type) {
    case 'started':
      // A capacity step starts a run of its own: its seconds replace the last step's.
      return { ...EMPTY_DASHBOARD, steps: state.steps, started: event, stage: 'load' };
    case 'monitor-started':
      return { ...EMPTY_DASHBOARD, monitor: event, stage: 'load' };
    case 'monitor-status': {
      // A status follows the seconds it was read with: it belongs to the last of them.
      const second = state.seconds.at(-1)?.second ?? 0;
      const ages = [
        ...state.ages.slice(-(DASHBOARD_SECONDS - 1)),
        [second, event.status.oldestUnseenAgeMs] as const,
      ];
      return { ...state, monitorStatus: event.status, ages };
    }
    case 'stage':
      return { ...state, stage: event.stage };
    case 'second': {
      const s = event.second;
      const totals = Object.fromEntries(
        EVENT_CLASSES.map((cls) => {
          const t = { ...state.totals[cls] };
          for (const field of Object.keys(t) as (keyof Totals)[]) t[field] += s.classes[cls][field];
          return [cls, t];
        }),
      ) as unknown as Record<EventClass, Totals>;
      const errors = { ...state.errors };
      for (const [kind, n] of Object.entries(s.errors)) errors[kind] = (errors[kind] ?? 0) + n;
      const seconds = [...state.seconds.slice(-(DASHBOARD_SECONDS - 1)), s];
      return { ...state, seconds, totals, errors };
    }
    case 'sla':
      return { ...state, sla: event.checks };
    case 'step':
      return { ...state, steps: [...state.steps, { eventClass: event.eventClass, step: event.step }] };
    case 'report':
    case 'capacity-report':
      return state;
  }
}

export function renderDashboardView(state: DashboardState): string {
  const { started, monitor } = state;
  if (!started && !monitor)
    return `<p id="stage">${escapeHtml(state.stage ?? 'starting')}…</p>${stepsTable(state)}`;
  const t = state.seconds;
  const last = t.at(-1);
  const first = t[0]?.second ?? 0;
  // Charts place a point by its index in the window kept, so a monitor's day-old second is drawn
  // at the window's right edge, not past it.
  const x = (s: LiveSecond): number => s.second - first;
  const perClass = EVENT_CLASSES.map((cls) =>
    timelineChart(
      `${cls} events per second`,
      [
        { name: `${cls} sent`, color: '#bf8700', points: t.map((s) => [x(s), s.classes[cls].sent] as const) },
        {
          name: `${cls} acked`,
          color: '#1a7f37',
          points: t.map((s) => [x(s), s.classes[cls].acknowledged] as const),
        },
        {
          name: `${cls} seen`,
          color: COLOR[cls],
          points: t.map((s) => [x(s), s.classes[cls].visible] as const),
        },
      ],
      t.map((s) => s.classes[cls].rejected + s.classes[cls].failed + s.classes[cls].dropped),
    ),
  ).join('\n');
  const lag: LagSeries[] = EVENT_CLASSES.flatMap((cls) => [
    {
      name: `${cls} p50`,
      color: COLOR[cls],
      points: t.map((s) => [x(s), s.classes[cls].visibleP50Ms] as const),
    },
    {
      name: `${cls} p99`,
      color: COLOR[cls],
      dashed: true,
      points: t.map((s) => [x(s), s.classes[cls].visibleP99Ms] as const),
    },
  ]);
  const sendDelay = lagChart(
    'Worst send delay per second',
    [{ name: 'send delay', color: '#bf8700', points: t.map((s) => [x(s), s.sendDelayMaxMs] as const) }],
    null,
    'when the batch was sent (since the run’s start)',
  );
  const budget = last?.budget;
  const header = started ? runHeader(state, started, last) : monitorHeader(state, monitor!, last);
  return `${header}
${first > 0 ? `<p class="note">Charts show the last ${DASHBOARD_SECONDS / 60} minutes (seconds counted from the window's start); the counts below are for the whole ${started ? 'run' : 'monitor'}.</p>` : ''}
<h2>Events per second</h2>
${perClass}
<p class="note">Sent and acknowledged by when the load side counted them, seen by when the poller first saw them; red bars: events rejected, failed or dropped that second.</p>
<h2>Visible latency</h2>
${lagChart('Visible latency of the events first seen each second (p50 solid, p99 dashed)', lag, null, 'when first seen (since the run’s start)')}
<p class="note">An upper bound by up to the poll resolution; report.html groups by intended send time once the run has drained.</p>
${monitor ? ageChart(state, first) : sendDelay}
<h2>Counts so far</h2>
${countsTable(state)}
${errorsTable(state.errors)}
<h2>Query budget</h2>
<p id="budget">${budget ? `${escapeHtml(formatCount(budget.queries))} queries (${escapeHtml(formatCount(budget.throttled))} throttled); busiest minute ${escapeHtml(formatCount(budget.peakPerMinute))} of ${escapeHtml(formatCount(budget.limits.perMinute))}, busiest hour ${escapeHtml(formatCount(budget.peakPerHour))} of ${escapeHtml(formatCount(budget.limits.perHour))}; at most ${budget.limits.concurrent} at once` : 'no queries yet'}</p>
<h2>SLA as it stands</h2>
${slaTable(state.sla)}
${stepsTable(state)}`;
}

function runHeader(
  state: DashboardState,
  started: Extract<LiveEvent, { type: 'started' }>,
  last: LiveSecond | undefined,
): string {
  const step = started.step;
  const elapsed = last ? formatDuration(last.endMs - started.startAtMs) : '0 s';
  return `<p id="stage" data-stage="${escapeHtml(state.stage ?? 'load')}"><strong>${escapeHtml(state.stage ?? 'load')}</strong> · ${escapeHtml(started.runId)} · ${elapsed} of ${escapeHtml(formatDuration(started.durationMs))} load · ${escapeHtml(formatCount(started.plannedTotal))} events planned · ${escapeHtml(started.method)} observation, poll every ${escapeHtml(formatDuration(started.pollIntervalMs))}${step ? ` · capacity step ${step.index + 1}: ${escapeHtml(step.eventClass)} at ${escapeHtml(formatCount(step.rate))}/s` : ''}</p>`;
}

function monitorHeader(
  state: DashboardState,
  monitor: Extract<LiveEvent, { type: 'monitor-started' }>,
  last: LiveSecond | undefined,
): string {
  const status = state.monitorStatus;
  const what = status?.stopped ? 'stopped' : 'monitoring';
  const elapsed = last ? formatDuration(last.endMs - monitor.startAtMs) : '0 s';
  const sla = status === null ? 'not judged yet' : status.slaOk ? 'ok' : 'BROKEN';
  const lastPoll =
    status?.lastPollMs == null
      ? 'no poll answered yet'
      : `last poll answered ${new Date(status.lastPollMs).toISOString()}`;
  return `<p id="stage" data-stage="${what}"><strong>${what}</strong> · ${escapeHtml(monitor.runId)} · ${elapsed} · ${escapeHtml(formatCount(monitor.ratePerClass))} event/s per class · poll every ${escapeHtml(formatDuration(monitor.pollIntervalMs))} · deadline ${escapeHtml(formatDuration(monitor.deadlineMs))} · SLA over ${escapeHtml(formatDuration(monitor.windowMs))}</p>
<p id="monitor-status" data-sla-ok="${status?.slaOk === false ? '0' : '1'}">SLA over the window: <strong>${sla}</strong> · oldest unseen event ${escapeHtml(formatDuration(status?.oldestUnseenAgeMs ?? 0))} · held ${escapeHtml(formatCount(status?.held ?? 0))} · ${escapeHtml(lastPoll)} · ${escapeHtml(formatCount(status?.queryErrors ?? 0))} failed polls</p>`;
}

/** The monitor's stall signal: how long the oldest acknowledged, unseen event has waited. */
function ageChart(state: DashboardState, first: number): string {
  const deadline = state.monitor?.deadlineMs ?? 0;
  const age = new Map(state.ages);
  // One point per kept second (null where no status was read), as the lag chart's x axis expects.
  const points = (value: (ageMs: number) => number) =>
    state.seconds.map((s) => {
      const ms = age.get(s.second);
      return [s.second - first, ms === undefined ? null : value(ms)] as const;
    });
  return lagChart(
    'Oldest unseen event age (the dashed line: the deadline)',
    [
      { name: 'oldest unseen', color: '#cf222e', points: points((ms) => ms) },
      { name: 'deadline', color: '#555', dashed: true, points: points(() => deadline) },
    ],
    null,
    'second (since the window’s start)',
  );
}

function countsTable(state: DashboardState): string {
  const lost = state.monitorStatus?.lost;
  if (state.monitor) {
    // A monitor's capture errors of every kind count as failed; lost is decided poll by poll.
    const fields = ['sent', 'acknowledged', 'visible'] as const;
    return htmlTable(
      ['class', ...fields, 'lost', 'unverified', 'capture errors'],
      EVENT_CLASSES.map((cls) => [
        cls,
        ...fields.map((f) => formatCount(state.totals[cls][f])),
        formatCount(lost?.[cls] ?? 0),
        formatCount(state.monitorStatus?.unverified[cls] ?? 0),
        formatCount(state.totals[cls].failed),
      ]),
      { numericFrom: 1, id: 'counts' },
    );
  }
  const fields = ['sent', 'acknowledged', 'visible', 'rejected', 'failed', 'dropped'] as const;
  return htmlTable(
    ['class', ...fields],
    EVENT_CLASSES.map((cls) => [cls, ...fields.map((f) => formatCount(state.totals[cls][f]))]),
    { numericFrom: 1, id: 'counts' },
  );
}

function errorsTable(errors: Readonly<Record<string, number>>): string {
  const rows = Object.entries(errors).sort((a, b) => b[1] - a[1]);
  return rows.length === 0
    ? '<p id="errors">No failed HTTP attempts.</p>'
    : htmlTable(
        ['failed attempts by kind', 'attempts'],
        rows.map(([kind, n]) => [kind, formatCount(n)]),
        { numericFrom: 1, id: 'errors' },
      );
}

function slaTable(checks: readonly LiveSlaCheck[]): string {
  if (checks.length === 0) return '<p id="sla">No checks yet.</p>';
  const value = (c: LiveSlaCheck): string =>
    c.value === null
      ? 'known at the end'
      : c.unit === 'ms'
        ? formatLatency(c.value)
        : c.unit === 'fraction'
          ? formatShare(c.value)
          : formatCount(c.value);
  return htmlTable(
    ['check', 'as it stands', 'value'],
    checks.map((c) => [c.check, c.status, value(c)]),
    { numericFrom: 1, id: 'sla' },
  );
}

function stepsTable(state: DashboardState): string {
  if (state.steps.length === 0) return '';
  return `<h2>Capacity steps</h2>${htmlTable(
    ['class', 'rate', 'role', 'result', 'achieved', 'visible p99', 'reasons'],
    state.steps.map(({ eventClass, step }) => [
      eventClass,
      `${formatCount(step.rate)}/s`,
      step.role,
      step.pass ? 'pass' : 'fail',
      `${formatCount(Math.round(step.achievedRate))}/s`,
      formatLatency(step.visibleP99Ms),
      step.reasons.join('; '),
    ]),
    { numericFrom: 1, id: 'steps' },
  )}`;
}
