import type { BatchQuotaCheck } from '../../quota/index.js';
import type { QuotaScopeRef } from '../document-store.js';
import type { NewJob } from '../job-store.js';
import type { Queryable } from './pg-connection.js';
import { toScopeUsage, USAGE_COLUMNS, type UsageRow } from './pg-rows.js';

const NO_DOCUMENT = `NOT EXISTS (SELECT 1 FROM documents d
  WHERE d.customer_id = j.customer_id AND d.corpus_id = j.corpus_id AND d.document_id = j.job_id)`;

/**
 * A scalar subquery: the documents reserved in a scope, as the SQLite store counts them
 * (SqliteJobs.reservedDocs): its pending jobs, except processing ones whose Document is stored
 * already (charged, not also reserved), minus the job `except` names when it is pending without a
 * stored Document (a job storing its own Document turns its reservation into the charge). The
 * customer is $1, the corpus (corpus scope) $2, `except` the placeholder of that job id.
 */
export function reservedDocsSql(kind: 'customer' | 'corpus', except: string): string {
  const scope = kind === 'customer' ? 'j.customer_id = $1' : 'j.customer_id = $1 AND j.corpus_id = $2';
  return `(SELECT count(*) FILTER (WHERE j.status = 'queued' OR ${NO_DOCUMENT})
             - count(*) FILTER (WHERE j.job_id = ${except} AND ${NO_DOCUMENT})
           FROM jobs j WHERE ${scope} AND j.status IN ('queued', 'processing'))`;
}

/**
 * The scope's reserved documents, except `exceptJobId`'s. Inside the caller's transaction, in a
 * statement after the one that locked the scope's usage row: under READ COMMITTED each statement
 * sees what was committed when it started, so it counts the jobs of every writer that held the
 * lock before us (a count in the locking statement itself would use the snapshot from before the wait).
 */
export async function reservedDocs(client: Queryable, ref: QuotaScopeRef, exceptJobId = ''): Promise<number> {
  const params = ref.corpusId === undefined ? [ref.customerId] : [ref.customerId, ref.corpusId];
  const { rows } = await client.query<{ n: number }>(`SELECT ${reservedDocsSql(ref.corpusId === undefined ? 'customer' : 'corpus', `$${params.length + 1}`)} AS n`, [...params, exceptJobId]);
  return rows[0]?.n ?? 0;
}

/**
 * createJobs' quota check: locks the usage rows of the batch's customers (sorted), then of its
 * corpora (sorted) — every writer of usage locks a customer before its corpus, and one
 * transaction taking several takes them in this one order, so none deadlock — then asks `admit`
 * about each scope with its reserved documents. A charge or another batch of the same customer
 * waits for our commit, and then counts our jobs as reserved.
 */
export async function admitBatch(client: Queryable, jobs: readonly NewJob[], admit: BatchQuotaCheck): Promise<void> {
  const customers = new Map<string, number>();
  const corpora = new Map<string, { ref: QuotaScopeRef; count: number }>();
  for (const job of jobs) {
    customers.set(job.customerId, (customers.get(job.customerId) ?? 0) + 1);
    const key = JSON.stringify([job.customerId, job.corpusId]);
    corpora.set(key, { ref: { customerId: job.customerId, corpusId: job.corpusId }, count: (corpora.get(key)?.count ?? 0) + 1 });
  }
  const scopes = [
    ...[...customers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([customerId, count]): { ref: QuotaScopeRef; count: number } => ({ ref: { customerId }, count })),
    ...[...corpora].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, scope]) => scope),
  ];
  const locked: { ref: QuotaScopeRef; count: number; row: UsageRow }[] = [];
  for (const { ref, count } of scopes) {
    const corpus = ref.corpusId !== undefined;
    const { rows } = await client.query<UsageRow>(
      corpus
        ? `SELECT ${USAGE_COLUMNS} FROM corpora WHERE customer_id = $1 AND corpus_id = $2 FOR NO KEY UPDATE`
        : `SELECT ${USAGE_COLUMNS} FROM customers WHERE customer_id = $1 FOR NO KEY UPDATE`,
      corpus ? [ref.customerId, ref.corpusId] : [ref.customerId],
    );
    if (!rows[0]) throw new Error(`the ${corpus ? 'corpus' : 'customer'} of a batch vanished during the upload`);
    locked.push({ ref, count, row: rows[0] });
  }
  // Customer before corpus: the 507 names the wider scope when both would overflow.
  for (const { ref, count, row } of locked) {
    admit({ ...toScopeUsage(ref.corpusId === undefined ? 'customer' : 'corpus', row), reservedDocs: await reservedDocs(client, ref) }, count);
  }
}
