// The node:sqlite adapter behaves like better-sqlite3 where the reference target relies on it:
// plain row objects, pluck and raw modes, read-only detection (the query side refuses anything
// else), pragma values, and transactions that commit, roll back and nest. Runs where node:sqlite
// is usable (Node >= 22.16); on Node 20 the store runs on better-sqlite3 and this is skipped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadNodeSqlite, NodeSqliteDatabase } from '../../../src/reference/store/node-sqlite.js';
import { SQLITE_PACKAGE } from '../../../src/reference/store/sqlite.js';

const sqlite = loadNodeSqlite();
const skip = sqlite === null ? `node:sqlite is not usable on Node ${process.version}` : false;

function database(): NodeSqliteDatabase {
  const db = new NodeSqliteDatabase(sqlite!, ':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  return db;
}

describe('NodeSqliteDatabase', { skip }, () => {
  it('is the backend the store opens on this Node', () => {
    assert.equal(SQLITE_PACKAGE, 'node:sqlite');
  });

  it('returns plain objects, first values (pluck) or arrays (raw)', () => {
    const db = database();
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    assert.deepEqual(insert.run('a'), { changes: 1, lastInsertRowid: 1 });
    insert.run('b');
    const row = db.prepare('SELECT id, name FROM t WHERE id = ?').get(1);
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    assert.deepEqual(row, { id: 1, name: 'a' });
    assert.equal(db.prepare('SELECT name FROM t WHERE id = ?').get(9), undefined);
    assert.deepEqual(db.prepare('SELECT name FROM t ORDER BY id').pluck().all(), ['a', 'b']);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 2);
    assert.deepEqual(db.prepare('SELECT id, name FROM t ORDER BY id').raw().all(), [
      [1, 'a'],
      [2, 'b'],
    ]);
    assert.deepEqual([...db.prepare('SELECT name FROM t ORDER BY id').pluck().iterate()], ['a', 'b']);
    assert.deepEqual(db.prepare('SELECT name FROM t WHERE name = @name').pluck().all({ name: 'b' }), ['b']);
    db.close();
  });

  it('tells read-only SELECTs (temporary b-trees included) from writes and schema changes', () => {
    const db = database();
    const readonly = (sql: string): boolean => db.prepare(sql).readonly;
    assert.equal(
      readonly('SELECT name FROM t WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name'),
      true,
    );
    assert.equal(readonly('EXPLAIN QUERY PLAN SELECT * FROM t'), true);
    assert.equal(readonly("INSERT INTO t (name) VALUES ('x')"), false);
    assert.equal(readonly('DELETE FROM t'), false);
    assert.equal(readonly('CREATE TABLE u (x)'), false);
    assert.equal(db.prepare('SELECT 1').reader, true);
    assert.equal(db.prepare('DELETE FROM t').reader, false);
    db.close();
  });

  it('reads pragmas, simple or as rows', () => {
    const db = database();
    db.pragma('cache_size = -2048');
    assert.equal(db.pragma('cache_size', { simple: true }), -2048);
    assert.deepEqual(db.pragma('cache_size'), [{ cache_size: -2048 }]);
    db.close();
  });

  it('commits a transaction, rolls back a failed one, and nests with savepoints', () => {
    const db = database();
    const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
    const count = (): unknown => db.prepare('SELECT count(*) FROM t').pluck().get();
    db.transaction((names: string[]) => names.forEach((n) => insert.run(n)))(['a', 'b']);
    assert.equal(count(), 2);
    assert.throws(
      () =>
        db.transaction(() => {
          insert.run('c');
          throw new Error('boom');
        })(),
      /boom/,
    );
    assert.equal(count(), 2);
    assert.equal(db.inTransaction, false);
    db.transaction(() => {
      insert.run('d');
      assert.throws(() =>
        db.transaction(() => {
          insert.run('e');
          throw new Error('inner');
        })(),
      );
      assert.equal(db.inTransaction, true);
    })();
    assert.deepEqual(db.prepare('SELECT name FROM t ORDER BY id').pluck().all(), ['a', 'b', 'd']);
    db.close();
    assert.equal(db.open, false);
  });

  it('refuses a missing file when it must exist', () => {
    assert.throws(
      () =>
        new NodeSqliteDatabase(sqlite!, '/nonexistent/ingestbench/store.db', {
          readonly: true,
          fileMustExist: true,
        }),
      /does not exist/,
    );
  });
});
