// How skewed the generated workload was, from what the generators counted: the share of events
// sent by the top 1 % of users, with the share the activity law predicts beside it, and how
// many sessions the events came in. A user is one person: its anonymous and identified distinct
// ids count together (under anonymous_share they are different users anyway).

import type { WorkloadTally } from '../generate/event-generator.js';
import { predictedTopShare, type ActivityPool } from '../generate/user-activity.js';
import type { Scenario } from '../scenario/scenario.js';

/** The top share is of this fraction of the users. */
export const TOP_USERS_FRACTION = 0.01;

export interface WorkloadFigures {
  readonly activity: 'uniform' | 'zipf';
  /** Zipf exponent; null for uniform. */
  readonly exponent: number | null;
  /** Users of the run (of this shard, for a shard's report). */
  readonly users: number;
  /** ⌈1 % of users⌉: how many users the top share is of. */
  readonly topUsers: number;
  /** Events generated (sent or dropped unsent). */
  readonly events: number;
  /** Share of the events sent by the `topUsers` most active users, as generated. */
  readonly topShare: number;
  /** The same share as the activity law predicts for this population and split (an expectation). */
  readonly predictedTopShare: number;
  /** null without sessions. */
  readonly sessions: {
    /** `$session_id` values started (a user idle past the timeout starts another). */
    readonly sessionIds: number;
    /** Visits (windows) opened. */
    readonly visits: number;
    /** events ÷ session ids. */
    readonly eventsPerSession: number;
  } | null;
}

/** How many of the top counts a worker must hand over: ⌈1 % of the population⌉ covers any split. */
export function topCountsNeeded(populationSize: number): number {
  return Math.ceil(populationSize * TOP_USERS_FRACTION);
}

export function workloadFigures(scenario: Scenario, tallies: readonly WorkloadTally[]): WorkloadFigures {
  const users = tallies.reduce((sum, t) => sum + t.users, 0);
  const events = tallies.reduce((sum, t) => sum + t.events, 0);
  const topUsers = Math.ceil(users * TOP_USERS_FRACTION);
  // The largest counts of all workers together: the run's most active users wherever they live.
  const top = tallies
    .flatMap((t) => t.topCounts)
    .sort((a, b) => b - a)
    .slice(0, topUsers);
  const topEvents = top.reduce((sum, c) => sum + c, 0);
  // Each worker's pools weigh by the worker's share of the events.
  const pools: ActivityPool[] = tallies.flatMap((t) =>
    t.pools.map((p) => ({ ...p, share: events > 0 ? (p.share * t.events) / events : 0 })),
  );
  const activity = scenario.population.activity ?? { kind: 'uniform' as const };
  const sessionIds = tallies.reduce((sum, t) => sum + t.sessions, 0);
  return {
    activity: activity.kind,
    exponent: activity.kind === 'zipf' ? activity.exponent : null,
    users,
    topUsers,
    events,
    topShare: events > 0 ? topEvents / events : 0,
    predictedTopShare: predictedTopShare(activity, pools, topUsers),
    sessions:
      scenario.session === undefined
        ? null
        : {
            sessionIds,
            visits: tallies.reduce((sum, t) => sum + t.visits, 0),
            eventsPerSession: sessionIds > 0 ? events / sessionIds : 0,
          },
  };
}
