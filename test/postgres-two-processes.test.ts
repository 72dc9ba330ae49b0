import type pg from 'pg';
import { connectAdmin, describePostgres } from './helpers/postgres.js';
import type { PgCluster } from './helpers/pg-cluster.js';
import { BURST_QUOTA_DOCS, storedDocuments } from './helpers/upload-burst.js';
import { BURST_REF, expectBurstConsistent, fireBurst, tally, twoProcesses } from './helpers/burst-cluster.js';

/**
 * Issue 15: two gateway processes on one PostgreSQL schema, 200 concurrent uploads alternating
 * between them. Correctness must come from the database (unique key, quota charged under the
 * usage-row lock in the insert's transaction), not from either process's memory.
 */
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

describeWithPostgres('two gateway processes on one PostgreSQL', () => {
  it('200 concurrent uploads: each id stored once, the 200 / ALREADY_EXISTS / 409 / 507 split exact, usage = charges ≤ limit', async () => {
    admin ??= await connectAdmin();
    const { key, procs } = await twoProcesses(admin, (c) => (cluster = c));
    const answers = await fireBurst(key, procs);
    console.log(`two processes, one database: ${JSON.stringify(tally(answers))}`);
    expect(answers.filter((a) => a.outcome === 'failed')).toEqual([]);
    await expectBurstConsistent(admin, cluster!.schema, answers, false);
    // 60 ids for 55 slots, nothing lost: the quota is exactly full, and both processes stored some.
    expect(await storedDocuments(admin, cluster!.schema, BURST_REF)).toHaveLength(BURST_QUOTA_DOCS);
    for (const target of [0, 1]) expect(answers.some((a) => a.target === target && a.outcome === 'created')).toBe(true);
    for (const outcome of ['replayed', 'conflict', 'quota']) expect(tally(answers)[outcome]).toBeGreaterThan(0);
    for (const proc of procs) expect(proc.alive()).toBe(true);
  }, 180_000);
});
