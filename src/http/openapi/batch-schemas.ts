/** JSON Schemas of the Documind-style batch upload API (/api/v1/…): its bodies and its error shape. */
type Schema = Record<string, unknown>;

const uuid: Schema = { type: 'string', format: 'uuid' };
const sha256: Schema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

export const BATCH_SCHEMAS: Record<string, Schema> = {
  Detail: {
    type: 'object',
    properties: { detail: { type: 'string' } },
    required: ['detail'],
    additionalProperties: false,
    description: 'the error body of the /api/v1 routes (Documind shape)',
  },
  BatchIds: { type: 'array', items: uuid, description: 'one new document id per file, in the order sent' },
  BatchVerbose: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        id: uuid,
        filename: { type: 'string' },
        size: { type: 'integer', minimum: 1 },
        sha256,
        status: { const: 'queued' },
        duplicate_of: { type: ['string', 'null'], description: 'an earlier document of the corpus with the same bytes' },
      },
      required: ['id', 'filename', 'size', 'sha256', 'status', 'duplicate_of'],
      additionalProperties: false,
    },
  },
  JobStatus: {
    type: 'object',
    properties: {
      id: uuid,
      filename: { type: 'string' },
      status: { enum: ['queued', 'processing', 'done', 'failed'] },
      error: {
        oneOf: [
          {
            type: 'object',
            properties: {
              code: { type: 'string', description: "the failure's internalCode (CORRUPT, QUOTA_EXCEEDED, …), or QUARANTINED: JOB_MAX_ATTEMPTS attempts killed or timed out their worker" },
              detail: { type: 'string' },
            },
            required: ['code', 'detail'],
            additionalProperties: false,
          },
          { type: 'null' },
        ],
      },
      created_at: { type: 'string', format: 'date-time' },
      updated_at: { type: 'string', format: 'date-time' },
      pages: { type: ['integer', 'null'] },
      size: { type: 'integer' },
      sha256,
      document: { $ref: '#/components/schemas/Document', description: 'include=document, once done' },
    },
    required: ['id', 'filename', 'status', 'error', 'created_at', 'updated_at', 'pages', 'size', 'sha256'],
    additionalProperties: false,
  },
  BatchDocumentList: {
    type: 'object',
    properties: {
      documents: { type: 'array', items: { $ref: '#/components/schemas/JobStatus' }, description: 'in upload order (FIFO); never with document' },
      next_page_key: { type: ['string', 'null'], description: 'page_key of the next page; null on the last' },
    },
    required: ['documents', 'next_page_key'],
    additionalProperties: false,
  },
  BatchDeleted: {
    type: 'object',
    properties: { id: { type: 'string' }, deleted: { const: true } },
    required: ['id', 'deleted'],
    additionalProperties: false,
  },
  JobList: {
    type: 'object',
    properties: {
      jobs: { type: 'array', items: { $ref: '#/components/schemas/JobStatus' }, description: 'in upload order (FIFO)' },
      metadata: { type: 'object', properties: { page_key: { type: 'string', description: '"" on the last page' } }, required: ['page_key'], additionalProperties: false },
    },
    required: ['jobs', 'metadata'],
    additionalProperties: false,
    description: "GET /v2/corpora/{corpus}/jobs: the corpus's batch jobs, for operators",
  },
};
