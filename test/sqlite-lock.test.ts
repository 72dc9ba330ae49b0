import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';
import { listen, type ListeningApp } from './helpers/raw-client.js';
import { holdWriteLock, type LockHolder } from './helpers/sqlite-lock.js';

// Another process (a second gateway, a CLI command, a backup) holds SQLite's write lock on the
// gateway's database file. Writes wait for it without blocking the event loop, and give up with
// 503 UNAVAILABLE after SQLITE_LOCK_WAIT_MS.
const LOCK_WAIT_MS = 1500;
const corpusRef = { customerId: CUSTOMER, corpusId: CORPUS };

let gw: TestGateway;
let server: ListeningApp;
let token: string;
let holder: LockHolder | undefined;

async function start(lockWaitMs = LOCK_WAIT_MS): Promise<void> {
  gw = await startGateway({ SQLITE_LOCK_WAIT_MS: String(lockWaitMs) });
  token = await gw.token();
  server = await listen(gw.app);
}

afterEach(async () => {
  await holder?.release();
  holder = undefined;
  await server.close();
  await gw.close();
});
afterAll(() => closeTestIssuer());

const base = () => `http://127.0.0.1:${server.port}`;
const upload = (name: string, content: string) =>
  request(base())
    .post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', Buffer.from(content), name);

describe('another process holding the SQLite write lock', () => {
  it('makes an upload that cannot get the lock in time answer 503 UNAVAILABLE with Retry-After, storing and charging nothing', async () => {
    await start();
    const usage = await gw.store.getUsage(corpusRef);
    holder = await holdWriteLock(gw.dbFile);
    const started = Date.now();
    const refused = await upload('locked.txt', 'written while another process holds the lock');
    const waited = Date.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ httpCode: 503, internalCode: 'UNAVAILABLE' });
    expect(refused.body.details).toMatch(/locked by another process; nothing was stored/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // It waited for the lock up to SQLITE_LOCK_WAIT_MS before giving up.
    expect(waited).toBeGreaterThanOrEqual(LOCK_WAIT_MS - 100);
    expect(holder.held()).toBe(true);

    await holder.release();
    expect(await gw.store.findDocument({ ...corpusRef, documentId: 'locked.txt' })).toBeNull();
    expect(await gw.store.getUsage(corpusRef)).toEqual(usage);
    // The client's retry is a first upload, not a replay.
    const retried = await upload('locked.txt', 'written while another process holds the lock');
    expect(retried.status).toBe(200);
    expect(retried.body.response.status.code).toBeUndefined();
    expect(await gw.store.getUsage(corpusRef)).toMatchObject({ usedDocs: 1 });
  });

  it('keeps /healthz answering within a second while uploads wait for the lock', async () => {
    await start();
    // Warm up: the extraction workers are running and the route is compiled before the lock is taken.
    expect((await upload('warm-up.txt', 'warm up')).status).toBe(200);
    holder = await holdWriteLock(gw.dbFile);

    const answeredAt: number[] = [];
    const uploads = Array.from({ length: 4 }, (_, i) =>
      upload(`waiting-${i}.txt`, `upload ${i} waits for the lock`).then((res) => (answeredAt.push(Date.now()), res)),
    );
    const probes: { start: number; end: number; status: number }[] = [];
    while (answeredAt.length === 0) {
      const probeStart = Date.now();
      const res = await request(base()).get('/healthz');
      probes.push({ start: probeStart, end: Date.now(), status: res.status });
      await new Promise((r) => setTimeout(r, 50));
    }
    const results = await Promise.all(uploads);

    // Every upload waited LOCK_WAIT_MS for the lock and gave up, so the last second before the
    // first answer was all lock wait; /healthz must have answered during it, and quickly.
    expect(results.map((r) => [r.status, r.body.internalCode])).toEqual(Array(4).fill([503, 'UNAVAILABLE']));
    const firstAnswer = Math.min(...answeredAt);
    const duringWait = probes.filter((p) => p.start >= firstAnswer - 1000 && p.end <= firstAnswer);
    expect(duringWait.length).toBeGreaterThanOrEqual(3);
    for (const p of probes) expect(p.status).toBe(200);
    expect(Math.max(...probes.map((p) => p.end - p.start))).toBeLessThan(1000);
  });

  it('lets an upload wait for a lock released within SQLITE_LOCK_WAIT_MS, then stores it', async () => {
    await start(10_000);
    expect((await upload('warm-up.txt', 'warm up')).status).toBe(200);
    holder = await holdWriteLock(gw.dbFile);
    let answered = false;
    const pending = upload('patient.txt', 'stored once the lock is free').then((res) => ((answered = true), res));
    await new Promise((r) => setTimeout(r, 800));
    expect(answered).toBe(false);
    await holder.release();

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.response.status.code).toBeUndefined();
    expect(await gw.store.findDocument({ ...corpusRef, documentId: 'patient.txt' })).not.toBeNull();
    expect(await gw.store.getUsage(corpusRef)).toMatchObject({ usedDocs: 2 });
  });

  it('answers a delete that cannot get the lock with 503, keeps the document, and still serves reads', async () => {
    await start();
    const { key } = await gw.apiKey('admin');
    expect((await upload('kept.txt', 'kept while locked')).status).toBe(200);
    const usage = await gw.store.getUsage(corpusRef);
    const documentPath = `/v2/corpora/${CORPUS}/documents/kept.txt`;
    holder = await holdWriteLock(gw.dbFile);

    // Reads do not wait for the write lock (WAL).
    const info = await request(base()).get(`${documentPath}/info`).set('x-api-key', key);
    expect(info.status).toBe(200);

    const refused = await request(base()).delete(documentPath).set('x-api-key', key);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ httpCode: 503, internalCode: 'UNAVAILABLE' });
    expect(refused.headers['retry-after']).toBeDefined();

    await holder.release();
    expect(await gw.store.findDocument({ ...corpusRef, documentId: 'kept.txt' })).not.toBeNull();
    expect(await gw.store.getUsage(corpusRef)).toEqual(usage);
    expect((await request(base()).delete(documentPath).set('x-api-key', key)).status).toBe(204);
  });
});
