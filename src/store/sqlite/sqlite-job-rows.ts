export { JOB_COLUMNS, NEEDING_FILE, toJob, type JobRow } from '../job-rows.js';

/**
 * The next claimable job (queued, or processing past its lease): the customer served least
 * recently first (never served: first of all), then FIFO. ISO 8601 timestamps of one format
 * compare as text. Customer by customer (each one's first claimable job by index seeks, computed
 * once: MATERIALIZED keeps SQLite from flattening it into repeated subqueries), not every
 * claimable job ordered by its customer's last claim, which cost ~17 ms a claim on the event loop
 * with 10,000 queued jobs. Now (scripts/bench-claims.ts, 10,000 queued): ~0.1 ms with one
 * customer, ~1 ms with 100, ~7 ms with 2,000 customers all waiting (was 24): it grows with the
 * customers, not the jobs; past thousands of active customers a per-customer turn table would be next.
 */
export const NEXT_JOB = `
  WITH ready AS MATERIALIZED (
    SELECT c.customer_id,
      (SELECT MIN(q.seq) FROM jobs q WHERE q.customer_id = c.customer_id AND q.status = 'queued') AS queued,
      (SELECT MIN(p.seq) FROM jobs p WHERE p.customer_id = c.customer_id AND p.status = 'processing' AND p.lease_until < ?) AS expired
    FROM customers c
  )
  SELECT j.job_id FROM ready r JOIN jobs j ON j.seq = COALESCE(min(r.queued, r.expired), r.queued, r.expired)
  ORDER BY (SELECT MAX(k.claimed_at) FROM jobs k WHERE k.customer_id = r.customer_id) ASC NULLS FIRST, j.seq ASC
  LIMIT 1`;

/** Pending jobs: their documents are reserved against the quota. */
export const PENDING = "('queued', 'processing')";
