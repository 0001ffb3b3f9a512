// Reading and replaying capture corpora (PostHog's requests_dump.jsonl and the ones recorded
// here): each line becomes an HttpRequest, and what the parser produced is compared with `output`.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { HttpRequest } from '../../../src/reference/http-types.js';
import type { ParseResult } from '../../../src/reference/capture/parse-capture.js';
import { isUuidV7 } from '../../../src/reference/capture/capture-uuid.js';
import type { CorpusEntry } from './record-posthog-node.js';

/** The repository root: tests run from dist/test/…, fixtures live in the source tree. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('no package.json above the test file: cannot locate the repository root');
    dir = parent;
  }
  return dir;
}

export const SHARED_CORPUS = join(
  repoRoot(),
  '..',
  'shared',
  'fixtures',
  'posthog-capture',
  'requests_dump.jsonl',
);
export const RECORDED_CORPUS = join(repoRoot(), 'test', 'fixtures', 'recorded', 'posthog-node.jsonl');

/** The entries of a jsonl corpus; blank lines and `#` comment lines are skipped. */
export function parseCorpus(text: string): CorpusEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => JSON.parse(line) as CorpusEntry);
}

export const readCorpus = (file: string): CorpusEntry[] => parseCorpus(readFileSync(file, 'utf8'));

export function requestOf(entry: CorpusEntry): HttpRequest {
  const headers: Record<string, string> = {};
  if (entry.content_type !== '') headers['content-type'] = entry.content_type;
  if (entry.content_encoding !== '') headers['content-encoding'] = entry.content_encoding;
  return {
    method: entry.method,
    url: entry.path,
    headers,
    body: Buffer.from(entry.body, 'base64'),
    remoteAddress: entry.ip,
  };
}

/** Every way the parse result differs from the entry's `output`; empty when it conforms. */
export function corpusMismatches(entry: CorpusEntry, result: ParseResult): string[] {
  if (!result.ok) return [`refused with ${result.status}: ${result.message}`];
  if (result.events.length !== entry.output.length) {
    return [`produced ${result.events.length} events, expected ${entry.output.length}`];
  }
  const problems: string[] = [];
  const expectedSentAt = (sentAt: string): string | null =>
    sentAt === '' ? null : new Date(sentAt).toISOString();
  result.events.forEach((event, i) => {
    const out = entry.output[i];
    if (out === undefined) return;
    const expected = JSON.parse(out.data) as Record<string, unknown>;
    const differ = (what: string, got: unknown, want: unknown): void => {
      if (!isDeepStrictEqual(got, want))
        problems.push(`event ${i} ${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    };
    if (typeof expected['uuid'] === 'string') {
      differ('uuid', event.uuid, out.uuid);
    } else if (!isUuidV7(event.uuid) || event.data['uuid'] !== event.uuid) {
      problems.push(`event ${i} uuid: generated ${event.uuid} is not a UUIDv7 written into the event`);
    }
    differ('distinct_id', event.distinctId, out.distinct_id);
    differ('event', event.data['event'], expected['event']);
    differ('properties', event.data['properties'] ?? {}, expected['properties'] ?? {});
    differ('token', event.token, out.token);
    differ('sent_at', event.sentAt, expectedSentAt(out.sent_at));
    differ('now', event.now, new Date(entry.now).toISOString());
    differ('ip', event.ip, entry.ip);
    differ('historical_migration', event.historicalMigration, entry.historical_migration ?? false);
  });
  return problems;
}
