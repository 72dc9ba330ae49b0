import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { slowPdf } from '../scripts/fixtures.js';
import { startJobRunner } from '../src/jobs/index.js';
import { quotaPolicy } from '../src/quota/index.js';
import { FILES_DIR } from '../src/server.js';
import { fileVault } from '../src/store/index.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { waitFor } from './helpers/wait.js';

/**
 * Leases (issue 14): a claim holds its job for JOB_LEASE_MS and the runner renews it while the job
 * runs, so a parse may take longer than the lease; a runner whose renewal finds another claim
 * stops its parse and records nothing.
 */
const ref = { customerId: CUSTOMER, corpusId: CORPUS };

async function batchOne(app: Express, key: string, bytes: Buffer, filename: string): Promise<string> {
  const res = await request(app).post('/api/v1/upload').set('X-API-Key', key).attach('files', bytes, filename);
  expect(res.status).toBe(200);
  return (res.body as string[])[0]!;
}

describe('a job that runs longer than JOB_LEASE_MS', () => {
  // Two workers: a lease that ran out would have the runner's second slot claim the job again.
  const gw = useGateway({ env: { JOB_LEASE_MS: '1000', EXTRACT_WORKERS: '2', EXTRACT_TIMEOUT_MS: '120000' }, closeIssuer: false });

  it('keeps its one claim, renewed, and ends done on the first attempt', async () => {
    const { key } = await gw.apiKey('extractions', { corpusIds: [CORPUS] });
    const id = await batchOne(gw.app, key, slowPdf(600), 'long.pdf'); // a few seconds of parsing
    let job = await gw.store.getJob(ref, id);
    while (job!.status !== 'done' && job!.status !== 'failed') {
      await new Promise((r) => setTimeout(r, 50));
      job = await gw.store.getJob(ref, id);
    }
    expect(job).toMatchObject({ status: 'done', attempts: 1 });
  }, 60_000);
});

describe('a runner whose claim was taken by another', () => {
  const gw = useGateway({ env: { EXTRACT_WORKERS: '1', EXTRACT_TIMEOUT_MS: '120000' }, extras: { runJobs: false } });

  it('stops the parse at its next renewal and records nothing', async () => {
    const { key } = await gw.apiKey('extractions', { corpusIds: [CORPUS] });
    const id = await batchOne(gw.app, key, slowPdf(2000), 'held.pdf'); // ~10 s of parsing
    const deps = { store: gw.store, extractor: gw.extractor, files: fileVault(path.join(gw.dir, FILES_DIR)), quota: quotaPolicy(gw.config.quotaDefaults) };
    const runner = startJobRunner(deps, { concurrency: 1, leaseMs: 1000, maxAttempts: 3, pollMs: 100_000 });
    try {
      await waitFor(() => gw.extractor.running === 1, 30_000, 'the parse running');
      // Another process takes the job, as if the runner's lease had run out: attempt 2 holds it now.
      expect(await gw.store.requeueJob(id, 1)).toBe(true);
      expect(await gw.store.claimJob(60_000)).toMatchObject({ jobId: id, attempts: 2 });
      await waitFor(() => gw.extractor.stopped.cancelled === 1, 30_000, 'the parse stopped');
      await waitFor(() => gw.extractor.running === 0, 30_000, 'the worker freed');
    } finally {
      await runner.stop();
    }
    // Not released, failed or completed by the first runner: attempt 2's claim is untouched.
    expect(await gw.store.getJob(ref, id)).toMatchObject({ status: 'processing', attempts: 2, error: null });
    expect(await gw.store.getDocumentRecord({ ...ref, documentId: id })).toBeNull();
  }, 60_000);
});
