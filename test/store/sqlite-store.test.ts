import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { encodeDocument, packDocument } from '../../src/document/index.js';
import { sampleDocument } from '../helpers/documents.js';
import { describeStore } from './conformance.js';
import { openTestStore } from '../helpers/built-workers.js';

const files = new Map<Store, string>();

/** Every database of this file lives under one temporary directory, removed at the end. */
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-store-'));
const freshDir = () => fs.mkdtempSync(path.join(ROOT, 'db-'));
afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

describeStore('SqliteStore', async (reuse) => {
  const file = reuse ? files.get(reuse)! : path.join(freshDir(), 'corpusgate.db');
  const store = await openTestStore({ file });
  files.set(store, file);
  return store;
});

describe('SqliteStore specifics', () => {
  it('creates the directory, uses WAL and records the schema version', async () => {
    const file = path.join(freshDir(), 'nested', 'dir', 'corpusgate.db');
    const store = await openTestStore({ file });
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    db.close();
  });

  it('refuses a database from a newer corpusgate', async () => {
    const file = path.join(freshDir(), 'corpusgate.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    await expect(openTestStore({ file })).rejects.toThrow(/newer than this corpusgate/);
  });

  it('upgrades a version-1 database, filling title and metadata from the stored Documents', async () => {
    const file = path.join(freshDir(), 'corpusgate.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO customers (customer_id, created_at) VALUES ('1', 'now')").run();
    db.prepare("INSERT INTO corpora (customer_id, corpus_id, name, created_at) VALUES ('1', '2', 'old', 'now')").run();
    db.prepare(
      `INSERT INTO documents VALUES ('1', '2', 'old-doc', 'hash', ?, 10, 5, 'sha', 3, 'document-binary', 'someone', 'now')`,
    ).run(Buffer.from(encodeDocument(sampleDocument('old-doc', { title: 'Old title', metadataJson: '{"k":"v"}' }))));
    db.close();
    const store = await openTestStore({ file });
    expect(await store.getDocumentRecord({ customerId: '1', corpusId: '2', documentId: 'old-doc' })).toMatchObject({
      title: 'Old title',
      metadataJson: '{"k":"v"}',
      provenance: { uploader: 'someone', extractor: '' },
    });
    // Migration 5: the row's content hash (an upload's hash then) is its upload hash.
    expect(await store.findDocumentByUploadHash({ customerId: '1', corpusId: '2' }, 'hash')).toMatchObject({ key: { documentId: 'old-doc' } });
    await store.close();
  });

  it('checkpoints the WAL from its own thread, not in the commits', async () => {
    const file = path.join(freshDir(), 'corpusgate.db');
    const store = await openTestStore({ file });
    await store.createCorpus({ customerId: '1', corpusId: '2', name: 'big' });
    const before = fs.statSync(file).size;
    // Random bytes: incompressible, so the blob is stored at full size.
    const document = new Uint8Array(crypto.randomBytes(6 * 1024 * 1024));
    await store.putIfAbsent({
      key: { customerId: '1', corpusId: '2', documentId: 'big' }, contentHash: 'h', uploadHash: 'h', document: packDocument(document), title: '', metadataJson: '',
      charge: { numChars: 1, numMetadataChars: 0 },
      provenance: { sourceSha256: '0'.repeat(64), sourceSize: 1, sourceFormat: 'test', uploader: 't', extractor: 't', extractionMs: 0 },
    }, () => {});
    // The commit left the pages in the WAL (automatic checkpoints are off) ...
    expect(fs.statSync(file).size).toBe(before);
    // ... and the checkpoint thread copies them into the database file shortly after.
    // Polled, bounded (a loop without end would outlive the test's timeout and hang jest).
    for (let i = 0; i < 400 && fs.statSync(file).size < document.length; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(document.length);
    // Buffer.equals: jest's element-by-element toEqual takes ~20 s on 6 MiB.
    const stored = await store.getDocument({ customerId: '1', corpusId: '2', documentId: 'big' });
    expect(stored && Buffer.from(stored).equals(document)).toBe(true);
    await store.close();
  });

  it('stores large Documents deflated and gives back the same bytes', async () => {
    const file = path.join(freshDir(), 'corpusgate.db');
    const store = await openTestStore({ file });
    await store.createCorpus({ customerId: '1', corpusId: '2', name: 'docs' });
    const text = encodeDocument(sampleDocument('text-heavy', { title: 'lorem ipsum '.repeat(20_000) }));
    const small = encodeDocument(sampleDocument('small'));
    for (const [id, document] of [['text-heavy', text], ['small', small]] as const) {
      await store.putIfAbsent({
        key: { customerId: '1', corpusId: '2', documentId: id }, contentHash: id, uploadHash: id, document: packDocument(document), title: '', metadataJson: '',
        charge: { numChars: 1, numMetadataChars: 0 },
        provenance: { sourceSha256: '0'.repeat(64), sourceSize: 1, sourceFormat: 'test', uploader: 't', extractor: 't', extractionMs: 0 },
      }, () => {});
      const back = await store.getDocument({ customerId: '1', corpusId: '2', documentId: id });
      expect(back && Buffer.from(back).equals(Buffer.from(document))).toBe(true);
    }
    await store.close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT document_id, document_encoding, length(document) AS size FROM documents ORDER BY document_id').all();
    db.close();
    expect(rows).toEqual([
      { document_id: 'small', document_encoding: 'identity', size: small.length },
      { document_id: 'text-heavy', document_encoding: 'deflate', size: expect.any(Number) },
    ]);
    expect((rows[1] as { size: number }).size).toBeLessThan(text.length / 10);
  });
});
