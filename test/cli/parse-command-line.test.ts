import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IngestbenchError } from '../../src/errors.js';
import { COMMANDS } from '../../src/cli/command-table.js';
import { parseCommandLine } from '../../src/cli/parse-command-line.js';
import { renderCommandHelp, renderMainHelp } from '../../src/cli/render-help.js';

function usageError(argv: string[]): IngestbenchError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    assert.ok(error instanceof IngestbenchError);
    assert.equal(error.code, 'USAGE');
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('--dashboard takes HOST:PORT, or stands alone for loopback and a free port', () => {
    const of = (argv: string[]): unknown => parseCommandLine(argv).options['dashboard'];
    assert.equal(of(['run', 's.yaml', '--dashboard']), '127.0.0.1:0');
    assert.equal(of(['run', 's.yaml', '--dashboard', '127.0.0.1:5665']), '127.0.0.1:5665');
    assert.equal(of(['run', 's.yaml', '--dashboard=0.0.0.0:8080']), '0.0.0.0:8080');
    assert.equal(of(['capacity', 's.yaml', '--dashboard', '--quiet']), '127.0.0.1:0');
    assert.equal(of(['run', 's.yaml']), undefined);
    // A bare --dashboard before the scenario leaves the scenario a positional.
    const line = parseCommandLine(['run', '--dashboard', 's.yaml']);
    assert.deepEqual(line.positionals, ['s.yaml']);
    assert.equal(line.options['dashboard'], '127.0.0.1:0');
  });

  it('applies the table defaults and converts typed flags', () => {
    const line = parseCommandLine([
      'run',
      's.yaml',
      '--rate',
      '250',
      '--duration',
      '1m30s',
      '--workers',
      '3',
    ]);
    assert.equal(line.command?.name, 'run');
    assert.deepEqual(line.positionals, ['s.yaml']);
    assert.equal(line.options['target'], 'embedded');
    assert.equal(line.options['out'], 'reports');
    assert.equal(line.options['rate'], 250);
    assert.equal(line.options['duration'], 90_000);
    assert.equal(line.options['workers'], 3);
    assert.equal(line.options['json'], false);
    assert.equal(line.options['seed'], undefined);
  });

  it('reads a duration default as the flag would be read (milliseconds, not "5m")', () => {
    const monitor = parseCommandLine(['monitor', 's.yaml']);
    assert.equal(monitor.options['sla-window'], 300_000);
    assert.equal(
      parseCommandLine(['monitor', 's.yaml', '--sla-window', '10s']).options['sla-window'],
      10_000,
    );
    assert.equal(parseCommandLine(['capacity', 's.yaml']).options['step-duration'], 30_000);
  });

  it('collects repeatable flags in order and defaults them to a list', () => {
    assert.deepEqual(parseCommandLine(['serve', '--token', 'phc_a', '--token', 'phc_b']).options['token'], [
      'phc_a',
      'phc_b',
    ]);
    assert.deepEqual(parseCommandLine(['serve']).options['token'], ['phc_ingestbench']);
    assert.equal(parseCommandLine(['serve']).options['port'], 8010);
  });

  it('suggests the command or flag that was probably meant', () => {
    assert.match(usageError(['rnu', 'x.yaml']).message, /unknown command "rnu" \(did you mean "run"\?\)/);
    assert.match(
      usageError(['run', 'x.yaml', '--rat', '5']).message,
      /unknown option --rat for ingestbench run \(did you mean --rate\?\)/,
    );
  });

  it('refuses bad values, missing and extra positionals, and conflicting flags', () => {
    assert.match(usageError(['run', 'x.yaml', '--rate=-5']).message, /--rate expects a number > 0, got "-5"/);
    // A negative value is judged as the value it is, not as a missing one.
    assert.equal(
      usageError(['run', 'x.yaml', '--rate', '-5']).message,
      '--rate expects a number > 0, got "-5"',
    );
    assert.equal(
      usageError(['validate', 'x.yaml', '--rate', '-0.5']).message,
      '--rate expects a number > 0, got "-0.5"',
    );
    assert.match(usageError(['run', 'x.yaml', '--out', '-x']).message, /--out needs a value/);
    assert.equal(
      usageError(['run', 'x.yaml', '--workers', '0']).message,
      '--workers expects a whole number ≥ 1, got "0"',
    );
    assert.match(
      usageError(['run', 'x.yaml', '--duration', 'soon']).message,
      /--duration expects a duration/,
    );
    assert.match(
      usageError(['run', 'x.yaml', '--target', 'mars']).message,
      /--target must be one of embedded, posthog/,
    );
    assert.match(usageError(['run']).message, /run needs <scenario\.yaml>/);
    assert.match(usageError(['validate', 'a.yaml', 'b.yaml']).message, /unexpected argument "b\.yaml"/);
    assert.match(usageError(['serve', '--memory', '--data', '/tmp/x']).message, /cannot be used together/);
  });

  it('lets --help through without the required positionals', () => {
    const line = parseCommandLine(['run', '--help']);
    assert.equal(line.help, true);
    assert.equal(line.command?.name, 'run');
  });

  it('takes -h, -v and `help [command]` as --help and --version', () => {
    assert.equal(parseCommandLine(['-h']).help, true);
    assert.equal(parseCommandLine(['-v']).version, true);
    const runHelp = parseCommandLine(['run', '-h']);
    assert.equal(runHelp.help, true);
    assert.equal(runHelp.command?.name, 'run');
    const viaHelp = parseCommandLine(['help', 'validate']);
    assert.equal(viaHelp.help, true);
    assert.equal(viaHelp.command?.name, 'validate');
    const bare = parseCommandLine(['help']);
    assert.equal(bare.help, true);
    assert.equal(bare.command, null);
    assert.match(usageError(['help', 'rnu']).message, /unknown command "rnu" \(did you mean "run"\?\)/);
  });

  it('validate takes the --rate and --duration run takes', () => {
    const line = parseCommandLine(['validate', 'x.yaml', '--rate', '50', '--duration', '10s']);
    assert.equal(line.options['rate'], 50);
    assert.equal(line.options['duration'], 10_000);
  });
});

describe('help', () => {
  it('lists every command and every flag with its default, from the one table', () => {
    const main = renderMainHelp('9.9.9');
    for (const c of COMMANDS) {
      assert.ok(main.includes(c.name), `main help names ${c.name}`);
      const help = renderCommandHelp(c);
      for (const o of c.options) {
        assert.ok(help.includes(`--${o.name}`), `${c.name} help shows --${o.name}`);
        if (o.default !== undefined && o.kind !== 'boolean')
          assert.ok(help.includes(`(default: ${String(o.default)})`));
      }
    }
    assert.match(main, /3\s+target unreachable/);
  });
});
