import type pg from 'pg';
import { startPgCluster, type PgCluster, type ServeProcess } from './pg-cluster.js';
import { BURST_QUOTA_DOCS, burstPlan, corpusUsage, storedDocuments, unexpectedAnswers, uploadOnce, type Answered } from './upload-burst.js';

/** The corpus the burst uploads into (its document quota is BURST_QUOTA_DOCS). */
export const BURST_REF = { customer: '4242', corpus: '7' };

export interface BurstCluster { readonly cluster: PgCluster; readonly key: string; readonly procs: ServeProcess[] }

/**
 * A cluster with the burst corpus, its document quota and an index key, and two serving
 * processes. `cluster` is handed to `keep` before anything can fail, so the caller cleans it up.
 */
export async function twoProcesses(admin: pg.Client, keep: (cluster: PgCluster) => void): Promise<BurstCluster> {
  const cluster = await startPgCluster(admin);
  keep(cluster);
  const { customer, corpus } = BURST_REF;
  await cluster.cli('corpus', 'create', '--customer', customer, '--corpus', corpus, '--name', 'two processes');
  await cluster.cli('quota', 'set', '--customer', customer, '--corpus', corpus, '--docs', String(BURST_QUOTA_DOCS));
  const key = await cluster.cli('apikey', 'create', '--customer', customer, '--corpus', corpus, '--role', 'index');
  // One after the other: both migrate at start (under an advisory lock), the second finds it done.
  const procs = [await cluster.serve(), await cluster.serve()];
  return { cluster, key, procs };
}

/** Fires every planned upload at once, even indices at procs[0], odd at procs[1]. */
export function fireBurst(key: string, procs: readonly ServeProcess[], onAnswer: () => void = () => {}): Promise<Answered[]> {
  return Promise.all(burstPlan().map(async (u, i) => {
    const target = i % 2;
    const answer = await uploadOnce(procs[target]!.url, key, BURST_REF, u);
    onAnswer();
    return { ...u, target, ...answer };
  }));
}

/**
 * The invariants, read from the database: no 5xx or other surprise; every answer what the stored
 * rows say it must be (upload-burst.ts); each id stored once; usage = the stored Documents'
 * charges, ≤ the limit, and full if anything got a 507. Every stored row decodes (storedDocuments).
 */
export async function expectBurstConsistent(admin: pg.Client, schema: string, answers: readonly Answered[], allowFailed: boolean): Promise<void> {
  const stored = await storedDocuments(admin, schema, BURST_REF);
  const usage = await corpusUsage(admin, schema, BURST_REF);
  expect(answers.filter((a) => a.outcome.startsWith('other')).map((a) => `${a.outcome} ${a.detail.slice(0, 300)}`)).toEqual([]);
  expect(unexpectedAnswers(answers, stored, allowFailed)).toEqual([]);
  expect(new Set(stored.map((d) => d.id)).size).toBe(stored.length);
  expect(usage.max_docs).toBe(BURST_QUOTA_DOCS);
  expect(usage.used_docs).toBe(stored.length);
  expect(usage.used_docs).toBeLessThanOrEqual(BURST_QUOTA_DOCS);
  expect(usage.used_chars + usage.used_metadata_chars).toBe(stored.reduce((n, d) => n + d.chars, 0));
  // A 507 only once the quota was full: usage never goes down here, so it is full now.
  if (answers.some((a) => a.outcome === 'quota')) expect(usage.used_docs).toBe(BURST_QUOTA_DOCS);
}

export const tally = (answers: readonly Answered[]): Record<string, number> =>
  answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a.outcome]: (t[a.outcome] ?? 0) + 1 }), {});
