import { encodeDocument, packDocument } from '../../src/document/index.js';
import { quotaPolicy } from '../../src/quota/index.js';
import type { NewDocument, NewJob, Store } from '../../src/store/index.js';
import { sampleDocument } from '../helpers/documents.js';
import type { OpenStore } from './conformance.js';

const C = '42';
const O = '7';
const ref = { customerId: C, corpusId: O };
let counter = 0;

function job(overrides: Partial<NewJob> = {}): NewJob {
  counter += 1;
  return {
    customerId: C,
    corpusId: O,
    jobId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    filename: `f${counter}.pdf`,
    sha256: String(counter % 10).repeat(64),
    size: 10,
    uploader: 'tester',
    ...overrides,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const NO_DEFAULTS = { corpusMaxChars: null, corpusMaxDocs: null, customerMaxChars: null, customerMaxDocs: null };
const policy = quotaPolicy(NO_DEFAULTS);

/** The Document a job stores: under the job's id, 10 + 2 characters. */
function docOf(jobId: string): NewDocument {
  return {
    key: { ...ref, documentId: jobId },
    contentHash: `hash of ${jobId}`,
    uploadHash: `hash of ${jobId}`,
    document: packDocument(encodeDocument(sampleDocument(jobId))),
    charge: { numChars: 10, numMetadataChars: 2 },
    title: '',
    metadataJson: '',
    provenance: { sourceSha256: 'f'.repeat(64), sourceSize: 3, sourceFormat: 'text', uploader: 'tester', extractor: 'test', extractionMs: 1 },
  };
}

/** Claims until `jobId` is claimed (claims of other jobs stay processing); its claim. */
async function claim(store: Store, jobId: string) {
  for (let j = await store.claimJob(60_000); j; j = await store.claimJob(60_000)) if (j.jobId === jobId) return j;
  throw new Error(`${jobId} was never claimed`);
}

/** The JobStore part of the Store behaviour (src/store/job-store.ts), run by describeStore. */
export function describeJobStore(open: OpenStore): void {
  describe('jobs', () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.createCorpus({ customerId: C, corpusId: O, name: 'main' });
      await store.createCorpus({ customerId: '43', corpusId: O, name: 'other customer' });
    });
    afterEach(() => store.close());

    it('creates a batch queued, all or nothing', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ ...a, status: 'queued', attempts: 0, error: null, pages: null });
      const c = job();
      await expect(store.createJobs([c, { ...b }])).rejects.toMatchObject({ code: 'CONFLICT' }); // b's id is taken: c is not kept
      expect(await store.getJob(ref, c.jobId)).toBeNull();
      expect(await store.getJob({ customerId: '43', corpusId: O }, a.jobId)).toBeNull(); // another corpus's view
    });

    it('claims FIFO, each job once while its lease holds, again once it expired', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      const first = await store.claimJob(60_000);
      expect(first).toMatchObject({ jobId: a.jobId, status: 'processing', attempts: 1 });
      const claims = await Promise.all([store.claimJob(60_000), store.claimJob(60_000)]);
      expect(claims.map((j) => j?.jobId ?? null).sort()).toEqual([b.jobId, null].sort());
      // Shortened to 1 ms only now: a 1 ms lease given at the claim could run out between the two
      // concurrent claims on a loaded machine, and the second would rightly take b again.
      expect(await store.renewLease(b.jobId, 1, 1)).toBe(true);
      await pause(10); // b's lease of 1 ms is over: claimable again, a's is not
      const again = await store.claimJob(60_000);
      expect(again).toMatchObject({ jobId: b.jobId, attempts: 2 });
      expect(await store.claimJob(60_000)).toBeNull();
    });

    it('completes, fails and releases only under the claim that holds the job', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      const claimedA = (await store.claimJob(60_000))!;
      const claimedB = (await store.claimJob(60_000))!;
      expect(await store.completeJob(a.jobId, claimedA.attempts + 1, { pages: 3 })).toBe(false); // a stale claim
      expect(await store.completeJob(a.jobId, claimedA.attempts, { pages: 3 })).toBe(true);
      expect(await store.completeJob(a.jobId, claimedA.attempts, { pages: 3 })).toBe(false); // done already
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'done', pages: 3, error: null, leaseUntil: null });
      expect(await store.releaseJob(b.jobId, claimedB.attempts)).toBe(true);
      const reclaimed = (await store.claimJob(60_000))!;
      expect(reclaimed).toMatchObject({ jobId: b.jobId, attempts: 1 }); // a released claim gives its attempt back
      expect(await store.failJob(b.jobId, reclaimed.attempts, { code: 'CORRUPT', detail: 'broken' })).toBe(true);
      expect(await store.getJob(ref, b.jobId)).toMatchObject({ status: 'failed', error: { code: 'CORRUPT', detail: 'broken' } });
      expect(await store.claimJob(60_000)).toBeNull();
    });

    it('takes customers in turn, then FIFO within each', async () => {
      const many = [job(), job(), job()];
      const other = [job({ customerId: '43' }), job({ customerId: '43' })];
      await store.createJobs(many);
      await store.createJobs(other);
      const order: string[] = [];
      for (let j = await store.claimJob(60_000); j; j = await store.claimJob(60_000)) {
        order.push(j.jobId);
        await pause(2); // claims of one millisecond would tie
      }
      expect(order).toEqual([many[0]!.jobId, other[0]!.jobId, many[1]!.jobId, other[1]!.jobId, many[2]!.jobId]);
    });

    it('renews a lease only under the claim that holds it, and a renewed lease keeps the job', async () => {
      const a = job();
      await store.createJobs([a]);
      const claimed = (await store.claimJob(1))!;
      expect(await store.renewLease(a.jobId, claimed.attempts + 1, 60_000)).toBe(false);
      expect(await store.renewLease(a.jobId, claimed.attempts, 60_000)).toBe(true);
      await pause(10); // the first lease of 1 ms is over, the renewed one is not
      expect(await store.claimJob(60_000)).toBeNull();
      expect(await store.completeJob(a.jobId, claimed.attempts, { pages: null })).toBe(true);
      expect(await store.renewLease(a.jobId, claimed.attempts, 60_000)).toBe(false); // done: nothing to hold
    });

    it('renews nothing once another claim took the job past its lease', async () => {
      const a = job();
      await store.createJobs([a]);
      const first = (await store.claimJob(1))!;
      await pause(10);
      const second = (await store.claimJob(60_000))!;
      expect(second.attempts).toBe(first.attempts + 1);
      expect(await store.renewLease(a.jobId, first.attempts, 60_000)).toBe(false);
      expect(await store.completeJob(a.jobId, first.attempts, { pages: null })).toBe(false);
      expect(await store.renewLease(a.jobId, second.attempts, 60_000)).toBe(true);
    });

    it('requeues a job with its attempt counted, and releases one with its attempt given back', async () => {
      const a = job();
      await store.createJobs([a]);
      const first = (await store.claimJob(60_000))!;
      expect(await store.requeueJob(a.jobId, first.attempts + 1)).toBe(false);
      expect(await store.requeueJob(a.jobId, first.attempts)).toBe(true);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'queued', attempts: 1, leaseUntil: null, error: null });
      const second = (await store.claimJob(60_000))!;
      expect(second.attempts).toBe(2);
      expect(await store.releaseJob(a.jobId, second.attempts)).toBe(true);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'queued', attempts: 1 });
    });

    it('quarantines, in the claim, an expired claim that had the most attempts, and never claims it again', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      const quarantined: string[] = [];
      const options = { maxAttempts: 2, onQuarantine: (j: { jobId: string }) => quarantined.push(j.jobId) };
      expect(await store.claimJob(1, options)).toMatchObject({ jobId: a.jobId, attempts: 1 });
      await pause(10); // its process died: the lease ran out
      expect(await store.claimJob(1, options)).toMatchObject({ jobId: a.jobId, attempts: 2 }); // the second attempt
      await pause(10); // died again: a third attempt would be one too many
      const next = await store.claimJob(60_000, options);
      expect(next).toMatchObject({ jobId: b.jobId, attempts: 1 });
      expect(quarantined).toEqual([a.jobId]);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({
        status: 'failed', attempts: 2, leaseUntil: null,
        error: { code: 'QUARANTINED', detail: expect.stringMatching(/after 2 attempts.*claim expired/) },
      });
      await store.completeJob(b.jobId, next!.attempts, { pages: null });
      expect(await store.claimJob(60_000, options)).toBeNull();
      expect(quarantined).toEqual([a.jobId]);
    });

    it('quarantines an expired claim even when nothing else is claimable', async () => {
      const a = job();
      await store.createJobs([a]);
      const options = { maxAttempts: 1, onQuarantine: () => {} };
      await store.claimJob(1, options);
      await pause(10);
      expect(await store.claimJob(60_000, options)).toBeNull();
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'failed', error: { code: 'QUARANTINED' } });
    });

    it('quarantines a queued job whose attempts are spent (a lower maximum) and claims the next', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      const first = (await store.claimJob(60_000))!;
      await store.requeueJob(a.jobId, first.attempts); // a timed-out parse: back in the queue, 1 attempt spent
      const quarantined: string[] = [];
      const next = await store.claimJob(60_000, { maxAttempts: 1, onQuarantine: (j) => quarantined.push(j.jobId) });
      expect(next).toMatchObject({ jobId: b.jobId, attempts: 1 });
      expect(quarantined).toEqual([a.jobId]);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'QUARANTINED', detail: expect.stringContaining('after 1 attempt') } });
    });

    it('retries only a failed job: queued again, attempts 0, error cleared', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      expect(await store.retryJob(a.jobId)).toBe(false); // queued
      const claimed = (await store.claimJob(60_000))!;
      expect(await store.retryJob(a.jobId)).toBe(false); // processing
      await store.failJob(a.jobId, claimed.attempts, { code: 'QUARANTINED', detail: 'x' });
      expect(await store.retryJob(a.jobId)).toBe(true);
      expect(await store.getJob(ref, a.jobId)).toMatchObject({ status: 'queued', attempts: 0, error: null, leaseUntil: null });
      expect(await store.retryJob(a.jobId)).toBe(false);
      expect(await store.retryJob('00000000-0000-4000-8000-ffffffffffff')).toBe(false);
    });

    it('lists jobs oldest first by customer, corpus and status, finds one by id, and counts the active ones', async () => {
      const [a, b] = [job(), job()];
      const other = job({ customerId: '43' });
      await store.createJobs([a, b]);
      await store.createJobs([other]);
      const claimed = (await store.claimJob(60_000))!;
      expect((await store.listJobs({})).map((j) => j.jobId)).toEqual([a.jobId, b.jobId, other.jobId]);
      expect((await store.listJobs({ customerId: C, corpusId: O })).map((j) => j.jobId)).toEqual([a.jobId, b.jobId]);
      expect((await store.listJobs({ status: 'processing' })).map((j) => j.jobId)).toEqual([claimed.jobId]);
      expect((await store.listJobs({ corpusId: O, limit: 1 })).map((j) => j.jobId)).toEqual([a.jobId]);
      expect(await store.listJobs({ customerId: '44' })).toEqual([]);
      expect(await store.findJob(other.jobId)).toMatchObject({ customerId: '43', status: 'queued' });
      expect(await store.findJob('00000000-0000-4000-8000-ffffffffffff')).toBeNull();
      expect(await store.countActiveJobs()).toEqual({ queued: 2, processing: 1 });
    });

    it('finds the earliest upload of the same bytes in the corpus', async () => {
      const a = job({ sha256: 'a'.repeat(64) });
      await store.createJobs([a, job({ sha256: 'a'.repeat(64) })]);
      expect(await store.findEarlierUpload(ref, 'a'.repeat(64))).toBe(a.jobId);
      expect(await store.findEarlierUpload(ref, 'b'.repeat(64))).toBeNull();
      expect(await store.findEarlierUpload({ customerId: '43', corpusId: O }, 'a'.repeat(64))).toBeNull();
    });

    it("pages a corpus's jobs FIFO, by status, with a cursor", async () => {
      const jobs = [job(), job(), job(), job()];
      await store.createJobs(jobs);
      await store.createJobs([job({ customerId: '43' })]); // another customer's: never listed
      const first = await store.pageJobs(ref, { limit: 3 });
      expect(first.jobs.map((j) => j.jobId)).toEqual(jobs.slice(0, 3).map((j) => j.jobId));
      expect(first.hasMore).toBe(true);
      const rest = await store.pageJobs(ref, { limit: 3, afterSeq: first.lastSeq! });
      expect([rest.jobs.map((j) => j.jobId), rest.hasMore]).toEqual([[jobs[3]!.jobId], false]);
      const claimed = (await store.claimJob(60_000))!;
      await store.failJob(claimed.jobId, claimed.attempts, { code: 'CORRUPT', detail: 'x' });
      expect((await store.pageJobs(ref, { limit: 10, statuses: ['failed'] })).jobs.map((j) => j.jobId)).toEqual([jobs[0]!.jobId]);
      expect((await store.pageJobs(ref, { limit: 10, statuses: ['queued', 'failed'] })).jobs).toHaveLength(4);
      expect(await store.pageJobs(ref, { limit: 10, statuses: ['done'] })).toEqual({ jobs: [], lastSeq: null, hasMore: false });
    });

    it("reserves a batch's documents: admitted against used + reserved, refused whole", async () => {
      await store.setQuota(ref, { maxDocs: 5 });
      await store.createJobs([job(), job(), job()], { admit: policy.admitBatch });
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 0, reservedDocs: 3 });
      expect(await store.getUsage({ customerId: C })).toMatchObject({ usedDocs: 0, reservedDocs: 3 });
      const refused = [job(), job(), job()];
      await expect(store.createJobs(refused, { admit: policy.admitBatch })).rejects.toMatchObject({
        code: 'QUOTA_EXCEEDED', extra: { scope: 'corpus', unit: 'documents', limit: 5, used: 3, needed: 3 },
      });
      expect(await store.getJob(ref, refused[0]!.jobId)).toBeNull();
      await store.createJobs([job(), job()], { admit: policy.admitBatch }); // exactly full
      expect((await store.getUsage(ref))?.reservedDocs).toBe(5);
    });

    it("turns a job's reservation into its charge, and a failed job gives it back", async () => {
      await store.setQuota(ref, { maxDocs: 2 });
      const [a, b] = [job(), job()];
      await store.createJobs([a, b], { admit: policy.admitBatch });
      // Another upload cannot take a reserved slot; the job storing its own Document can.
      await expect(store.putIfAbsent(docOf('someone-else'), policy.admit)).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
      const claimedA = await claim(store, a.jobId);
      expect((await store.putIfAbsent(docOf(a.jobId), policy.admit)).status).toBe('created');
      // a is still processing, its Document stored: charged, no longer reserved (never both).
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 1, reservedDocs: 1 });
      const claimedB0 = await claim(store, b.jobId);
      expect((await store.putIfAbsent(docOf(b.jobId), policy.admit)).status).toBe('created'); // 1 used + 0 reserved + 1
      await store.deleteDocument({ ...ref, documentId: b.jobId }); // b processing: its job stays
      await store.releaseJob(b.jobId, claimedB0.attempts);
      await store.completeJob(a.jobId, claimedA.attempts, { pages: null });
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 1, reservedDocs: 1 });
      const claimedB = await claim(store, b.jobId);
      await store.failJob(b.jobId, claimedB.attempts, { code: 'CORRUPT', detail: 'x' });
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 1, reservedDocs: 0 });
      expect((await store.putIfAbsent(docOf('someone-else'), policy.admit)).status).toBe('created');
    });

    it('deletes a job with its Document and refund, never while it is processing', async () => {
      const [a, b] = [job(), job()];
      await store.createJobs([a, b]);
      expect(await store.deleteJob(ref, 'no-such-job')).toBe(false);
      const claimedA = await claim(store, a.jobId);
      await expect(store.deleteJob(ref, a.jobId)).rejects.toMatchObject({ code: 'JOB_PROCESSING' });
      await store.putIfAbsent(docOf(a.jobId), policy.admit);
      await store.completeJob(a.jobId, claimedA.attempts, { pages: null });
      expect(await store.deleteJob({ customerId: '43', corpusId: O }, a.jobId)).toBe(false); // another customer's view
      expect(await store.deleteJob(ref, a.jobId)).toBe(true);
      expect([await store.getJob(ref, a.jobId), await store.findDocument({ ...ref, documentId: a.jobId })]).toEqual([null, null]);
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 0, usedChars: 0, reservedDocs: 1 });
      const claimedB = await claim(store, b.jobId); // b: queued until now
      await store.releaseJob(b.jobId, claimedB.attempts);
      expect(await store.deleteJob(ref, b.jobId)).toBe(true); // queued: its reservation goes with it
      expect((await store.getUsage(ref))?.reservedDocs).toBe(0);
    });

    it('removes a done job with its Document when an operator deletes the Document', async () => {
      const a = job();
      await store.createJobs([a]);
      const claimed = await claim(store, a.jobId);
      await store.putIfAbsent(docOf(a.jobId), policy.admit);
      await store.completeJob(a.jobId, claimed.attempts, { pages: null });
      expect(await store.deleteDocument({ ...ref, documentId: a.jobId })).toBe(true);
      expect(await store.getJob(ref, a.jobId)).toBeNull();
      expect(await store.getUsage(ref)).toMatchObject({ usedDocs: 0, reservedDocs: 0 });
    });
  });
}
