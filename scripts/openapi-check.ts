import { Ajv2020 } from 'ajv/dist/2020.js';
/** One response the gateway gave (recorded by test/helpers/response-recorder.ts). */
export interface RecordedResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string | null;
  /** The body was larger than the recorder keeps (its schema cannot be checked; its status and type are). */
  readonly bodyTooLarge?: boolean;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CheckResult {
  readonly checked: number;
  readonly problems: string[];
  /** Documented operations no response of the suite exercised successfully. */
  readonly untested: string[];
}

/**
 * Every recorded response must be described by the document: its path and method, its status
 * and its content type, and the body must match the schema. 404/405 answers on paths that are not
 * (or not for that method) routes must be Error bodies.
 */
export function checkResponses(doc: Json, records: readonly RecordedResponse[]): CheckResult {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validate = (key: string, schema: Json, body: unknown): string | null => {
    let v = validators.get(key);
    if (!v) {
      v = ajv.compile({ ...schema, components: doc['components'] });
      validators.set(key, v);
    }
    return v(body) ? null : ajv.errorsText(v.errors);
  };
  const templates = Object.keys(doc['paths'] as Json).map((template) => ({
    template,
    // A trailing slash names the same route, as for the 404/405 answers (src/http/routes.ts).
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}/?$`),
  }));
  const problems: string[] = [];
  const seen = new Set<string>();

  for (const r of records) {
    const where = `${r.method} ${r.path} → ${r.status}`;
    const json = r.contentType?.startsWith('application/json') ? parse(r.body) : undefined;
    const match = templates.find((t) => t.pattern.test(r.path));
    const operation = match ? (doc['paths'][match.template] as Json)[r.method === 'HEAD' ? 'get' : r.method.toLowerCase()] : undefined;
    if (!operation) {
      if (r.status !== 404 && r.status !== 405) problems.push(`${where}: not a documented route`);
      const error = validate('Error', { $ref: '#/components/schemas/Error' }, json);
      if (error) problems.push(`${where}: not an Error body: ${error}`);
      continue;
    }
    const response = (operation['responses'] as Json)[String(r.status)];
    if (!response) {
      problems.push(`${where}: status not documented for ${r.method} ${match!.template}`);
      continue;
    }
    if (r.status < 400) seen.add(`${r.method === 'HEAD' ? 'GET' : r.method} ${match!.template}`);
    const content = response['content'] as Json | undefined;
    if (!content) {
      if (r.body) problems.push(`${where}: documented without a body, sent one`);
      continue;
    }
    const type = (r.contentType ?? '').split(';')[0]!.trim();
    const media = content[type] as Json | undefined;
    if (!media) {
      problems.push(`${where}: content type "${type}" not documented (documented: ${Object.keys(content).join(', ')})`);
      continue;
    }
    if (type === 'application/json' && r.method !== 'HEAD' && !r.bodyTooLarge) {
      const error = validate(`${r.method} ${match!.template} ${r.status}`, media['schema'] as Json, json);
      if (error) problems.push(`${where}: body does not match the schema: ${error}; body ${(r.body ?? '').slice(0, 300)}`);
    }
  }

  const untested: string[] = [];
  for (const [template, operations] of Object.entries(doc['paths'] as Json)) {
    for (const method of Object.keys(operations as Json)) {
      if (!seen.has(`${method.toUpperCase()} ${template}`)) untested.push(`${method.toUpperCase()} ${template}`);
    }
  }
  return { checked: records.length, problems, untested };
}

function parse(body: string | null): unknown {
  if (body === null) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return Symbol('not JSON');
  }
}
