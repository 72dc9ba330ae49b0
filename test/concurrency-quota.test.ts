import request from 'supertest';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, useGateway, type TestGateway } from './helpers/gateway.js';
import { asJson, sampleDocument } from './helpers/documents.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
/** The gateway a test of 'quotas' or 'restart' starts itself (each its own env, or a restart). */
let gw: TestGateway | undefined;
let token: string;

afterEach(async () => {
  await gw?.close();
  gw = undefined;
});
afterAll(() => closeTestIssuer());

const upload = (target: TestGateway['app'] | string, name: string, content: string | Buffer, path = url) =>
  request(target).post(path).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(content), name);

describe('concurrent uploads of one document id', () => {
  const gw = useGateway({ scope: 'each', listen: true, closeIssuer: false });
  beforeEach(async () => {
    token = await gw.token();
  });
  const base = () => `http://127.0.0.1:${gw.server.port}`;

  it('with different content: exactly one 200, the others 409', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => upload(base(), 'race.txt', `version ${i}`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(15);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.document).toEqual({ documentId: 'race.txt' });
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1 });
  });

  it('with the same content: all 200, stored and charged once', async () => {
    const doc = asJson(sampleDocument('same-doc'));
    const results = await Promise.all(Array.from({ length: 16 }, () => upload(base(), 'same.json', doc)));
    expect(results.map((r) => r.status)).toEqual(Array(16).fill(200));
    const fresh = results.filter((r) => r.body.response.status.code === undefined);
    expect(fresh).toHaveLength(1);
    for (const r of results) expect(r.body.response.quotaConsumed).toEqual(fresh[0]!.body.response.quotaConsumed);
    const usage = await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS });
    const charged = fresh[0]!.body.response.quotaConsumed;
    expect(usage).toMatchObject({ usedDocs: 1, usedChars: Number(charged.numChars) + Number(charged.numMetadataChars) });
  });
});

describe('quotas', () => {
  it('answers 507 naming the corpus scope, and keeps what was stored', async () => {
    gw = await startGateway();
    token = await gw.token();
    await gw.store.setQuota({ customerId: CUSTOMER, corpusId: CORPUS }, { maxChars: 100 });
    const first = await upload(gw.app, 'one.txt', 'x'.repeat(60));
    expect(first.status).toBe(200);
    const over = await upload(gw.app, 'two.txt', 'y'.repeat(60));
    expect(over.status).toBe(507);
    expect(over.body).toEqual({
      httpCode: 507,
      internalCode: 'QUOTA_EXCEEDED',
      details: 'corpus quota exceeded: 60 chars needed, 60 of 100 already used',
      scope: 'corpus',
      unit: 'chars',
      limit: 100,
      used: 60,
      needed: 60,
    });
    // Nothing of the refused upload remains; the earlier one is intact and still replays.
    expect(await gw.store.findDocument({ customerId: CUSTOMER, corpusId: CORPUS, documentId: 'two.txt' })).toBeNull();
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedChars: 60, usedDocs: 1 });
    const replay = await upload(gw.app, 'one.txt', 'x'.repeat(60));
    expect(replay.body.response.status.code).toBe('ALREADY_EXISTS');
    // A document that fits still goes in.
    expect((await upload(gw.app, 'three.txt', 'z'.repeat(40))).status).toBe(200);
    expect((await upload(gw.app, 'four.txt', 'w')).status).toBe(507);
  });

  it('applies customer defaults from the environment across corpora', async () => {
    gw = await startGateway({ DEFAULT_CUSTOMER_MAX_DOCS: '2' });
    token = await gw.token();
    await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: '152', name: 'second' });
    expect((await upload(gw.app, 'a.txt', 'a')).status).toBe(200);
    expect((await upload(gw.app, 'b.txt', 'b', `/v1/upload?c=${CUSTOMER}&o=152`)).status).toBe(200);
    const over = await upload(gw.app, 'c.txt', 'c');
    expect(over.status).toBe(507);
    expect(over.body).toMatchObject({ scope: 'customer', unit: 'documents', limit: 2, used: 2, needed: 1 });
  });
});

describe('restart', () => {
  it('keeps documents, charges and quotas when the app restarts on the same database', async () => {
    gw = await startGateway();
    token = await gw.token();
    await gw.store.setQuota({ customerId: CUSTOMER, corpusId: CORPUS }, { maxChars: 50 });
    const first = await upload(gw.app, 'persist.txt', 'persistent text');
    expect(first.status).toBe(200);
    const usage = await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS });

    gw = await gw.restart();
    const replay = await upload(gw.app, 'persist.txt', 'persistent text');
    expect(replay.status).toBe(200);
    expect(replay.body.response.status.code).toBe('ALREADY_EXISTS');
    expect(replay.body.response.quotaConsumed).toEqual(first.body.response.quotaConsumed);
    expect((await upload(gw.app, 'persist.txt', 'changed')).status).toBe(409);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toEqual(usage);
    expect((await upload(gw.app, 'big.txt', 'q'.repeat(40))).status).toBe(507);
  });
});
