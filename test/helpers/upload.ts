import type { Express } from 'express';
import request from 'supertest';
import { CORPUS, CUSTOMER } from './gateway.js';
import { filePart, multipart, type RawPart } from './multipart.js';

/**
 * Uploads `text` under the document id `name` as it is (form libraries fold paths in filenames),
 * with an API key, and expects 200.
 */
export async function uploadText(app: Express, apiKey: string, name: string, text: string, metadata?: Record<string, unknown>, corpus = CORPUS) {
  const parts: RawPart[] = [filePart(name, text)];
  if (metadata) parts.push({ disposition: 'form-data; name="doc_metadata"', content: JSON.stringify(metadata) });
  const { body, contentType } = multipart(parts);
  const res = await request(app).post(`/v1/upload?c=${CUSTOMER}&o=${corpus}`).set('x-api-key', apiKey).set('content-type', contentType).send(body);
  if (res.status !== 200) throw new Error(`upload of ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}
