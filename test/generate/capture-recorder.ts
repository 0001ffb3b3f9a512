// A capture endpoint for SDK-profile tests: a node:http server on 127.0.0.1:0 that answers 200
// {"status":"Ok"} and keeps every batch as it came over the wire (bytes sent, bytes decoded, the
// events), so a test can check what a run really sent: event shapes, sizes and gzip ratios.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface RecordedBatch {
  readonly wireBytes: number;
  readonly jsonBytes: number;
  /** Each event's JSON text as sent, and parsed. */
  readonly texts: readonly string[];
  readonly events: readonly RecordedEvent[];
}

export interface RecordedEvent {
  readonly uuid: string;
  readonly event: string;
  readonly distinct_id: string;
  readonly timestamp: string;
  readonly properties: Record<string, unknown>;
  readonly $set_once?: Record<string, unknown>;
}

export interface CaptureRecorder {
  readonly url: string;
  readonly batches: RecordedBatch[];
  close(): Promise<void>;
}

export async function startCaptureRecorder(): Promise<CaptureRecorder> {
  const batches: RecordedBatch[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const wire = Buffer.concat(chunks);
      const json = req.headers['content-encoding'] === 'gzip' ? gunzipSync(wire) : wire;
      const body = JSON.parse(json.toString('utf8')) as { batch: RecordedEvent[] };
      batches.push({
        wireBytes: wire.length,
        jsonBytes: json.length,
        texts: body.batch.map((e) => JSON.stringify(e)),
        events: body.batch,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"Ok"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    batches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
