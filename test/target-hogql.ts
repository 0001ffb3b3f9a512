// HogQL through a target's query API, as any client would send it, for tests that read ground
// truth back from the store.

import assert from 'node:assert/strict';
import { request } from 'undici';

export interface QueryEndpoint {
  readonly queryUrl: string;
  readonly projectId: string | number;
  readonly personalKey: string;
}

/** The result rows; fails the test unless the answer is 200. */
export async function targetHogql(target: QueryEndpoint, query: string): Promise<unknown[][]> {
  const response = await request(`${target.queryUrl}/api/projects/${target.projectId}/query/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.personalKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { kind: 'HogQLQuery', query }, refresh: 'force_blocking' }),
  });
  const body = (await response.body.json()) as { results?: unknown[][] };
  assert.equal(response.statusCode, 200, JSON.stringify(body));
  return body.results ?? [];
}
