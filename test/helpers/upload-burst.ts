import type pg from 'pg';
import { decodeStoredDocument, documentToJson, unpackDocument, type PackedEncoding } from '../../src/document/index.js';

/**
 * The burst of issue 15's two-process and crash tests: 200 concurrent /v1/upload requests over
 * 60 document ids, a corpus quota of 55 documents. 40 ids are uploaded once; 20 ids eight times
 * each, five times with variant "a" and three times with variant "b" of their content, so that
 * whichever variant is stored first wins and the other is a 409.
 */
export const BURST_QUOTA_DOCS = 55;
const SOLO_IDS = 40;
const MULTI_IDS = 20;
const MULTI_UPLOADS = 8;

export interface PlannedUpload { readonly id: string; readonly variant: 'a' | 'b' }
export type Outcome = 'created' | 'replayed' | 'conflict' | 'quota' | 'failed' | `other ${number}`;
export interface Answered extends PlannedUpload { readonly outcome: Outcome; readonly target: number; readonly detail: string }

const content = (u: PlannedUpload) => `Burst document ${u.id}, variant ${u.variant}. ${'Some words to index. '.repeat(6)}`;

/** The 200 uploads in a fixed shuffled order (solo and repeated ids interleaved). */
export function burstPlan(): PlannedUpload[] {
  const plan: PlannedUpload[] = [];
  for (let i = 0; i < SOLO_IDS; i++) plan.push({ id: `solo-${i}.txt`, variant: 'a' });
  for (let i = 0; i < MULTI_IDS; i++) {
    for (let j = 0; j < MULTI_UPLOADS; j++) plan.push({ id: `multi-${i}.txt`, variant: j % 3 === 2 ? 'b' : 'a' });
  }
  // A fixed permutation (multiplicative step coprime with 200): the same order every run.
  return plan.map((_, i) => plan[(i * 77) % plan.length]!);
}

/** One upload through /v1/upload; a request the server never answered (killed) is 'failed'. */
export async function uploadOnce(baseUrl: string, key: string, ref: { customer: string; corpus: string }, u: PlannedUpload): Promise<{ outcome: Outcome; detail: string }> {
  const form = new FormData();
  form.append('file', new Blob([content(u)], { type: 'text/plain' }), u.id);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${baseUrl}/v1/upload?c=${ref.customer}&o=${ref.corpus}`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
    text = await res.text();
  } catch (err) {
    return { outcome: 'failed', detail: err instanceof Error ? err.message : String(err) };
  }
  if (res.status === 409) return { outcome: 'conflict', detail: text };
  if (res.status === 507) return { outcome: 'quota', detail: text };
  if (res.status !== 200) return { outcome: `other ${res.status}`, detail: text };
  const code = (JSON.parse(text) as { response?: { status?: { code?: string } } }).response?.status?.code;
  return { outcome: code === 'ALREADY_EXISTS' ? 'replayed' : code === undefined ? 'created' : `other ${res.status}`, detail: text };
}

export interface StoredDoc { readonly id: string; readonly variant: string; readonly chars: number }
export interface Usage { readonly used_docs: number; readonly used_chars: number; readonly used_metadata_chars: number; readonly max_docs: number }

/** Every stored Document of the corpus, decoded (a row that does not decode throws), with its variant. */
export async function storedDocuments(db: pg.Client, schema: string, ref: { customer: string; corpus: string }): Promise<StoredDoc[]> {
  const { rows } = await db.query<{ document_id: string; document: Buffer; document_encoding: PackedEncoding; charge: string }>(
    `SELECT document_id, document, document_encoding, num_chars + num_metadata_chars AS charge
       FROM ${schema}.documents WHERE customer_id = $1 AND corpus_id = $2 ORDER BY document_id`,
    [ref.customer, ref.corpus],
  );
  return Promise.all(rows.map(async (row) => {
    // Copied into this realm's Uint8Array: jest's module VM refuses a Buffer of the outer realm there.
    const document = decodeStoredDocument(Uint8Array.from(await unpackDocument({ bytes: row.document, encoding: row.document_encoding })));
    // The whole Document as JSON: wherever the extractor put the text (sections, title), it is there.
    const text = JSON.stringify(documentToJson(document));
    const variant = /variant (\w+)\./.exec(text)?.[1] ?? `undecodable: ${text.slice(0, 80)}`;
    if (!text.includes(`Burst document ${row.document_id},`)) throw new Error(`${row.document_id} holds another document's text: ${text.slice(0, 80)}`);
    return { id: row.document_id, variant, chars: Number(row.charge) };
  }));
}

export async function corpusUsage(db: pg.Client, schema: string, ref: { customer: string; corpus: string }): Promise<Usage> {
  const { rows } = await db.query<Record<keyof Usage, string>>(
    `SELECT used_docs, used_chars, used_metadata_chars, max_docs FROM ${schema}.corpora WHERE customer_id = $1 AND corpus_id = $2`,
    [ref.customer, ref.corpus],
  );
  const row = rows[0]!;
  return { used_docs: Number(row.used_docs), used_chars: Number(row.used_chars), used_metadata_chars: Number(row.used_metadata_chars), max_docs: Number(row.max_docs) };
}

/**
 * What the answers must have been, given what was stored: for a stored id, its stored variant's
 * uploads are one 'created' and otherwise 'replayed', the other variant's are 'conflict'; an id
 * not stored was refused with 507 (the quota was full). `failed` (no answer: a killed process)
 * is allowed where `allowFailed`, in place of any answer, including the one 'created'.
 * Returns the list of mismatches (empty when all is right).
 */
export function unexpectedAnswers(answers: readonly Answered[], stored: readonly StoredDoc[], allowFailed: boolean): string[] {
  const byId = new Map(stored.map((d) => [d.id, d]));
  const problems: string[] = [];
  const created = new Map<string, number>();
  for (const a of answers) {
    if (a.outcome === 'failed' && allowFailed) continue;
    const doc = byId.get(a.id);
    const expected: Outcome = !doc ? 'quota' : doc.variant !== a.variant ? 'conflict' : a.outcome === 'created' ? 'created' : 'replayed';
    if (a.outcome === 'created') created.set(a.id, (created.get(a.id) ?? 0) + 1);
    if (a.outcome !== expected) problems.push(`${a.id} variant ${a.variant} via process ${a.target}: ${a.outcome}, expected ${expected} (${a.detail.slice(0, 200)})`);
  }
  for (const doc of stored) {
    const n = created.get(doc.id) ?? 0;
    if (n > 1 || (n === 0 && !allowFailed)) problems.push(`${doc.id}: ${n} fresh 200 answers, expected exactly one`);
  }
  return problems;
}
