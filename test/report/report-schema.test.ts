// report.json's schema: the published file is what the zod schema generates, a built report (and
// its merge) validates, so report-types.ts and the schema have not drifted, and a bad report read
// back names the file and the field with exit code 2.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, IngestbenchError } from '../../src/errors.js';
import { buildReport } from '../../src/report/build-report.js';
import { parseReport } from '../../src/report/read-report.js';
import { REPORT_SCHEMA_PATH, ReportSchema, reportJsonSchemaText } from '../../src/report/report-schema.js';
import { findRepoRoot } from '../../src/cli/write-json-schema.js';
import type { Report } from '../../src/report/report-types.js';
import { countedShard, keySharedShards } from './merge-fixture.js';
import { fixtureInputs } from './report-fixture.js';

const root = findRepoRoot(fileURLToPath(new URL('.', import.meta.url)));

describe('report.json schema', () => {
  it(`the committed ${REPORT_SCHEMA_PATH} is what reportJsonSchema() generates (run write-json-schema.js)`, async () => {
    const committed = await readFile(join(root, REPORT_SCHEMA_PATH), 'utf8');
    assert.equal(committed, reportJsonSchemaText());
  });

  it('a built report validates, and reads back as it was written', () => {
    const report = buildReport(fixtureInputs());
    const checked = ReportSchema.safeParse(JSON.parse(JSON.stringify(report)));
    assert.ok(checked.success, checked.success ? '' : JSON.stringify(checked.error.issues));
    assert.deepEqual(parseReport(JSON.stringify(report), 'a.json'), JSON.parse(JSON.stringify(report)));
  });

  it('a report with a wrong field is REPORT_INVALID (exit 2), naming the file and the field path', () => {
    const report = JSON.parse(JSON.stringify(buildReport(fixtureInputs()))) as {
      classes: { identified: { sent: unknown } };
      observation: Record<string, unknown>;
    };
    report.classes.identified.sent = 'many';
    delete report.observation.endReason;
    assert.throws(
      () => parseReport(JSON.stringify(report), 'reports/x/report.json'),
      (e: unknown) => {
        assert.ok(e instanceof IngestbenchError, String(e));
        assert.equal(e.code, 'REPORT_INVALID');
        assert.equal(e.exitCode, EXIT_CODES.USAGE);
        // Says what and where: the file, then each field by its path.
        assert.match(e.message, /^reports\/x\/report\.json is not a valid ingestbench report/);
        assert.match(e.message, /classes\.identified\.sent: /);
        assert.match(e.message, /observation\.endReason: /);
        return true;
      },
    );
  });

  /** The code and message of what parseReport throws for `report`, which must be refused. */
  const refusal = (report: unknown): string => {
    try {
      parseReport(JSON.stringify(report), 'shard.json');
    } catch (e) {
      assert.ok(e instanceof IngestbenchError, String(e));
      assert.equal(e.code, 'REPORT_INVALID');
      return e.message;
    }
    assert.fail('the report was accepted');
  };
  const builtReport = (): Report => JSON.parse(JSON.stringify(buildReport(fixtureInputs()))) as Report;
  /** A copy of `report` (as JSON) with the field at `path` set to `value`. */
  const spoiled = (report: Report, path: readonly (string | number)[], value: unknown): unknown => {
    const copy = JSON.parse(JSON.stringify(report)) as unknown;
    let at = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    at[path.at(-1)!] = value;
    return copy;
  };

  it('checks the descriptive sections field by field, naming the nested path', () => {
    const report = builtReport();
    const judged: Report = {
      ...report,
      sla: [
        {
          check: 'lost == 0',
          metric: 'lost',
          op: '==',
          threshold: 0,
          value: 2,
          pass: false,
          unit: 'count',
          detail: 'lost = 2',
        },
      ],
    };
    const cases: [Report, (string | number)[], unknown, RegExp][] = [
      [report, ['timeline', 3, 'visible'], 'some', /timeline\[3\]\.visible: /],
      [
        report,
        ['timeline', 0, 'classes', 'identified', 'latencyCount'],
        -1,
        /timeline\[0\]\.classes\.identified\.latencyCount: /,
      ],
      [
        report,
        ['cost', 'classes', 'anonymous', 'cpuSeconds'],
        '1s',
        /cost\.classes\.anonymous\.cpuSeconds: /,
      ],
      [report, ['cost', 'source'], 'guess', /cost\.source: /],
      [
        report,
        ['lagTrend', 'classes', 'identified', 'direction'],
        'sideways',
        /lagTrend\.classes\.identified\.direction: /,
      ],
      [report, ['lagTrend', 'window'], 'all', /lagTrend\.window: /],
      [report, ['clockSkew', 'created', 'count'], -2, /clockSkew\.created\.count: /],
      [report, ['clockSkew', 'ack', 'worstMs'], 12, /clockSkew\.ack\.worstMs: /],
      [judged, ['sla', 0, 'op'], '=<', /sla\[0\]\.op: /],
    ];
    for (const [base, path, value, named] of cases) {
      assert.match(refusal(spoiled(base, path, value)), named, path.join('.'));
    }
  });

  it('checks workload, counts observation and shard fields, and reads them back as written', () => {
    const built = buildReport({
      ...fixtureInputs(),
      load: {
        ...fixtureInputs().load,
        workload: {
          activity: 'zipf',
          exponent: 1.1,
          users: 100,
          topUsers: 1,
          events: 120,
          topShare: 0.12,
          predictedTopShare: 0.11,
          sessions: { sessionIds: 30, visits: 25, eventsPerSession: 4 },
        },
      },
    });
    const full: Report = countedShard(
      {
        ...built,
        observation: keySharedShards()[1]!.observation,
        run: { ...built.run, shard: { index: 2, count: 4, runId: 'nightly' } },
      },
      2,
      'a note',
    );
    const text = JSON.stringify(full);
    assert.deepEqual(parseReport(text, 'full.json'), JSON.parse(text));
    const spoiled = JSON.parse(text) as {
      workload: { topShare: unknown; sessions: { visits: unknown } };
      observation: {
        counts: { drillDown: { lost: { seq: unknown }[] } };
        budget: { shard: { key: { concurrent: unknown } } };
      };
      run: { shard: { runId: unknown } };
    };
    spoiled.workload.topShare = 1.5;
    spoiled.workload.sessions.visits = 2.5;
    spoiled.observation.counts.drillDown.lost[1]!.seq = 'x';
    spoiled.observation.budget.shard.key.concurrent = null;
    spoiled.run.shard.runId = 7;
    const message = refusal(spoiled);
    for (const path of [
      /workload\.topShare: /,
      /workload\.sessions\.visits: /,
      /observation\.counts\.drillDown\.lost\[1\]\.seq: /,
      /observation\.budget\.shard\.key\.concurrent: /,
      /run\.shard\.runId: /,
    ]) {
      assert.match(message, path);
    }
  });

  it('leaves out a field this build does not know', () => {
    const report = { ...builtReport(), addedLater: { x: 1 } };
    assert.equal('addedLater' in parseReport(JSON.stringify(report), 'a.json'), false);
  });
});
