import { LOCAL_OPERATOR } from '../auth/index.js';
import type { JobRecord, JobStatus } from '../store/index.js';
import { listJobs, retryJob, showJob, type UseCaseDeps } from '../usecases/index.js';
import { corpusIdOption, customerIdOption, parseCommandLine, pickSubcommand, UsageError } from './args.js';
import { withLocalUseCases } from './local-use-cases.js';
import type { AdminRun } from './admin.js';

/** Without --limit: enough for a look at the queue, bounded so a big backlog does not flood the terminal. */
const DEFAULT_LIMIT = 100;

const LS_USAGE = `usage: corpusgate jobs ls [--customer C] [--corpus O] [--status queued|processing|done|failed] [--limit N]
  Batch upload jobs, oldest first (at most ${DEFAULT_LIMIT} unless --limit): a header row, then one tab-separated
  line per job: id, customer, corpus, status, attempts, error code (- when none), filename, updated_at.`;
const SHOW_USAGE = `usage: corpusgate jobs show ID
  The job as JSON (status, attempts, error {code, detail}, file, times).`;
const RETRY_USAGE = `usage: corpusgate jobs retry ID
  Puts a failed job (e.g. QUARANTINED) back in the queue: attempts 0, error cleared. A job that is
  not failed is refused (exit 2) and left as it is.`;
const USAGE = `usage: corpusgate jobs ls|show|retry …  (each takes --help)\n\n${LS_USAGE}\n\n${SHOW_USAGE}\n\n${RETRY_USAGE}`;

const STATUSES: readonly JobStatus[] = ['queued', 'processing', 'done', 'failed'];

/** `corpusgate jobs ls|show|retry`: the batch job queue, on the configured database, as the local operator. */
export function jobsCommand(argv: string[]): AdminRun {
  const [sub, ...rest] = argv;
  const run = pickSubcommand(sub, { ls, show, retry }, USAGE)(rest);
  return (config) => withLocalUseCases(config, run);
}

/** What a subcommand does on the database. */
type Run = (deps: UseCaseDeps) => Promise<void>;

function ls(argv: string[]): Run {
  const o = parseCommandLine(argv, {
    customer: { type: 'string' }, corpus: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' },
  }, LS_USAGE).values;
  const status = o.status as string | undefined;
  if (status !== undefined && !STATUSES.includes(status as JobStatus)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  const limitText = o.limit as string | undefined;
  if (limitText !== undefined && !/^[1-9]\d{0,8}$/.test(limitText)) throw new UsageError('--limit must be a positive integer');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  const filter = {
    ...(o.customer !== undefined ? { customerId: customerIdOption(o.customer as string) } : {}),
    ...(o.corpus !== undefined ? { corpusId: corpusIdOption(o.corpus as string) } : {}),
    ...(status !== undefined ? { status: status as JobStatus } : {}),
    limit,
  };
  return async (deps) => {
    const jobs = await listJobs(deps, LOCAL_OPERATOR, filter);
    console.log(['id', 'customer', 'corpus', 'status', 'attempts', 'error', 'filename', 'updated_at'].join('\t'));
    for (const job of jobs) console.log(row(job));
  };
}

/** One line of `jobs ls`; the filename (the client's, any bytes) cannot break the columns. */
function row(job: JobRecord): string {
  const filename = job.filename.replace(/[\u0000-\u001f\u007f]/g, '?');
  return [job.jobId, job.customerId, job.corpusId, job.status, job.attempts, job.error?.code ?? '-', filename, job.updatedAt].join('\t');
}

/** The one positional ID of show and retry. */
function jobId(argv: string[], usage: string): string {
  const { positionals } = parseCommandLine(argv, {}, usage, true);
  if (positionals.length !== 1) throw new UsageError(usage);
  return positionals[0]!;
}

function show(argv: string[]): Run {
  const id = jobId(argv, SHOW_USAGE);
  return async (deps) => console.log(JSON.stringify(await showJob(deps, LOCAL_OPERATOR, id), null, 2));
}

function retry(argv: string[]): Run {
  const id = jobId(argv, RETRY_USAGE);
  return async (deps) => {
    const job = await retryJob(deps, LOCAL_OPERATOR, id);
    console.log(`re-queued job ${job.jobId} (customer ${job.customerId}, corpus ${job.corpusId}): attempts 0, error cleared`);
  };
}
