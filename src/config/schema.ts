/**
 * Every environment variable corpusgate reads, with its description and default. This table is
 * the single source for validation (load-config.ts), `.env.example` and the README (a test checks
 * that both list every variable).
 */
export interface VariableSpec {
  readonly name: string;
  readonly description: string;
  /** Default as written in .env.example; undefined = unset. */
  readonly default?: string;
}

export const VARIABLES: readonly VariableSpec[] = [
  { name: 'PORT', description: 'TCP port the gateway listens on.', default: '8080' },
  { name: 'HOST', description: 'Interface to bind (0.0.0.0 = all).', default: '0.0.0.0' },
  { name: 'DATA_DIR', description: 'Directory for the SQLite database, the dev JWT secret and the upload spool (spool/).', default: './data' },
  {
    name: 'MAX_UPLOAD_BYTES',
    description: 'Largest accepted file part in bytes; larger uploads get 413 as soon as the limit is crossed.',
    default: '10485760',
  },
  {
    name: 'SQLITE_LOCK_WAIT_MS',
    description:
      'Longest a write waits for the database while another process holds its write lock (without blocking ' +
      'other requests); past it the request gets 503 UNAVAILABLE with Retry-After and nothing is stored.',
    default: '5000',
  },
  {
    name: 'HEADERS_TIMEOUT_MS',
    description: 'A client must send its request headers within this time of connecting (or of starting the request); past it 408 and the connection is closed.',
    default: '20000',
  },
  {
    name: 'BODY_IDLE_TIMEOUT_MS',
    description:
      'While the gateway reads a request body, this long without a byte (a stalled client, or a Content-Length larger than the body) gets 408 and the connection is closed.',
    default: '20000',
  },
  {
    name: 'UPLOAD_DEADLINE_MS',
    description:
      'A request body (an upload) must have arrived this long after its headers, however steadily it trickles; past it 408 and the connection is closed.',
    default: '120000',
  },
  {
    name: 'JWT_JWKS_URL',
    description: 'Verify tokens with this remote JWKS (cached; an unknown kid refetches at most once per 30 s).',
  },
  { name: 'JWT_PUBLIC_KEY_FILE', description: 'Verify tokens with this PEM public key (SPKI, "BEGIN PUBLIC KEY").' },
  {
    name: 'JWT_SECRET',
    description:
      'Verify HS256 tokens with this shared secret (development). With none of the three JWT_* key ' +
      'sources set, `serve` and `token` generate one and keep it in DATA_DIR/dev-jwt-secret.',
  },
  {
    name: 'JWT_ALGORITHMS',
    description:
      'Comma-separated allow-list. Default RS256,ES256,EdDSA for public keys, HS256 for a secret; "none" is never accepted.',
  },
  { name: 'JWT_ISSUER', description: 'When set, tokens must carry this `iss`.' },
  { name: 'JWT_AUDIENCE', description: 'When set, tokens must carry this `aud`.' },
  {
    name: 'DEFAULT_CORPUS_MAX_CHARS',
    description: 'Character quota (text + metadata) of a corpus without its own limit; unset = unlimited.',
  },
  { name: 'DEFAULT_CORPUS_MAX_DOCS', description: 'Document-count quota of a corpus without its own limit; unset = unlimited.' },
  {
    name: 'DEFAULT_CUSTOMER_MAX_CHARS',
    description: 'Character quota over all corpora of a customer without its own limit; unset = unlimited.',
  },
  { name: 'DEFAULT_CUSTOMER_MAX_DOCS', description: 'Document-count quota of a customer without its own limit; unset = unlimited.' },
  { name: 'EXTRACT_WORKERS', description: 'Extraction worker threads (default: the number of CPUs).' },
  {
    name: 'EXTRACT_TIMEOUT_MS',
    description: 'Longest one file may take to extract; past it the worker is killed (422 EXTRACTION_TIMEOUT).',
    default: '60000',
  },
  {
    name: 'EXTRACT_MAX_HEAP_MB',
    description: 'Heap cap of each extraction worker; a file that needs more gets 422 EXTRACTION_RESOURCE_LIMIT.',
    default: '512',
  },
  {
    name: 'EXTRACT_MAX_BUFFER_MB',
    description:
      'Memory outside the heap one parse may hold (ArrayBuffers, WASM memory), e.g. a stream that inflates without end; ' +
      'past it the file gets 422 EXTRACTION_RESOURCE_LIMIT.',
    default: '128',
  },
  {
    name: 'PDF_ENGINE',
    description:
      'PDF text engine: auto (PDFium, with pdf.js for files PDFium cannot read or whose fonts it cannot map to Unicode), ' +
      'pdfium or pdfjs (that engine only).',
    default: 'auto',
  },
  {
    name: 'EXTRACT_QUEUE_MAX',
    description: 'Files that may wait for a worker; past it uploads get 503 with Retry-After.',
    default: '64',
  },
  {
    name: 'DEMO_SEED',
    description: '`serve` creates the demo customer 123456 with corpus 151 when absent (true/false).',
    default: 'true',
  },
  {
    name: 'LOG_LEVEL',
    description: 'Least severe JSON log line written to stdout: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    description:
      'On SIGTERM/SIGINT, how long in-flight requests may take to finish before their connections are closed.',
    default: '25000',
  },
];
