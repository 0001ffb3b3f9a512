// Messages between the query API (main thread) and a query worker thread. A refusal crosses as
// its HogQL code and message, so the main thread answers it exactly as if it had run the query.

import type { CompileContext } from './compile-hogql.js';
import type { HogQLErrorCode } from './hogql-error.js';
import type { HogQLResult } from './run-hogql.js';

export interface QueryWorkerConfig {
  /** The event store, opened read-only by each worker. */
  readonly storeFile: string;
}

export type ToQueryWorker = {
  readonly type: 'run';
  readonly id: number;
  readonly text: string;
  readonly ctx: CompileContext;
};

export type FromQueryWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: HogQLResult }
  | {
      readonly type: 'refused';
      readonly id: number;
      readonly code: HogQLErrorCode;
      readonly message: string;
      readonly position: number | null;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
