import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';
import { batch, settled, type Attachment } from './helpers/batch.js';

const OTHER_CUSTOMER = '654321';
const OTHER_CORPUS = '152';

/**
 * The runner's claim order (src/store/sqlite/sqlite-jobs.ts, NEXT_JOB): the customer served least
 * recently first, then FIFO. A customer with a long queue must not hold back another customer's
 * single file: with 200 of A's files queued before B's one, B's is done before A's 10th.
 *
 * Both are queued before any job runs (a gateway without a runner, then the same DATA_DIR again
 * with it), so the outcome depends on the claim order alone, not on how fast the uploads were.
 * "Before" is read from the jobs' own updated_at (set when each was marked done, by one process
 * on one clock): an order, not a duration.
 */
describe('batch job fairness across customers', () => {
  let gateway: TestGateway | undefined;
  afterAll(async () => {
    await gateway?.close();
    await closeTestIssuer();
  });

  it("serves B's one queued file before A's 10th of 200", async () => {
    // One extraction worker: jobs then finish in the order they were claimed. With two, a worker
    // that starts late on a loaded machine could hold B's file while the other drains A's.
    gateway = await startGateway({ EXTRACT_WORKERS: '1' }, undefined, { runJobs: false });
    await gateway.store.createCorpus({ customerId: OTHER_CUSTOMER, corpusId: OTHER_CORPUS, name: 'b' });
    const keyA = (await gateway.apiKey('extractions', { corpusIds: [CORPUS] })).key;
    const keyB = (await gateway.apiKey('extractions', { customerId: OTHER_CUSTOMER, corpusIds: [OTHER_CORPUS] })).key;
    const idsA: string[] = [];
    for (let part = 0; part < 2; part++) { // MAX_BATCH_FILES is 100
      const files: Attachment[] = Array.from({ length: 100 }, (_, i) => [`A's small file number ${part * 100 + i}.`, `a-${part * 100 + i}.txt`]);
      const res = await batch(gateway.app, keyA, files);
      expect(res.status).toBe(200);
      idsA.push(...(res.body as string[]));
    }
    const [idB] = (await batch(gateway.app, keyB, [["B's only file.", 'b.txt']])).body as string[];

    gateway = await gateway.restart({}); // now with the job runner
    const doneB = await settled(gateway.app, keyB, idB!);
    const tenthA = await settled(gateway.app, keyA, idsA[9]!);
    expect([doneB['status'], tenthA['status']]).toEqual(['done', 'done']);
    expect(String(doneB['updated_at']) < String(tenthA['updated_at'])).toBe(true);

    // And A's own files still go first in, first out.
    const listed = await request(gateway.app).get('/api/v1/documents?limit=10').set('X-API-Key', keyA);
    expect(listed.body.documents.map((d: { id: string }) => d.id)).toEqual(idsA.slice(0, 10));
  }, 120_000);
});
