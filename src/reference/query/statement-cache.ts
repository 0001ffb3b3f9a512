// Prepared statements keyed by SQL text. The compiler emits one SQL text per query shape (values
// are bound, IN lists are one JSON parameter), so a poller's queries hit the cache every time.
// Every statement is checked to be a read-only SELECT before its first use: defence in depth
// behind the compiler, which never emits anything else.

import type Database from 'better-sqlite3';

import { IngestbenchError } from '../../errors.js';

export type RawStatement = Database.Statement<unknown[], unknown[]>;

export class StatementCache {
  private readonly statements = new Map<string, RawStatement>();

  constructor(
    private readonly db: Database.Database,
    private readonly capacity = 256,
  ) {}

  get(sql: string): RawStatement {
    const cached = this.statements.get(sql);
    if (cached !== undefined) {
      // Re-insert so the Map's order is least recently used first.
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare<unknown[], unknown[]>(sql);
    if (!statement.readonly || !statement.reader) {
      throw new IngestbenchError(
        'INTERNAL',
        `the HogQL compiler produced a statement that is not a read-only SELECT: ${sql}`,
      );
    }
    statement.raw(true);
    this.statements.set(sql, statement);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next();
      if (oldest.done !== true) this.statements.delete(oldest.value);
    }
    return statement;
  }

  get size(): number {
    return this.statements.size;
  }
}
