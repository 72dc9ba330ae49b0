import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { openPostgresStore } from '../src/store/index.js';
import { PG_MIGRATIONS } from '../src/store/postgres/pg-migrations.js';
import request from 'supertest';
import { GOLDEN_FIXTURES } from '../scripts/golden.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { connectAdmin, createTestSchema, describePostgres, dropTestSchemas, POSTGRES_POOL_METRICS } from './helpers/postgres.js';
import { uploadForm } from './helpers/upload.js';
import { batch, keptFiles } from './helpers/batch.js';
import { waitFor } from './helpers/wait.js';

const PDF = GOLDEN_FIXTURES['simple.pdf']!();
const describeWithPostgres = await describePostgres();

let admin: pg.Client | undefined;
const schemas: string[] = [];

// File level: runs after every block's own hooks, so once the gateway (and its pool) is closed.
afterAll(async () => {
  if (admin) {
    await dropTestSchemas(admin, schemas);
    await admin.end();
  }
});

describeWithPostgres('the gateway with DATABASE_URL', () => {
  const gw = useGateway({
    env: async () => {
      admin ??= await connectAdmin();
      const { schema, url } = await createTestSchema(admin);
      schemas.push(schema);
      return { DATABASE_URL: url, DATABASE_POOL_SIZE: '4' };
    },
  });

  it('stores an uploaded PDF in PostgreSQL and reads it back', async () => {
    const { key } = await gw.apiKey('admin');
    const { body, contentType } = uploadForm('report.pdf', PDF, { source: 'pg' });
    const upload = () => request(gw.app).post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key).set('content-type', contentType).send(body);
    const first = await upload();
    expect(first.status).toBe(200);
    expect(first.body.response.status).toEqual({});
    const again = await upload();
    expect(again.body.response.status.code).toBe('ALREADY_EXISTS');

    const read = await request(gw.app).get(`/v2/corpora/${CORPUS}/documents/report.pdf`).set('x-api-key', key).set('Accept', 'application/json');
    expect(read.status).toBe(200);
    expect(read.body.documentId).toBe('report.pdf');
    expect(JSON.parse(read.body.metadataJson)).toMatchObject({ title: 'A Generated Report', pages: 2, source: 'pg' });
    expect(JSON.stringify(read.body.section)).toMatch(/\w{3,}/); // the PDF's text came back
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1 });
  });

  it('runs a batch upload through the PostgreSQL job queue to done', async () => {
    const { key } = await gw.apiKey('extractions', { corpusIds: [CORPUS] });
    const accepted = await request(gw.app).post('/api/v1/upload').set('X-API-Key', key).attach('files', PDF, 'batch.pdf');
    expect(accepted.status).toBe(200);
    const [id] = accepted.body as string[];
    let status: Record<string, unknown> = {};
    // Polled, bounded: the job runner claims the job from PostgreSQL and extracts it.
    for (let i = 0; i < 600 && status['status'] !== 'done' && status['status'] !== 'failed'; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await request(gw.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key)).body as Record<string, unknown>;
    }
    expect(status).toMatchObject({ id, filename: 'batch.pdf', status: 'done', error: null, pages: 2 });
    // Its kept file goes just after the job shows done: PostgreSQL removes it in a transaction of
    // its own once the completion has committed (src/store/postgres/pg-kept-files.ts), polled here.
    await waitFor(() => keptFiles(gw.dir).length === 0, 10_000, 'the kept file removed');
  });

  it('reports the database in /readyz and the pool in /metrics', async () => {
    const ready = await request(gw.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe('ok');
    const metrics = await request(gw.app).get('/metrics');
    expect([...metrics.text.matchAll(/^# HELP (corpusgate_db_\w+) /gm)].map((m) => m[1]).sort()).toEqual(POSTGRES_POOL_METRICS);
    expect(metrics.text).toMatch(/^corpusgate_db_pool_connections \d+$/m);
    expect(metrics.text).toMatch(/^corpusgate_db_pool_idle \d+$/m);
    expect(metrics.text).toMatch(/^corpusgate_db_pool_waiting 0$/m);
  });
});

describeWithPostgres('batch uploads with DATABASE_URL, jobs left queued (no job runner)', () => {
  const gw = useGateway({
    extras: { runJobs: false },
    env: async () => {
      admin ??= await connectAdmin();
      const { schema, url } = await createTestSchema(admin);
      schemas.push(schema);
      return { DATABASE_URL: url, DATABASE_POOL_SIZE: '4' };
    },
  });

  it('reserves a batch against the quota, refuses one that does not fit, and deletes a queued file with its reservation and kept file', async () => {
    await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: '190', name: 'batch' });
    await gw.store.setQuota({ customerId: CUSTOMER, corpusId: '190' }, { maxDocs: 3 });
    const { key } = await gw.apiKey('extractions', { corpusIds: ['190'] });
    const { key: adminKey } = await gw.apiKey('admin');
    const quota = async () => (await request(gw.app).get('/v2/corpora/190/quota').set('x-api-key', adminKey)).body as Record<string, unknown>;
    const accepted = await batch(gw.app, key, [['pg one', '1.txt'], ['pg two', '2.txt']], '?verbose=true');
    expect(accepted.status).toBe(200);
    const [a, b] = accepted.body as { id: string; sha256: string }[];
    expect(keptFiles(gw.dir)).toEqual([a!.sha256, b!.sha256].sort());
    expect(await quota()).toMatchObject({ used_docs: 0, reserved_docs: 2, max_docs: 3 });

    const refused = await batch(gw.app, key, [['pg three', '3.txt'], ['pg four', '4.txt']]);
    expect(refused.status).toBe(507);
    expect(refused.body.detail).toMatch(/corpus quota exceeded: 2 documents needed, 2 of 3 already used \(2 of them reserved/);
    expect(keptFiles(gw.dir)).toEqual([a!.sha256, b!.sha256].sort());

    expect((await gw.store.claimJob(60_000))?.jobId).toBe(a!.id); // as a runner would: a is processing
    expect((await request(gw.app).delete(`/api/v1/documents/${a!.id}`).set('X-API-Key', key)).status).toBe(409);
    const deleted = await request(gw.app).delete(`/api/v1/documents/${b!.id}`).set('X-API-Key', key);
    expect([deleted.status, deleted.body]).toEqual([200, { id: b!.id, deleted: true }]);
    expect(keptFiles(gw.dir)).toEqual([a!.sha256]);
    expect(await quota()).toMatchObject({ used_docs: 0, reserved_docs: 1 });
    expect((await request(gw.app).get(`/api/v1/documents/${b!.id}`).set('X-API-Key', key)).status).toBe(404);
    const listed = await request(gw.app).get('/api/v1/documents').set('X-API-Key', key);
    expect(listed.body.documents.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([[a!.id, 'processing']]);
    // The freed slots take a new batch of two; a third one would not fit.
    expect((await batch(gw.app, key, [['pg five', '5.txt'], ['pg six', '6.txt']])).status).toBe(200);
    expect((await batch(gw.app, key, [['pg seven', '7.txt']])).status).toBe(507);
  });
});

describeWithPostgres('corpusgate admin commands with DATABASE_URL', () => {
  const CLI = path.resolve('dist/src/cli/index.js');
  const run = promisify(execFile);

  it('migrate, create a corpus and an API key in PostgreSQL, not in DATA_DIR', async () => {
    admin ??= await connectAdmin();
    const { schema, url } = await createTestSchema(admin);
    schemas.push(schema);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pg-cli-'));
    const env = { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, DATABASE_URL: url };
    try {
      const migrated = await run(process.execPath, [CLI, 'migrate'], { env, cwd: dataDir });
      expect(migrated.stdout).toBe(`schema version before: 0\nschema version after: ${PG_MIGRATIONS.length}\napplied ${PG_MIGRATIONS.length} migrations\n`);
      const again = await run(process.execPath, [CLI, 'migrate'], { env, cwd: dataDir });
      expect(again.stdout).toContain('up to date: no migration to apply');
      await run(process.execPath, [CLI, 'corpus', 'create', '--customer', '77', '--corpus', '5', '--name', 'from the cli'], { env, cwd: dataDir });
      const created = await run(process.execPath, [CLI, 'apikey', 'create', '--customer', '77', '--role', 'index'], { env, cwd: dataDir });
      expect(fs.existsSync(path.join(dataDir, 'corpusgate.db'))).toBe(false);
      const store = await openPostgresStore({ url });
      try {
        expect(await store.getCorpus({ customerId: '77', corpusId: '5' })).toMatchObject({ name: 'from the cli' });
        const keys = await store.listApiKeys('77');
        expect(keys).toHaveLength(1);
        expect(created.stdout).toContain(keys[0]!.keyId);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
