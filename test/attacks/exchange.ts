import net from 'node:net';

/** One request and what came back: the status (0 = no answer), the time, the body. */
export interface Exchange {
  readonly status: number;
  readonly ms: number;
  readonly text: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  readonly json: Record<string, unknown> | null;
  readonly contentType: string;
  /** Why no answer came (a reset, a closed connection, the client's own time limit). */
  readonly error?: string;
}

export interface Request {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Sends a request with fetch and never throws: a connection reset or a time-out is an exchange
 * with status 0 and `error` set. `giveUpMs` only keeps a hung gateway from hanging the suite; an
 * answer slower than the suite's budget is reported by the ledger, not here.
 */
export async function send(baseUrl: string, req: Request, giveUpMs: number): Promise<Exchange> {
  const started = performance.now();
  try {
    const res = await fetch(`${baseUrl}${req.path}`, {
      method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
      headers: req.headers ?? {},
      // The cast: the typecheck program also holds the DOM lib, whose BodyInit does not take a
      // Buffer over an ArrayBufferLike.
      ...(req.body === undefined ? {} : { body: req.body as RequestInit['body'] }),
      signal: AbortSignal.timeout(giveUpMs),
    });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - started, text, json: parseJson(text), contentType: res.headers.get('content-type') ?? '' };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return { status: 0, ms: performance.now() - started, text: '', json: null, contentType: '', error: String(why) };
  }
}

/**
 * Writes `head` (and then `body`, if any) on a raw TCP connection and reads until the gateway
 * closes it, for what fetch will not send: oversized or malformed heads, a Content-Length the body
 * never reaches, headers that never end. The socket is destroyed after `giveUpMs`.
 */
export function sendRaw(port: number, chunks: readonly (Buffer | string)[], giveUpMs: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect(port, '127.0.0.1');
    let received: Buffer = Buffer.alloc(0);
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = `no close within ${giveUpMs} ms`;
      socket.destroy();
    }, giveUpMs);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the whole answer arrived is how some servers close; before it, it is not.
      error ??= err.code ?? err.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const split = received.indexOf('\r\n\r\n');
      const head = received.subarray(0, split < 0 ? received.length : split).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      if (split < 0 || status === 0) {
        resolve({ status: 0, ms, text: received.toString('utf8'), json: null, contentType: '', error: error ?? 'closed without an answer' });
        return;
      }
      let body: Buffer = received.subarray(split + 4);
      if (/^transfer-encoding:\s*chunked/im.test(head)) body = dechunk(body);
      const text = body.toString('utf8');
      resolve({ status, ms, text, json: parseJson(text), contentType: /^content-type:\s*(.*)$/im.exec(head)?.[1]?.trim() ?? '' });
    });
  });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const line = body.indexOf('\r\n', at);
    if (line < 0) break;
    const size = parseInt(body.toString('latin1', at, line), 16);
    if (!(size > 0)) break;
    out.push(body.subarray(line + 2, line + 2 + size));
    at = line + 2 + size + 2;
  }
  return Buffer.concat(out);
}
