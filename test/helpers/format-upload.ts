import request from 'supertest';
import { CORPUS, CUSTOMER, useGateway } from './gateway.js';

/** A Document section as the upload answer's proto3 JSON shows it. */
export interface Section {
  title?: string;
  text?: string;
  metadataJson?: string;
  section?: Section[];
}

/**
 * The format tests' gateway (real workers, a real SQLite file) and an upload of one named file
 * through /v1/upload, with the extracted document in the answer unless `returnDocument` is false.
 */
export function useUploadGateway() {
  const gw = useGateway();
  let token: string;
  beforeAll(async () => {
    token = await gw.token();
  });
  const upload = (name: string, bytes: Buffer, returnDocument = true) =>
    request(gw.app)
      .post(`/v1/upload?c=${CUSTOMER}&o=${CORPUS}${returnDocument ? '&d=true' : ''}`)
      .set('Authorization', `Bearer ${token}`)
      .attach('file', bytes, { filename: name, contentType: 'application/octet-stream' });
  return { gw, upload };
}

/** Every section, depth first. */
export const flat = (sections: Section[] = []): Section[] => sections.flatMap((s) => [s, ...flat(s.section)]);

/** Titles and texts of every section, one after another. */
export const allText = (sections: Section[] = []): string => flat(sections).map((s) => `${s.title ?? ''}\n${s.text ?? ''}`).join('\n');
