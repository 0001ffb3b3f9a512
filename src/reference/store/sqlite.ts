// Which SQLite to open. Node's built-in `node:sqlite` where it has what the reference target needs
// (Node >= 22.16, and 24): nothing to install or compile. Elsewhere (Node 20) better-sqlite3 12,
// an optional dependency: it is the last better-sqlite3 for Node 20 (13 needs Node 22 and crashes
// on 20), and 12 itself aborts on Node 24 when a statement is garbage-collected, so each is used
// only where it works. The rest of the code uses better-sqlite3's types; node-sqlite.ts adapts
// node:sqlite to them.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { IngestbenchError } from '../../errors.js';
import { loadNodeSqlite, NodeSqliteDatabase } from './node-sqlite.js';

const require = createRequire(import.meta.url);

const nodeSqlite = loadNodeSqlite();

/** The backend in use, for logs and the tests: 'node:sqlite' or 'better-sqlite3'. */
export const SQLITE_PACKAGE = nodeSqlite !== null ? 'node:sqlite' : 'better-sqlite3';

let betterSqlite3: typeof BetterSqlite3 | undefined;

function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    return (betterSqlite3 ??= require('better-sqlite3') as typeof BetterSqlite3);
  } catch (error) {
    throw new IngestbenchError(
      'INTERNAL',
      `Node ${process.version} has no usable node:sqlite, and better-sqlite3 (an optional dependency, ` +
        `needed on Node 20) failed to load: ${(error as Error).message.split('\n')[0]}. ` +
        'Install it with `npm install better-sqlite3@12` (npm 11 asks for its install script: ' +
        '`npm install-scripts approve better-sqlite3`), or use Node 22.16 or later.',
      { cause: error },
    );
  }
}

export function openSqlite(file: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  if (nodeSqlite !== null) {
    return new NodeSqliteDatabase(nodeSqlite, file, options) as unknown as BetterSqlite3.Database;
  }
  const Sqlite = loadBetterSqlite3();
  return new Sqlite(file, options);
}
