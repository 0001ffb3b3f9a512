// One error type for configuration problems and harness bugs, with a stable code that tests match
// and that one table turns into the process exit code. Request failures are data, not errors.

export const EXIT_CODES = {
  OK: 0,
  SLA_FAILED: 1,
  USAGE: 2,
  SCENARIO_INVALID: 2,
  /** A line of a replayed events file is not a recorded event (found before any load). */
  REPLAY_INVALID: 2,
  TARGET_UNREACHABLE: 3,
  TARGET_AUTH: 3,
  TARGET_REFUSED: 3,
  /** The probe event was acknowledged but never came back: over quota, or (capture not checking tokens) wrong project/region. */
  TARGET_PROBE_UNSEEN: 3,
  /** The capture target stopped answering during the load (the report is written, partial). */
  TARGET_LOST: 3,
  INTERNAL: 4,
  /** Interrupted (SIGINT/SIGTERM) before the load: nothing was sent, no report. 128 + SIGINT. */
  INTERRUPTED: 130,
} as const;

export type ErrorCode = Exclude<keyof typeof EXIT_CODES, 'OK'>;

export class IngestbenchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestbenchError';
    this.code = code;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** Exit code for anything thrown out of a command: unknown errors are harness bugs. */
export function exitCodeFor(error: unknown): number {
  return error instanceof IngestbenchError ? error.exitCode : EXIT_CODES.INTERNAL;
}
