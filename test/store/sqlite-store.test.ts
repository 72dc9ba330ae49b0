import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore, type DocumentStore } from '../../src/store/index.js';
import { describeStore, NO_DEFAULTS } from './conformance.js';

const files = new Map<DocumentStore, string>();

describeStore('SqliteStore', async (quotaDefaults, reuse) => {
  const file = reuse ? files.get(reuse)! : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-store-')), 'corpusgate.db');
  const store = new SqliteStore({ file, quotaDefaults });
  files.set(store, file);
  return store;
});

describe('SqliteStore specifics', () => {
  it('creates the directory, uses WAL and records the schema version', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-store-')), 'nested', 'dir', 'corpusgate.db');
    const store = new SqliteStore({ file, quotaDefaults: NO_DEFAULTS });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    db.close();
  });

  it('refuses a database from a newer corpusgate', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-store-')), 'corpusgate.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => new SqliteStore({ file, quotaDefaults: NO_DEFAULTS })).toThrow(/newer than this corpusgate/);
  });
});
