import type pg from 'pg';
import { connectAdmin, describePostgres } from './helpers/postgres.js';
import { startPgCluster, type PgCluster, type ServeProcess } from './helpers/pg-cluster.js';
import {
  BURST_QUOTA_DOCS,
  burstPlan,
  corpusUsage,
  storedDocuments,
  unexpectedAnswers,
  uploadOnce,
  type Answered,
} from './helpers/upload-burst.js';

/**
 * Issue 15: two gateway processes on one PostgreSQL schema, 200 concurrent uploads alternating
 * between them. Correctness must come from the database (unique key, quota charged under the
 * usage-row lock in the insert's transaction), not from either process's memory.
 */
const REF = { customer: '4242', corpus: '7' };
const describeWithPostgres = await describePostgres();

let admin: pg.Client | undefined;
let cluster: PgCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});
afterAll(async () => {
  await admin?.end();
});

/** A cluster with the corpus, its document quota and an index key, and two serving processes. */
async function twoProcesses(): Promise<{ key: string; procs: ServeProcess[] }> {
  admin ??= await connectAdmin();
  cluster = await startPgCluster(admin);
  await cluster.cli('corpus', 'create', '--customer', REF.customer, '--corpus', REF.corpus, '--name', 'two processes');
  await cluster.cli('quota', 'set', '--customer', REF.customer, '--corpus', REF.corpus, '--docs', String(BURST_QUOTA_DOCS));
  const key = await cluster.cli('apikey', 'create', '--customer', REF.customer, '--corpus', REF.corpus, '--role', 'index');
  // One after the other: both migrate at start (under an advisory lock), the second finds it done.
  const procs = [await cluster.serve(), await cluster.serve()];
  return { key, procs };
}

/** Fires every planned upload at once, even indices at procs[0], odd at procs[1]. */
function fireBurst(key: string, procs: readonly ServeProcess[], onAnswer: () => void = () => {}): Promise<Answered[]> {
  return Promise.all(burstPlan().map(async (u, i) => {
    const target = i % 2;
    const answer = await uploadOnce(procs[target]!.url, key, REF, u);
    onAnswer();
    return { ...u, target, ...answer };
  }));
}

/** The invariants of both tests, read from the database. */
async function expectConsistent(answers: readonly Answered[], allowFailed: boolean): Promise<void> {
  const stored = await storedDocuments(admin!, cluster!.schema, REF);
  const usage = await corpusUsage(admin!, cluster!.schema, REF);
  expect(answers.filter((a) => a.outcome.startsWith('other')).map((a) => `${a.outcome} ${a.detail.slice(0, 300)}`)).toEqual([]); // no 500, nothing unexpected
  expect(unexpectedAnswers(answers, stored, allowFailed)).toEqual([]);
  expect(new Set(stored.map((d) => d.id)).size).toBe(stored.length); // each id stored once
  expect(usage.max_docs).toBe(BURST_QUOTA_DOCS);
  expect(usage.used_docs).toBe(stored.length);
  expect(usage.used_docs).toBeLessThanOrEqual(BURST_QUOTA_DOCS);
  expect(usage.used_chars + usage.used_metadata_chars).toBe(stored.reduce((n, d) => n + d.chars, 0));
  // A 507 only once the quota was full: usage never goes down here, so it is full now.
  if (answers.some((a) => a.outcome === 'quota')) expect(usage.used_docs).toBe(BURST_QUOTA_DOCS);
}

const tally = (answers: readonly Answered[]) =>
  answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a.outcome]: (t[a.outcome] ?? 0) + 1 }), {});

describeWithPostgres('two gateway processes on one PostgreSQL', () => {
  it('200 concurrent uploads: each id stored once, the 200 / ALREADY_EXISTS / 409 / 507 split exact, usage = charges ≤ limit', async () => {
    const { key, procs } = await twoProcesses();
    const answers = await fireBurst(key, procs);
    console.log(`two processes, one database: ${JSON.stringify(tally(answers))}`);
    expect(answers.filter((a) => a.outcome === 'failed')).toEqual([]);
    await expectConsistent(answers, false);
    // 60 ids for 55 slots, nothing lost: the quota is exactly full, and both processes stored some.
    const stored = await storedDocuments(admin!, cluster!.schema, REF);
    expect(stored).toHaveLength(BURST_QUOTA_DOCS);
    for (const target of [0, 1]) expect(answers.some((a) => a.target === target && a.outcome === 'created')).toBe(true);
    for (const outcome of ['replayed', 'conflict', 'quota']) expect(tally(answers)[outcome]).toBeGreaterThan(0);
    for (const proc of procs) expect(proc.alive()).toBe(true);
  }, 180_000);
});
