import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { RecordedResponse } from '../../scripts/openapi-check.js';

/** Where the suite's responses are written, set by test/openapi/global-setup.ts. */
export const RESPONSE_LOG_ENV = 'CORPUSGATE_RESPONSE_LOG';
/** Bodies larger than this are recorded without their content (nothing that big is JSON here). */
const MAX_RECORDED_BODY = 1024 * 1024;

export type { RecordedResponse } from '../../scripts/openapi-check.js';

/**
 * Wraps the app so that every response it gives is appended to the suite's response log: the
 * OpenAPI check (global-teardown.ts) validates them all against /openapi.json.
 */
export function recordResponses(app: Express): Express {
  const dir = process.env[RESPONSE_LOG_ENV];
  if (!dir) return app;
  const file = path.join(dir, `${process.pid}.jsonl`);
  const outer = express();
  outer.use((req, res, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      size += buf.length;
      if (size <= MAX_RECORDED_BODY) chunks.push(buf);
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), write(chunk, ...rest))) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => (keep(chunk, rest[0]), end(chunk, ...rest))) as typeof res.end;
    res.on('finish', () => {
      const contentType = res.getHeader('content-type');
      const type = typeof contentType === 'string' ? contentType : null;
      const textual = type !== null && /json|text/.test(type);
      const record: RecordedResponse = {
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? req.originalUrl,
        status: res.statusCode,
        contentType: type,
        body: textual && size <= MAX_RECORDED_BODY && size > 0 ? Buffer.concat(chunks).toString('utf8') : null,
        ...(size > MAX_RECORDED_BODY ? { bodyTooLarge: true } : {}),
      };
      fs.appendFileSync(file, JSON.stringify(record) + '\n');
    });
    next();
  });
  outer.use(app);
  return outer;
}
