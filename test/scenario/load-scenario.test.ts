import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES, IngestbenchError } from '../../src/errors.js';
import {
  loadScenario,
  parseScenario,
  ScenarioInvalidError,
  type ScenarioProblem,
} from '../../src/scenario/load-scenario.js';
import { findRepoRoot } from '../../src/cli/write-json-schema.js';

const root = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** A valid scenario; tests append or replace lines to break one thing at a time. */
const VALID = `name: t
phases:
  - kind: steady
    rate: 100
    duration: 10s
behaviours:
  - kind: pageview
`;

function problemsOf(text: string, source = 'test.yaml'): readonly ScenarioProblem[] {
  try {
    parseScenario(text, source);
  } catch (error: unknown) {
    assert.ok(error instanceof ScenarioInvalidError, `expected ScenarioInvalidError, got ${String(error)}`);
    assert.equal(error.code, 'SCENARIO_INVALID');
    assert.equal(error.exitCode, EXIT_CODES.SCENARIO_INVALID);
    return error.problems;
  }
  assert.fail('expected the scenario to be refused');
}

function onlyProblem(text: string): ScenarioProblem {
  const problems = problemsOf(text);
  assert.equal(problems.length, 1, problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return problems[0] as ScenarioProblem;
}

describe('shipped scenarios', () => {
  const files = readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.yaml'));

  it('include the four the README promises', () => {
    for (const name of ['quickstart', 'marketing-site', 'saas-mixed', 'sla-ci']) {
      assert.ok(files.includes(`${name}.yaml`), name);
    }
  });

  for (const file of files) {
    it(`${file} loads, points editors at the schema and has a measured phase and an SLA`, async () => {
      const scenario = await loadScenario(join(root, 'scenarios', file));
      assert.equal(scenario.source, join(root, 'scenarios', file));
      assert.equal(scenario.name, file.replace(/\.yaml$/, ''));
      assert.ok(scenario.phases.some((p) => p.measured));
      assert.ok(scenario.sla.length > 0);
      const weights = scenario.behaviours.reduce((sum, b) => sum + b.weight, 0);
      assert.ok(Math.abs(weights - 1) < 1e-9);
      const firstLine = (await readFile(join(root, 'scenarios', file), 'utf8')).split('\n')[0];
      assert.equal(firstLine, '# yaml-language-server: $schema=../schema/scenario.schema.json');
    });
  }

  it('quickstart sends for 30 s: 5 s warmup at 500/s, 25 s steady at 2000/s, and the promised SLA', async () => {
    const scenario = await loadScenario(join(root, 'scenarios', 'quickstart.yaml'));
    assert.deepEqual(
      scenario.phases.map((p) => [p.kind, p.durationMs, p.toRate, p.measured]),
      [
        ['warmup', 5_000, 500, false],
        ['steady', 25_000, 2_000, true],
      ],
    );
    assert.deepEqual(
      scenario.sla.map((c) => [c.metric, c.op, c.threshold]),
      [
        ['visible.p99', '<', 30_000],
        ['lost', '==', 0],
        ['duplicates', '==', 0],
      ],
    );
    assert.ok(scenario.observation.drainTimeoutMs <= 30_000);
  });

  it('soak holds one steady hour after a warmup, at 200/s unless --rate sets the peak', async () => {
    const file = join(root, 'scenarios', 'soak.yaml');
    const phases = (await loadScenario(file)).phases;
    assert.deepEqual(
      phases.map((p) => [p.kind, p.durationMs, p.toRate]),
      [
        ['warmup', 120_000, 50],
        ['steady', 3_600_000, 200],
      ],
    );
    const scaled = await loadScenario(file, { rate: 1000 });
    assert.deepEqual(
      scaled.phases.map((p) => [p.kind, p.durationMs, p.toRate]),
      [
        ['warmup', 120_000, 250],
        ['steady', 3_600_000, 1000],
      ],
    );
    // Within PostHog's 2,400 HogQL queries an hour, with room for the drain.
    assert.ok(scaled.observation.queryBudgetPerMinute * 60 <= 2_400);
  });

  it('sla-ci is a short gate of about 20 s of sending', async () => {
    const scenario = await loadScenario(join(root, 'scenarios', 'sla-ci.yaml'));
    const sending = scenario.phases.reduce((sum, p) => sum + p.durationMs, 0);
    assert.ok(sending >= 15_000 && sending <= 30_000, `${sending} ms`);
  });
});

describe('loadScenario errors', () => {
  it('a missing file is SCENARIO_INVALID and says so', async () => {
    await assert.rejects(loadScenario(join(root, 'scenarios', 'no-such-file.yaml')), (error: unknown) => {
      assert.ok(error instanceof ScenarioInvalidError);
      assert.equal(error.code, 'SCENARIO_INVALID');
      assert.match(error.message, /no-such-file\.yaml: no such file/);
      return true;
    });
  });

  it('a directory is SCENARIO_INVALID too', async () => {
    await assert.rejects(
      loadScenario(join(root, 'scenarios')),
      (error: unknown) => error instanceof IngestbenchError && error.code === 'SCENARIO_INVALID',
    );
  });
});

describe('parseScenario problems carry file:line:col and the field path', () => {
  it('invalid YAML: the line of the syntax error', () => {
    const problem = problemsOf('name: t\nphases:\n  - kind: steady\n    rate: [1, 2\nbehaviours: []\n')[0];
    assert.ok(problem !== undefined);
    assert.equal(problem.file, 'test.yaml');
    assert.ok(problem.line >= 4, `line ${problem.line}`);
    assert.match(problem.message, /^YAML syntax:/);
  });

  it('duplicate keys are a YAML error', () => {
    const problem = problemsOf(`${VALID}seed: 1\nseed: 2\n`)[0];
    assert.equal(problem?.line, 9);
    assert.match(problem?.message ?? '', /unique/i);
  });

  it('unknown field at the top: the key position and a did-you-mean', () => {
    const problem = onlyProblem(`${VALID}sede: 3\n`);
    assert.deepEqual([problem.line, problem.col, problem.path], [8, 1, 'sede']);
    assert.match(problem.message, /unknown field "sede" \(did you mean "seed"\?\)/);
  });

  it('unknown field inside a phase and a behaviour: allowed keys come from the matching kind', () => {
    const problems = problemsOf(
      VALID.replace('rate: 100', 'rate: 100\n    form: 3').replace(
        '- kind: pageview',
        '- kind: pageview\n    weigth: 2',
      ),
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.path, p.message]),
      [
        [5, 'phases[0].form', 'unknown field "form"'],
        [9, 'behaviours[0].weigth', 'unknown field "weigth" (did you mean "weight"?)'],
      ],
    );
  });

  it('a ramp field on a ramp phase suggests from', () => {
    const text = VALID.replace('kind: steady\n    rate: 100', 'kind: ramp\n    form: 1\n    to: 10');
    const problems = problemsOf(text);
    const unknown = problems.find((p) => p.path === 'phases[0].form');
    assert.match(unknown?.message ?? '', /did you mean "from"/);
    const missing = problems.find((p) => p.path === 'phases[0].from');
    assert.match(missing?.message ?? '', /missing required field/);
    assert.equal(missing?.line, 3, 'a missing field points at the object it belongs in');
  });

  it('wrong type: says what was expected and what was found', () => {
    const problem = onlyProblem(VALID.replace('rate: 100', 'rate: fast'));
    assert.deepEqual([problem.line, problem.col, problem.path], [4, 11, 'phases[0].rate']);
    assert.equal(problem.message, 'expected a number, got text "fast"');
  });

  it('negative rate and a fractional batch size', () => {
    const problems = problemsOf(VALID.replace('rate: 100', 'rate: -5') + 'batch_size: 2.5\n');
    assert.deepEqual(
      problems.map((p) => [p.line, p.path]),
      [
        [4, 'phases[0].rate'],
        [8, 'batch_size'],
      ],
    );
    assert.equal(problems[0]?.message, 'must be more than 0, got -5');
    assert.match(problems[1]?.message ?? '', /whole number/);
  });

  it('batch size over 1000', () => {
    const problem = onlyProblem(`${VALID}batch_size: 5000\n`);
    assert.equal(problem.message, 'must be at most 1000, got 5000');
  });

  it('bad, unitless and zero durations', () => {
    const problems = problemsOf(
      `${VALID.replace('duration: 10s', 'duration: 10x')}observation:\n  poll_interval: 0s\n  drain_timeout: 60\n`,
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.path]),
      [
        [5, 'phases[0].duration'],
        [9, 'observation.poll_interval'],
        [10, 'observation.drain_timeout'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /bad duration "10x"/);
    assert.match(problems[1]?.message ?? '', /longer than 0/);
    assert.match(problems[2]?.message ?? '', /duration is text with a unit/);
  });

  it('unknown phase kind with a did-you-mean', () => {
    const problem = onlyProblem(VALID.replace('kind: steady', 'kind: stedy'));
    assert.deepEqual([problem.line, problem.path], [3, 'phases[0].kind']);
    assert.match(
      problem.message,
      /unknown kind "stedy": expected one of warmup, ramp, steady \(did you mean "steady"\?\)/,
    );
  });

  it('enum values get a did-you-mean', () => {
    const problem = onlyProblem(`${VALID}compression: gzp\n`);
    assert.match(problem.message, /expected one of none, gzip \(did you mean "gzip"\?\)/);
  });

  it('weights that sum to 0 and duplicate behaviour names', () => {
    const problems = problemsOf(`name: t
phases:
  - kind: steady
    rate: 100
    duration: 10s
behaviours:
  - kind: pageview
    weight: 0
  - kind: pageview
    weight: 0
`);
    assert.deepEqual(
      problems.map((p) => [p.line, p.path]),
      [
        [7, 'behaviours'],
        [9, 'behaviours[1].name'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /weights sum to 0/);
    assert.match(problems[1]?.message ?? '', /"pageview" is already used by behaviours\[0\]/);
  });

  it('only warmup phases measure nothing', () => {
    const problem = onlyProblem(VALID.replace('kind: steady', 'kind: warmup'));
    assert.deepEqual([problem.line, problem.path], [3, 'phases']);
    assert.match(problem.message, /add a steady or ramp phase/);
  });

  it('custom event names must be [object] [verb]', () => {
    const problem = onlyProblem(
      VALID.replace('- kind: pageview', '- kind: custom\n    events: [project created, ProjectCreated]'),
    );
    assert.deepEqual([problem.line, problem.path], [8, 'behaviours[0].events[1]']);
    assert.match(problem.message, /"ProjectCreated" is not an \[object\] \[verb\] event name/);
  });

  it('bad faker path: the line of the faker value and a did-you-mean', () => {
    const text = VALID.replace(
      '- kind: pageview',
      '- kind: pageview\n    properties:\n      url: { faker: internet.urll }',
    );
    const problem = onlyProblem(text);
    assert.deepEqual([problem.line, problem.path], [9, 'behaviours[0].properties.url.faker']);
    assert.match(problem.message, /did you mean "internet.url"/);
  });

  it('generators: one kind each, int ranges in order, reserved property names', () => {
    const text = VALID.replace(
      '- kind: pageview',
      `- kind: pageview
    properties:
      a: { faker: internet.url, int: [1, 2] }
      b: { int: [9, 1] }
      ingestbench_seq: 3
      "odd key": [1]`,
    );
    const problems = problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.line, p.path]),
      [
        [9, 'behaviours[0].properties.a'],
        [10, 'behaviours[0].properties.b.int'],
        [11, 'behaviours[0].properties.ingestbench_seq'],
        [12, 'behaviours[0].properties["odd key"]'],
      ],
    );
    assert.match(problems[0]?.message ?? '', /exactly one of faker, one_of, int/);
    assert.match(problems[3]?.message ?? '', /constant .* or a generator/);
  });

  it('bad SLA expression: column on the bad part and a caret excerpt', () => {
    const problem = onlyProblem(`${VALID}sla:\n  - visible.p99 <> 5m\n`);
    assert.deepEqual([problem.line, problem.col, problem.path], [9, 17, 'sla[0]']);
    assert.match(problem.message, /expected a comparison/);
    assert.equal(problem.excerpt, '    visible.p99 <> 5m\n                ^^');
  });

  it('unknown SLA metric with a did-you-mean, in a quoted scalar', () => {
    const problem = onlyProblem(`${VALID}sla:\n  - "anonymous.visble.p99 < 2m"\n`);
    assert.deepEqual([problem.line, problem.col, problem.path], [9, 6, 'sla[0]']);
    assert.match(
      problem.message,
      /unknown metric "anonymous.visble.p99" \(did you mean "anonymous.visible.p99"\?\)/,
    );
  });

  it('every problem is reported at once, in file order, in the error message', () => {
    const text = `name: t
sede: 1
phases:
  - kind: steady
    rate: -1
    duration: 10s
behaviours:
  - kind: pageview
sla: [lost == 0.5]
`;
    try {
      parseScenario(text, 'dir/many.yaml');
      assert.fail('expected a refusal');
    } catch (error: unknown) {
      assert.ok(error instanceof ScenarioInvalidError);
      assert.deepEqual(
        error.problems.map((p) => p.line),
        [2, 5, 9],
      );
      const lines = error.message.split('\n');
      assert.equal(lines[0], 'scenario dir/many.yaml is invalid (3 problems):');
      assert.match(lines[1] ?? '', /^dir\/many\.yaml:2:1: sede: unknown field/);
      assert.match(lines[2] ?? '', /^dir\/many\.yaml:5:11: phases\[0\]\.rate: must be more than 0/);
    }
  });

  it('an empty file and a file that is a list', () => {
    assert.match(onlyProblem('').message, /this one is empty/);
    assert.match(onlyProblem('- a\n- b\n').message, /not a list/);
  });
});

describe('group behaviours', () => {
  it('at most five group types, as PostHog allows', () => {
    const groups = ['a', 'b', 'c', 'd', 'e', 'f', 'a']
      .map((type, i) => `  - {kind: group, name: g${i}, group_type: t${type}}\n`)
      .join('');
    const text = `phases: [{kind: steady, rate: 1, duration: 1s}]\nbehaviours:\n${groups}`;
    const problem = onlyProblem(text);
    assert.deepEqual([problem.line, problem.path], [8, 'behaviours[5].group_type']);
    assert.match(problem.message, /at most 5 group types/);
  });
});
