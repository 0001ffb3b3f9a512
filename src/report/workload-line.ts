// One line on the shape of the generated workload: how skewed the users were (the share of events
// from the top 1 % of users, measured from what was generated, with the expected share of the
// top 1 % by the activity law's weights beside it: the busiest users by count sit above that by
// chance, far above with few events per user, as under uniform) and, with sessions, how many session ids the events came in.

import { formatCount, formatShare } from '../core/format.js';
import type { Report } from './report-types.js';

export function workloadLine(report: Report): string | null {
  const w = report.workload;
  if (!w) return null;
  const law = w.activity === 'zipf' ? `zipf ${w.exponent}` : 'uniform';
  const sessions = w.sessions
    ? `; sessions: ${formatCount(w.sessions.sessionIds)} session ids over ${formatCount(w.sessions.visits)} visits, ${w.sessions.eventsPerSession.toFixed(1)} events per session id`
    : '';
  return (
    `workload: users ${law}, the top 1% (${formatCount(w.topUsers)} of ${formatCount(w.users)} users) sent ` +
    `${formatShare(w.topShare)} of ${formatCount(w.events)} generated events (the top 1% by ${law} weight: ${formatShare(w.predictedTopShare)})${sessions}`
  );
}
