// The capture handler: routes, beacon, black hole, and the durable-enqueue contract. Which paths
// reach it, health and CORS are the route table's: server/reference-routes.test.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import type { HttpResponse } from '../../../src/reference/http-types.js';
import { createCaptureHandler, type CaptureDeps } from '../../../src/reference/capture/capture-handler.js';
import { anEvent, batchRequest, NOW, request, TOKEN } from './capture-requests.js';

function spyDeps(enqueue: CaptureDeps['enqueue'] = () => Promise.resolve()) {
  const calls: (readonly CapturedEvent[])[] = [];
  const deps: CaptureDeps = {
    enqueue: (events) => {
      calls.push(events);
      return enqueue(events);
    },
    now: () => NOW,
  };
  return { calls, handle: createCaptureHandler(deps) };
}

const body = (res: HttpResponse | null): string => (res === null ? '<null>' : res.body.toString());
const validBatch = JSON.stringify({ api_key: TOKEN, batch: [anEvent(), anEvent({ distinct_id: 'user-2' })] });

describe('routes', () => {
  for (const path of ['/e', '/i/v0/e', '/capture', '/track', '/engage', '/batch']) {
    for (const url of [path, `${path}/`]) {
      test(`POST ${url} → 200 {"status":"Ok"} after enqueueing the events`, async () => {
        const { calls, handle } = spyDeps();
        const res = await handle(request(url, validBatch));
        assert.equal(res?.status, 200);
        assert.deepEqual(JSON.parse(body(res)), { status: 'Ok' });
        assert.equal(res?.headers['content-type'], 'application/json');
        assert.deepEqual(
          calls.map((events) => events.map((e) => e.distinctId)),
          [['user-1', 'user-2']],
        );
      });
    }
  }

  test('GET with ?data= is accepted', async () => {
    const { calls, handle } = spyDeps();
    const res = await handle(request(`/e/?data=${encodeURIComponent(validBatch)}`, '', {}, 'GET'));
    assert.equal(res?.status, 200);
    assert.equal(calls[0]?.length, 2);
  });

  test('methods other than GET, POST, OPTIONS → 405 with Allow', async () => {
    const { calls, handle } = spyDeps();
    const res = await handle(request('/batch/', validBatch, {}, 'PUT'));
    assert.equal(res?.status, 405);
    assert.equal(res?.headers['allow'], 'GET, POST, OPTIONS');
    assert.equal(calls.length, 0);
  });

  test('?beacon=1 → 204 with no body, events enqueued', async () => {
    const { calls, handle } = spyDeps();
    const res = await handle(request('/e/?beacon=1', validBatch));
    assert.equal(res?.status, 204);
    assert.equal(body(res), '');
    assert.equal(calls.length, 1);
  });
});

describe('black hole', () => {
  test('/test/black_hole validates like /batch, answers 200 and enqueues nothing', async () => {
    const { calls, handle } = spyDeps();
    assert.equal((await handle(request('/test/black_hole', validBatch)))?.status, 200);
    assert.equal(
      (await handle(request('/test/black_hole/', batchRequest([anEvent({ distinct_id: '' })]).body)))?.status,
      400,
    );
    assert.equal(
      (await handle(request('/test/black_hole', JSON.stringify({ api_key: 'phx_k', batch: [anEvent()] }))))
        ?.status,
      401,
    );
    assert.equal(calls.length, 0);
  });
});

describe('durability', () => {
  test('the response waits for enqueue to resolve', async () => {
    let release: () => void = () => undefined;
    const { handle } = spyDeps(() => new Promise<void>((resolve) => (release = resolve)));
    let settled = false;
    const pending = handle(request('/batch/', validBatch)).then((res) => {
      settled = true;
      return res;
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'answered before the events were durable');
    release();
    assert.equal((await pending)?.status, 200);
  });

  test('enqueue rejects → 503, nothing acknowledged', async () => {
    const { calls, handle } = spyDeps(() => Promise.reject(new Error('queue full')));
    const res = await handle(request('/batch/', validBatch));
    assert.equal(res?.status, 503);
    assert.equal(calls.length, 1);
  });

  test('enqueue throws synchronously → 503', async () => {
    const { handle } = spyDeps(() => {
      throw new Error('queue closed');
    });
    assert.equal((await handle(request('/batch/', validBatch)))?.status, 503);
  });
});
