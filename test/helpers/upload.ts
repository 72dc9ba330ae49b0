import type { Express } from 'express';
import request from 'supertest';
import { CORPUS, CUSTOMER } from './gateway.js';
import { filePart, multipart, type RawPart } from './multipart.js';

/**
 * A multipart upload body with the file under the document id `name` as it is (form libraries
 * fold paths in filenames) and, when given, doc_metadata.
 */
export function uploadForm(name: string, content: Buffer | string, metadata?: Record<string, unknown>): { body: Buffer; contentType: string } {
  const parts: RawPart[] = [filePart(name, content)];
  if (metadata) parts.push({ disposition: 'form-data; name="doc_metadata"', content: JSON.stringify(metadata) });
  return multipart(parts);
}

/**
 * Uploads `text` under the document id `name` (see uploadForm),
 * with an API key, and expects 200.
 */
export async function uploadText(app: Express, apiKey: string, name: string, text: string, metadata?: Record<string, unknown>, corpus = CORPUS) {
  const { body, contentType } = uploadForm(name, text, metadata);
  const res = await request(app).post(`/v1/upload?c=${CUSTOMER}&o=${corpus}`).set('x-api-key', apiKey).set('content-type', contentType).send(body);
  if (res.status !== 200) throw new Error(`upload of ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}
