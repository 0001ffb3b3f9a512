// HogQL text → SelectQuery through PostHog's own grammar: @posthog/hogql-parser is PostHog's
// ANTLR parser compiled to WebAssembly, so "the reference accepts it" means "PostHog's grammar
// accepts it". A query the grammar refuses is PostHog's syntax error; one it accepts that this
// target cannot run is refused by map-hogql-ast.ts.
//
// Cost: about 20 ms of CPU per poll query, and far more for nested text (a chain of 100 NOTs or
// 40 nested calls parses for 10-20 s; deeper nesting can trap the WebAssembly instance). Parse
// only where a slow parse cannot stall capture (a query worker thread, query-worker.ts) and
// under the maximum execution time.

import createWasmParser from '@posthog/hogql-parser';

import type { SelectQuery } from './hogql-ast.js';
import { HogQLError, syntaxError, unsupported } from './hogql-error.js';
import { mapHogQLAst } from './map-hogql-ast.js';

/** Longer texts are refused before parsing: parse time grows with length, and no poll needs more. */
export const MAX_QUERY_CHARS = 1_000_000;

export interface HogQLParser {
  /** The query's tree; throws HogQLError for a syntax error or a query this target cannot run. */
  parseSelect(text: string): SelectQuery;
  /**
   * True once the WebAssembly instance trapped (a query nested deeper than its stack): every
   * later parse would fail, so the owner must replace the parser (the query worker exits).
   */
  readonly broken: boolean;
}

interface ParseFailure {
  readonly error: true;
  readonly type?: string;
  readonly message?: string;
  readonly start?: { readonly offset?: number };
}

/** Loads the WebAssembly parser (about 100 ms); one instance serves every query of a thread. */
export async function createHogQLParser(): Promise<HogQLParser> {
  const wasm = await createWasmParser();
  let broken = false;
  return {
    get broken() {
      return broken;
    },
    parseSelect(text) {
      if (broken) throw new Error('the HogQL parser trapped on an earlier query; replace it');
      if (text.length > MAX_QUERY_CHARS)
        throw unsupported(
          `A query longer than ${MAX_QUERY_CHARS.toLocaleString('en-US')} characters`,
          MAX_QUERY_CHARS,
        );
      let json: string;
      try {
        json = wasm.parseSelect(text);
      } catch (error) {
        broken = true;
        throw new HogQLError(
          'hogql_syntax_error',
          `The query is nested too deeply for the HogQL parser (${(error as Error).message})`,
          0,
        );
      }
      const parsed = JSON.parse(json) as unknown;
      if (isFailure(parsed)) {
        const position = parsed.start?.offset ?? 0;
        const message = parsed.message ?? 'Syntax error';
        // The grammar knows the construct but PostHog's parser does not build it (e.g. SETTINGS).
        if (parsed.type === 'NotImplementedError') throw unsupported(message, position);
        throw syntaxError(message, position);
      }
      return mapHogQLAst(parsed);
    },
  };
}

function isFailure(value: unknown): value is ParseFailure {
  return typeof value === 'object' && value !== null && (value as { error?: unknown }).error === true;
}
