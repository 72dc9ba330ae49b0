/** The typed configuration the gateway runs with, as loadConfig (load-config.ts) returns it. */

export interface QuotaDefaults {
  readonly corpusMaxChars: number | null;
  readonly corpusMaxDocs: number | null;
  readonly customerMaxChars: number | null;
  readonly customerMaxDocs: number | null;
}

export interface JwtConfig {
  readonly jwksUrl: string | null;
  readonly publicKeyFile: string | null;
  readonly secret: string | null;
  /** null = the default for the key source (see auth/key-source.ts). */
  readonly algorithms: readonly string[] | null;
  readonly issuer: string | null;
  readonly audience: string | null;
}

export interface ExtractConfig {
  readonly workers: number;
  readonly timeoutMs: number;
  readonly maxHeapMb: number;
  readonly maxBufferMb: number;
  readonly queueMax: number;
  /** PDF_ENGINE: auto (PDFium, pdf.js where it fails), pdfium or pdfjs. */
  readonly pdfEngine: 'auto' | 'pdfium' | 'pdfjs';
  /** OCR: auto (images and PDF pages without a text layer are recognised) or off. */
  readonly ocr: 'auto' | 'off';
  /** Most pages (PDF pages, TIFF pages) recognised in one file. */
  readonly ocrMaxPages: number;
  /** Largest image or rendered page recognised, in megapixels; larger ones are refused, never decoded. */
  readonly ocrMaxMegapixels: number;
  /** OCR's own time budget per file, on top of EXTRACT_TIMEOUT_MS. */
  readonly ocrTimeoutMs: number;
}

/** The batch job queue (src/jobs). */
export interface JobsConfig {
  /** How long a claim holds a job; renewed every third of it while the job runs. */
  readonly leaseMs: number;
  /** Worker-killing attempts (crash, timeout, a process dead under it) before QUARANTINED. */
  readonly maxAttempts: number;
}

/** Upload rate limits per customer (src/ratelimit). */
export interface RateLimitConfig {
  /** Upload requests per customer per minute; 0 = no limit. */
  readonly perMinute: number;
  /** redis:// or rediss:// URL: the limit is shared by every process using it; null = per process. */
  readonly redisUrl: string | null;
}

/** Slow-client bounds of the HTTP server (see src/http/http-server.ts). */
export interface HttpLimits {
  readonly headersTimeoutMs: number;
  readonly bodyIdleTimeoutMs: number;
  readonly uploadDeadlineMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly maxUploadBytes: number;
  /** Batch upload (/api/v1/upload): most files, and most bytes of files, per request. */
  readonly maxBatchFiles: number;
  readonly maxBatchBytes: number;
  /** postgres://… selects the PostgreSQL store; null: SQLite under dataDir. */
  readonly databaseUrl: string | null;
  /** Most connections of this process to databaseUrl. */
  readonly databasePoolSize: number;
  /** DATABASE_SYNCHRONOUS_COMMIT: PostgreSQL's synchronous_commit for our connections. */
  readonly databaseSynchronousCommit: 'on' | 'off';
  /** How long a write waits for SQLite's write lock held by another process (see SqliteStore). */
  readonly sqliteLockWaitMs: number;
  readonly http: HttpLimits;
  readonly jwt: JwtConfig;
  readonly quotaDefaults: QuotaDefaults;
  readonly extract: ExtractConfig;
  readonly jobs: JobsConfig;
  readonly rateLimit: RateLimitConfig;
  readonly demoSeed: boolean;
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
}

/** The sections of Config: one level of nesting, e.g. `http.headersTimeoutMs`. */
type Section = 'http' | 'jwt' | 'quotaDefaults' | 'extract' | 'jobs' | 'rateLimit';

/** Where a variable lands in Config: a top-level field or `section.field`. */
export type ConfigPath =
  | Exclude<keyof Config, Section>
  | { [S in Section]: `${S}.${keyof Config[S] & string}` }[Section];

/** The type of the Config field at a ConfigPath. */
export type ValueAt<P extends ConfigPath> = P extends `${infer S extends Section}.${infer K}`
  ? Config[S][K & keyof Config[S]]
  : Config[P & keyof Config];
