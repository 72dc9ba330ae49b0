import { isJsonObject, nestsTooDeep } from '../document/index.js';
import { UNLIMITED, type StoredLimit } from '../quota/index.js';
import type { DocumentRecord } from '../store/index.js';
import type { CorpusView, DocumentListing, UsageView } from '../usecases/index.js';

/** JSON bodies of the listing, inspection and admin routes (snake_case, as Vectara's v2 API). */

/** POST /v1/list-documents: Vectara v1's ListDocumentsResponse in proto3 JSON. */
export function v1ListBody(listing: DocumentListing): Record<string, unknown> {
  return {
    document: listing.documents.map((d) => ({
      id: d.key.documentId,
      metadata: Object.entries(metadataObject(d.metadataJson)).map(([name, value]) => ({
        name,
        value: typeof value === 'string' ? value : JSON.stringify(value),
      })),
    })),
    nextPageKey: listing.nextPageKey,
  };
}

export function v2ListBody(listing: DocumentListing): Record<string, unknown> {
  return { documents: listing.documents.map(documentRecordBody), metadata: { page_key: listing.nextPageKey } };
}

/** A stored document as operators see it: what it is, what it cost, where it came from. */
export function documentRecordBody(d: DocumentRecord): Record<string, unknown> {
  return {
    id: d.key.documentId,
    title: d.title,
    metadata: metadataObject(d.metadataJson),
    created_at: d.createdAt,
    charge: { num_chars: d.charge.numChars, num_metadata_chars: d.charge.numMetadataChars },
    provenance: {
      source_sha256: d.provenance.sourceSha256,
      source_size: d.provenance.sourceSize,
      detected_type: d.provenance.sourceFormat,
      extractor: d.provenance.extractor,
      extraction_ms: d.provenance.extractionMs,
      uploader: d.provenance.uploader,
    },
  };
}

export function corpusBody({ corpus, usage }: CorpusView): Record<string, unknown> {
  return {
    id: corpus.corpusId,
    name: corpus.name,
    created_at: corpus.createdAt,
    ...(usage ? { usage: usageBody(usage) } : {}),
  };
}

/**
 * Usage against limits, with "unlimited" in one form wherever a limit is shown (as the
 * environment, the CLI and PUT take it): `max_*` is the limit in force, a number or "unlimited";
 * `own_max_*` is the scope's own setting: a number, "unlimited", or null when the configured
 * default applies.
 * `reserved_docs`: documents promised to batch jobs not extracted yet; they count against
 * `max_docs` beside `used_docs`.
 */
export function usageBody({ usage, inForce }: UsageView): Record<string, unknown> {
  return {
    scope: usage.scope,
    used_chars: usage.usedChars,
    used_text_chars: usage.usedTextChars,
    used_metadata_chars: usage.usedMetadataChars,
    used_docs: usage.usedDocs,
    reserved_docs: usage.reservedDocs,
    max_chars: inForce.maxChars ?? 'unlimited',
    max_docs: inForce.maxDocs ?? 'unlimited',
    own_max_chars: ownLimit(usage.maxChars),
    own_max_docs: ownLimit(usage.maxDocs),
  };
}

function ownLimit(stored: StoredLimit): number | 'unlimited' | null {
  return stored === UNLIMITED ? 'unlimited' : stored;
}

/**
 * Stored metadata as an object. Metadata that cannot be shown safely (not an object, not JSON,
 * or nested past the input limit by a version that had none) is shown as {}: one stored document
 * must never make a listing fail.
 */
function metadataObject(metadataJson: string): Record<string, unknown> {
  if (metadataJson.trim() === '' || nestsTooDeep(metadataJson)) return {};
  try {
    const value: unknown = JSON.parse(metadataJson);
    return isJsonObject(value) ? value : {};
  } catch {
    return {};
  }
}
