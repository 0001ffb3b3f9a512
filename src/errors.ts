// One error type for configuration problems and harness bugs, with a stable code that tests match
// and that one table turns into the process exit code. Request failures are data, not errors.

export const EXIT_CODES = {
  OK: 0,
  SLA_FAILED: 1,
  USAGE: 2,
  SCENARIO_INVALID: 2,
  /** A line of a replayed events file is not a recorded event (found before any load). */
  REPLAY_INVALID: 2,
  /** A report.json read back (compare, merge, run --baseline) does not match schema/report.schema.json. */
  REPORT_INVALID: 2,
  TARGET_UNREACHABLE: 3,
  TARGET_AUTH: 3,
  TARGET_REFUSED: 3,
  /** The probe event was acknowledged but never came back: over quota, or (capture not checking tokens) wrong project/region. */
  TARGET_PROBE_UNSEEN: 3,
  /** The capture target stopped answering during the load (the report is written, partial). */
  TARGET_LOST: 3,
  // The query API's failures, one code each (observe/query-client.ts says which are transient).
  /** The key's query budget (per minute/hour) cannot fit the query before its deadline. */
  QUERY_BUDGET_EXHAUSTED: 3,
  /** The observation deadline came before the query API answered. */
  QUERY_DEADLINE: 3,
  /** Still answered 429 after every retry the client allows. */
  QUERY_THROTTLED: 3,
  /** 429s without Retry-After after full concurrency waits: every slot of the team is taken. */
  QUERY_SLOTS_HELD: 3,
  /** HTTP 400: the query API rejected the query (PostHog's detail says why). */
  QUERY_REJECTED: 3,
  /** HTTP 404: no query API at that URL and project. */
  QUERY_NOT_FOUND: 3,
  /** HTTP 512/513: PostHog judged the query too expensive; asking again gives the same. */
  QUERY_TOO_EXPENSIVE: 3,
  /** Any other 4xx answer. */
  QUERY_REFUSED: 3,
  /** A 5xx answer other than 512/513. */
  QUERY_SERVER_ERROR: 3,
  /** A 2xx answer whose body is not JSON (cut off on the way, say): asking again may do. */
  QUERY_ANSWER_UNREADABLE: 3,
  /** A 2xx answer that is not what a PostHog query API answers (no rows, paging stuck). */
  QUERY_ANSWER_INVALID: 3,
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
