// argv → a command and typed option values, driven by the command table. Every mistake is a
// USAGE error that names the flag and, where it can, the flag that was probably meant.

import { parseArgs } from 'node:util';
import { IngestbenchError } from '../errors.js';
import { parseDuration } from '../core/parse-duration.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { CommandLine, CommandSpec, OptionSpec, OptionValue } from './command-spec.js';
import { COMMANDS, GLOBAL_OPTIONS, findCommand } from './command-table.js';

export type { CommandLine, OptionValue } from './command-spec.js';

const usage = (message: string): IngestbenchError => new IngestbenchError('USAGE', message);

export function parseCommandLine(argv: readonly string[]): CommandLine {
  // `ingestbench help [command]` is `ingestbench [command] --help`.
  if (argv[0] === 'help') {
    if (argv.length > 2) throw usage(`help takes at most one command, got "${argv.slice(1).join(' ')}"`);
    return parseCommandLine(argv[1] === undefined ? ['--help'] : [argv[1], '--help']);
  }
  const first = argv[0];
  const command = first !== undefined && !first.startsWith('-') ? findCommand(first) : undefined;
  if (first !== undefined && !first.startsWith('-') && command === undefined) {
    const guess = didYouMean(
      first,
      COMMANDS.map((c) => c.name),
    );
    throw usage(
      `unknown command "${first}"${guess ? ` (did you mean "${guess}"?)` : ''}; see ingestbench --help`,
    );
  }
  const specs = [...GLOBAL_OPTIONS, ...(command?.options ?? [])];
  const rest = bareValues(command ? argv.slice(1) : argv, specs);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        specs.map((s) => [
          s.name,
          {
            type: s.kind === 'boolean' ? 'boolean' : 'string',
            multiple: s.repeatable === true,
            ...(s.short !== undefined ? { short: s.short } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    throw usage(explainParseError(error, specs, command, rest));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values['help'] === true;
  const version = values['version'] === true;
  const options: Record<string, OptionValue | undefined> = {};
  for (const spec of command?.options ?? []) {
    options[spec.name] = convert(spec, values[spec.name]);
  }
  for (const spec of command?.options ?? []) {
    for (const other of spec.conflicts ?? []) {
      if (values[spec.name] !== undefined && values[other] !== undefined) {
        throw usage(`--${spec.name} and --${other} cannot be used together`);
      }
    }
  }
  if (command && !help) {
    const required = command.positionals.filter((p) => p.required);
    if (parsed.positionals.length < required.length) {
      throw usage(
        `${command.name} needs ${required.map((p) => `<${p.name}>`).join(' ')}; see ingestbench ${command.name} --help`,
      );
    }
    if (!command.positionals.at(-1)?.variadic && parsed.positionals.length > command.positionals.length) {
      throw usage(`${command.name}: unexpected argument "${parsed.positionals[command.positionals.length]}"`);
    }
  }
  return { command: command ?? null, positionals: parsed.positionals, options, help, version };
}

/** `--flag` given without its optional value becomes `--flag=<whenBare>` (OptionSpec.optionalValue). */
function bareValues(args: readonly string[], specs: readonly OptionSpec[]): string[] {
  return args.map((arg, i) => {
    const spec = specs.find((s) => s.optionalValue !== undefined && arg === `--${s.name}`);
    if (!spec?.optionalValue) return arg;
    const next = args[i + 1];
    return next !== undefined && spec.optionalValue.pattern.test(next)
      ? arg
      : `${arg}=${spec.optionalValue.whenBare}`;
  });
}

function convert(spec: OptionSpec, raw: string | boolean | string[] | undefined): OptionValue | undefined {
  if (raw === undefined) {
    if (spec.default === undefined) return undefined;
    if (spec.repeatable) return [String(spec.default)];
    // A default is written as a user would type it ('5m'): it reads as the flag's value would.
    return spec.kind === 'duration' && typeof spec.default === 'string'
      ? parseDuration(spec.default)
      : spec.default;
  }
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'boolean') return raw;
  const flag = `--${spec.name}`;
  switch (spec.kind) {
    case 'integer': {
      const n = Number(raw);
      const min = spec.min ?? 0;
      if (!Number.isInteger(n) || n < min)
        throw usage(`${flag} expects a whole number ≥ ${min}, got "${raw}"`);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (!Number.isFinite(n) || n <= 0 || (spec.min !== undefined && n < spec.min))
        throw usage(`${flag} expects a number > ${spec.min ?? 0}, got "${raw}"`);
      return n;
    }
    case 'duration':
      try {
        return parseDuration(raw);
      } catch {
        throw usage(`${flag} expects a duration such as 30s, 5m or 1h30m, got "${raw}"`);
      }
    case 'choice':
      if (!spec.choices?.includes(raw)) {
        throw usage(`${flag} must be one of ${spec.choices?.join(', ')}, got "${raw}"`);
      }
      return raw;
    default:
      if (raw === '') throw usage(`${flag} needs a value`);
      return raw;
  }
}

function explainParseError(
  error: unknown,
  specs: readonly OptionSpec[],
  command: CommandSpec | undefined,
  args: readonly string[],
): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '(-{1,2})([^']+)'/.exec(message);
  if (unknown) {
    const guess = didYouMean(
      unknown[2] ?? '',
      specs.map((s) => s.name),
    );
    const where = command ? `ingestbench ${command.name}` : 'ingestbench';
    return `unknown option ${unknown[1]}${unknown[2]} for ${where}${guess ? ` (did you mean --${guess}?)` : ''}`;
  }
  const ambiguous = /Option '--([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    // `--rate -5`: the value is there, it is just negative. Judge it as the value it is.
    const spec = specs.find((s) => s.name === ambiguous[1]);
    const value = args[args.indexOf(`--${ambiguous[1]}`) + 1];
    if (spec !== undefined && value !== undefined && /^-\d|^-\.\d/.test(value)) {
      try {
        convert(spec, value);
      } catch (refused) {
        if (refused instanceof IngestbenchError) return refused.message;
      }
    }
    return `--${ambiguous[1]} needs a value (a value starting with "-" is written --${ambiguous[1]}=VALUE)`;
  }
  return message.split('\n')[0] ?? message;
}
