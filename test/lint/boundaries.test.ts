// The import rules `npm run lint` checks (.dependency-cruiser.cjs): the tree keeps them, and an
// import that breaks one fails the check, named by its rule. The check runs exactly as the lint
// script runs it (its depcruise command, read from package.json), and is read as a person reads it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const depcruiseBin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  readonly rule: string;
  readonly from: string;
  /** The imported module; for a circle, the next module round it. */
  readonly to: string;
}

/** The lint script's depcruise arguments. */
function lintArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { lint: string } };
  const step = pkg.scripts.lint
    .split('&&')
    .map((s) => s.trim())
    .find((s) => s.startsWith('depcruise '));
  assert.ok(step !== undefined, `npm run lint runs depcruise: ${pkg.scripts.lint}`);
  return step.split(/\s+/).slice(1);
}

/** Runs the check as lint does: its exit code and the errors it prints ("error RULE: FROM → TO"). */
async function depcruise(): Promise<{ code: number; output: string; violations: readonly Violation[] }> {
  let output: string;
  let code = 0;
  try {
    ({ stdout: output } = await promisify(execFile)(process.execPath, [depcruiseBin, ...lintArgs()], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== 'number' || typeof failed.stdout !== 'string') throw error;
    output = failed.stdout;
    code = failed.code;
  }
  const violations = [...output.matchAll(/^\s*error (\S+): (\S+) →\s*(\S+)/gmu)].map(
    ([, rule, from, to]) => ({
      rule: rule!,
      from: from!,
      to: to!,
    }),
  );
  return { code, output, violations };
}

test('the tree keeps the import rules: no violation, no circle', async () => {
  const { code, output, violations } = await depcruise();
  assert.deepEqual(violations, [], output);
  assert.equal(code, 0, output);
  assert.match(output, /no dependency violations found/);
});

test('an import out of the reference, up a stage, into the orchestration, out of the core or in a circle fails the check by its rule', async () => {
  // Named so they cannot be mistaken for real modules; removed whatever happens.
  const tag = `lint-probe-${process.pid}`;
  const files = {
    cli: `src/reference/${tag}-cli.ts`,
    scenario: `src/reference/${tag}-scenario.ts`,
    leaf: `src/core/${tag}-leaf.ts`,
    ringA: `src/core/${tag}-ring-a.ts`,
    ringB: `src/core/${tag}-ring-b.ts`,
    up: `src/load/${tag}-up.ts`,
    // Stages that look up: the load into observation, observation into the report, the SLA grammar into the verdict.
    loadUp: `src/load/${tag}-load-up.ts`,
    observeUp: `src/observe/${tag}-observe-up.ts`,
    scenarioUp: `src/scenario/${tag}-scenario-up.ts`,
  };
  const write = (path: string, text: string): void => writeFileSync(join(root, path), text);
  try {
    write(files.cli, "import '../cli/main.js';\n");
    // A type-only import counts: the reference may not even name a harness type.
    write(
      files.scenario,
      "import type { Scenario } from '../scenario/scenario.js';\nexport type Named = Scenario['name'];\n",
    );
    write(files.leaf, "import '../verdict/evaluate-sla.js';\n");
    write(files.ringA, `export { b } from './${tag}-ring-b.js';\nexport const a = 1;\n`);
    write(files.ringB, `export { a } from './${tag}-ring-a.js';\nexport const b = 2;\n`);
    // A stage reaching up into the orchestration that runs it.
    write(files.up, "import '../run-scenario.js';\n");
    write(
      files.loadUp,
      "import type { ObservationResult } from '../observe/observation-result.js';\nexport type O = ObservationResult;\n",
    );
    write(files.observeUp, "import '../report/build-report.js';\n");
    write(files.scenarioUp, "import '../verdict/evaluate-sla.js';\n");

    const { code, output, violations } = await depcruise();
    assert.notEqual(code, 0, `the check fails:\n${output}`);
    const has = (rule: string, from: string, to: string): void =>
      assert.ok(
        violations.some((v) => v.rule === rule && v.from === from && v.to === to),
        `expected ${rule}: ${from} → ${to}; found:\n${output}`,
      );
    has('reference-stays-in', files.cli, 'src/cli/main.ts');
    has('nothing-imports-cli', files.cli, 'src/cli/main.ts');
    has('reference-stays-in', files.scenario, 'src/scenario/scenario.ts');
    has('core-is-leaf', files.leaf, 'src/verdict/evaluate-sla.ts');
    has('stages-below-orchestration', files.up, 'src/run-scenario.ts');
    has('load-looks-down', files.loadUp, 'src/observe/observation-result.ts');
    has('observe-looks-down', files.observeUp, 'src/report/build-report.ts');
    has('scenario-looks-down', files.scenarioUp, 'src/verdict/evaluate-sla.ts');
    assert.ok(
      violations.some((v) => v.rule === 'no-circular' && [files.ringA, files.ringB].includes(v.from)),
      `expected no-circular between the two ring files; found:\n${output}`,
    );
    // Only the added files break a rule: the rest of the tree is as clean as the first test says.
    const added = new Set(Object.values(files));
    assert.deepEqual(
      violations.filter((v) => !added.has(v.from)),
      [],
      output,
    );
  } finally {
    for (const path of Object.values(files)) rmSync(join(root, path), { force: true });
  }
});
