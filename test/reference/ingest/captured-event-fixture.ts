// Builds CapturedEvents for ingestion tests: what capture would hand over for one event.

import { randomUUID } from 'node:crypto';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';

export const TOKEN = 'phc_testtoken';
export const TEAM_ID = 7;
export const NOW = '2026-01-02T03:04:05.000Z';
export const NOW_MS = Date.parse(NOW);

export const projects = {
  teamIdForToken: (token: string): number | undefined => (token === TOKEN ? TEAM_ID : undefined),
};

export interface EventSpec {
  readonly event?: string;
  readonly distinctId?: string;
  readonly properties?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
  readonly token?: string;
  readonly sentAt?: string | null;
  readonly now?: string;
  readonly uuid?: string;
}

export function captured(spec: EventSpec = {}): CapturedEvent {
  const uuid = spec.uuid ?? randomUUID();
  const distinctId = spec.distinctId ?? 'user-1';
  return {
    uuid,
    distinctId,
    token: spec.token ?? TOKEN,
    now: spec.now ?? NOW,
    sentAt: spec.sentAt ?? null,
    ip: null,
    historicalMigration: false,
    data: {
      uuid,
      event: spec.event ?? '$pageview',
      distinct_id: distinctId,
      properties: spec.properties ?? {},
      ...spec.extra,
    },
  };
}

/** A personless event (posthog-js identified_only before identify). */
export function anonymous(spec: EventSpec = {}): CapturedEvent {
  return captured({ ...spec, properties: { $process_person_profile: false, ...spec.properties } });
}
