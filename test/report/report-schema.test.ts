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
});
