// The command table is one: a flag two commands both take means the same thing in both (kind,
// limits, choices, repeatability), and every command is dispatched from the table itself.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, GLOBAL_OPTIONS } from '../../src/cli/command-table.js';
import type { OptionSpec } from '../../src/cli/command-spec.js';
import { parseCommandLine } from '../../src/cli/parse-command-line.js';
import { IngestbenchError } from '../../src/errors.js';

/** What a flag accepts: two commands sharing a name must agree on it. */
function accepts(option: OptionSpec): string {
  return JSON.stringify({
    kind: option.kind,
    min: option.min ?? null,
    choices: option.choices ?? null,
    repeatable: option.repeatable ?? false,
  });
}

/** Differences on purpose: `command --flag` may accept other than the rest, and why. */
const DELIBERATE: Readonly<Record<string, string>> = {
  // The monitor runs until stopped, against a target it does not start in Docker.
  'monitor --target': 'monitor watches the embedded target or a real PostHog, not containers',
};

describe('command table', () => {
  it('every flag name accepts the same values in every command that takes it', () => {
    const byName = new Map<string, { command: string; accepts: string }[]>();
    for (const command of COMMANDS) {
      for (const option of command.options) {
        if (DELIBERATE[`${command.name} --${option.name}`] !== undefined) continue;
        const seen = byName.get(option.name) ?? [];
        seen.push({ command: command.name, accepts: accepts(option) });
        byName.set(option.name, seen);
      }
    }
    const drift: string[] = [];
    for (const [name, uses] of byName) {
      const first = uses[0]!;
      for (const use of uses.slice(1)) {
        if (use.accepts !== first.accepts) {
          drift.push(`--${name}: ${first.command} ${first.accepts}, ${use.command} ${use.accepts}`);
        }
      }
    }
    assert.deepEqual(drift, []);
    // The shared groups are what is compared: the flags shared across commands are there.
    for (const name of ['target', 'target-cpus', 'target-memory', 'compose', 'fault', 'workers']) {
      assert.ok((byName.get(name)?.length ?? 0) >= 2, `--${name} is taken by more than one command`);
    }
  });

  it('lists each deliberate difference against a flag that exists', () => {
    for (const key of Object.keys(DELIBERATE)) {
      const [command, flag] = key.split(' --');
      const spec = COMMANDS.find((c) => c.name === command);
      assert.ok(spec, `${key}: no command ${command}`);
      assert.ok(
        spec.options.some((o) => o.name === flag),
        `${key}: ${command} has no --${flag}`,
      );
    }
  });

  it('names each command and flag once, and no command flag shadows a global one', () => {
    const commands = COMMANDS.map((c) => c.name);
    assert.deepEqual(commands, [...new Set(commands)]);
    for (const command of COMMANDS) {
      const names = command.options.map((o) => o.name);
      assert.deepEqual(names, [...new Set(names)], `${command.name} declares a flag twice`);
      for (const global of GLOBAL_OPTIONS) {
        assert.ok(!names.includes(global.name), `${command.name} --${global.name} shadows the global flag`);
      }
    }
  });

  it('every command carries its handler, and parsing hands back the command that holds it', () => {
    for (const command of COMMANDS) {
      assert.equal(typeof command.handler, 'function', `${command.name} has a handler`);
    }
    const line = parseCommandLine(['schema']);
    assert.equal(
      line.command,
      COMMANDS.find((c) => c.name === 'schema'),
    );
  });

  it('--target-cpus is a CPU list for run and capacity alike, and --workers is at least 1 in both', () => {
    for (const command of ['run', 'capacity']) {
      const line = parseCommandLine([command, 's.yaml', '--target-cpus', '0-1,3']);
      assert.equal(line.options['target-cpus'], '0-1,3');
      assert.throws(
        () => parseCommandLine([command, 's.yaml', '--workers', '0']),
        (error: unknown) =>
          error instanceof IngestbenchError &&
          error.code === 'USAGE' &&
          /--workers expects a whole number ≥ 1/.test(error.message),
      );
    }
  });
});
