import fs from 'node:fs';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../src/observability/index.js';
import { closeTestIssuer, CORPUS, CUSTOMER, startGateway, type TestGateway } from './helpers/gateway.js';
import { slowPdf } from '../scripts/fixtures.js';
import { POSTGRES_POOL_METRICS } from './helpers/postgres.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
let gw: TestGateway | undefined;
let token: string;

afterEach(async () => {
  await gw?.close();
  gw = undefined;
});
afterAll(() => closeTestIssuer());

async function start(env: Record<string, string> = {}, extras: Parameters<typeof startGateway>[2] = {}): Promise<TestGateway> {
  gw = await startGateway(env, undefined, extras);
  token = await gw.token();
  return gw;
}

const upload = (name: string, content: string | Buffer, path = url) =>
  request(gw!.app).post(path).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from(content), name);

/** The value of one sample of the Prometheus text exposition, by name and exact label set. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(labels).sort())) return Number(match[3]);
  }
  return undefined;
}

async function scrape(): Promise<string> {
  const res = await request(gw!.app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

/** Log lines as parsed JSON, from a pino logger writing into memory. */
function captureLogs(): { lines: Record<string, unknown>[]; raw: () => string; logger: ReturnType<typeof createLogger> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', stream);
  return {
    logger,
    raw: () => chunks.join(''),
    get lines() {
      return chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    },
  };
}

describe('/metrics', () => {
  it('counts uploads by outcome, requests by route template and status, bytes and quota refusals', async () => {
    await start({ MAX_UPLOAD_BYTES: '2000' });
    await gw!.store.setQuota({ customerId: CUSTOMER, corpusId: CORPUS }, { maxChars: 100 });

    expect((await upload('a.txt', 'first text')).status).toBe(200);
    expect((await upload('a.txt', 'first text')).body.response.status.code).toBe('ALREADY_EXISTS');
    expect((await upload('a.txt', 'other text')).status).toBe(409);
    expect((await upload('big.txt', 'x'.repeat(3000))).status).toBe(413);
    expect((await upload('quota.txt', 'q'.repeat(150))).status).toBe(507);
    expect((await upload('broken.json', '{"documentId": "b", "section": 7}')).status).toBe(400);
    expect((await upload('legacy.txt', 'from a Python client', `/upload?c=${CUSTOMER}&o=${CORPUS}`)).status).toBe(200);
    expect((await request(gw!.app).get('/documents/12345/raw-path')).status).toBe(404);

    const text = await scrape();
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'OK' })).toBe(2);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'ALREADY_EXISTS' })).toBe(1);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'CONFLICT' })).toBe(1);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'PAYLOAD_TOO_LARGE' })).toBe(1);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'QUOTA_EXCEEDED' })).toBe(1);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'INVALID_DOCUMENT' })).toBe(1);
    expect(sample(text, 'corpusgate_quota_refusals_total', { scope: 'corpus', unit: 'chars' })).toBe(1);

    expect(sample(text, 'corpusgate_http_requests_total', { method: 'POST', route: '/v1/upload', status: '200' })).toBe(2);
    expect(sample(text, 'corpusgate_http_requests_total', { method: 'POST', route: '/v1/upload', status: '409' })).toBe(1);
    expect(sample(text, 'corpusgate_http_requests_total', { method: 'POST', route: '/v1/upload', status: '413' })).toBe(1);
    expect(sample(text, 'corpusgate_http_requests_total', { method: 'POST', route: '/v1/upload', status: '507' })).toBe(1);
    expect(sample(text, 'corpusgate_http_requests_total', { method: 'POST', route: '/upload', status: '200' })).toBe(1);
    expect(sample(text, 'corpusgate_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(text, 'corpusgate_http_request_duration_seconds_count', { method: 'POST', route: '/v1/upload', status: '200' })).toBe(2);
    // Raw paths never become label values.
    expect(text).not.toContain('raw-path');
    // Counted on the connection: at least the file bytes of the six uploads to /v1/upload.
    expect(sample(text, 'corpusgate_http_received_bytes_total', { route: '/v1/upload' })).toBeGreaterThan(10 + 10 + 10 + 2000 + 150);

    // Replays and the 413 never reach a worker; the others do, by type and outcome.
    expect(sample(text, 'corpusgate_extraction_duration_seconds_count', { type: 'text', outcome: 'OK' })).toBe(4);
    expect(sample(text, 'corpusgate_extraction_duration_seconds_count', { type: 'document-json', outcome: 'INVALID_DOCUMENT' })).toBe(1);
    for (const reason of ['timeout', 'memory', 'cancelled', 'crash', 'busy']) {
      expect(sample(text, 'corpusgate_extraction_stopped_total', { reason })).toBe(0);
    }
    expect(sample(text, 'corpusgate_extraction_queue_depth')).toBe(0);
    expect(sample(text, 'corpusgate_extraction_running')).toBe(0);
    expect(sample(text, 'corpusgate_extraction_workers')).toBeGreaterThanOrEqual(1);
    // The scrape itself is the one request in flight.
    expect(sample(text, 'corpusgate_http_requests_in_flight')).toBe(1);
  });

  it('counts a worker killed past EXTRACT_TIMEOUT_MS under its reason', async () => {
    await start({ EXTRACT_TIMEOUT_MS: '300', EXTRACT_WORKERS: '1' });
    const res = await upload('slow.pdf', slowPdf(400));
    expect(res.body.internalCode).toBe('EXTRACTION_TIMEOUT');
    const text = await scrape();
    expect(sample(text, 'corpusgate_extraction_stopped_total', { reason: 'timeout' })).toBe(1);
    expect(sample(text, 'corpusgate_extraction_duration_seconds_count', { type: 'pdf', outcome: 'EXTRACTION_TIMEOUT' })).toBe(1);
    expect(sample(text, 'corpusgate_uploads_total', { outcome: 'EXTRACTION_TIMEOUT' })).toBe(1);
  });

  it('documents every corpusgate_ metric in the README, and no stale ones', async () => {
    await start();
    const exposed = [...(await scrape()).matchAll(/^# HELP (corpusgate_\w+) /gm)].map((m) => m[1]);
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = [...readme.matchAll(/^\| `(corpusgate_\w+)` \|/gm)].map((m) => m[1]);
    expect(exposed.length).toBeGreaterThan(5);
    // This gateway is on SQLite: the pool gauges appear with DATABASE_URL only (test/postgres-gateway.test.ts scrapes them).
    expect([...documented].sort()).toEqual([...exposed, ...POSTGRES_POOL_METRICS].sort());
  });

  it('keeps each app its own registry', async () => {
    await start();
    expect((await upload('one.txt', 'one')).status).toBe(200);
    const other = await startGateway();
    try {
      const res = await request(other.app).get('/metrics');
      expect(sample(res.text, 'corpusgate_uploads_total', { outcome: 'OK' })).toBeUndefined();
    } finally {
      await other.close();
    }
    expect(sample(await scrape(), 'corpusgate_uploads_total', { outcome: 'OK' })).toBe(1);
  });
});

describe('/healthz and /readyz', () => {
  it('answers 200 while the database, the workers and the data directory work', async () => {
    await start();
    expect((await request(gw!.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(gw!.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', workers: 'ok', disk: 'ok', jwks: 'ok' } });
    expect((await request(gw!.app).post('/readyz')).status).toBe(405);
  });

  it('answers 503 naming the database when it is closed', async () => {
    await start();
    await gw!.store.close();
    const res = await request(gw!.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not ready');
    expect(res.body.checks).toMatchObject({ workers: 'ok', disk: 'ok' });
    expect(res.body.checks.database).toMatch(/not open/);
    expect((await request(gw!.app).get('/healthz')).status).toBe(200);
  });

  it('answers 503 naming the disk when the data directory is gone', async () => {
    await start();
    const moved = `${gw!.dir}-moved`;
    fs.renameSync(gw!.dir, moved);
    try {
      const res = await request(gw!.app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.checks).toMatchObject({ database: 'ok', workers: 'ok' });
      expect(res.body.checks.disk).toMatch(/ENOENT/);
    } finally {
      fs.renameSync(moved, gw!.dir);
    }
    expect((await request(gw!.app).get('/readyz')).status).toBe(200);
  });

  it('answers 503 naming the workers once the pool is closed', async () => {
    await start();
    await gw!.extractor.close();
    const res = await request(gw!.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.workers).toBe('no extraction worker is running');
  });

  it('answers 503 "draining" once shutdown has begun', async () => {
    await start();
    gw!.readiness.startDraining();
    const res = await request(gw!.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'draining', checks: {} });
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id, on answers and errors alike', async () => {
    await start();
    const ok = await upload('id.txt', 'hello').set('X-Request-Id', 'trace-1.2:3_A');
    expect(ok.headers['x-request-id']).toBe('trace-1.2:3_A');
    const denied = await request(gw!.app).post(url).set('X-Request-Id', 'trace-2');
    expect(denied.status).toBe(401);
    expect(denied.headers['x-request-id']).toBe('trace-2');
    // The error body keeps its contract; the id travels in the header only.
    expect(Object.keys(denied.body).sort()).toEqual(['details', 'httpCode', 'internalCode']);
  });

  it('generates one when it is missing, too long or has other characters', async () => {
    await start();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const ids = [];
    for (const sent of [undefined, 'x'.repeat(129), 'has space', 'line\tbreak', 'ünïcode', '{"json":1}']) {
      const req = request(gw!.app).get('/healthz');
      const res = await (sent === undefined ? req : req.set('X-Request-Id', sent));
      expect(res.headers['x-request-id']).toMatch(uuid);
      ids.push(res.headers['x-request-id']);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect((await request(gw!.app).get('/healthz').set('X-Request-Id', 'y'.repeat(128))).headers['x-request-id']).toBe('y'.repeat(128));
  });
});

describe('request logs', () => {
  const SECRET_TEXT = 'confidential-body-text-7f3a';

  it('writes one JSON line per request with id, customer, corpus, document, outcome, bytes and duration', async () => {
    const logs = captureLogs();
    await start({}, { logger: logs.logger });
    const content = `${SECRET_TEXT} in a plain text file`;
    expect((await upload('notes.txt', content).set('X-Request-Id', 'req-ok')).status).toBe(200);
    expect((await upload('notes.txt', `${SECRET_TEXT} changed`).set('X-Request-Id', 'req-conflict')).status).toBe(409);

    const ok = logs.lines.find((l) => l['requestId'] === 'req-ok');
    expect(ok).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'POST',
      route: '/v1/upload',
      path: '/v1/upload',
      status: 200,
      customerId: CUSTOMER,
      corpusId: CORPUS,
      documentId: 'notes.txt',
      outcome: 'OK',
      fileBytes: Buffer.byteLength(content),
    });
    expect(ok!['bytesReceived']).toBeGreaterThan(Buffer.byteLength(content));
    expect(typeof ok!['durationMs']).toBe('number');
    expect(typeof ok!['time']).toBe('string');
    expect(logs.lines.find((l) => l['requestId'] === 'req-conflict')).toMatchObject({
      status: 409,
      outcome: 'CONFLICT',
      documentId: 'notes.txt',
      customerId: CUSTOMER,
      corpusId: CORPUS,
    });
    expect(logs.lines.filter((l) => l['requestId'] === 'req-ok')).toHaveLength(1);
  });

  it('never writes the token, the document text or error details that quote it', async () => {
    const logs = captureLogs();
    await start({ MAX_UPLOAD_BYTES: '2000' }, { logger: logs.logger });
    await upload('doc.txt', `${SECRET_TEXT} once`);
    // proto3 JSON parse errors quote the offending value: the details say it, the log must not.
    const invalid = await upload('doc.json', JSON.stringify({ documentId: 'd', section: [{ text: SECRET_TEXT, id: SECRET_TEXT }] }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.details).toContain(SECRET_TEXT);
    await upload('big.txt', SECRET_TEXT.repeat(100));
    await request(gw!.app).post(url).set('Authorization', `Bearer ${token}x`).attach('file', Buffer.from(SECRET_TEXT), 'x.txt');

    expect(logs.lines.map((l) => l['outcome'])).toEqual(['OK', 'INVALID_DOCUMENT', 'PAYLOAD_TOO_LARGE', 'UNAUTHENTICATED']);
    expect(logs.raw()).not.toContain(SECRET_TEXT);
    expect(logs.raw()).not.toContain(token);
    expect(logs.raw()).not.toContain(token.split('.')[2]);
  });

  it('logs probes and scrapes at debug, not at info', async () => {
    const logs = captureLogs();
    await start({}, { logger: logs.logger });
    await request(gw!.app).get('/healthz');
    await request(gw!.app).get('/readyz');
    await request(gw!.app).get('/metrics');
    await request(gw!.app).get('/nope');
    expect(logs.lines.map((l) => [l['route'], l['outcome']])).toEqual([['unmatched', 'NOT_FOUND']]);
  });
});
