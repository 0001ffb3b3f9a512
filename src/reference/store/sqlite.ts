// Which better-sqlite3 to load. Version 12 (the last for Node 20) aborts on Node 24 when a
// statement is garbage-collected (its ObjectWrap removes a cleanup hook from a gone environment);
// version 13 (Node-API, prebuilt) needs Node 22 and crashes on Node 20. Both are dependencies, 13
// under the npm alias `better-sqlite3-node22`, and each is loaded only where it works. Their
// JavaScript APIs are the same, so the rest of the code uses better-sqlite3's types throughout.

import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

export const SQLITE_PACKAGE = nodeMajor >= 22 ? 'better-sqlite3-node22' : 'better-sqlite3';

const Sqlite = require(SQLITE_PACKAGE) as typeof BetterSqlite3;

export function openSqlite(file: string, options?: BetterSqlite3.Options): BetterSqlite3.Database {
  return new Sqlite(file, options);
}
