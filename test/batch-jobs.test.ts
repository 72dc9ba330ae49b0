import fs from 'node:fs';
import type { Express } from 'express';
import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, useGateway, type GatewayFixture, type TestGateway } from './helpers/gateway.js';
import { batch, keptFiles, settled } from './helpers/batch.js';
import { uploadForm } from './helpers/upload.js';
import { waitFor } from './helpers/wait.js';

const CORRUPT_PDF = (tag: string) => Buffer.from(`%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage ${tag}`);
type Gateway = GatewayFixture | TestGateway;

/** A new corpus of CUSTOMER and an extractions key bound to it: a listing of its own. */
async function corpusWithKey(gw: Gateway, corpusId: string): Promise<string> {
  await gw.store.createCorpus({ customerId: CUSTOMER, corpusId, name: `corpus ${corpusId}` });
  return (await gw.apiKey('extractions', { corpusIds: [corpusId] })).key;
}

const list = (app: Express, key: string, query = '') => request(app).get(`/api/v1/documents${query}`).set('X-API-Key', key);
const remove = (app: Express, key: string, id: string) => request(app).delete(`/api/v1/documents/${id}`).set('X-API-Key', key);
const ids = (body: { documents: { id: string }[] }) => body.documents.map((d) => d.id);

describe('GET and DELETE /api/v1/documents', () => {
  const gw = useGateway({ closeIssuer: false });

  it("lists the corpus's files in upload order, by status, page by page", async () => {
    const key = await corpusWithKey(gw, '160');
    const first = (await batch(gw.app, key, [['list one', '1.txt'], ['list two', '2.txt']])).body as string[];
    const second = (await batch(gw.app, key, [[CORRUPT_PDF('list'), '3.pdf']])).body as string[];
    await batch(gw.app, await gw.apiKey('extractions', { corpusIds: [CORPUS] }).then((k) => k.key), [['elsewhere', 'x.txt']]);
    const all = [...first, ...second];
    for (const id of all) await settled(gw.app, key, id);
    const whole = await list(gw.app, key);
    expect(whole.status).toBe(200);
    expect(whole.body).toEqual({ documents: all.map((id) => expect.objectContaining({ id })), next_page_key: null });
    expect(whole.body.documents[0]).toEqual({
      id: all[0], filename: '1.txt', status: 'done', error: null, created_at: expect.any(String), updated_at: expect.any(String),
      pages: null, size: 8, sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const page1 = await list(gw.app, key, '?limit=2');
    expect([ids(page1.body), typeof page1.body.next_page_key]).toEqual([all.slice(0, 2), 'string']);
    const page2 = await list(gw.app, key, `?limit=2&page_key=${encodeURIComponent(page1.body.next_page_key)}`);
    expect([ids(page2.body), page2.body.next_page_key]).toEqual([all.slice(2), null]);
    expect(ids((await list(gw.app, key, '?status=failed')).body)).toEqual(second);
    expect((await list(gw.app, key, '?status=failed')).body.documents[0].error).toMatchObject({ code: 'CORRUPT' });
    expect(ids((await list(gw.app, key, '?status=done')).body)).toEqual(first);
    expect(ids((await list(gw.app, key, '?status=queued')).body)).toEqual([]);
  });

  it('answers 400 {"detail"} to a bad status, limit or page key', async () => {
    const key = await corpusWithKey(gw, '161');
    for (const query of ['?status=finished', '?status=done,failed', '?limit=0', '?limit=1001', '?limit=ten', '?page_key=bm9wZQ']) {
      const res = await list(gw.app, key, query);
      expect([query, res.status, Object.keys(res.body)]).toEqual([query, 400, ['detail']]);
    }
    expect((await list(gw.app, key, '?limit=1000')).status).toBe(200);
    expect((await request(gw.app).get('/api/v1/documents')).status).toBe(401);
  });

  it('deletes a done file: its Document, its charge and its job; 404 afterwards', async () => {
    const key = await corpusWithKey(gw, '162');
    const { key: admin } = await gw.apiKey('admin');
    const [id] = (await batch(gw.app, key, [['to be deleted', 'gone.txt']])).body as string[];
    expect(await settled(gw.app, key, id!)).toMatchObject({ status: 'done' });
    expect((await request(gw.app).get('/v2/corpora/162/quota').set('x-api-key', admin)).body).toMatchObject({ used_docs: 1, reserved_docs: 0 });
    const deleted = await remove(gw.app, key, id!);
    expect([deleted.status, deleted.body]).toEqual([200, { id, deleted: true }]);
    expect((await request(gw.app).get(`/v2/corpora/162/documents/${id}`).set('x-api-key', admin)).status).toBe(404);
    expect((await request(gw.app).get('/v2/corpora/162/quota').set('x-api-key', admin)).body).toMatchObject({ used_docs: 0, used_chars: 0 });
    for (const res of [await remove(gw.app, key, id!), await request(gw.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key)]) {
      expect(res.status).toBe(404);
      expect(Object.keys(res.body)).toEqual(['detail']);
    }
  });

  it('removes the batch job when an operator deletes its Document', async () => {
    const key = await corpusWithKey(gw, '163');
    const { key: admin } = await gw.apiKey('admin');
    const [id] = (await batch(gw.app, key, [['operator deletes this', 'op.txt']])).body as string[];
    await settled(gw.app, key, id!);
    expect((await request(gw.app).delete(`/v2/corpora/163/documents/${id}`).set('x-api-key', admin)).status).toBe(204);
    expect((await request(gw.app).get(`/api/v1/documents/${id}`).set('X-API-Key', key)).status).toBe(404);
    expect(ids((await list(gw.app, key)).body)).toEqual([]);
  });
});

describe('kept files', () => {
  const gw = useGateway({ closeIssuer: false });

  it('are removed once their jobs are done; the same bytes uploaded again are kept and extracted again', async () => {
    const key = await corpusWithKey(gw, '170');
    const files: [string, string][] = [['kept one', 'a.txt'], ['kept two', 'b.txt'], ['kept one', 'again.txt']];
    for (const id of (await batch(gw.app, key, files)).body as string[]) expect(await settled(gw.app, key, id)).toMatchObject({ status: 'done' });
    expect(keptFiles(gw.dir)).toEqual([]);
    const [later] = (await batch(gw.app, key, [['kept one', 'later.txt']], '?verbose=true')).body as { id: string; duplicate_of: string }[];
    expect(later!.duplicate_of).toEqual(expect.any(String));
    expect(await settled(gw.app, key, later!.id)).toMatchObject({ status: 'done' });
    expect(keptFiles(gw.dir)).toEqual([]);
  });

  it('are kept for failed jobs (a retry reads them) until the last job needing them is deleted', async () => {
    const key = await corpusWithKey(gw, '171');
    const broken = CORRUPT_PDF('kept');
    const [a, b] = (await batch(gw.app, key, [[broken, 'a.pdf'], [broken, 'b.pdf']], '?verbose=true')).body as { id: string; sha256: string }[];
    for (const job of [a!, b!]) expect(await settled(gw.app, key, job.id)).toMatchObject({ status: 'failed' });
    expect(keptFiles(gw.dir)).toEqual([a!.sha256]);
    expect((await remove(gw.app, key, a!.id)).status).toBe(200);
    expect(keptFiles(gw.dir)).toEqual([a!.sha256]); // b still needs it
    expect((await remove(gw.app, key, b!.id)).status).toBe(200);
    expect(keptFiles(gw.dir)).toEqual([]);
  });
});

/** A gateway whose jobs stay queued until `running()` restarts it with the job runner. */
describe('quota reservation and queued jobs', () => {
  let gateway: TestGateway;
  beforeEach(async () => {
    gateway = await startGateway({}, undefined, { runJobs: false });
  });
  afterEach(() => gateway.close());
  afterAll(() => closeTestIssuer());
  const running = async () => (gateway = await gateway.restart({}));
  const usage = async (url: string) => (await request(gateway.app).get(url).set('x-api-key', (await gateway.apiKey('admin')).key)).body as Record<string, unknown>;

  it("reserves a batch's documents: a second batch that does not fit is refused whole until they are stored", async () => {
    const key = await corpusWithKey(gateway, '180');
    await gateway.store.setQuota({ customerId: CUSTOMER, corpusId: '180' }, { maxDocs: 5 });
    const first = (await batch(gateway.app, key, [['r1', '1.txt'], ['r2', '2.txt'], ['r3', '3.txt']])).body as string[];
    const filesBefore = keptFiles(gateway.dir);
    const refused = await batch(gateway.app, key, [['r4', '4.txt'], ['r5', '5.txt'], ['r6', '6.txt']]);
    expect(refused.status).toBe(507);
    expect(refused.body).toEqual({ detail: expect.stringMatching(/corpus quota exceeded: 3 documents needed, 3 of 5 already used \(3 of them reserved/) });
    await waitFor(() => fs.readdirSync(gateway.spoolDir).length === 0, 2000, 'an empty spool');
    expect(keptFiles(gateway.dir)).toEqual(filesBefore);
    expect(await usage('/v2/corpora/180/quota')).toMatchObject({ used_docs: 0, reserved_docs: 3, max_docs: 5 });
    expect(await usage('/v2/quota')).toMatchObject({ scope: 'customer', reserved_docs: 3 });
    await running();
    for (const id of first) expect(await settled(gateway.app, key, id)).toMatchObject({ status: 'done' });
    expect(await usage('/v2/corpora/180/quota')).toMatchObject({ used_docs: 3, reserved_docs: 0 });
    // A failed job (a broken PDF) gives its slot back: 3 + 2 fit, then the freed slot takes one more.
    const [bad, good] = (await batch(gateway.app, key, [[CORRUPT_PDF('quota'), 'bad.pdf'], ['r7', '7.txt']])).body as string[];
    expect(await settled(gateway.app, key, bad!)).toMatchObject({ status: 'failed', error: { code: 'CORRUPT' } });
    expect(await settled(gateway.app, key, good!)).toMatchObject({ status: 'done' });
    expect(await usage('/v2/corpora/180/quota')).toMatchObject({ used_docs: 4, reserved_docs: 0 });
    expect((await batch(gateway.app, key, [['r8', '8.txt']])).status).toBe(200);
    expect((await batch(gateway.app, key, [['r9', '9.txt']])).status).toBe(507);
  });

  it('keeps a reserved slot from a synchronous /v1/upload; a job never blocks itself', async () => {
    const key = await corpusWithKey(gateway, '181');
    await gateway.store.setQuota({ customerId: CUSTOMER, corpusId: '181' }, { maxDocs: 2 });
    const queued = (await batch(gateway.app, key, [['s1', '1.txt'], ['s2', '2.txt']])).body as string[];
    const { key: index } = await gateway.apiKey('index');
    const { body, contentType } = uploadForm('sync.txt', 'a synchronous upload');
    const sync = await request(gateway.app).post(`/v1/upload?c=${CUSTOMER}&o=181`).set('x-api-key', index).set('content-type', contentType).send(body);
    expect([sync.status, sync.body.internalCode, sync.body.used]).toEqual([507, 'QUOTA_EXCEEDED', 2]);
    await running();
    for (const id of queued) expect(await settled(gateway.app, key, id)).toMatchObject({ status: 'done', error: null });
    expect(await usage('/v2/corpora/181/quota')).toMatchObject({ used_docs: 2, reserved_docs: 0 });
  });

  it('deletes a queued file (its reservation and kept file go), never one being processed (409)', async () => {
    const key = await corpusWithKey(gateway, '183');
    const [a, b] = (await batch(gateway.app, key, [['queued a', 'a.txt'], ['queued b', 'b.txt']], '?verbose=true')).body as { id: string; sha256: string }[];
    expect(keptFiles(gateway.dir)).toEqual([a!.sha256, b!.sha256].sort());
    const claimed = await gateway.store.claimJob(60_000); // as a runner does: a is processing now
    expect(claimed?.jobId).toBe(a!.id);
    const busy = await remove(gateway.app, key, a!.id);
    expect([busy.status, busy.body]).toEqual([409, { detail: `document ${a!.id} is being processed; delete it once it is done or failed` }]);
    expect((await remove(gateway.app, key, b!.id)).body).toEqual({ id: b!.id, deleted: true });
    expect(keptFiles(gateway.dir)).toEqual([a!.sha256]);
    expect(await usage('/v2/corpora/183/quota')).toMatchObject({ used_docs: 0, reserved_docs: 1 });
  });

  it('refuses a batch once the characters are exhausted; a job past the character limit fails QUOTA_EXCEEDED', async () => {
    const key = await corpusWithKey(gateway, '182');
    const scope = { customerId: CUSTOMER, corpusId: '182' };
    await gateway.store.setQuota(scope, { maxChars: 10 });
    await running();
    const [long] = (await batch(gateway.app, key, [['more than ten characters', 'long.txt']])).body as string[];
    expect(await settled(gateway.app, key, long!)).toMatchObject({ status: 'failed', error: { code: 'QUOTA_EXCEEDED' } });
    const [short] = (await batch(gateway.app, key, [['ten chars!', 'short.txt']])).body as string[];
    expect(await settled(gateway.app, key, short!)).toMatchObject({ status: 'done' });
    const exhausted = await batch(gateway.app, key, [['x', 'x.txt']]);
    expect([exhausted.status, exhausted.body.detail]).toEqual([507, expect.stringContaining('chars')]);
  });
});
