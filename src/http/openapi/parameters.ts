/** Building blocks of the routes' OpenAPI operations (src/http/route.ts). */
type Json = Record<string, unknown>;

export const CREDENTIAL_ERRORS = [400, 401, 403] as const;
export const corpusParam = { name: 'corpus', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' }, description: 'corpus id' };
export const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'document id, percent-encoded (decoded exactly once)' };
export const customerHeader = (required: boolean) => ({
  name: 'customer-id',
  in: 'header',
  required,
  schema: { type: 'string', pattern: '^\\d+$' },
  description: required ? 'the customer id (Vectara v1 JSON endpoints require it)' : "the customer id; defaults to the credential's",
});
export const query = (name: string, description: string, schema: Json = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });
export const jsonBody = (properties: Json, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});
/** A quota limit in a request: a number, "unlimited", or null for the configured default. */
export const limit = { oneOf: [{ type: 'integer', minimum: 0 }, { const: 'unlimited' }, { type: 'null' }] };
