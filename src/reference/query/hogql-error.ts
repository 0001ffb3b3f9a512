// A query the reference target will not run. The query handler turns it into PostHog's 400
// `{type: "validation_error", code, detail, attr: null}`; it never escapes the handler.

import { IngestbenchError } from '../../errors.js';

/**
 * PostHog's codes (posthog/hogql/errors.py `code_name`): a query that does not parse is a
 * syntax error; one that parses but cannot run here (unknown column, unsupported function,
 * JOIN, …) is a query error.
 */
export type HogQLErrorCode = 'hogql_syntax_error' | 'hogql_query_error';

export class HogQLError extends IngestbenchError {
  readonly hogqlCode: HogQLErrorCode;
  /** Offset in the query text the error points at, when known. */
  readonly position: number | null;

  constructor(hogqlCode: HogQLErrorCode, message: string, position: number | null = null) {
    super('TARGET_REFUSED', message);
    this.name = 'HogQLError';
    this.hogqlCode = hogqlCode;
    this.position = position;
  }
}

const WHERE_TO_LOOK =
  'The ingestbench reference target answers a subset of HogQL over `FROM events` ' +
  '(see src/reference/query/compile-hogql.ts); run this query against a real PostHog instead.';

/** Something HogQL has that this target does not: the message names it. */
export function unsupported(what: string, position: number | null = null): HogQLError {
  const at = position === null ? '' : ` (at position ${position})`;
  return new HogQLError('hogql_query_error', `${what} is not supported${at}. ${WHERE_TO_LOOK}`, position);
}

export function syntaxError(message: string, position: number): HogQLError {
  return new HogQLError('hogql_syntax_error', `${message} (at position ${position})`, position);
}

export function queryError(message: string, position: number | null = null): HogQLError {
  const at = position === null ? '' : ` (at position ${position})`;
  return new HogQLError('hogql_query_error', `${message}${at}`, position);
}

/**
 * PostHog refuses OFFSET in a query sent with a personal API key (user_query_validator.py): deep
 * offsets cost a scan each, and rows arriving between pages shift them. Keyset paging does not.
 */
export function offsetRefused(position: number | null): HogQLError {
  // PostHog's own detail (user_query_validator.py), without a position suffix.
  return new HogQLError(
    'hogql_query_error',
    'OFFSET is not supported on queries made with a personal API key. For pagination, use keyset ' +
      'pagination on the `timestamp` column, e.g. `WHERE timestamp > :last_seen_timestamp ORDER BY ' +
      'timestamp LIMIT N`. For bulk data extraction, use batch exports: https://posthog.com/docs/cdp/batch-exports',
    position,
  );
}
