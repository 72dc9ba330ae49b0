/** What both bench scripts share: timing, one HTTP request helper, and the table they print. */
import http from 'node:http';

export interface Target { readonly port: number; readonly token: string; readonly agent: http.Agent }
export interface Answer { readonly status: number; readonly body: string; readonly ms: number }
export type Row = readonly [figure: string, value: string, unit: string, note: string];

export const nowNs = (): bigint => process.hrtime.bigint();
export const msSince = (start: bigint): number => Number(nowNs() - start) / 1e6;
export const fmt = (n: number, digits = 2): string => n.toFixed(digits);

/** The head and tail around one file part named "file" of a multipart body. */
export function fileEnvelope(boundary: string, filename: string, contentType: string): { head: Buffer; tail: Buffer } {
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`;
  return { head: Buffer.from(head), tail: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

/**
 * POSTs `parts` (written one after another, never copied together) with the target's bearer
 * token, and resolves with the answer and the time from the first byte sent to its end.
 */
export function post(
  t: Target,
  path: string,
  headers: http.OutgoingHttpHeaders,
  parts: readonly Buffer[],
  timeout?: { readonly ms: number; readonly what: string },
): Promise<Answer> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const start = nowNs();
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: t.port, method: 'POST', path, agent: t.agent,
      headers: { authorization: `Bearer ${t.token}`, ...headers, 'content-length': length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: msSince(start) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (timeout) req.setTimeout(timeout.ms, () => req.destroy(new Error(`no answer to ${timeout.what} within ${timeout.ms / 1000} s`)));
    for (const part of parts.slice(0, -1)) req.write(part);
    req.end(parts.at(-1));
  });
}

export function printTable(header: readonly string[], body: readonly Row[]): void {
  const all = [header, ...body];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
  for (const r of body) console.log(line(r));
}

/** Prints the figures and every problem found; the exit code: 1 when something unexpected happened. */
export function report(rows: readonly Row[], problems: readonly string[]): number {
  printTable(['figure', 'value', 'unit', 'note'], rows);
  for (const p of problems) console.error(`PROBLEM: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

/** Runs a bench's main and exits with its code (1 and the error when it throws). */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
