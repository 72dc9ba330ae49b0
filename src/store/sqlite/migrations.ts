/**
 * Schema migrations, applied in order; PRAGMA user_version records how many ran. Append only:
 * never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
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
];
