import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../args.js';
import { customerOfCredential } from './connection.js';
import { expectedDocumentId } from './document-id.js';
import { GatewayClient, GatewayRequestError, GatewayUnreachableError } from './http-client.js';
import { COMMON_OPTIONS, integerOption, parseClientCommandLine, resolveTarget } from './options.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { renderSummary, type FileResult } from './summary.js';
import { collectFiles, type LocalFile } from './walk.js';

export const UPLOAD_USAGE = `usage: corpusgate upload --corpus O [--customer C] [--concurrency N] [--url URL] PATH…

  Uploads files, and directories recursively (every type the gateway reads: .pdf .docx .pptx .odt
  .doc .rtf .html .md .epub .eml .txt .pb .pbtxt .json, and images for OCR: .jpg .jpeg .png .tif
  .tiff .bmp; hidden files skipped). A raw file's document id is its path relative to the
  directory argument (a file argument: its name). Files already stored with the same content are skipped without being
  sent, so running the same command again resumes. Exit code 0: all uploaded or skipped;
  1: some failed; 2: usage error.

  --customer C  whose corpus: by default the credential's customer (a token's customer_id
                claim; for an API key, the gateway's GET /v2/whoami)
  Environment: CORPUSGATE_URL, CORPUSGATE_API_KEY or CORPUSGATE_TOKEN`;

const DEFAULT_CONCURRENCY = 4;
/** A gateway that stays busy through this many waits is reported, not waited on forever. */
const MAX_BUSY_RETRIES = 5;
const MAX_RETRY_WAIT_SECONDS = 60;

interface UploadRun {
  readonly client: GatewayClient;
  readonly target: { readonly customerId: string; readonly corpusId: string };
  readonly progress: ProgressReporter;
  /** Document id → the file that claimed it first in this run. */
  readonly claimedIds: Map<string, string>;
}

/** `corpusgate upload`: resolves with the exit code. */
export async function uploadCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseClientCommandLine(argv, { ...COMMON_OPTIONS, concurrency: { type: 'string' } }, UPLOAD_USAGE);
  if (positionals.length === 0) throw new UsageError(`give at least one file or directory\n\n${UPLOAD_USAGE}`);
  const target = resolveTarget(values, UPLOAD_USAGE);
  const concurrency = integerOption(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1, 64);
  const walk = await collectFiles(positionals);

  const client = new GatewayClient(target.connection, target.customerId);
  // Uploads need `c`: --customer, else a JWT's customer_id claim, else (an API key names no
  // customer to clients) the gateway says whose the credential is.
  const customerId = target.customerId ?? customerOfCredential(target.connection) ?? (await client.credentialCustomer());
  if (customerId === null) throw new UsageError('--customer is required: the credential names no customer');
  // One cheap call first, so that a wrong URL, key or corpus gives one clear error, not one per file.
  await client.listDocuments(target.corpusId, { limit: 1 });

  const progress = createProgress(process.stderr, walk.files.length);
  const run: UploadRun = { client, target: { customerId, corpusId: target.corpusId }, progress, claimedIds: new Map() };
  const results = await mapConcurrently(walk.files, concurrency, async (file) => {
    const result = await uploadFile(run, file);
    progress.fileDone({ name: result.name, outcome: result.outcome, note: result.outcome === 'failed' ? `${result.code}: ${result.details}` : (result.details ?? '') });
    return result;
  });
  progress.finish();
  process.stdout.write(renderSummary(results, walk));
  return results.some((r) => r.outcome === 'failed') ? 1 : 0;
}

/**
 * One file: skipped without sending when the gateway already holds these exact bytes under
 * its id; reported as a conflict without sending when it holds other content (the gateway
 * would answer 409 after reading the whole body, and a person wants to know either way);
 * otherwise sent. Checking one id with /info costs one small request per file, whatever the
 * size of the corpus, where listing would read the whole corpus (Document files' ids are not
 * under any path prefix).
 */
async function uploadFile(run: UploadRun, file: LocalFile): Promise<FileResult> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file.path);
  } catch (err) {
    return failed(file, false, 0, 'READ_ERROR', (err as Error).message);
  }
  let sent = false;
  try {
    const documentId = expectedDocumentId(file.name, bytes);
    if (documentId !== null) {
      const owner = run.claimedIds.get(documentId);
      if (owner !== undefined) return failed(file, false, bytes.length, 'DUPLICATE_ID', `document id "${documentId}" is also the id of ${owner}; not sent`);
      run.claimedIds.set(documentId, file.name);
      const stored = await run.client.documentInfo(run.target.corpusId, documentId);
      if (stored !== null) {
        const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
        if (stored.provenance.source_sha256 === sha256) return done(file, 'skipped', false, bytes.length, 'already stored');
        return failed(file, false, bytes.length, 'CONFLICT', `document id "${documentId}" already holds other content (stored ${stored.created_at}); not sent`);
      }
    }
    sent = true;
    const { replayed } = await uploadWithRetries(run, file, bytes);
    return done(file, replayed ? 'skipped' : 'uploaded', true, bytes.length, replayed ? 'already stored (the gateway replayed it)' : '');
  } catch (err) {
    if (err instanceof GatewayRequestError) return failed(file, sent, bytes.length, err.internalCode, err.details);
    if (err instanceof GatewayUnreachableError) return failed(file, sent, bytes.length, 'UNREACHABLE', err.message);
    throw err;
  }
}

/** 503 EXTRACTION_BUSY means "come back in Retry-After seconds": wait that long, a few times. */
async function uploadWithRetries(run: UploadRun, file: LocalFile, bytes: Uint8Array): Promise<{ replayed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run.client.upload(run.target, file.name, bytes);
    } catch (err) {
      if (!(err instanceof GatewayRequestError) || err.status !== 503 || attempt > MAX_BUSY_RETRIES) throw err;
      const waitSeconds = Math.min(err.retryAfterSeconds ?? 1, MAX_RETRY_WAIT_SECONDS);
      run.progress.retrying(file.name, waitSeconds, attempt);
      await sleep(waitSeconds * 1000);
    }
  }
}

function done(file: LocalFile, outcome: FileResult['outcome'], sent: boolean, bytes: number, details: string): FileResult {
  return { name: file.name, outcome, sent, bytes, details };
}

function failed(file: LocalFile, sent: boolean, bytes: number, code: string, details: string): FileResult {
  return { name: file.name, outcome: 'failed', sent, bytes, code, details };
}

/** Runs `task` on every item with at most `limit` at once; results in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
