import crypto from 'node:crypto';
import type { Connection } from './connection.js';

/** The gateway answered with an error body (`{httpCode, internalCode, details, …}`). */
export class GatewayRequestError extends Error {
  constructor(
    readonly status: number,
    readonly internalCode: string,
    readonly details: string,
    /** From Retry-After, when the gateway asks to come back later (503 EXTRACTION_BUSY). */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`${status} ${internalCode}: ${details}`);
  }
}

/** No HTTP answer at all: refused, unknown host, TLS failure, reset. */
export class GatewayUnreachableError extends Error {}

/** A stored document as `GET …/documents/{id}/info` and the listing describe it. */
export interface DocumentInfo {
  readonly id: string;
  readonly title: string;
  readonly metadata: Record<string, unknown>;
  readonly created_at: string;
  readonly charge: { readonly num_chars: number; readonly num_metadata_chars: number };
  readonly provenance: {
    readonly source_sha256: string;
    readonly source_size: number;
    readonly detected_type: string;
    readonly extractor: string;
    readonly extraction_ms: number;
    readonly uploader: string;
  };
}

export interface DocumentPage {
  readonly documents: readonly DocumentInfo[];
  /** Empty on the last page. */
  readonly nextPageKey: string;
}

export type DocumentFormat = 'json' | 'text' | 'binary';

const ACCEPT: Record<DocumentFormat, string> = {
  json: 'application/json',
  text: 'text/plain',
  binary: 'application/x-protobuf',
};

/**
 * The few gateway routes the `upload`, `show` and `ls` commands use, over Node's fetch. The
 * customer, when given, goes in the `customer-id` header of the v2 routes (they default to the
 * credential's customer) and in `c` of uploads (which require it).
 */
export class GatewayClient {
  constructor(
    private readonly connection: Connection,
    private readonly customerId: string | undefined,
  ) {}

  get baseUrl(): string {
    return this.connection.baseUrl;
  }

  /** The stored record with provenance, or null when the corpus has no such document. */
  async documentInfo(corpusId: string, documentId: string): Promise<DocumentInfo | null> {
    const res = await this.send(`${documentPath(corpusId, documentId)}/info`, { headers: { accept: 'application/json' } });
    if (res.status === 404) {
      const error = await toError(res);
      // A 404 for the route itself (an old gateway) must not read as "not stored".
      if (error.internalCode === 'DOCUMENT_NOT_FOUND') return null;
      throw error;
    }
    if (!res.ok) throw await toError(res);
    return (await res.json()) as DocumentInfo;
  }

  /** GET /v2/whoami: the customer the credential acts for (null when it names none). */
  async credentialCustomer(): Promise<string | null> {
    const res = await this.send('/v2/whoami', { headers: { accept: 'application/json' } });
    if (!res.ok) throw await toError(res);
    return ((await res.json()) as { customer_id?: string | null }).customer_id ?? null;
  }

  async listDocuments(corpusId: string, page: { limit?: number; pageKey?: string; idPrefix?: string }): Promise<DocumentPage> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.pageKey) query.set('page_key', page.pageKey);
    if (page.idPrefix) query.set('id_prefix', page.idPrefix);
    const res = await this.send(`/v2/corpora/${encodeURIComponent(corpusId)}/documents?${query}`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw await toError(res);
    const body = (await res.json()) as { documents: DocumentInfo[]; metadata?: { page_key?: string } };
    return { documents: body.documents, nextPageKey: body.metadata?.page_key ?? '' };
  }

  async document(corpusId: string, documentId: string, format: DocumentFormat): Promise<Uint8Array> {
    const res = await this.send(documentPath(corpusId, documentId), { headers: { accept: ACCEPT[format] } });
    if (!res.ok) throw await toError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  /**
   * POST /v1/upload with one `file` part named `filename` (the document id of a raw file).
   * Resolves with whether the gateway had it already (a replay: nothing stored or charged).
   */
  async upload(target: { customerId: string; corpusId: string }, filename: string, bytes: Uint8Array): Promise<{ replayed: boolean }> {
    const query = new URLSearchParams({ c: target.customerId, o: target.corpusId });
    const { body, contentType } = singleFileForm(filename, bytes);
    const res = await this.send(`/v1/upload?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
    if (!res.ok) throw await toError(res);
    const answer = (await res.json()) as { response?: { status?: { code?: string } } };
    return { replayed: answer.response?.status?.code === 'ALREADY_EXISTS' };
  }

  private async send(path: string, init: { method?: string; headers: Record<string, string>; body?: Uint8Array }): Promise<Response> {
    const { credential } = this.connection;
    const headers: Record<string, string> = { ...init.headers };
    if (credential.kind === 'api-key') headers['x-api-key'] = credential.value;
    else headers['authorization'] = `Bearer ${credential.value}`;
    if (this.customerId !== undefined) headers['customer-id'] = this.customerId;
    try {
      // The cast: the typecheck program also holds the DOM lib (for the console test's in-page
      // functions), whose BodyInit does not take a Uint8Array over an ArrayBufferLike.
      const body = init.body as RequestInit['body'];
      return await fetch(`${this.connection.baseUrl}${path}`, { method: init.method ?? 'GET', headers, body });
    } catch (err) {
      throw new GatewayUnreachableError(`cannot reach the gateway at ${this.connection.baseUrl}: ${describeFetchFailure(err)}`);
    }
  }
}

function documentPath(corpusId: string, documentId: string): string {
  // One encodeURIComponent: the gateway decodes path ids exactly once, so "a/b" stays one segment.
  return `/v2/corpora/${encodeURIComponent(corpusId)}/documents/${encodeURIComponent(documentId)}`;
}

/**
 * A multipart body built by hand rather than with FormData: FormData writes the filename raw
 * (percent-escaping only quotes and newlines), while the document id must arrive exactly. The
 * RFC 5987 `filename*` carries any id, and the gateway honours it.
 */
function singleFileForm(filename: string, bytes: Uint8Array): { body: Uint8Array; contentType: string } {
  const boundary = `----corpusgate-${crypto.randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${rfc5987(filename)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { body: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** encodeURIComponent leaves ! ' ( ) * as they are; RFC 5987's attr-char does not allow them. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

async function toError(res: Response): Promise<GatewayRequestError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 && res.headers.has('retry-after') ? retryAfter : undefined;
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { internalCode?: unknown; details?: unknown };
    if (typeof body.internalCode === 'string') {
      return new GatewayRequestError(res.status, body.internalCode, typeof body.details === 'string' ? body.details : '', retryAfterSeconds);
    }
  } catch {
    // not the gateway's JSON (a proxy's HTML page, say): fall through to the status line
  }
  return new GatewayRequestError(res.status, `HTTP_${res.status}`, `${res.statusText || 'error'} from ${res.url}`, retryAfterSeconds);
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is in its cause. */
function describeFetchFailure(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is `corpusgate serve` running there?)';
  if (cause?.code === 'ENOTFOUND') return 'unknown host';
  if (cause?.message) return cause.code ? `${cause.code}: ${cause.message}` : cause.message;
  return err instanceof Error ? err.message : String(err);
}
