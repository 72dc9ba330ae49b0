import type Database from 'better-sqlite3';
import { decodeStoredDocument } from '../../document/index.js';

/** A schema step: SQL, or code for what SQL cannot do (decoding stored protobufs). */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Schema migrations, applied in order, each in its own transaction; PRAGMA user_version records
 * how many ran. Append only: never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE customers (
    customer_id          TEXT PRIMARY KEY,
    created_at           TEXT NOT NULL,
    max_chars            INTEGER,            -- NULL: configured default; -1: unlimited
    max_docs             INTEGER,
    used_chars           INTEGER NOT NULL DEFAULT 0,
    used_metadata_chars  INTEGER NOT NULL DEFAULT 0,
    used_docs            INTEGER NOT NULL DEFAULT 0
  ) STRICT;

  CREATE TABLE corpora (
    customer_id          TEXT NOT NULL REFERENCES customers (customer_id),
    corpus_id            TEXT NOT NULL,
    name                 TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    max_chars            INTEGER,
    max_docs             INTEGER,
    used_chars           INTEGER NOT NULL DEFAULT 0,
    used_metadata_chars  INTEGER NOT NULL DEFAULT 0,
    used_docs            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, corpus_id)
  ) STRICT;

  CREATE TABLE documents (
    customer_id          TEXT NOT NULL,
    corpus_id            TEXT NOT NULL,
    document_id          TEXT NOT NULL,
    content_hash         TEXT NOT NULL,
    document             BLOB NOT NULL,
    num_chars            INTEGER NOT NULL,
    num_metadata_chars   INTEGER NOT NULL,
    source_sha256        TEXT NOT NULL,
    source_size          INTEGER NOT NULL,
    source_format        TEXT NOT NULL,
    uploader             TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    PRIMARY KEY (customer_id, corpus_id, document_id),
    FOREIGN KEY (customer_id, corpus_id) REFERENCES corpora (customer_id, corpus_id)
  ) STRICT;

  CREATE INDEX documents_by_content_hash ON documents (customer_id, corpus_id, content_hash);
  `,
  // 2: what operators list and filter by (title, metadata, extractor), and API keys.
  `
  ALTER TABLE documents ADD COLUMN title TEXT NOT NULL DEFAULT '';
  ALTER TABLE documents ADD COLUMN metadata_json TEXT NOT NULL DEFAULT '';
  ALTER TABLE documents ADD COLUMN extractor TEXT NOT NULL DEFAULT '';
  ALTER TABLE documents ADD COLUMN extraction_ms INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE api_keys (
    key_id               TEXT PRIMARY KEY,
    customer_id          TEXT NOT NULL,
    corpus_ids           TEXT,               -- JSON array of corpus ids; NULL: every corpus
    role                 TEXT NOT NULL CHECK (role IN ('index', 'query', 'admin')),
    secret_sha256        TEXT NOT NULL,
    name                 TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    expires_at           TEXT,
    revoked_at           TEXT
  ) STRICT;
  CREATE INDEX api_keys_by_customer ON api_keys (customer_id, created_at);
  `,
  // 3: documents stored before migration 2 get their title and metadata from the stored proto.
  (db) => {
    // Row ids first: better-sqlite3 cannot write while a SELECT on the connection is open.
    const rowids = db.prepare('SELECT rowid FROM documents').pluck().all() as number[];
    const read = db.prepare('SELECT document FROM documents WHERE rowid = ?').pluck();
    const update = db.prepare('UPDATE documents SET title = ?, metadata_json = ? WHERE rowid = ?');
    for (const rowid of rowids) {
      const doc = decodeStoredDocument(new Uint8Array(read.get(rowid) as Buffer));
      update.run(doc.title, doc.metadataJson, rowid);
    }
  },
  // 4: large Documents are stored deflated (see src/document/packed.ts); older rows stay as they are.
  `
  ALTER TABLE documents ADD COLUMN document_encoding TEXT NOT NULL DEFAULT 'identity'
    CHECK (document_encoding IN ('identity', 'deflate'));
  `,
  // 5: the hash of the upload as sent (bytes + doc_metadata), for the replay check before parsing.
  // content_hash is the Document's canonical identity for Document uploads; before this, the check
  // looked for the upload's hash there and missed, so a replayed Document was parsed again. Older
  // rows get their content_hash, which was the upload's hash when they were written with one.
  `
  ALTER TABLE documents ADD COLUMN upload_hash TEXT NOT NULL DEFAULT '';
  UPDATE documents SET upload_hash = content_hash;
  DROP INDEX documents_by_content_hash;
  CREATE INDEX documents_by_upload_hash ON documents (customer_id, corpus_id, upload_hash);
  `,
  // 6: the API key role "extractions" (scope extractions:write, the Documind-style batch upload).
  // SQLite cannot change a CHECK constraint: the table is rebuilt with the rows as they are.
  `
  CREATE TABLE api_keys_v6 (
    key_id               TEXT PRIMARY KEY,
    customer_id          TEXT NOT NULL,
    corpus_ids           TEXT,               -- JSON array of corpus ids; NULL: every corpus
    role                 TEXT NOT NULL CHECK (role IN ('index', 'query', 'admin', 'extractions')),
    secret_sha256        TEXT NOT NULL,
    name                 TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    expires_at           TEXT,
    revoked_at           TEXT
  ) STRICT;
  INSERT INTO api_keys_v6 SELECT key_id, customer_id, corpus_ids, role, secret_sha256, name, created_at, expires_at, revoked_at FROM api_keys;
  DROP TABLE api_keys;
  ALTER TABLE api_keys_v6 RENAME TO api_keys;
  CREATE INDEX api_keys_by_customer ON api_keys (customer_id, created_at);
  `,
  // 7: batch upload jobs (POST /api/v1/upload): one row per accepted file, extracted later.
  `
  CREATE TABLE jobs (
    seq                  INTEGER PRIMARY KEY,  -- FIFO order
    job_id               TEXT NOT NULL UNIQUE,
    customer_id          TEXT NOT NULL,
    corpus_id            TEXT NOT NULL,
    filename             TEXT NOT NULL,
    sha256               TEXT NOT NULL,
    size                 INTEGER NOT NULL,
    uploader             TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    lease_until          TEXT,
    claimed_at           TEXT,
    error_code           TEXT,
    error_detail         TEXT,
    pages                INTEGER,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    FOREIGN KEY (customer_id, corpus_id) REFERENCES corpora (customer_id, corpus_id)
  ) STRICT;
  CREATE INDEX jobs_by_status ON jobs (status, seq);
  CREATE INDEX jobs_by_customer_claim ON jobs (customer_id, claimed_at);
  CREATE INDEX jobs_by_sha256 ON jobs (customer_id, corpus_id, sha256, seq);
  CREATE INDEX documents_by_source_sha256 ON documents (customer_id, corpus_id, source_sha256, created_at);
  `,
  // 8: what the batch upload's claims, quota reservation, file lifecycle and listing look up: a
  // customer's first queued job (claims go customer by customer) and its pending jobs (reserved
  // documents), a corpus's pending jobs, the jobs still needing a kept file (DATA_DIR/files/<sha256>,
  // shared by every corpus), and a corpus's jobs in FIFO order.
  `
  CREATE INDEX jobs_by_customer_queue ON jobs (customer_id, status, seq);
  CREATE INDEX jobs_by_corpus_status ON jobs (customer_id, corpus_id, status);
  CREATE INDEX jobs_by_file ON jobs (sha256, status);
  CREATE INDEX jobs_by_corpus ON jobs (customer_id, corpus_id, seq);
  `,
];
