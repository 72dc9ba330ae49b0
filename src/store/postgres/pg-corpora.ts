import type {
  CorpusRecord,
  CorpusRef,
  CorpusStore,
  QuotaLimitsUpdate,
  QuotaScopeRef,
  UsageReport,
} from '../document-store.js';
import { named, type PgConnection, type Queryable } from './pg-connection.js';
import { reservedDocsSql } from './pg-reservations.js';
import { scopeOf, toScopeUsage, USAGE_COLUMNS, type UsageRow } from './pg-rows.js';

/**
 * Locks the customer's then the corpus's usage row (every writer of usage locks in this order, so
 * two processes never deadlock on them); null when the corpus does not exist (nothing of it can be deleted).
 */
export async function tryLockUsage(client: Queryable, ref: CorpusRef): Promise<{ customer: UsageRow; corpus: UsageRow } | null> {
  const customer = await client.query<UsageRow>(
    `SELECT ${USAGE_COLUMNS} FROM customers WHERE customer_id = $1 FOR NO KEY UPDATE`,
    [ref.customerId],
  );
  const corpus = await client.query<UsageRow>(
    `SELECT ${USAGE_COLUMNS} FROM corpora WHERE customer_id = $1 AND corpus_id = $2 FOR NO KEY UPDATE`,
    [ref.customerId, ref.corpusId],
  );
  if (!customer.rows[0] || !corpus.rows[0]) return null;
  return { customer: customer.rows[0], corpus: corpus.rows[0] };
}

const GET_CORPUS = named('get-corpus', 'SELECT name, created_at FROM corpora WHERE customer_id = $1 AND corpus_id = $2');

/** Corpora, customers and their quotas in the PostgreSQL store. */
export class PgCorpora implements CorpusStore {
  constructor(private readonly connection: PgConnection) {}

  async createCorpus(input: CorpusRef & { name: string }): Promise<{ created: boolean }> {
    return this.connection.transaction(async (client) => {
      await client.query('INSERT INTO customers (customer_id, created_at) VALUES ($1, now()) ON CONFLICT DO NOTHING', [input.customerId]);
      const result = await client.query(
        'INSERT INTO corpora (customer_id, corpus_id, name, created_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING',
        [input.customerId, input.corpusId, input.name],
      );
      return { created: result.rowCount === 1 };
    });
  }

  async getCorpus(ref: CorpusRef): Promise<CorpusRecord | null> {
    const { rows } = await this.connection.query<{ name: string; created_at: string }>(GET_CORPUS, [ref.customerId, ref.corpusId]);
    return rows[0] ? { ...ref, name: rows[0].name, createdAt: rows[0].created_at } : null;
  }

  async listCorpora(customerId: string): Promise<CorpusRecord[]> {
    const { rows } = await this.connection.query<{ corpus_id: string; name: string; created_at: string }>(
      'SELECT corpus_id, name, created_at FROM corpora WHERE customer_id = $1 ORDER BY length(corpus_id), corpus_id COLLATE "C"',
      [customerId],
    );
    return rows.map((r) => ({ customerId, corpusId: r.corpus_id, name: r.name, createdAt: r.created_at }));
  }

  /** One UPDATE of one row: it takes that row's lock itself, so it queues behind a running charge. */
  async setQuota(ref: QuotaScopeRef, limits: QuotaLimitsUpdate): Promise<boolean> {
    const { table, where, params } = scopeOf(ref);
    const sets: string[] = [];
    const values: unknown[] = [...params];
    if (limits.maxChars !== undefined) sets.push(`max_chars = $${values.push(limits.maxChars)}`);
    if (limits.maxDocs !== undefined) sets.push(`max_docs = $${values.push(limits.maxDocs)}`);
    if (sets.length === 0) return (await this.getUsage(ref)) !== null;
    const result = await this.connection.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`, values);
    return result.rowCount === 1;
  }

  async getUsage(ref: QuotaScopeRef): Promise<UsageReport | null> {
    const { table, where, params } = scopeOf(ref);
    // One statement: the usage and the reservations of one snapshot.
    const { rows } = await this.connection.query<UsageRow & { reserved_docs: number }>(
      `SELECT ${USAGE_COLUMNS}, ${reservedDocsSql(ref.corpusId === undefined ? 'customer' : 'corpus', `$${params.length + 1}`)} AS reserved_docs FROM ${table} WHERE ${where}`,
      [...params, ''],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...toScopeUsage(ref.corpusId === undefined ? 'customer' : 'corpus', row),
      reservedDocs: row.reserved_docs,
      usedTextChars: row.used_chars,
      usedMetadataChars: row.used_metadata_chars,
    };
  }
}
