// Node's built-in SQLite (`node:sqlite`, no native package to install or compile) behind the part
// of better-sqlite3's API the reference target uses: prepare → get/all/run/iterate, pluck(),
// raw(), readonly/reader, pragma(), exec(), transaction(), close(). The rest of the code keeps
// better-sqlite3's types; the tests of the store, queue and query sides run on this adapter on
// Node >= 22.16 and on better-sqlite3 on Node 20, so a difference between the two shows up there.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// The slice of node:sqlite's API used here, declared locally: the project's @types/node is Node
// 20's (the oldest Node it runs on), which has no node:sqlite.
type SQLInputValue = null | number | bigint | string | Uint8Array;
interface StatementSync {
  get(...params: SQLInputValue[]): unknown;
  all(...params: SQLInputValue[]): unknown[];
  iterate(...params: SQLInputValue[]): IterableIterator<unknown>;
  run(...params: SQLInputValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  columns(): unknown[];
  setReturnArrays(enabled: boolean): void;
}
interface DatabaseSync {
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  readonly DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => DatabaseSync;
  readonly StatementSync: { readonly prototype: object };
}

/** node:sqlite, or null where it is missing or lacks what the adapter needs (Node < 22.16). */
export function loadNodeSqlite(): NodeSqliteModule | null {
  // The module prints an ExperimentalWarning on first load on some Node versions (24); the API
  // used here is stable in practice and the warning would land in every report's stderr.
  const original = Object.getOwnPropertyDescriptor(process, 'emitWarning');
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]): void => {
    const text = warning instanceof Error ? warning.message : warning;
    if (!text.startsWith('SQLite is an experimental'))
      Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  try {
    const sqlite = require('node:sqlite') as NodeSqliteModule;
    const statement = sqlite.StatementSync.prototype as unknown as Record<string, unknown>;
    return typeof statement['setReturnArrays'] === 'function' && typeof statement['columns'] === 'function'
      ? sqlite
      : null;
  } catch {
    return null;
  } finally {
    if (original) Object.defineProperty(process, 'emitWarning', original);
  }
}

type Params = unknown[];

/** A prepared statement with better-sqlite3's modes: rows as objects, arrays (raw) or first values (pluck). */
class Statement {
  private mode: 'object' | 'raw' | 'pluck' = 'object';
  readonly reader: boolean;

  constructor(
    private readonly statement: StatementSync,
    readonly source: string,
    readonly readonly: boolean,
  ) {
    this.reader = statement.columns().length > 0;
  }

  pluck(toggle = true): this {
    return this.setMode(toggle ? 'pluck' : 'object');
  }

  raw(toggle = true): this {
    return this.setMode(toggle ? 'raw' : 'object');
  }

  private setMode(mode: 'object' | 'raw' | 'pluck'): this {
    this.mode = mode;
    this.statement.setReturnArrays(mode !== 'object');
    return this;
  }

  get(...params: Params): unknown {
    const row = this.statement.get(...(params as SQLInputValue[]));
    return row === undefined ? undefined : this.shape(row);
  }

  all(...params: Params): unknown[] {
    return this.statement.all(...(params as SQLInputValue[])).map((row) => this.shape(row));
  }

  *iterate(...params: Params): IterableIterator<unknown> {
    for (const row of this.statement.iterate(...(params as SQLInputValue[]))) yield this.shape(row);
  }

  /** node:sqlite's rows have a null prototype; better-sqlite3's are plain objects. */
  private shape(row: unknown): unknown {
    if (this.mode === 'pluck') return (row as unknown[])[0];
    return this.mode === 'raw' ? row : { ...(row as object) };
  }

  run(...params: Params): { changes: number; lastInsertRowid: number | bigint } {
    const result = this.statement.run(...(params as SQLInputValue[]));
    return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
  }
}

/** better-sqlite3's Database, as far as the reference target uses it, over node:sqlite. */
export class NodeSqliteDatabase {
  private readonly db: DatabaseSync;
  private depth = 0;
  readonly readonly: boolean;

  constructor(
    sqlite: NodeSqliteModule,
    readonly name: string,
    options: { readonly?: boolean | undefined; fileMustExist?: boolean | undefined } = {},
  ) {
    this.readonly = options.readonly === true;
    const memory = name === ':memory:' || name === '';
    if (!memory && options.fileMustExist === true && !existsSync(name)) {
      throw new Error(`unable to open database file: ${name} does not exist`);
    }
    this.db = new sqlite.DatabaseSync(name, { readOnly: this.readonly });
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  prepare(sql: string): Statement {
    // node:sqlite does not expose sqlite3_stmt_readonly: EXPLAIN's program answers it instead,
    // once per prepared statement.
    const readonly =
      /^\s*EXPLAIN\b/i.test(sql) ||
      !this.db
        .prepare(`EXPLAIN ${sql}`)
        .all()
        .some((op: unknown) => writes(op as { opcode?: unknown; p2?: unknown }));
    return new Statement(this.db.prepare(sql), sql, readonly);
  }

  exec(sql: string): this {
    this.db.exec(sql);
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.db.prepare(`PRAGMA ${source}`);
    if (options.simple === true) {
      statement.setReturnArrays(true);
      return (statement.get() as unknown[] | undefined)?.[0];
    }
    return statement.all().map((row) => ({ ...(row as object) }));
  }

  /** Like better-sqlite3: a function that runs `fn` in a transaction (a savepoint when nested). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      const savepoint = `ingestbench_${this.depth}`;
      this.db.exec(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
      this.depth += 1;
      try {
        const result = fn(...args);
        this.depth -= 1;
        this.db.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        this.depth -= 1;
        if (this.db.isTransaction) {
          this.db.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        }
        throw error;
      }
    };
  }

  close(): this {
    if (this.db.isOpen) this.db.close();
    return this;
  }
}

/**
 * Whether an EXPLAIN row opens a write transaction: SQLite's `Transaction` opcode has p2 = 0 for a
 * read and ≥ 1 for a write (schema changes included). Inserts into a query's own temporary
 * b-trees (IN lists, sorting) need no transaction on the file and are not writes.
 */
function writes(op: { opcode?: unknown; p2?: unknown }): boolean {
  return op.opcode === 'Transaction' && Number(op.p2) !== 0;
}
