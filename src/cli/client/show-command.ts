import { UsageError } from '../args.js';
import { GatewayClient, GatewayRequestError, type DocumentFormat } from './http-client.js';
import { COMMON_OPTIONS, parseClientCommandLine, resolveTarget } from './options.js';

export const SHOW_USAGE = `usage: corpusgate show --corpus O [--customer C] [--format json|text|binary] [--info] [--url URL] ID

  Prints a stored document: proto3 JSON (pretty, the default), protobuf text format, or the
  binary com.vectara.indexing.Document (to a file or pipe, not a terminal). --info prints the
  record instead: title, metadata, charge and provenance (source SHA-256, detected type, …).
  Environment: CORPUSGATE_URL, CORPUSGATE_API_KEY or CORPUSGATE_TOKEN`;

const FORMATS: readonly DocumentFormat[] = ['json', 'text', 'binary'];

/** `corpusgate show`: resolves with the exit code. */
export async function showCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientCommandLine(argv, { ...COMMON_OPTIONS, format: { type: 'string' }, info: { type: 'boolean' } }, SHOW_USAGE);
  const [documentId, ...extra] = positionals;
  if (documentId === undefined || extra.length > 0) throw new UsageError(`give exactly one document id\n\n${SHOW_USAGE}`);
  const format = (values.format ?? 'json') as DocumentFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (values.info && values.format !== undefined) throw new UsageError('--info prints JSON; leave out --format');
  // Raw protobuf on a terminal is unreadable and can leave it in a strange state.
  if (format === 'binary' && process.stdout.isTTY) throw new UsageError('--format binary writes bytes; redirect stdout to a file or a pipe');
  const target = resolveTarget(values, SHOW_USAGE);
  const client = new GatewayClient(target.connection, target.customerId);

  if (values.info) {
    const record = await client.documentInfo(target.corpusId, documentId);
    // documentInfo reads this 404 as "not stored" (what upload wants); here it is the answer.
    if (record === null) throw new GatewayRequestError(404, 'DOCUMENT_NOT_FOUND', `document id '${documentId}' is not stored in corpus ${target.corpusId}`, undefined);
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return 0;
  }
  const bytes = await client.document(target.corpusId, documentId, format);
  if (format === 'binary') process.stdout.write(bytes);
  else if (format === 'json') process.stdout.write(`${JSON.stringify(JSON.parse(Buffer.from(bytes).toString('utf8')), null, 2)}\n`);
  else process.stdout.write(Buffer.from(bytes).toString('utf8'));
  return 0;
}

