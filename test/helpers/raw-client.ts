import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import { loadConfig, type HttpLimits } from '../../src/config/index.js';
import { createHttpServer } from '../../src/http/http-server.js';

/** The app on a real port, recording how many bytes the server read from each connection. */
export interface ListeningApp {
  readonly port: number;
  /** Bytes read by the server from connections that have closed, in order of closing. */
  readonly closedBytesRead: number[];
  waitForClosedConnections(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `limits`: the slow-client timeouts (TestGateway.config.http); the defaults when omitted. */
export async function listen(app: Express, limits: HttpLimits = loadConfig({}).http): Promise<ListeningApp> {
  const server = createHttpServer(app, limits);
  const closedBytesRead: number[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closedBytesRead.push(socket.bytesRead);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    closedBytesRead,
    async waitForClosedConnections(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (closedBytesRead.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${closedBytesRead.length} of ${n} connections closed`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface StreamResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly bytesWritten: number;
}

/**
 * Streams a multipart upload whose file part is `fileBytes` long, in 64 KiB chunks with
 * backpressure, and stops sending as soon as the server answers (as curl does).
 */
export function streamUpload(opts: {
  port: number;
  path: string;
  token: string;
  fileBytes: number;
  filename?: string;
  declareLength?: boolean;
  /** Destroy the request after this many file bytes (a client that goes away). */
  abortAfter?: number;
}): Promise<StreamResult> {
  const boundary = 'stream-boundary-7f3a';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename ?? 'big.txt'}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers: http.OutgoingHttpHeaders = {
    authorization: `Bearer ${opts.token}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
  };
  if (opts.declareLength) headers['content-length'] = head.length + opts.fileBytes + tail.length;
  const req = http.request({ host: '127.0.0.1', port: opts.port, method: 'POST', path: opts.path, headers, agent: false });
  let answered = false;
  let bytesWritten = 0;

  const response = new Promise<StreamResult>((resolve, reject) => {
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {}, bytesWritten });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => {
      // EPIPE/ECONNRESET after the server answered and closed are expected; before, they are not.
      if (!answered && opts.abortAfter === undefined) reject(err);
      if (opts.abortAfter !== undefined) resolve({ status: 0, headers: {}, body: {}, bytesWritten });
    });
  });

  const drainedOrClosed = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        req.off('drain', done);
        req.off('close', done);
        resolve();
      };
      req.on('drain', done);
      req.on('close', done);
    });

  const send = async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const write = async (b: Buffer) => {
      bytesWritten += b.length;
      if (!req.write(b)) await drainedOrClosed();
    };
    await write(head);
    for (let sent = 0; sent < opts.fileBytes && !answered && !req.destroyed; sent += chunk.length) {
      if (opts.abortAfter !== undefined && sent >= opts.abortAfter) {
        req.destroy();
        return;
      }
      await write(chunk.subarray(0, Math.min(chunk.length, opts.fileBytes - sent)));
    }
    if (!answered && !req.destroyed) {
      await write(tail);
      req.end();
    }
  };
  send().catch(() => {});
  return response;
}
