import crypto from 'node:crypto';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { batch } from './helpers/batch.js';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, useGateway, type TestGateway } from './helpers/gateway.js';
import { freePort } from './helpers/ports.js';
import { uploadForm } from './helpers/upload.js';

/**
 * RATE_LIMIT_PER_MINUTE over HTTP: N upload requests of a customer in a minute pass, the N+1th
 * gets 429 with Retry-After in its dialect's error shape; another customer keeps its own count.
 * Every test makes its requests well within the minute, so no window ends under it.
 */
const OTHER_CUSTOMER = '777';
const OTHER_CORPUS = '5';

function upload(app: Express, key: string, name: string, customer = CUSTOMER, corpus = CORPUS) {
  const { body, contentType } = uploadForm(name, `the text of ${name}`);
  return request(app).post(`/v1/upload?c=${customer}&o=${corpus}`).set('x-api-key', key).set('content-type', contentType).send(body);
}

/** An index key of the other customer, which gets a corpus of its own. */
async function otherCustomerKey(gw: Pick<TestGateway, 'store' | 'apiKey'>): Promise<string> {
  await gw.store.createCorpus({ customerId: OTHER_CUSTOMER, corpusId: OTHER_CORPUS, name: 'other' });
  return (await gw.apiKey('index', { customerId: OTHER_CUSTOMER })).key;
}

function expectRateLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('RATE_LIMIT_PER_MINUTE without Redis (counted in the process)', () => {
  const gw = useGateway({ scope: 'each', env: { RATE_LIMIT_PER_MINUTE: '3' }, closeIssuer: false });

  it('passes 3 uploads of a customer, answers the 4th 429 RATE_LIMITED with Retry-After, and leaves another customer alone', async () => {
    const key = (await gw.apiKey('index')).key;
    for (const name of ['a.txt', 'b.txt', 'c.txt']) expect((await upload(gw.app, key, name)).status).toBe(200);
    const refused = await upload(gw.app, key, 'd.txt');
    expectRateLimited(refused);
    expect(refused.body).toEqual({
      httpCode: 429,
      internalCode: 'RATE_LIMITED',
      details: expect.stringContaining('at most 3 upload requests per minute'),
      retryAfterSeconds: Number(refused.headers['retry-after']),
    });
    expect((await request(gw.app).get(`/v2/corpora/${CORPUS}/documents/d.txt`).set('x-api-key', key)).status).toBe(404);

    const other = await otherCustomerKey(gw);
    expect((await upload(gw.app, other, 'a.txt', OTHER_CUSTOMER, OTHER_CORPUS)).status).toBe(200);
    // The /upload alias shares the count of /v1/upload.
    const { body, contentType } = uploadForm('e.txt', 'e');
    expectRateLimited(await request(gw.app).post(`/upload?c=${CUSTOMER}&o=${CORPUS}`).set('x-api-key', key).set('content-type', contentType).send(body));
  });

  it('counts a batch of several files once on /api/v1/upload, shares the count with /v1/upload, and refuses with {"detail"}', async () => {
    const extractions = (await gw.apiKey('extractions', { corpusIds: [CORPUS] })).key;
    const index = (await gw.apiKey('index')).key;
    const three = await batch(gw.app, extractions, [['one', 'a.txt'], ['two', 'b.txt'], ['three', 'c.txt']]);
    expect(three.status).toBe(200);
    expect(three.body).toHaveLength(3);
    expect((await batch(gw.app, extractions, [['four', 'd.txt']])).status).toBe(200);
    expect((await upload(gw.app, index, 'e.txt')).status).toBe(200); // the customer's third request
    const refused = await batch(gw.app, extractions, [['five', 'f.txt']]);
    expectRateLimited(refused);
    expect(refused.body).toEqual({ detail: expect.stringContaining('rate limit exceeded') });
    expectRateLimited(await upload(gw.app, index, 'g.txt'));
  });

  it('does not count requests refused before it: a bad credential (401) or another customer\'s corpus (403)', async () => {
    const key = (await gw.apiKey('index')).key;
    for (let i = 0; i < 4; i += 1) {
      expect((await upload(gw.app, 'cg_wrong_key', `x${i}.txt`)).status).toBe(401);
      expect((await upload(gw.app, key, `y${i}.txt`, OTHER_CUSTOMER, OTHER_CORPUS)).status).toBe(403);
    }
    for (const name of ['a.txt', 'b.txt', 'c.txt']) expect((await upload(gw.app, key, name)).status).toBe(200);
    expectRateLimited(await upload(gw.app, key, 'd.txt'));
  });
});

describe('RATE_LIMIT_PER_MINUTE with REDIS_URL where Redis does not answer', () => {
  afterAll(() => closeTestIssuer());

  it('still limits, each process on its own, and counts the fallbacks in /metrics', async () => {
    const deadPort = await freePort(); // nothing listens there
    const gw = await startGateway({ RATE_LIMIT_PER_MINUTE: '2', REDIS_URL: `redis://127.0.0.1:${deadPort}` });
    try {
      const key = (await gw.apiKey('index')).key;
      for (const name of ['a.txt', 'b.txt']) expect((await upload(gw.app, key, name)).status).toBe(200);
      expectRateLimited(await upload(gw.app, key, 'c.txt'));
      const metrics = await request(gw.app).get('/metrics');
      expect(metrics.text).toMatch(/^corpusgate_rate_limit_store_errors_total 3$/m);
    } finally {
      await gw.close();
    }
  });
});

// ---------------------------------------------------------------- shared through the real Redis

const REDIS_URL = 'redis://127.0.0.1:6379';
const REQUIRED = process.env['CI'] === 'true';

/** Whether Redis answers PING on 127.0.0.1:6379 within a second. */
async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const HAVE_REDIS = await redisAnswers();
if (!HAVE_REDIS && !REQUIRED) {
  console.warn(`Redis does not answer on ${REDIS_URL}: the shared rate-limit tests are skipped (redis-server --daemonize yes; they are required when CI=true)`);
}
const describeRedis = HAVE_REDIS || REQUIRED ? describe : describe.skip;

describeRedis('RATE_LIMIT_PER_MINUTE shared through Redis (REDIS_URL)', () => {
  // A prefix of this run's own: parallel runs do not share counts, and afterAll deletes its keys.
  const keyPrefix = `corpusgate-test:${process.pid}:${crypto.randomUUID()}`;
  const env = { RATE_LIMIT_PER_MINUTE: '4', REDIS_URL };
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    if (!HAVE_REDIS) throw new Error(`Redis does not answer on ${REDIS_URL} and CI=true requires this test (.ci/run starts it)`);
    one = await startGateway(env, undefined, { rateLimitKeyPrefix: keyPrefix });
    two = await startGateway(env, undefined, { rateLimitKeyPrefix: keyPrefix });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await closeTestIssuer();
    const client = new Redis(REDIS_URL);
    const keys = await client.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  it('lets 4 uploads of a customer through across two processes, refuses the 5th on either, and leaves another customer alone', async () => {
    // The same key in both processes: both verify it in their own database.
    const keyOne = (await one.apiKey('index')).key;
    const keyTwo = (await two.apiKey('index')).key;
    expect((await upload(one.app, keyOne, 'a.txt')).status).toBe(200);
    expect((await upload(two.app, keyTwo, 'b.txt')).status).toBe(200);
    expect((await upload(one.app, keyOne, 'c.txt')).status).toBe(200);
    expect((await upload(two.app, keyTwo, 'd.txt')).status).toBe(200);
    const refusedTwo = await upload(two.app, keyTwo, 'e.txt');
    expectRateLimited(refusedTwo);
    expect(refusedTwo.body.internalCode).toBe('RATE_LIMITED');
    expectRateLimited(await upload(one.app, keyOne, 'f.txt'));

    const otherOne = await otherCustomerKey(one);
    expect((await upload(one.app, otherOne, 'a.txt', OTHER_CUSTOMER, OTHER_CORPUS)).status).toBe(200);
    // Counted in Redis, not in the processes: no fallback happened.
    expect((await request(one.app).get('/metrics')).text).toMatch(/^corpusgate_rate_limit_store_errors_total 0$/m);
    const client = new Redis(REDIS_URL);
    try {
      expect(Number(await client.get(`${keyPrefix}:customer:${CUSTOMER}`))).toBe(6); // 4 passed + 2 refused
    } finally {
      client.disconnect();
    }
  });
});
