import os from 'node:os';
import path from 'node:path';
import { VARIABLES } from './schema.js';

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
  /** How long a write waits for SQLite's write lock held by another process (see SqliteStore). */
  readonly sqliteLockWaitMs: number;
  readonly http: HttpLimits;
  readonly jwt: JwtConfig;
  readonly quotaDefaults: QuotaDefaults;
  readonly extract: ExtractConfig;
  readonly demoSeed: boolean;
  readonly logLevel: LogLevel;
  readonly shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const SUPPORTED_ALGORITHMS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
  'HS256', 'HS384', 'HS512',
]);

/**
 * Reads and validates the environment once. Every problem is collected so that one start shows
 * all of them; the result is frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return VARIABLES.find((v) => v.name === name)?.default;
    return raw.trim();
  };
  const integer = (name: string, min: number, max: number): number | null => {
    const raw = get(name);
    if (raw === undefined) return null;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return null;
    }
    return Number(raw);
  };
  const bool = (name: string): boolean => {
    const raw = (get(name) ?? '').toLowerCase();
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return false;
  };
  const optional = (name: string): string | null => get(name) ?? null;
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = (get(name) ?? fallback).toLowerCase();
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  };

  const jwksUrl = optional('JWT_JWKS_URL');
  if (jwksUrl !== null) {
    try {
      const url = new URL(jwksUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      problems.push(`JWT_JWKS_URL must be an http(s) URL, got "${jwksUrl}"`);
    }
  }
  const publicKeyFile = optional('JWT_PUBLIC_KEY_FILE');
  const secret = optional('JWT_SECRET');
  const sources = [jwksUrl, publicKeyFile, secret].filter((s) => s !== null).length;
  if (sources > 1) problems.push('set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY_FILE and JWT_SECRET');
  if (secret !== null && Buffer.byteLength(secret) < 32) {
    problems.push('JWT_SECRET must be at least 32 bytes (HS256 needs a 256-bit key)');
  }

  let algorithms: string[] | null = null;
  const rawAlgorithms = optional('JWT_ALGORITHMS');
  if (rawAlgorithms !== null) {
    algorithms = rawAlgorithms.split(',').map((a) => a.trim()).filter(Boolean);
    for (const alg of algorithms) {
      if (!SUPPORTED_ALGORITHMS.has(alg)) problems.push(`JWT_ALGORITHMS: "${alg}" is not an accepted algorithm`);
    }
    const symmetric = algorithms.filter((a) => a.startsWith('HS'));
    // An HMAC algorithm next to a public key is the classic alg-confusion hole; a secret cannot
    // verify an asymmetric signature. So the list must match the key source.
    if (symmetric.length > 0 && (jwksUrl !== null || publicKeyFile !== null)) {
      problems.push('JWT_ALGORITHMS: HS* algorithms are only allowed with JWT_SECRET');
    }
    if (secret !== null && symmetric.length !== algorithms.length) {
      problems.push('JWT_ALGORITHMS: with JWT_SECRET only HS256, HS384 or HS512 can be used');
    }
    if (algorithms.length === 0) problems.push('JWT_ALGORITHMS must not be empty');
  }

  const MAX_SAFE = Number.MAX_SAFE_INTEGER;
  const config: Config = {
    port: integer('PORT', 0, 65535) ?? 8080,
    host: get('HOST') ?? '0.0.0.0',
    dataDir: path.resolve(get('DATA_DIR') ?? './data'),
    maxUploadBytes: integer('MAX_UPLOAD_BYTES', 1, 1024 * 1024 * 1024) ?? 10 * 1024 * 1024,
    sqliteLockWaitMs: integer('SQLITE_LOCK_WAIT_MS', 0, 600_000) ?? 5000,
    http: Object.freeze({
      headersTimeoutMs: integer('HEADERS_TIMEOUT_MS', 100, 3_600_000) ?? 20_000,
      bodyIdleTimeoutMs: integer('BODY_IDLE_TIMEOUT_MS', 100, 3_600_000) ?? 20_000,
      uploadDeadlineMs: integer('UPLOAD_DEADLINE_MS', 100, 86_400_000) ?? 120_000,
    }),
    jwt: Object.freeze({
      jwksUrl,
      publicKeyFile,
      secret,
      algorithms: algorithms && Object.freeze(algorithms),
      issuer: optional('JWT_ISSUER'),
      audience: optional('JWT_AUDIENCE'),
    }),
    quotaDefaults: Object.freeze({
      corpusMaxChars: integer('DEFAULT_CORPUS_MAX_CHARS', 0, MAX_SAFE),
      corpusMaxDocs: integer('DEFAULT_CORPUS_MAX_DOCS', 0, MAX_SAFE),
      customerMaxChars: integer('DEFAULT_CUSTOMER_MAX_CHARS', 0, MAX_SAFE),
      customerMaxDocs: integer('DEFAULT_CUSTOMER_MAX_DOCS', 0, MAX_SAFE),
    }),
    extract: Object.freeze({
      workers: integer('EXTRACT_WORKERS', 1, 256) ?? Math.max(1, os.availableParallelism()),
      timeoutMs: integer('EXTRACT_TIMEOUT_MS', 100, 3_600_000) ?? 60_000,
      maxHeapMb: integer('EXTRACT_MAX_HEAP_MB', 32, 65_536) ?? 512,
      maxBufferMb: integer('EXTRACT_MAX_BUFFER_MB', 16, 65_536) ?? 128,
      queueMax: integer('EXTRACT_QUEUE_MAX', 0, 100_000) ?? 64,
      pdfEngine: oneOf('PDF_ENGINE', ['auto', 'pdfium', 'pdfjs'] as const, 'auto'),
    }),
    demoSeed: bool('DEMO_SEED'),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    // Kubernetes sends SIGKILL 30 s after SIGTERM by default: 25 s leaves room to close the pool and DB.
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 0, 3_600_000) ?? 25_000,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
