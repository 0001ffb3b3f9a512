// Help text, generated from the command table (never written by hand, so it cannot drift).

import { EXIT_CODES } from '../errors.js';
import type { CommandSpec, OptionSpec } from './command-spec.js';
import { COMMANDS, GLOBAL_OPTIONS } from './command-table.js';

function optionLine(spec: OptionSpec): [string, string] {
  const value = spec.kind === 'boolean' ? '' : ` ${spec.value ?? spec.choices?.join('|') ?? 'VALUE'}`;
  const left = `${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${value}${spec.repeatable ? ' …' : ''}`;
  const def =
    spec.default !== undefined && spec.kind !== 'boolean' ? ` (default: ${String(spec.default)})` : '';
  return [left, `${spec.help}${def}`];
}

function table(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`).join('\n');
}

export function renderCommandHelp(command: CommandSpec): string {
  const args = command.positionals
    .map((p) => `${p.required ? `<${p.name}>` : `[${p.name}]`}${p.variadic ? '…' : ''}`)
    .join(' ');
  const lines = [
    `Usage: ingestbench ${command.name}${args ? ` ${args}` : ''}${command.options.length ? ' [options]' : ''}`,
    '',
    command.summary,
  ];
  if (command.options.length) lines.push('', 'Options:', table(command.options.map(optionLine)));
  if (command.examples.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

export function renderMainHelp(version: string): string {
  const exit: [string, string][] = [
    [String(EXIT_CODES.OK), 'SLA met (or command succeeded)'],
    [String(EXIT_CODES.SLA_FAILED), 'SLA failed'],
    [String(EXIT_CODES.USAGE), 'bad usage or invalid scenario'],
    [
      String(EXIT_CODES.TARGET_UNREACHABLE),
      'target unreachable, refused, unauthorised or its probe event never came back (found before any load is sent); or capture lost during the run (partial report written)',
    ],
    [
      String(EXIT_CODES.INTERNAL),
      'internal error: a load worker failed (partial report written), the report could not be written, or a bug',
    ],
    [String(EXIT_CODES.INTERRUPTED), 'interrupted (SIGINT/SIGTERM) before any load was sent'],
  ];
  return [
    `ingestbench ${version}: load-test PostHog-style ingestion and measure time-to-queryable`,
    '',
    'Usage: ingestbench <command> [options]',
    '',
    'Commands:',
    table(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Global options:',
    table(GLOBAL_OPTIONS.map(optionLine)),
    '',
    'Exit codes:',
    table(exit),
    '',
    "Run `ingestbench <command> --help` or `ingestbench help <command>` for a command's options.",
    '',
  ].join('\n');
}
