import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Express } from 'express';
import request from 'supertest';
import { slowPdf } from '../scripts/fixtures.js';
import { CORPUS, CUSTOMER, useGateway, type GatewayFixture } from './helpers/gateway.js';

/**
 * Poison files (issue 14): a file whose parse times out its worker on every attempt is tried
 * JOB_MAX_ATTEMPTS times, then quarantined; `corpusgate jobs retry` puts it back. The job runner's
 * counters and the queue gauge are read from /metrics.
 */
const CLI = path.resolve('dist/src/cli/index.js');
const run = promisify(execFile);

/** 400 pages take far longer than 300 ms to read (test/extraction.test.ts kills the same file's worker). */
const POISON = slowPdf(400);

function batch(app: Express, key: string, files: readonly (readonly [Buffer | string, string])[]) {
  let req = request(app).post('/api/v1/upload').set('X-API-Key', key);
  for (const [content, filename] of files) req = req.attach('files', Buffer.from(content), filename);
  return req;
}

async function settled(app: Express, key: string, id: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(`/api/v1/documents/${id}`).set('X-API-Key', key);
    expect(res.status).toBe(200);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The value of one sample of /metrics, by name and exact label text (e.g. `outcome="done",code=""`). */
async function metric(gw: GatewayFixture, name: string, labels: string): Promise<number | undefined> {
  const text = (await request(gw.app).get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a batch file that times out its worker on every attempt', () => {
  const gw = useGateway({ env: { EXTRACT_TIMEOUT_MS: '300', EXTRACT_WORKERS: '1', JOB_MAX_ATTEMPTS: '2' } });

  it('is tried exactly JOB_MAX_ATTEMPTS times, then failed with QUARANTINED; jobs retry re-queues it', async () => {
    const { key } = await gw.apiKey('extractions', { corpusIds: [CORPUS] });
    const [id] = (await batch(gw.app, key, [[POISON, 'poison.pdf']])).body as string[];
    const status = await settled(gw.app, key, id!);
    expect(status).toMatchObject({
      status: 'failed',
      error: { code: 'QUARANTINED', detail: expect.stringMatching(/^quarantined after 2 attempts; the last one: EXTRACTION_TIMEOUT: /) },
    });
    expect(await gw.store.getJob({ customerId: CUSTOMER, corpusId: CORPUS }, id!)).toMatchObject({ attempts: 2 });
    expect(gw.extractor.stopped.timeout).toBe(2); // one killed worker per attempt, no third
    expect(await metric(gw, 'corpusgate_jobs_finished_total', 'outcome="quarantined",code="QUARANTINED"')).toBe(1);
    expect(await metric(gw, 'corpusgate_jobs_quarantined_total', 'cause="timeout"')).toBe(1);

    // The operator's retry: queued again from 0 attempts, so it gets JOB_MAX_ATTEMPTS more.
    const retried = await run(process.execPath, [CLI, 'jobs', 'retry', id!], { env: { PATH: process.env['PATH'] ?? '', DATA_DIR: gw.dir }, cwd: gw.dir });
    expect(retried.stdout).toContain(`re-queued job ${id}`);
    const after = await request(gw.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key);
    expect(['queued', 'processing']).toContain(after.body.status); // the running gateway may have taken it already
    expect(await settled(gw.app, key, id!)).toMatchObject({ status: 'failed', error: { code: 'QUARANTINED', detail: expect.stringContaining('after 2 attempts') } });
    expect(gw.extractor.stopped.timeout).toBe(4);
    expect(await metric(gw, 'corpusgate_jobs_quarantined_total', 'cause="timeout"')).toBe(2);
  });

});

describe('batch job metrics', () => {
  // Its own gateway: with the 300 ms limit above, a cold worker can time out on the corrupt PDF too.
  const gw = useGateway({ env: { EXTRACT_WORKERS: '1' } });

  it('counts finished jobs by outcome and code, and shows the queue', async () => {
    const { key } = await gw.apiKey('extractions', { corpusIds: [CORPUS] });
    const ids = (await batch(gw.app, key, [['plain text', 'ok.txt'], ['%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage', 'broken.pdf']])).body as string[];
    for (const id of ids) await settled(gw.app, key, id);
    expect(await metric(gw, 'corpusgate_jobs_finished_total', 'outcome="done",code=""')).toBe(1);
    expect(await metric(gw, 'corpusgate_jobs_finished_total', 'outcome="failed",code="CORRUPT"')).toBe(1);
    expect(await metric(gw, 'corpusgate_jobs_active', 'status="queued"')).toBe(0);
    expect(await metric(gw, 'corpusgate_jobs_active', 'status="processing"')).toBe(0);
  });
});
