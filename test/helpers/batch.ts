import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';

export type Attachment = readonly [content: Buffer | string, filename: string];

/** POST /api/v1/upload with one `files` part per attachment, as Python requests sends them. */
export function batch(app: Express, key: string | null, files: readonly Attachment[], query = '') {
  let req = request(app).post(`/api/v1/upload${query}`);
  if (key !== null) req = req.set('X-API-Key', key);
  for (const [content, filename] of files) req = req.attach('files', Buffer.from(content), filename);
  return req;
}

/** Polls the status route until the job is done or failed. */
export async function settled(app: Express, key: string, id: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(`/api/v1/documents/${id}`).set('X-API-Key', key);
    if (res.status !== 200) throw new Error(`the status of ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${res.body.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The names in DATA_DIR/files: the kept files of batch uploads, by SHA-256. */
export const keptFiles = (dataDir: string): string[] => fs.readdirSync(path.join(dataDir, 'files')).sort();
