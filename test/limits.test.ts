import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { textPdf } from '../scripts/fixtures.js';
import { SPOOL_AFTER_BYTES } from '../src/http/file-part.js';
import { CORPUS, CUSTOMER, startGateway, useGateway } from './helpers/gateway.js';
import { streamUpload } from './helpers/raw-client.js';
import { waitFor } from './helpers/wait.js';

const url = `/v1/upload?c=${CUSTOMER}&o=${CORPUS}`;
const MB = 1024 * 1024;
const gw = useGateway({ scope: 'each', listen: true });
let token: string;

beforeEach(async () => {
  token = await gw.token();
});

async function expectNothingStored() {
  expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 0, usedChars: 0 });
}

/** Uploads over SPOOL_AFTER_BYTES wait on disk; however an upload ends, its file is removed. */
async function expectSpoolEmpty() {
  await waitFor(() => fs.readdirSync(gw.spoolDir).length === 0, 5_000, 'an empty spool directory');
  expect(fs.readdirSync(gw.spoolDir)).toEqual([]);
}

async function expectStillServing() {
  const res = await request(gw.app).post(url).set('Authorization', `Bearer ${token}`).attach('file', Buffer.from('still here'), 'after.txt');
  expect(res.status).toBe(200);
}

describe('upload size limit', () => {
  it('answers 413 to a 50 MB streamed body as soon as the limit is crossed, reading < 11 MB', async () => {
    const res = await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 50 * MB });
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    expect(res.body).toMatchObject({ httpCode: 413, internalCode: 'PAYLOAD_TOO_LARGE' });
    expect(res.body['details']).toContain('10485760');
    await gw.server.waitForClosedConnections(1);
    expect(gw.server.closedBytesRead[0]).toBeLessThan(11 * 1000 * 1000);
    expect(gw.server.closedBytesRead[0]).toBeGreaterThan(10 * MB);
    await expectNothingStored();
    await expectSpoolEmpty();
    await expectStillServing();
  });

  it('answers 413 from Content-Length alone, before reading the body', async () => {
    const res = await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 50 * MB, declareLength: true });
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
    await gw.server.waitForClosedConnections(1);
    expect(gw.server.closedBytesRead[0]).toBeLessThan(2 * MB);
    await expectNothingStored();
  });

  describe('Expect: 100-continue (curl sends it with bodies over 1 MB)', () => {
    const boundary = 'continue-boundary';
    const envelope = (file: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.txt"\r\n\r\n`),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    /** Sends only the head of a request, as curl does, and collects what the server writes. */
    function openRequest(contentLength: number, bearer: string) {
      const socket = net.connect(gw.server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.write(
        `POST ${url} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${bearer}\r\nExpect: 100-continue\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${contentLength}\r\n\r\n`,
      );
      return { socket, received: () => received };
    }

    it.each([
      ['a body over the limit, from its Content-Length', 12 * MB, () => token, 413, 'PAYLOAD_TOO_LARGE'],
      ['a refused credential', 2 * MB, () => 'wrong', 401, 'UNAUTHENTICATED'],
    ])('answers %s at once, without asking for the body', async (_what, length, bearer, status, code) => {
      const { socket, received } = openRequest(length, bearer());
      await waitFor(() => received().includes('\r\n\r\n{'), 5_000, 'an answer');
      socket.destroy();
      expect(received()).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(received()).not.toContain('100 Continue');
      expect(received()).toContain(`"internalCode":"${code}"`);
      await expectNothingStored();
    });

    it('asks for the body of an acceptable upload, then indexes it', async () => {
      const body = envelope(Buffer.from('sent after 100 Continue'));
      const { socket, received } = openRequest(body.length, token);
      await waitFor(() => received().includes('\r\n\r\n'), 5_000, 'an interim answer');
      expect(received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write(body);
      await waitFor(() => /HTTP\/1.1 200 [^]*\r\n\r\n\{/.test(received()), 10_000, 'the final answer');
      socket.destroy();
      expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1 });
    });
  });

  it('accepts a file of exactly MAX_UPLOAD_BYTES and refuses one byte more', async () => {
    const exact = await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 10 * MB, filename: 'exact.txt', declareLength: true });
    expect(exact.status).toBe(200);
    const over = await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 10 * MB + 1, filename: 'over.txt', declareLength: true });
    expect(over.status).toBe(413);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1 });
    await expectSpoolEmpty();
  });

  it('takes a chunked upload (no Content-Length) of exactly MAX_UPLOAD_BYTES whole', async () => {
    // Without a Content-Length the file's buffer grows as it arrives: every byte must be kept.
    const res = await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 10 * MB, filename: 'chunked.txt' });
    expect(res.status).toBe(200);
    expect(await gw.store.getUsage({ customerId: CUSTOMER, corpusId: CORPUS })).toMatchObject({ usedDocs: 1, usedChars: 10 * MB });
  });

  it('leaves nothing behind when the client disconnects mid-upload', async () => {
    await streamUpload({ port: gw.server.port, path: url, token, fileBytes: 5 * MB, abortAfter: 2 * MB, filename: 'gone.txt' });
    await gw.server.waitForClosedConnections(1);
    await expectNothingStored();
    await expectSpoolEmpty();
    await expectStillServing();
  });
});

describe('large uploads wait on disk (the spool)', () => {
  const upload = (bytes: Buffer, filename: string) =>
    request(gw.app).post(`${url}&d=true`).set('Authorization', `Bearer ${token}`).attach('file', bytes, { filename, contentType: 'application/octet-stream' });

  it('extracts a PDF larger than SPOOL_AFTER_BYTES from its spool file, then removes the file', async () => {
    const big = textPdf(5_000, 'Spooled PDF');
    expect(big.length).toBeGreaterThan(SPOOL_AFTER_BYTES);
    const res = await upload(big, 'spooled.pdf');
    expect(res.status).toBe(200);
    expect(res.body.document.title).toBe('Spooled PDF');
    expect(res.body.document.section).toHaveLength(5_000);
    expect(res.body.document.section[4_999].text).toContain('Page 5000 of the generated PDF.');
    await expectSpoolEmpty();
  });

  it('clears spool directories of processes that are gone, at start, and keeps those of live ones', async () => {
    const root = path.dirname(gw.spoolDir);
    const dead = path.join(root, '2147483646-deadbeef'); // no such process
    const live = path.join(root, `${process.pid}-another`); // this process: alive
    for (const dir of [dead, live]) {
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'left.upload'), 'half an upload');
    }
    const second = await startGateway({}, gw.dir);
    try {
      expect(fs.existsSync(dead)).toBe(false);
      expect(fs.readdirSync(live)).toEqual(['left.upload']);
      expect(fs.readdirSync(second.spoolDir)).toEqual([]);
      expect(second.spoolDir).not.toBe(gw.spoolDir);
    } finally {
      await second.extractor.close(); // not second.close(): that removes the data directory gw uses too
      await second.store.close();
    }
  });

  it('removes the spool file of a large upload that is refused (415, 422)', async () => {
    const text = Buffer.alloc(2 * MB, 'plain text, not a PDF. ');
    expect((await upload(text, 'lies.pdf')).body).toMatchObject({ httpCode: 415, internalCode: 'TYPE_MISMATCH' });
    const broken = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * MB, 'garbage ')]);
    expect((await upload(broken, 'broken.pdf')).body).toMatchObject({ httpCode: 422, internalCode: 'CORRUPT' });
    await expectNothingStored();
    await expectSpoolEmpty();
  });
});

describe('malformed requests', () => {
  const post = () => request(gw.app).post(url).set('Authorization', `Bearer ${token}`);

  it('answers 400 to a body that is not multipart', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"file":"x"}');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'NOT_MULTIPART' });
  });

  it('answers 400 to a multipart content type without a boundary', async () => {
    const res = await post().set('Content-Type', 'multipart/form-data').send('--x\r\n');
    expect(res.status).toBe(400);
  });

  it('answers 400 to malformed part headers', async () => {
    const res = await post()
      .set('Content-Type', 'multipart/form-data; boundary=b')
      .send('--b\r\nthis is not a header\r\n\r\ndata\r\n--b--\r\n');
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toMatch(/MALFORMED_MULTIPART|MISSING_FILE/);
  });

  it('answers 400 to a body truncated before its closing boundary', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="file"; filename="t.txt"\r\n\r\nhalf a fi';
    const res = await post().set('Content-Type', 'multipart/form-data; boundary=b').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ internalCode: 'MALFORMED_MULTIPART' });
    await expectNothingStored();
  });

  it('answers 400 to an empty body', async () => {
    const res = await post().set('Content-Type', 'multipart/form-data; boundary=b').send('');
    expect(res.status).toBe(400);
  });

  it('answers 400 to a form with too many parts', async () => {
    let req = post();
    for (let i = 0; i < 100; i++) req = req.field(`f${i}`, 'x');
    const res = await req.attach('file', Buffer.from('x'), 'x.txt');
    expect(res.status).toBe(400);
    expect(res.body.internalCode).toBe('TOO_MANY_PARTS');
  });

  it('answers 401 to a large unauthenticated body without reading it', async () => {
    const res = await streamUpload({ port: gw.server.port, path: url, token: 'nope', fileBytes: 50 * MB });
    expect(res.status).toBe(401);
    await gw.server.waitForClosedConnections(1);
    expect(gw.server.closedBytesRead[0]).toBeLessThan(11 * 1000 * 1000);
  });

  it('keeps serving on keep-alive connections after errors', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const bad = await request(gw.app).post(url).agent(agent as never).set('Authorization', `Bearer ${token}`).send('x');
    expect(bad.status).toBe(400);
    agent.destroy();
    await expectStillServing();
  });
});
