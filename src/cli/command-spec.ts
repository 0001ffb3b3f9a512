// The shapes of the command table (types only): an option, a command with its handler, and the
// parsed command line a handler receives. The table itself (cli/command-table.ts) imports the
// handlers; the handlers import these types from here, so no import runs back to the table.

import type { CliIo } from './cli-io.js';

export type OptionKind = 'string' | 'integer' | 'number' | 'duration' | 'boolean' | 'choice';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  readonly help: string;
  /** Shown in help and applied when the flag is absent; undefined = no default (flag optional). */
  readonly default?: string | number | boolean;
  readonly choices?: readonly string[];
  readonly repeatable?: boolean;
  /** Placeholder in help, e.g. "DIR". */
  readonly value?: string;
  readonly conflicts?: readonly string[];
  /** integer/number options: the smallest value accepted (integer default 0). */
  readonly min?: number;
  /** One-letter alias, e.g. "h" for -h. */
  readonly short?: string;
  /**
   * The value may be left out (`--dashboard` alone): then this one is used. A following argument
   * is taken as the value only when it matches `pattern` (so `--dashboard scenario.yaml` keeps
   * the scenario a positional) or when written `--flag=VALUE`.
   */
  readonly optionalValue?: { readonly whenBare: string; readonly pattern: RegExp };
}

export type OptionValue = string | number | boolean | readonly string[];

export interface CommandLine {
  readonly command: CommandSpec | null;
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, OptionValue | undefined>>;
  readonly help: boolean;
  readonly version: boolean;
}

/** Runs a parsed command line; the exit code it returns is the process's. */
export type CommandHandler = (line: CommandLine, io: CliIo) => Promise<number> | number;

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** `variadic`: the last positional may be repeated (`merge <report.json>…`). */
  readonly positionals: readonly { name: string; help: string; required: boolean; variadic?: boolean }[];
  readonly options: readonly OptionSpec[];
  readonly examples: readonly string[];
  readonly handler: CommandHandler;
}

/** The same option with the help text one command needs (its name, kind and limits stay shared). */
export function withHelp(option: OptionSpec, help: string): OptionSpec {
  return { ...option, help };
}
