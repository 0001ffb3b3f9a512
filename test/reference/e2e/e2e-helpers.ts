// Shared by the reference target's end-to-end tests: events with known uuids, /batch/ bodies,
// HogQL through the query API, /metrics scrapes, and what `serve` prints.

import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { sample } from '../server/prometheus-sample.js';

export { sample };
import { eventually } from '../../eventually.js';

export { eventually };

export const TOKEN = 'phc_e2e';
export const PERSONAL_KEY = 'phx_e2e';

export interface TestEvent {
  readonly uuid: string;
  readonly body: Record<string, unknown>;
}

/** `count` events of one run, personless or not, each with a fresh uuid. */
export function makeEvents(run: string, count: number, personless: boolean): TestEvent[] {
  return Array.from({ length: count }, (_, seq) => {
    const uuid = randomUUID();
    return {
      uuid,
      body: {
        event: 'page viewed',
        distinct_id: `user-${seq % 13}`,
        uuid,
        timestamp: new Date().toISOString(),
        properties: { $process_person_profile: !personless, ingestbench_run: run, ingestbench_seq: seq },
      },
    };
  });
}

export async function postBatch(
  captureUrl: string,
  events: readonly TestEvent[],
  token = TOKEN,
): Promise<number> {
  const response = await request(`${captureUrl}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: token, batch: events.map((e) => e.body) }),
  });
  await response.body.dump();
  return response.statusCode;
}

export async function hogql(queryUrl: string, query: string, projectId = 1): Promise<unknown[][]> {
  const response = await request(`${queryUrl}/api/projects/${projectId}/query/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PERSONAL_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { kind: 'HogQLQuery', query }, refresh: 'force_blocking' }),
  });
  const body = (await response.body.json()) as { results?: unknown[][] };
  if (response.statusCode !== 200)
    throw new Error(`query API ${response.statusCode}: ${JSON.stringify(body)}`);
  return body.results ?? [];
}

export async function scrape(metricsUrl: string): Promise<string> {
  const response = await request(metricsUrl);
  return response.body.text();
}

/** Resolves when ingestion has committed everything acknowledged so far. */
export function drained(metricsUrl: string, timeoutMs = 20_000): Promise<string> {
  return eventually('the queue to drain', timeoutMs, async () => {
    const text = await scrape(metricsUrl);
    return sample(text, 'ingestbench_queue_depth_events') === 0 ? text : undefined;
  });
}

/** A stream that keeps what is written to it, for serve's stdout and stderr. */
export class TextSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** serve's URL lines ("capture  http://…", "query  …") by name, once it has printed them. */
export async function servedUrls(stdout: TextSink): Promise<Record<string, string>> {
  await eventually('serve to print its URLs', 60_000, () => stdout.text.includes('metrics'));
  return Object.fromEntries(
    stdout.text
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/) as [string, string]),
  );
}
