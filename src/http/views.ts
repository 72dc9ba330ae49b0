import { create, toJson, type JsonValue } from '@bufbuild/protobuf';
import { StatusCode, StatusSchema, StorageQuotaSchema } from '../document/gen/status_pb.js';
import { documentToJson } from '../document/index.js';
import type { GatewayError } from '../errors/index.js';
import type { IngestResult } from '../ingest/index.js';

/**
 * The only place that shapes JSON bodies. Upload answers are proto3 JSON (camelCase, int64 as
 * strings), as Vectara's clients parse them.
 */
export function uploadResponse(result: IngestResult): Record<string, JsonValue> {
  const status =
    result.status === 'replayed'
      ? create(StatusSchema, {
          code: StatusCode.ALREADY_EXISTS,
          statusDetail: `document id '${result.documentId}' was already indexed with the same content; nothing was stored or charged`,
        })
      : create(StatusSchema);
  const quota = create(StorageQuotaSchema, {
    numChars: BigInt(result.charge.numChars),
    numMetadataChars: BigInt(result.charge.numMetadataChars),
  });
  return {
    response: {
      status: toJson(StatusSchema, status),
      quotaConsumed: toJson(StorageQuotaSchema, quota, { alwaysEmitImplicit: true }),
    },
    ...(result.document ? { document: documentToJson(result.document) } : {}),
    // Recoverable problems (e.g. TEXT_GARBLED); clients ignore keys they do not know.
    ...(result.warnings.length > 0 ? { warnings: result.warnings.map((w) => ({ code: w.code, message: w.message })) } : {}),
  };
}

export function errorBody(status: number, err: GatewayError): Record<string, unknown> {
  return { httpCode: status, internalCode: err.code, details: err.message, ...err.extra };
}
