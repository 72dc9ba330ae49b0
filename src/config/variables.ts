/**
 * Every environment variable corpusgate reads, one entry each: name, description and default as
 * documented (.env.example is generated from them, the README lists them), the parser that
 * validates it, and the Config field it sets. loadConfig (load-config.ts) is a loop over this
 * table; adding a variable is adding an entry here (and its README row, which a test checks).
 */
import { bool, enumOf, int, limit, listOf, optional, path, postgresUrl, redisUrl, secret, text, url } from './parsers.js';
import { LOG_LEVELS, type ConfigPath } from './types.js';
import { EXTRACTION_VARIABLES } from './extraction-variables.js';
import { MS_1H, variable } from './variable.js';

export type { Variable } from './variable.js';

const ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
  'HS256', 'HS384', 'HS512',
];

export const CONFIG_VARIABLES = [
  variable({ name: 'PORT', description: 'TCP port the gateway listens on.', default: '8080', parser: int(0, 65535), to: 'port' }),
  variable({ name: 'HOST', description: 'Interface to bind (0.0.0.0 = all).', default: '0.0.0.0', parser: text, to: 'host' }),
  variable({
    name: 'DATA_DIR',
    description: 'Directory for the SQLite database, the dev JWT secret, the upload spool (spool/) and batch-uploaded files (files/; shared by every process on one DATABASE_URL).',
    default: './data',
    parser: path,
    to: 'dataDir',
  }),
  variable({
    name: 'MAX_UPLOAD_BYTES',
    description: 'Largest accepted file part in bytes; larger uploads get 413 as soon as the limit is crossed.',
    default: '10485760',
    parser: int(1, 1024 * 1024 * 1024),
    to: 'maxUploadBytes',
  }),
  variable({
    name: 'MAX_BATCH_FILES',
    description: 'Most files one batch upload (POST /api/v1/upload) may carry; one more gets 413 at once and nothing is kept.',
    default: '100',
    parser: int(1, 10_000),
    to: 'maxBatchFiles',
  }),
  variable({
    name: 'MAX_BATCH_BYTES',
    description: 'Most bytes of files one batch upload may carry, all parts together; crossing it gets 413 at once and nothing is kept.',
    default: '104857600',
    parser: int(1, 64 * 1024 * 1024 * 1024),
    to: 'maxBatchBytes',
  }),
  variable({
    name: 'DATABASE_URL',
    description:
      'PostgreSQL to keep everything in (postgres://user:password@host:5432/db; ?options=-c%20search_path%3Ds for an existing schema s), ' +
      'shared by every gateway process pointed at it; unset: the SQLite file DATA_DIR/corpusgate.db.',
    parser: optional(postgresUrl),
    to: 'databaseUrl',
  }),
  variable({
    name: 'DATABASE_POOL_SIZE',
    description: 'Most connections one gateway process opens to DATABASE_URL; callers past it wait (up to 5 s, then 503 UNAVAILABLE).',
    default: '10',
    parser: int(1, 1000),
    to: 'databasePoolSize',
  }),
  variable({
    name: 'DATABASE_SYNCHRONOUS_COMMIT',
    description:
      "PostgreSQL's synchronous_commit for the gateway's connections. on: a 200 is answered after the database " +
      'flushed the commit to disk (nothing answered is lost, even on a power failure). off: after it is written ' +
      "but before the flush, as the SQLite default (synchronous=NORMAL) does: a crash of the gateway loses nothing, a " +
      "crash of the database host may lose the last ~0.6 s of answered uploads (never corrupts); about 2× the uploads " +
      'per second of one customer (npm run bench).',
    default: 'on',
    parser: enumOf(['on', 'off']),
    to: 'databaseSynchronousCommit',
  }),
  variable({
    name: 'SQLITE_LOCK_WAIT_MS',
    description:
      'Longest a write waits for the database while another process holds its write lock (without blocking ' +
      'other requests); past it the request gets 503 UNAVAILABLE with Retry-After and nothing is stored.',
    default: '5000',
    parser: int(0, 600_000),
    to: 'sqliteLockWaitMs',
  }),
  variable({
    name: 'HEADERS_TIMEOUT_MS',
    description: 'A client must send its request headers within this time of connecting (or of starting the request); past it 408 and the connection is closed.',
    default: '20000',
    parser: int(100, MS_1H),
    to: 'http.headersTimeoutMs',
  }),
  variable({
    name: 'BODY_IDLE_TIMEOUT_MS',
    description:
      'While the gateway reads a request body, this long without a byte (a stalled client, or a Content-Length larger than the body) gets 408 and the connection is closed.',
    default: '20000',
    parser: int(100, MS_1H),
    to: 'http.bodyIdleTimeoutMs',
  }),
  variable({
    name: 'UPLOAD_DEADLINE_MS',
    description:
      'A request body (an upload) must have arrived this long after its headers, however steadily it trickles; past it 408 and the connection is closed.',
    default: '120000',
    parser: int(100, 24 * MS_1H),
    to: 'http.uploadDeadlineMs',
  }),
  variable({
    name: 'JWT_JWKS_URL',
    description: 'Verify tokens with this remote JWKS (cached; an unknown kid refetches at most once per 30 s).',
    parser: optional(url),
    to: 'jwt.jwksUrl',
  }),
  variable({
    name: 'JWT_PUBLIC_KEY_FILE',
    description: 'Verify tokens with this PEM public key (SPKI, "BEGIN PUBLIC KEY"); a private key there is refused at start.',
    parser: optional(text),
    to: 'jwt.publicKeyFile',
  }),
  variable({
    name: 'JWT_SECRET',
    description:
      'Verify HS256 tokens with this shared secret (development). With none of the three JWT_* key ' +
      'sources set, `serve` and `token` generate one and keep it in DATA_DIR/dev-jwt-secret.',
    parser: optional(secret(32, 'HS256 needs a 256-bit key')),
    to: 'jwt.secret',
  }),
  variable({
    name: 'JWT_ALGORITHMS',
    description:
      'Comma-separated allow-list. Default RS256,ES256,EdDSA for public keys, HS256 for a secret; "none" is never accepted.',
    // Unset = null: auth/key-source.ts picks the default for the key source.
    parser: optional(listOf(ALGORITHMS, 'algorithm')),
    to: 'jwt.algorithms',
  }),
  variable({ name: 'JWT_ISSUER', description: 'When set, tokens must carry this `iss`.', parser: optional(text), to: 'jwt.issuer' }),
  variable({ name: 'JWT_AUDIENCE', description: 'When set, tokens must carry this `aud`.', parser: optional(text), to: 'jwt.audience' }),
  variable({
    name: 'DEFAULT_CORPUS_MAX_CHARS',
    description: 'Character quota (text + metadata) of a corpus without its own limit; unset or "unlimited" = no limit.',
    parser: limit(),
    to: 'quotaDefaults.corpusMaxChars',
  }),
  variable({
    name: 'DEFAULT_CORPUS_MAX_DOCS',
    description: 'Document-count quota of a corpus without its own limit; unset or "unlimited" = no limit.',
    parser: limit(),
    to: 'quotaDefaults.corpusMaxDocs',
  }),
  variable({
    name: 'DEFAULT_CUSTOMER_MAX_CHARS',
    description: 'Character quota over all corpora of a customer without its own limit; unset or "unlimited" = no limit.',
    parser: limit(),
    to: 'quotaDefaults.customerMaxChars',
  }),
  variable({
    name: 'DEFAULT_CUSTOMER_MAX_DOCS',
    description: 'Document-count quota of a customer without its own limit; unset or "unlimited" = no limit.',
    parser: limit(),
    to: 'quotaDefaults.customerMaxDocs',
  }),
  ...EXTRACTION_VARIABLES,
  variable({
    name: 'RATE_LIMIT_PER_MINUTE',
    description:
      'Upload requests (a batch counts once) one customer may make per minute on /v1/upload, /upload and /api/v1/upload; more get 429 ' +
      'RATE_LIMITED with Retry-After. Unset or 0 = no limit. Without REDIS_URL each process keeps its own count.',
    parser: int(0, 1_000_000),
    to: 'rateLimit.perMinute',
    unset: () => 0,
  }),
  variable({
    name: 'REDIS_URL',
    description:
      'redis:// URL: RATE_LIMIT_PER_MINUTE is counted in this Redis, shared by every gateway process using it. While Redis ' +
      'does not answer, each process counts on its own (a warning is logged).',
    parser: optional(redisUrl),
    to: 'rateLimit.redisUrl',
  }),
  variable({
    name: 'DEMO_SEED',
    description: '`serve` creates the demo customer 123456 with corpus 151 when absent (true/false).',
    default: 'true',
    parser: bool,
    to: 'demoSeed',
  }),
  variable({
    name: 'LOG_LEVEL',
    description: 'Least severe JSON log line written to stdout: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    parser: enumOf(LOG_LEVELS),
    to: 'logLevel',
  }),
  variable({
    name: 'SHUTDOWN_GRACE_MS',
    description:
      'On SIGTERM/SIGINT, how long in-flight requests may take to finish before their connections are closed.',
    // Kubernetes sends SIGKILL 30 s after SIGTERM by default: 25 s leaves room to close the pool and DB.
    default: '25000',
    parser: int(0, MS_1H),
    to: 'shutdownGraceMs',
  }),
] as const;

// Compile-time check: every Config field is the target of some variable (a missing one is named here).
type Unset = Exclude<ConfigPath, (typeof CONFIG_VARIABLES)[number]['to']>;
const everyFieldSet: [Unset] extends [never] ? true : Unset = true;
void everyFieldSet;
