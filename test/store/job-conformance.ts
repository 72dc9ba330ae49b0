import type { NewJob, Store } from '../../src/store/index.js';
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
      const claims = await Promise.all([store.claimJob(1), store.claimJob(1)]);
      expect(claims.map((j) => j?.jobId ?? null).sort()).toEqual([b.jobId, null].sort());
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
      expect(reclaimed).toMatchObject({ jobId: b.jobId, attempts: 2 });
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

    it('finds the earliest upload of the same bytes in the corpus', async () => {
      const a = job({ sha256: 'a'.repeat(64) });
      await store.createJobs([a, job({ sha256: 'a'.repeat(64) })]);
      expect(await store.findEarlierUpload(ref, 'a'.repeat(64))).toBe(a.jobId);
      expect(await store.findEarlierUpload(ref, 'b'.repeat(64))).toBeNull();
      expect(await store.findEarlierUpload({ customerId: '43', corpusId: O }, 'a'.repeat(64))).toBeNull();
    });
  });
}
