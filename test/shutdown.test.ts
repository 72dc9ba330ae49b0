import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { signHs256, WRITE_CLAIMS } from './helpers/keys.js';
import { filePart, multipart } from './helpers/multipart.js';
import { freePort } from './helpers/ports.js';
import { openTestStore } from './helpers/built-workers.js';

/**
 * SIGTERM as an orchestrator sends it, to `corpusgate serve` in a child process (the built CLI;
 * npm test builds first), while an upload is half sent.
 */
const CLI = path.resolve('dist/src/cli/index.js');
const SECRET = 'shutdown-test-secret-of-at-least-32-bytes';

let dataDir: string;
let child: ChildProcess | undefined;
let stdout = '';

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-shutdown-'));
  stdout = '';
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the gateway; resolves once it listens, with a promise of its exit code. */
async function serve(env: Record<string, string>): Promise<{ port: number; exited: Promise<number | null> }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', JWT_SECRET: SECRET, ...env },
    cwd: dataDir,
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (stdout.includes('listening on')) resolve();
    };
    proc.stderr.on('data', check); // the banner, on stderr
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${stdout}`)));
  });
  return { port, exited };
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 25));

/** Polls /metrics until `n` requests are in flight (the scrape itself is one of them). */
async function waitForInFlight(port: number, n: number): Promise<void> {
  for (;;) {
    const { body } = await get(port, '/metrics');
    const value = Number(/^corpusgate_http_requests_in_flight (\d+)$/m.exec(body)?.[1]);
    if (value >= n) return;
    await pause();
  }
}

/** Polls until a new connection is refused: the gateway has stopped accepting. */
async function waitUntilRefused(port: number): Promise<void> {
  for (;;) {
    try {
      await get(port, '/healthz');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') return;
    }
    await pause();
  }
}

interface RawResponse {
  readonly status: number | undefined;
  readonly head: string;
  readonly body: string;
}

/** An upload sent in two halves over a raw socket: the second half only when asked. */
async function halfSentUpload(port: number, filename: string, content: string) {
  const token = await signHs256(SECRET, WRITE_CLAIMS());
  const { body, contentType } = multipart([filePart(filename, content)]);
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (c: Buffer) => (received += c.toString()));
  const response = new Promise<RawResponse>((resolve) => {
    socket.on('close', () => {
      const [head = '', rest = ''] = received.split('\r\n\r\n', 2);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), head, body: rest });
    });
  });
  socket.on('error', () => {});
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /v1/upload?c=123456&o=151 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, half));
  return { response, sendRest: () => socket.write(body.subarray(half)) };
}

const logLines = () =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Reads the data directory after the process is gone, as its next start would. */
async function storedDocument(documentId: string) {
  const store = await openTestStore({ file: path.join(dataDir, 'corpusgate.db') });
  try {
    return await store.findDocument({ customerId: '123456', corpusId: '151', documentId });
  } finally {
    await store.close();
  }
}

describe('SIGTERM', () => {
  it('stops accepting, lets an in-flight upload finish and store, closes the database and exits 0', async () => {
    const { port, exited } = await serve({});
    const upload = await halfSentUpload(port, 'in-flight.txt', 'sent in two halves, across a SIGTERM');
    await waitForInFlight(port, 2);

    child!.kill('SIGTERM');
    await waitUntilRefused(port);
    upload.sendRest();
    const answer = await upload.response;
    expect(answer.status).toBe(200);
    expect(answer.head.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(answer.body)).toMatchObject({ response: { status: {} } });
    expect(await exited).toBe(0);

    const lines = logLines();
    expect(lines.find((l) => l['msg'] === 'request' && l['documentId'] === 'in-flight.txt')).toMatchObject({ outcome: 'OK', status: 200 });
    expect(lines.map((l) => l['msg'])).toEqual(expect.arrayContaining([expect.stringMatching(/^draining/), 'closed']));
    expect(lines.find((l) => l['cut'] !== undefined)).toBeUndefined();
    // The database was closed cleanly (WAL checkpointed) and holds the document.
    expect(fs.existsSync(path.join(dataDir, 'corpusgate.db-wal'))).toBe(false);
    // Its upload spool directory is gone too.
    expect(fs.readdirSync(path.join(dataDir, 'spool'))).toEqual([]);
    expect(await storedDocument('in-flight.txt')).not.toBeNull();
  });

  it('cuts an upload still unfinished after SHUTDOWN_GRACE_MS, stores nothing and exits 0', async () => {
    const { port, exited } = await serve({ SHUTDOWN_GRACE_MS: '200' });
    const upload = await halfSentUpload(port, 'never-finished.txt', 'the second half never comes');
    await waitForInFlight(port, 2);

    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    const answer = await upload.response;
    expect(answer.status).toBeUndefined();
    expect(logLines().find((l) => l['cut'] !== undefined)).toMatchObject({ level: 40, cut: 1 });
    expect(await storedDocument('never-finished.txt')).toBeNull();
  });
});
