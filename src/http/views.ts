import { create, toJson, type JsonValue } from '@bufbuild/protobuf';
import { StatusCode, StatusSchema, StorageQuotaSchema } from '../document/gen/status_pb.js';
import { documentToJson } from '../document/index.js';
import type { GatewayError } from '../errors/index.js';
import type { UploadResult } from '../usecases/index.js';

/**
 * The only place that shapes JSON bodies. Upload answers are proto3 JSON (camelCase, int64 as
 * strings), as Vectara's clients parse them.
 */
export function uploadResponse(result: UploadResult): Record<string, JsonValue> {
  return {
    response: indexResponse(result, false),
    ...(result.document ? { document: documentToJson(result.document) } : {}),
    // Recoverable problems (e.g. TEXT_GARBLED); clients ignore keys they do not know.
    ...(result.warnings.length > 0 ? { warnings: result.warnings.map((w) => ({ code: w.code, message: w.message })) } : {}),
  };
}

/**
 * Vectara's IndexDocumentResponse: status and quotaConsumed. The upload answer omits an OK code
 * (proto3 JSON leaves defaults out); POST /v1/index spells it out, as Vectara's index answer does.
 */
export function indexResponse(result: UploadResult, explicitOk: boolean): { [key: string]: JsonValue } {
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
    status: explicitOk && result.status === 'created' ? { code: 'OK' } : toJson(StatusSchema, status),
    quotaConsumed: toJson(StorageQuotaSchema, quota, { alwaysEmitImplicit: true }),
  };
}

export function errorBody(status: number, err: GatewayError): Record<string, unknown> {
  return { httpCode: status, internalCode: err.code, details: err.message, ...err.extra };
}
