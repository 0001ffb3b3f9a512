// Tasks for a query worker thread (query-worker.ts) and its answers. A refusal crosses as its
// HogQL code and message, so the main thread answers it exactly as if it had run the query; any
// other failure is thrown in the worker and rejects the task.

import type { CompileContext } from './compile-hogql.js';
import type { HogQLErrorCode } from './hogql-error.js';
import type { HogQLResult } from './run-hogql.js';

export interface QueryWorkerConfig {
  /** The event store, opened read-only by each worker. */
  readonly storeFile: string;
}

export type QueryTask =
  /** Answered once the worker has opened the store and loaded the parser. */
  { readonly type: 'ready' } | { readonly type: 'run'; readonly text: string; readonly ctx: CompileContext };

export type QueryAnswer =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly result: HogQLResult }
  | {
      readonly type: 'refused';
      readonly code: HogQLErrorCode;
      readonly message: string;
      readonly position: number | null;
    };
