import request from 'supertest';
import { slowPdf, textPdf } from '../scripts/fixtures.js';
import { asJson, asText, sampleDocument } from './helpers/documents.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { waitFor } from './helpers/wait.js';

/**
 * A replay (the same file under the same name, or the same Document, with the same doc_metadata)
 * is answered from the stored content hash, before any parsing. Proved through the real route,
 * without relying on a counter: the gateway has one extraction worker and no queue
 * (EXTRACT_WORKERS=1, EXTRACT_QUEUE_MAX=0), and a long parse holds that worker. Any upload that
 * reaches extraction is then refused 503 EXTRACTION_BUSY (checked before and after); a replay
 * still gets its 200.
 */
const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const gw = useGateway({
  scope: 'each',
  listen: true,
  env: { EXTRACT_WORKERS: '1', EXTRACT_QUEUE_MAX: '0', EXTRACT_TIMEOUT_MS: '120000' },
});
let token: string;
beforeEach(async () => {
  token = await gw.token();
});

const base = () => `http://127.0.0.1:${gw.server.port}`;

function upload(name: string, bytes: Buffer, metadata?: string, query = '') {
  const req = request(base())
    .post(`${url}${query}`)
    .set('Authorization', `Bearer ${token}`)
    .attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });
  return metadata === undefined ? req : req.field('doc_metadata', metadata);
}

const index = (document: Buffer) =>
  request(base())
    .post('/v1/index')
    .set('Authorization', `Bearer ${token}`)
    .set('customer-id', CUSTOMER)
    .send({ customerId: CUSTOMER, corpusId: CORPUS, document: JSON.parse(document.toString()) });

let holdBytes: Buffer | undefined;

/**
 * Occupies the only worker with a parse of many seconds, and proves that a new upload cannot be
 * parsed now. `expectStillHeld` proves that the same parse held the worker all along (a new
 * upload is still refused; the held upload is unanswered, its parse still running); `release`
 * cancels it by leaving.
 */
async function holdTheWorker(): Promise<{ expectStillHeld(): Promise<void>; release(): Promise<void> }> {
  holdBytes ??= slowPdf(2000); // ~10 s of parsing
  const held = request(base()).post(url).set('Authorization', `Bearer ${token}`).attach('file', holdBytes, 'hold.pdf');
  let outcome: 'pending' | 'answered' | 'aborted' = 'pending';
  const settled = held.then(
    () => (outcome = 'answered'),
    () => (outcome = 'aborted'),
  );
  await waitFor(() => gw.extractor.running === 1, 30_000, 'the long parse running');
  await expectParsingRefused('before');
  return {
    async expectStillHeld() {
      await expectParsingRefused('after');
      expect(outcome).toBe('pending');
      expect(gw.extractor.running).toBe(1);
    },
    async release() {
      if (outcome === 'pending') held.abort();
      await settled;
      await waitFor(() => gw.extractor.running === 0, 10_000, 'the long parse cancelled');
    },
  };
}

let probes = 0;
async function expectParsingRefused(when: string): Promise<void> {
  const fresh = await upload(`probe-${when}-${++probes}.txt`, Buffer.from(`never seen before ${probes}`));
  expect({ when, status: fresh.status, code: fresh.body.internalCode }).toEqual({ when, status: 503, code: 'EXTRACTION_BUSY' });
}

function expectReplayOf(replay: request.Response, first: request.Response): void {
  expect(replay.status).toBe(200);
  expect(replay.body.response.status.code).toBe('ALREADY_EXISTS');
  expect(replay.body.response.quotaConsumed).toEqual(first.body.response.quotaConsumed);
}

describe('a replay is answered without parsing', () => {
  it('the same file under the same name with the same doc_metadata: 200 ALREADY_EXISTS while no parse is possible', async () => {
    const bytes = textPdf(2, 'Replayed report');
    const first = await upload('report.pdf', bytes, '{"a":1,"b":{"c":[1,2]}}');
    expect(first.status).toBe(200);
    expect(first.body.response.status.code).toBeUndefined();
    const usage = await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS });

    const worker = await holdTheWorker();
    try {
      // Same metadata in another key order and spacing: the same upload.
      expectReplayOf(await upload('report.pdf', bytes, '{ "b": {"c": [1, 2]}, "a": 1 }'), first);
      const withDocument = await upload('report.pdf', bytes, '{"a":1,"b":{"c":[1,2]}}', '&d=true');
      expectReplayOf(withDocument, first);
      expect(withDocument.body.document.documentId).toBe('report.pdf');
      expect(withDocument.body.document.title).toBe('Replayed report');
      await worker.expectStillHeld();
    } finally {
      await worker.release();
    }

    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toEqual(usage);
  });

  // A Document is stored under the hash of the decoded Document (so its .json, .pbtxt and .pb are
  // one document); the check before parsing finds it by the hash of the upload as sent
  // (upload_hash, store migration 5).
  it('the same Document file (.json, .pbtxt) under any name: 200 ALREADY_EXISTS while no parse is possible', async () => {
    const json = asJson(sampleDocument('replay-json'));
    const pbtxt = asText(sampleDocument('replay-pbtxt'));
    const firstJson = await upload('a.json', json);
    const firstPbtxt = await upload('b.pbtxt', pbtxt, '{"source":"wiki"}');
    expect([firstJson.status, firstPbtxt.status]).toEqual([200, 200]);

    const worker = await holdTheWorker();
    try {
      expectReplayOf(await upload('renamed.json', json), firstJson);
      const pbtxtAgain = await upload('renamed.pbtxt', pbtxt, '{"source":"wiki"}', '&d=true');
      expectReplayOf(pbtxtAgain, firstPbtxt);
      expect(pbtxtAgain.body.document.documentId).toBe('replay-pbtxt');
      await worker.expectStillHeld();
    } finally {
      await worker.release();
    }
  });

  it('the same Document through POST /v1/index: 200 ALREADY_EXISTS while no parse is possible', async () => {
    const json = asJson(sampleDocument('replay-index'));
    const first = await index(json);
    expect(first.status).toBe(200);

    const worker = await holdTheWorker();
    try {
      const again = await index(json);
      expect(again.status).toBe(200);
      expect(again.body.status?.code ?? again.body.response?.status?.code).toBe('ALREADY_EXISTS');
      await worker.expectStillHeld();
    } finally {
      await worker.release();
    }
  });
});
