import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { ConflictError, QuotaExceededError, UnavailableError } from '../../src/errors/index.js';
import { encodeDocument, packDocument } from '../../src/document/index.js';
import { openPostgresStore, type NewDocument, type PutOutcome, type Store } from '../../src/store/index.js';
import { quotaPolicy } from '../../src/quota/index.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/pg-migrations.js';
import { sampleDocument } from '../helpers/documents.js';
import { connectAdmin, createTestSchema, describePostgres, dropTestSchemas } from '../helpers/postgres.js';
import { describeStore, NO_DEFAULTS } from './conformance.js';

const describeWithPostgres = await describePostgres();

let admin: pg.Client | undefined;
const schemas: string[] = [];
const urls = new Map<Store, string>();

/** A new schema of this run (a store opened on `url` migrates it). */
async function freshSchema(): Promise<{ schema: string; url: string }> {
  admin ??= await connectAdmin();
  const created = await createTestSchema(admin);
  schemas.push(created.schema);
  return created;
}

const C = '42';
const O = '7';
const OPEN = quotaPolicy(NO_DEFAULTS);

function newDoc(documentId: string, contentHash: string, numChars = 10): NewDocument {
  return {
    key: { customerId: C, corpusId: O, documentId },
    contentHash,
    uploadHash: `upload of ${contentHash}`,
    document: packDocument(encodeDocument(sampleDocument(documentId))),
    charge: { numChars, numMetadataChars: 0 },
    title: documentId,
    metadataJson: '',
    provenance: { sourceSha256: 'f'.repeat(64), sourceSize: 3, sourceFormat: 'text', uploader: 'tester', extractor: 'test', extractionMs: 1 },
  };
}

afterAll(async () => {
  if (admin) {
    await dropTestSchemas(admin, schemas);
    await admin.end();
  }
});

describeWithPostgres('PostgreSQL', () => {
  // Every open() without `reuse` gets empty storage: a schema of its own.
  describeStore('PostgresStore', async (reuse) => {
    const url = reuse ? urls.get(reuse)! : (await freshSchema()).url;
    const store = await openPostgresStore({ url, poolSize: 4 });
    urls.set(store, url);
    return store;
  });

  describe('PostgresStore specifics', () => {
    const open: Store[] = [];
    const openStore = async (url: string) => {
      const store = await openPostgresStore({ url, poolSize: 5 });
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
    });

    it('two processes racing for the same ids and one quota: each id stored once, the quota never passed', async () => {
      const { url } = await freshSchema();
      const [a, b] = [await openStore(url), await openStore(url)];
      await a.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      // 40 ids of 10 chars each, the quota a little below their 400: room for exactly 35.
      await b.setQuota({ customerId: C, corpusId: O }, { maxChars: 355 });
      const attempts: Promise<PutOutcome>[] = [];
      for (let k = 0; k < 4; k++) {
        for (let i = 0; i < 40; i++) {
          // Three writers of the same content per id and one of other content, across both stores.
          attempts.push(((i + k) % 2 ? a : b).putIfAbsent(newDoc(`id-${i}`, k === 3 ? `other-${i}` : `same-${i}`), OPEN.admit));
        }
      }
      const results = await Promise.allSettled(attempts);
      const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
      expect(rejected.filter((e) => !(e instanceof ConflictError || e instanceof QuotaExceededError))).toEqual([]);
      expect(rejected.some((e) => e instanceof QuotaExceededError)).toBe(true);
      const outcomes = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<PutOutcome>).value);
      const created = outcomes.filter((o) => o.status === 'created').map((o) => o.stored.key.documentId);
      expect(new Set(created).size).toBe(created.length);
      expect(created).toHaveLength(35);

      const stored = (await a.listDocuments({ customerId: C, corpusId: O }, { limit: 100 })).documents;
      expect(stored.map((d) => d.key.documentId).sort()).toEqual([...created].sort());
      for (const replay of outcomes.filter((o) => o.status === 'replayed')) {
        expect(stored.find((d) => d.key.documentId === replay.stored.key.documentId)?.contentHash).toBe(replay.stored.contentHash);
      }
      const charged = stored.reduce((sum, d) => sum + d.charge.numChars + d.charge.numMetadataChars, 0);
      for (const ref of [{ customerId: C }, { customerId: C, corpusId: O }]) {
        const usage = await b.getUsage(ref);
        expect(usage).toMatchObject({ usedChars: charged, usedDocs: 35 });
        expect(usage!.usedChars).toBeLessThanOrEqual(355);
      }
    });

    it('two processes claiming at once: every job claimed exactly once', async () => {
      const { url } = await freshSchema();
      const [a, b] = [await openStore(url), await openStore(url)];
      for (const customerId of [C, '43']) await a.createCorpus({ customerId, corpusId: O, name: 'main' });
      const jobs = Array.from({ length: 40 }, (_, i) => ({
        jobId: `job-${i}`, customerId: i % 2 ? C : '43', corpusId: O, filename: 'f.txt', sha256: 'a'.repeat(64), size: 1, uploader: 'tester',
      }));
      await a.createJobs(jobs);
      const claimed: string[] = [];
      const claimer = async (store: Store) => {
        for (let job = await store.claimJob(60_000); job; job = await store.claimJob(60_000)) claimed.push(job.jobId);
      };
      await Promise.all([claimer(a), claimer(a), claimer(b), claimer(b)]);
      expect([...claimed].sort()).toEqual(jobs.map((j) => j.jobId).sort());
      expect(await b.claimJob(60_000)).toBeNull();
    });

    it('two processes sharing filesDir: a file is moved in with its jobs and removed when the last job needing it is done', async () => {
      const { url } = await freshSchema();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pg-files-'));
      try {
        const filesDir = path.join(dir, 'files');
        fs.mkdirSync(filesDir);
        const [a, b] = [await openPostgresStore({ url, filesDir }), await openPostgresStore({ url, filesDir })];
        open.push(a, b);
        await a.createCorpus({ customerId: C, corpusId: O, name: 'main' });
        const spool = (name: string) => {
          fs.writeFileSync(path.join(dir, name), name);
          return path.join(dir, name);
        };
        const [s1, s2] = ['1'.repeat(64), '2'.repeat(64)];
        const job = (jobId: string, sha256: string) => ({ jobId, customerId: C, corpusId: O, filename: 'f.txt', sha256, size: 1, uploader: 'tester' });
        await a.createJobs([job('j1', s1), job('j2', s1)], { files: [{ sha256: s1, spooledTo: spool('one') }] });
        expect(fs.readdirSync(filesDir)).toEqual([s1]);
        // Refused (an id taken): nothing kept, the spool file left to its caller.
        await expect(b.createJobs([job('j1', s2)], { files: [{ sha256: s2, spooledTo: spool('two') }] })).rejects.toBeInstanceOf(ConflictError);
        expect([fs.readdirSync(filesDir), fs.existsSync(path.join(dir, 'two'))]).toEqual([[s1], true]);
        const first = (await b.claimJob(60_000))!;
        expect(await b.completeJob(first.jobId, first.attempts, { pages: null })).toBe(true);
        expect(fs.readdirSync(filesDir)).toEqual([s1]); // the other job still needs it
        const second = (await a.claimJob(60_000))!;
        expect(await a.completeJob(second.jobId, second.attempts, { pages: null })).toBe(true);
        expect(fs.readdirSync(filesDir)).toEqual([]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('two processes starting together on an empty schema migrate it once', async () => {
      const { schema, url } = await freshSchema();
      await Promise.all([openStore(url), openStore(url)]);
      const { rows } = await admin!.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
      expect(rows.map((r: { version: number }) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    });

    it('refuses a schema from a newer corpusgate', async () => {
      const { schema, url } = await freshSchema();
      await (await openStore(url)).close();
      await admin!.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES (999)`);
      await expect(openPostgresStore({ url })).rejects.toThrow(`schema version 999, newer than this corpusgate (${PG_MIGRATIONS.length})`);
    });

    it('answers UnavailableError when its connection is lost mid-transaction, and carries on', async () => {
      const { schema, url } = await freshSchema();
      const store = await openStore(url);
      await store.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      // Another session holds the customer's usage row: the upload waits for it inside its transaction ...
      await admin!.query('BEGIN');
      await admin!.query(`SELECT 1 FROM ${schema}.customers WHERE customer_id = $1 FOR UPDATE`, [C]);
      try {
        const put = store.putIfAbsent(newDoc('lost', 'h'), OPEN.admit);
        put.catch(() => {}); // awaited below
        const waiting = await blockedBy(admin!);
        // ... when its connection is terminated, as a database restart or failover would.
        await connectAdmin().then(async (other) => {
          await other.query('SELECT pg_terminate_backend($1)', [waiting]);
          await other.end();
        });
        await expect(put).rejects.toBeInstanceOf(UnavailableError);
      } finally {
        await admin!.query('ROLLBACK');
      }
      await expect(store.putIfAbsent(newDoc('lost', 'h'), OPEN.admit)).resolves.toMatchObject({ status: 'created' });
      expect(await store.getUsage({ customerId: C, corpusId: O })).toMatchObject({ usedDocs: 1 });
    });

    it('stores a title and metadata holding U+0000, which PostgreSQL text cannot, and keeps the Document exact', async () => {
      const store = await openStore((await freshSchema()).url);
      await store.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      const document = encodeDocument(sampleDocument('nul', { title: 'a\0b' }));
      await store.putIfAbsent({ ...newDoc('nul', 'h'), title: 'a\0b', metadataJson: '{"k":"v\\u0000"}', document: packDocument(document) }, OPEN.admit);
      expect(await store.getDocumentRecord({ customerId: C, corpusId: O, documentId: 'nul' })).toMatchObject({ title: 'a\uFFFDb' });
      expect(await store.getDocument({ customerId: C, corpusId: O, documentId: 'nul' })).toEqual(document);
    });

    it('answers UnavailableError when a usage row stays locked past lockWaitMs, storing nothing', async () => {
      const { schema, url } = await freshSchema();
      const store = await openPostgresStore({ url, lockWaitMs: 200 });
      open.push(store);
      await store.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      await admin!.query('BEGIN');
      try {
        await admin!.query(`SELECT 1 FROM ${schema}.corpora WHERE customer_id = $1 FOR UPDATE`, [C]);
        const err = await store.putIfAbsent(newDoc('stuck', 'h'), OPEN.admit).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UnavailableError);
        expect((err as UnavailableError).message).toMatch(/lock was held longer than 200 ms; nothing was stored/);
      } finally {
        await admin!.query('ROLLBACK');
      }
      expect(await store.findDocument({ customerId: C, corpusId: O, documentId: 'stuck' })).toBeNull();
      expect(await store.getUsage({ customerId: C })).toMatchObject({ usedDocs: 0 });
    });

    it('answers UnavailableError when PostgreSQL cannot be reached', async () => {
      const unreachable = new URL((await freshSchema()).url);
      unreachable.port = '1';
      await expect(openPostgresStore({ url: unreachable.toString() })).rejects.toBeInstanceOf(UnavailableError);
    });
  });
});

/** The backend pid of the session waiting for a lock that `holder` holds (polled, bounded). */
async function blockedBy(holder: pg.Client): Promise<number> {
  const watcher = await connectAdmin();
  try {
    for (let i = 0; i < 400; i++) {
      const { rows } = await watcher.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))',
        [(holder as unknown as { processID: number }).processID],
      );
      if (rows[0]) return rows[0].pid;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('no session came to wait for the lock');
  } finally {
    await watcher.end();
  }
}
