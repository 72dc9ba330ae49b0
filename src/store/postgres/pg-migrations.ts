import type { SchemaReport } from '../document-store.js';
import type { PgConnection, Queryable } from './pg-connection.js';

/**
 * PostgreSQL schema migrations, applied in order; schema_migrations records each version that ran.
 * Append only: never edit a migration that has shipped. Version 1 is the schema the SQLite store
 * reached by its migration 7, in PostgreSQL's types:
 * - document ids are COLLATE "C": ORDER BY and keyset cursors follow UTF-8 byte order, as in SQLite;
 * - times are timestamptz (the store reads them back as ISO 8601 strings); job leases and claims are
 *   compared with the database's clock, the one clock every gateway process shares;
 * - metadata_scalars holds the top-level string and number values of metadata_json as jsonb, for the
 *   `doc.<key> = value` filter; only those, so that a deeply nested metadata_json (which jsonb
 *   might refuse) never makes an upload fail.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE customers (
    customer_id          text PRIMARY KEY,
    created_at           timestamptz NOT NULL,
    max_chars            bigint,             -- NULL: configured default; -1: unlimited
    max_docs             bigint,
    used_chars           bigint NOT NULL DEFAULT 0,
    used_metadata_chars  bigint NOT NULL DEFAULT 0,
    used_docs            bigint NOT NULL DEFAULT 0
  );

  CREATE TABLE corpora (
    customer_id          text NOT NULL REFERENCES customers (customer_id),
    corpus_id            text NOT NULL,
    name                 text NOT NULL,
    created_at           timestamptz NOT NULL,
    max_chars            bigint,
    max_docs             bigint,
    used_chars           bigint NOT NULL DEFAULT 0,
    used_metadata_chars  bigint NOT NULL DEFAULT 0,
    used_docs            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (customer_id, corpus_id)
  );

  CREATE TABLE documents (
    customer_id          text NOT NULL,
    corpus_id            text NOT NULL,
    document_id          text COLLATE "C" NOT NULL,
    content_hash         text NOT NULL,
    upload_hash          text NOT NULL,
    document             bytea NOT NULL,
    document_encoding    text NOT NULL CHECK (document_encoding IN ('identity', 'deflate')),
    num_chars            bigint NOT NULL,
    num_metadata_chars   bigint NOT NULL,
    source_sha256        text NOT NULL,
    source_size          bigint NOT NULL,
    source_format        text NOT NULL,
    uploader             text NOT NULL,
    extractor            text NOT NULL,
    extraction_ms        integer NOT NULL,
    title                text NOT NULL,
    metadata_json        text NOT NULL,
    metadata_scalars     jsonb,
    created_at           timestamptz NOT NULL,
    PRIMARY KEY (customer_id, corpus_id, document_id),
    FOREIGN KEY (customer_id, corpus_id) REFERENCES corpora (customer_id, corpus_id)
  );
  CREATE INDEX documents_by_upload_hash ON documents (customer_id, corpus_id, upload_hash);
  CREATE INDEX documents_by_source_sha256 ON documents (customer_id, corpus_id, source_sha256, created_at);

  CREATE TABLE api_keys (
    key_id               text PRIMARY KEY,
    customer_id          text NOT NULL,
    corpus_ids           text[],             -- NULL: every corpus
    role                 text NOT NULL CHECK (role IN ('index', 'query', 'admin', 'extractions')),
    secret_sha256        text NOT NULL,
    name                 text NOT NULL,
    created_at           timestamptz NOT NULL,
    expires_at           timestamptz,
    revoked_at           timestamptz
  );
  CREATE INDEX api_keys_by_customer ON api_keys (customer_id, created_at);

  CREATE TABLE jobs (
    seq                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- FIFO order
    job_id               text NOT NULL UNIQUE,
    customer_id          text NOT NULL,
    corpus_id            text NOT NULL,
    filename             text NOT NULL,
    sha256               text NOT NULL,
    size                 bigint NOT NULL,
    uploader             text NOT NULL,
    status               text NOT NULL CHECK (status IN ('queued', 'processing', 'done', 'failed')),
    attempts             integer NOT NULL DEFAULT 0,
    lease_until          timestamptz,
    claimed_at           timestamptz,
    error_code           text,
    error_detail         text,
    pages                integer,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    FOREIGN KEY (customer_id, corpus_id) REFERENCES corpora (customer_id, corpus_id)
  );
  CREATE INDEX jobs_claimable ON jobs (seq) WHERE status IN ('queued', 'processing');
  CREATE INDEX jobs_by_customer_claim ON jobs (customer_id, claimed_at);
  CREATE INDEX jobs_by_sha256 ON jobs (customer_id, corpus_id, sha256, seq);
  `,
  // 2: the SQLite store's migration 8 — what the batch upload's claims, quota reservation, file
  // lifecycle and listing look up: a customer's queued jobs in order and its pending jobs (reserved
  // documents), a corpus's pending jobs, the jobs still needing a kept file (DATA_DIR/files/<sha256>,
  // shared by every corpus), and a corpus's jobs in FIFO order.
  `
  CREATE INDEX jobs_by_customer_queue ON jobs (customer_id, status, seq);
  CREATE INDEX jobs_by_corpus_status ON jobs (customer_id, corpus_id, status);
  CREATE INDEX jobs_by_file ON jobs (sha256, status);
  CREATE INDEX jobs_by_corpus ON jobs (customer_id, corpus_id, seq);
  `,
];

/** Any constant will do: every corpusgate process that migrates takes the same lock first. */
const MIGRATION_LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('corpusgate schema migrations', 0))`;

/**
 * Brings the schema (the first schema of the connection's search_path) up to PG_MIGRATIONS, all
 * in one transaction under a transaction-level advisory lock: two processes starting together
 * migrate one after the other, and the second finds nothing left to do. A schema newer than this
 * code knows is refused: this process could misread or damage what a newer one wrote.
 */
export async function migratePostgres(connection: PgConnection, migrations: readonly string[] = PG_MIGRATIONS): Promise<SchemaReport> {
  return connection.transaction(async (client) => {
    // Another process may be migrating for longer than lock_timeout: wait for it, however long.
    await client.query('SET LOCAL lock_timeout = 0');
    await client.query(MIGRATION_LOCK);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const current = await schemaVersion(client);
    if (current > migrations.length) {
      const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]?.s;
      throw new Error(
        `PostgreSQL schema "${schema}" has schema version ${current}, newer than this corpusgate (${migrations.length}): ` +
          'run the corpusgate version that migrated it, or a newer one',
      );
    }
    for (let v = current; v < migrations.length; v++) {
      await client.query(migrations[v]!);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    return { before: current, after: migrations.length };
  });
}

export async function schemaVersion(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ v: number }>('SELECT COALESCE(max(version), 0) AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}
