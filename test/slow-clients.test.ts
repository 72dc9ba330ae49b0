import http from 'node:http';
import net from 'node:net';
import { MAX_HEADER_BYTES } from '../src/http/http-server.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { streamUpload } from './helpers/raw-client.js';

/**
 * Slow and oversized clients against a real listening server, with short timeouts. The bounds
 * asserted are generous (the machine may be busy): what matters is seconds, not the 60-330 s the
 * gateway used to wait.
 */
const HEADERS_TIMEOUT_MS = 800;
const BODY_IDLE_TIMEOUT_MS = 800;
const UPLOAD_DEADLINE_MS = 2_500;
/** Slack on top of a timeout before a test calls the answer late. */
const MARGIN_MS = 2_500;

const uploadPath = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const boundary = 'slow-boundary';
const partHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\n`;
const partTail = `\r\n--${boundary}--\r\n`;

/** On a real port, with the gateway's own (short) HTTP limits. */
const gw = useGateway({
  scope: 'each',
  listen: true,
  env: {
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    BODY_IDLE_TIMEOUT_MS: String(BODY_IDLE_TIMEOUT_MS),
    UPLOAD_DEADLINE_MS: String(UPLOAD_DEADLINE_MS),
  },
});
let token: string;

beforeEach(async () => {
  token = await gw.token();
});

interface RawAnswer {
  readonly status: number;
  readonly head: string;
  readonly body: Record<string, unknown>;
  /** ms from the start of the exchange to the server closing the connection. */
  readonly closedAfterMs: number;
  /** ms from `sentLastAt` (the client's last write) to the close. */
  readonly closedAfterLastWriteMs: number;
}

/**
 * A raw connection: `send` writes (ignored once the server has closed), `answer` resolves with
 * the parsed response when the server closes the connection.
 */
function connect(port: number) {
  const started = Date.now();
  let lastWrite = started;
  let received = Buffer.alloc(0);
  const socket = net.connect(port, '127.0.0.1');
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  socket.on('error', () => {}); // a reset is seen as the missing answer
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    socket.on('close', () => {
      const now = Date.now();
      const text = received.toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer before the close, got ${JSON.stringify(text)}`));
      const head = text.slice(0, split);
      try {
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
          head,
          body: JSON.parse(text.slice(split + 4)) as Record<string, unknown>,
          closedAfterMs: now - started,
          closedAfterLastWriteMs: now - lastWrite,
        });
      } catch (err) {
        reject(new Error(`the answer's body is not JSON: ${JSON.stringify(text)} (${(err as Error).message})`));
      }
    });
  });
  return {
    socket,
    answer,
    send(data: string | Buffer) {
      if (socket.destroyed || !socket.writable) return false;
      lastWrite = Date.now();
      socket.write(data);
      return true;
    },
  };
}

/** Writes `byte` every `everyMs` until the connection closes or `maxBytes` were sent. */
function trickle(conn: ReturnType<typeof connect>, everyMs: number, maxBytes: number): () => void {
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= maxBytes || !conn.send('x')) clearInterval(timer);
    sent++;
  }, everyMs);
  conn.socket.on('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

function uploadHead(contentLength: number, extra = ''): string {
  return (
    `POST ${uploadPath} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

function expectTimeoutAnswer(answer: RawAnswer, details: string) {
  expect(answer.status).toBe(408);
  expect(answer.head).toMatch(/\r\nconnection: close/i);
  expect(answer.head).toMatch(/\r\ncontent-type: application\/json/i);
  expect(answer.body).toMatchObject({ httpCode: 408, internalCode: 'REQUEST_TIMEOUT' });
  expect(answer.body['details']).toContain(details);
}

async function expectNothingStored() {
  expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 0, usedChars: 0 });
}

describe('slow request bodies', () => {
  it('answers 408 and closes when a body trickles one byte at a time slower than BODY_IDLE_TIMEOUT_MS', async () => {
    const conn = connect(gw.server.port);
    conn.send(uploadHead(partHead.length + 100 + partTail.length) + partHead);
    trickle(conn, BODY_IDLE_TIMEOUT_MS * 2, 100);
    const answer = await conn.answer;
    expectTimeoutAnswer(answer, 'BODY_IDLE_TIMEOUT_MS');
    expect(answer.closedAfterLastWriteMs).toBeGreaterThanOrEqual(BODY_IDLE_TIMEOUT_MS - 50);
    expect(answer.closedAfterLastWriteMs).toBeLessThan(BODY_IDLE_TIMEOUT_MS + MARGIN_MS);
    await expectNothingStored();
  });

  it('answers 408 when the Content-Length is 1000 bytes larger than the body sent', async () => {
    const body = partHead + 'a'.repeat(500) + partTail;
    const conn = connect(gw.server.port);
    conn.send(uploadHead(body.length + 1000) + body);
    const answer = await conn.answer;
    expectTimeoutAnswer(answer, 'BODY_IDLE_TIMEOUT_MS');
    expect(answer.closedAfterMs).toBeLessThan(BODY_IDLE_TIMEOUT_MS + MARGIN_MS);
    await expectNothingStored();
  });

  it('answers 408 when a steady trickle passes UPLOAD_DEADLINE_MS', async () => {
    const conn = connect(gw.server.port);
    conn.send(uploadHead(partHead.length + 10_000 + partTail.length) + partHead);
    trickle(conn, BODY_IDLE_TIMEOUT_MS / 4, 10_000); // always within the idle timeout
    const answer = await conn.answer;
    expectTimeoutAnswer(answer, 'UPLOAD_DEADLINE_MS');
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(UPLOAD_DEADLINE_MS - 50);
    expect(answer.closedAfterMs).toBeLessThan(UPLOAD_DEADLINE_MS + MARGIN_MS);
    await expectNothingStored();
  });

  it('answers 408 to a stalled JSON body too (POST /v1/index)', async () => {
    const { key } = await gw.apiKey('index');
    const json = JSON.stringify({ customerId: CUSTOMER, corpusId: CORPUS, document: { documentId: 'x', section: [{ text: 'never' }] } });
    const conn = connect(gw.server.port);
    conn.send(
      `POST /v1/index HTTP/1.1\r\nHost: localhost\r\nx-api-key: ${key}\r\ncustomer-id: ${CUSTOMER}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json.slice(0, 20)}`,
    );
    const answer = await conn.answer;
    expectTimeoutAnswer(answer, 'BODY_IDLE_TIMEOUT_MS');
    expect(answer.closedAfterMs).toBeLessThan(BODY_IDLE_TIMEOUT_MS + MARGIN_MS);
    await expectNothingStored();
  });

  it('still takes a 2 MB upload sent at a normal speed, and a small one on the same server', async () => {
    const big = await streamUpload({ port: gw.server.port, path: uploadPath, token, fileBytes: 2 * 1024 * 1024, filename: 'big.txt' });
    expect(big.status).toBe(200);
    const body = partHead + 'small and quick' + partTail;
    const conn = connect(gw.server.port);
    conn.send(uploadHead(body.length, 'Connection: close\r\n') + body);
    const small = await conn.answer;
    expect(small.status).toBe(200);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 2 });
  });
});

describe('slow request headers', () => {
  it('answers 408 JSON and closes when the headers come one line at a time past HEADERS_TIMEOUT_MS', async () => {
    const conn = connect(gw.server.port);
    conn.send(`POST ${uploadPath} HTTP/1.1\r\n`);
    const timer = setInterval(() => conn.send(`X-Slow-${Date.now()}: one more line\r\n`), HEADERS_TIMEOUT_MS / 3);
    const answer = await conn.answer.finally(() => clearInterval(timer));
    expectTimeoutAnswer(answer, 'HEADERS_TIMEOUT_MS');
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(answer.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + MARGIN_MS);
    await expectNothingStored();
  });

  it('keeps an idle keep-alive connection past HEADERS_TIMEOUT_MS for its next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; socket: unknown }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: gw.server.port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
        });
        req.on('error', reject);
      });
    const first = await get();
    await new Promise((r) => setTimeout(r, HEADERS_TIMEOUT_MS * 2));
    const second = await get();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.socket).toBe(first.socket);
    agent.destroy();
  });
});

describe('large request headers', () => {
  /** An Authorization header of `bytes` whose token is not valid (the answer is 401 when the size passes). */
  function bigBearer(bytes: number): string {
    return `Bearer ${'a'.repeat(bytes - 'Bearer '.length)}`;
  }

  function post(authorization: string, bodyBytes: number): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: gw.server.port,
        method: 'POST',
        path: uploadPath,
        agent: false,
        headers: { authorization, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': bodyBytes },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end(Buffer.alloc(bodyBytes, 'x'));
    });
  }

  it.each([12_000, 20_000])('reads a %i-byte Authorization header (under the 32 KiB limit) and answers 401 JSON', async (bytes) => {
    const res = await post(bigBearer(bytes), 0);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ httpCode: 401, internalCode: 'UNAUTHENTICATED' });
  });

  it.each([
    [40_000, 0],
    [40_000, 2 * 1024 * 1024],
    [200_000, 0],
  ])('answers 431 JSON, not a reset, to a %i-byte Authorization header (body of %i bytes)', async (bytes, bodyBytes) => {
    const res = await post(bigBearer(bytes), bodyBytes);
    expect(res.status).toBe(431);
    expect(res.body).toMatchObject({ httpCode: 431, internalCode: 'HEADERS_TOO_LARGE' });
    expect(res.body['details']).toContain(String(MAX_HEADER_BYTES));
    await expectNothingStored();
  });

  it('answers 400 JSON to a request it cannot parse', async () => {
    const conn = connect(gw.server.port);
    conn.send('POST /v1/upload HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n');
    const answer = await conn.answer;
    expect(answer.status).toBe(400);
    expect(answer.head).toMatch(/\r\nconnection: close/i);
    expect(answer.body).toMatchObject({ httpCode: 400, internalCode: 'MALFORMED_REQUEST' });
  });
});
