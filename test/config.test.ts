import nodePath from 'node:path';
import { ConfigError, loadConfig, VARIABLES } from '../src/config/index.js';
import { bool, enumOf, int, limit, listOf, optional, path, Rejected, secret, text, url } from '../src/config/parsers.js';
import { CONFIG_VARIABLES } from '../src/config/variables.js';

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, maxUploadBytes: 10_485_760, demoSeed: true });
    expect(config.quotaDefaults).toEqual({ corpusMaxChars: null, corpusMaxDocs: null, customerMaxChars: null, customerMaxDocs: null });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops on wrong values, naming each', () => {
    const message = problems({ PORT: 'eighty', MAX_UPLOAD_BYTES: '-5', DEMO_SEED: 'maybe', DEFAULT_CORPUS_MAX_CHARS: '1e6' });
    expect(message).toContain('PORT must be an integer');
    expect(message).toContain('MAX_UPLOAD_BYTES must be an integer');
    expect(message).toContain('DEMO_SEED must be true or false');
    expect(message).toContain('DEFAULT_CORPUS_MAX_CHARS');
  });

  it('allows only one key source', () => {
    expect(problems({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.example/jwks' })).toContain('only one of');
  });

  it('never accepts "none" and keeps HMAC away from public keys', () => {
    expect(problems({ JWT_ALGORITHMS: 'none' })).toContain('"none" is not an accepted algorithm');
    expect(problems({ JWT_JWKS_URL: 'https://idp.example/jwks', JWT_ALGORITHMS: 'RS256,HS256' })).toContain('only allowed with JWT_SECRET');
    expect(problems({ JWT_SECRET: 'x'.repeat(32), JWT_ALGORITHMS: 'RS256' })).toContain('with JWT_SECRET only');
  });

  it('refuses a short secret and a non-http JWKS URL', () => {
    expect(problems({ JWT_SECRET: 'short' })).toContain('at least 32 bytes');
    expect(problems({ JWT_JWKS_URL: 'file:///etc/passwd' })).toContain('http(s) URL');
  });

  it('reads LOG_LEVEL and SHUTDOWN_GRACE_MS, and names a wrong one', () => {
    expect(loadConfig({})).toMatchObject({ logLevel: 'info', shutdownGraceMs: 25_000 });
    expect(loadConfig({ LOG_LEVEL: 'DEBUG', SHUTDOWN_GRACE_MS: '0' })).toMatchObject({ logLevel: 'debug', shutdownGraceMs: 0 });
    const message = problems({ LOG_LEVEL: 'verbose', SHUTDOWN_GRACE_MS: '10s' });
    expect(message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"');
    expect(message).toContain('SHUTDOWN_GRACE_MS must be an integer from 0 to 3600000, got "10s"');
  });

  it('reads RATE_LIMIT_PER_MINUTE (unset = 0, no limit) and REDIS_URL, never repeating a wrong URL (it may hold a password)', () => {
    expect(loadConfig({}).rateLimit).toEqual({ perMinute: 0, redisUrl: null });
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '120', REDIS_URL: 'rediss://:pw@cache:6380/2' }).rateLimit).toEqual({ perMinute: 120, redisUrl: 'rediss://:pw@cache:6380/2' });
    const message = problems({ RATE_LIMIT_PER_MINUTE: '10/s', REDIS_URL: 'http://:hunter2@cache' });
    expect(message).toContain('RATE_LIMIT_PER_MINUTE must be an integer from 0 to 1000000, got "10/s"');
    expect(message).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    expect(message).not.toContain('hunter2');
  });

  it('reads SQLITE_LOCK_WAIT_MS, and names a wrong one', () => {
    expect(loadConfig({}).sqliteLockWaitMs).toBe(5000);
    expect(loadConfig({ SQLITE_LOCK_WAIT_MS: '0' }).sqliteLockWaitMs).toBe(0);
    expect(problems({ SQLITE_LOCK_WAIT_MS: '5s' })).toContain('SQLITE_LOCK_WAIT_MS must be an integer from 0 to 600000, got "5s"');
    expect(problems({ SQLITE_LOCK_WAIT_MS: '600001' })).toContain('SQLITE_LOCK_WAIT_MS must be an integer');
  });

  it('selects PostgreSQL with a postgres:// DATABASE_URL, refuses other schemes without echoing the URL', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: null, databasePoolSize: 10 });
    for (const url of ['postgres://u:p@db:5432/x', 'postgresql://db/x?options=-c%20search_path%3Ds']) {
      expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '3' })).toMatchObject({ databaseUrl: url, databasePoolSize: 3 });
    }
    const mysql = problems({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(mysql).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL (unset: SQLite in DATA_DIR), got a mysql:// URL');
    expect(mysql).not.toContain('hunter2');
    expect(problems({ DATABASE_URL: './corpusgate.db' })).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(problems({ DATABASE_POOL_SIZE: '0' })).toContain('DATABASE_POOL_SIZE must be an integer from 1 to 1000, got "0"');
  });

  it('reads the slow-client timeouts, and names a wrong one', () => {
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 20_000, bodyIdleTimeoutMs: 20_000, uploadDeadlineMs: 120_000 });
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '500', BODY_IDLE_TIMEOUT_MS: '800', UPLOAD_DEADLINE_MS: '3000' }).http).toEqual({
      headersTimeoutMs: 500,
      bodyIdleTimeoutMs: 800,
      uploadDeadlineMs: 3_000,
    });
    const message = problems({ HEADERS_TIMEOUT_MS: '20s', BODY_IDLE_TIMEOUT_MS: '0', UPLOAD_DEADLINE_MS: '-1' });
    expect(message).toContain('HEADERS_TIMEOUT_MS must be an integer from 100 to 3600000, got "20s"');
    expect(message).toContain('BODY_IDLE_TIMEOUT_MS must be an integer from 100 to 3600000, got "0"');
    expect(message).toContain('UPLOAD_DEADLINE_MS must be an integer from 100 to 86400000, got "-1"');
  });

  it('reads JOB_LEASE_MS and JOB_MAX_ATTEMPTS, and names a wrong one', () => {
    expect(loadConfig({}).jobs).toEqual({ leaseMs: 30_000, maxAttempts: 3 });
    expect(loadConfig({ JOB_LEASE_MS: '1000', JOB_MAX_ATTEMPTS: '1' }).jobs).toEqual({ leaseMs: 1000, maxAttempts: 1 });
    const message = problems({ JOB_LEASE_MS: '999', JOB_MAX_ATTEMPTS: '0' });
    expect(message).toContain('JOB_LEASE_MS must be an integer from 1000 to 3600000, got "999"');
    expect(message).toContain('JOB_MAX_ATTEMPTS must be an integer from 1 to 100, got "0"');
  });
});

describe('config table (src/config/variables.ts)', () => {
  it('names each variable once and sets each Config field once', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    const targets = CONFIG_VARIABLES.map((v) => v.to);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(targets).size).toBe(targets.length);
    expect(VARIABLES.map((v) => v.name)).toEqual(names);
  });

  it('parses every documented default, and an unset or blank variable takes it', () => {
    const blank = Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, '  ']));
    expect(loadConfig(blank)).toEqual(loadConfig({}));
    for (const v of CONFIG_VARIABLES) {
      if (v.default !== undefined) expect(() => v.parser.parse(v.default as string, v.name)).not.toThrow();
    }
    expect(loadConfig({}).extract.workers).toBeGreaterThanOrEqual(1);
    expect(loadConfig({ EXTRACT_WORKERS: ' 3 ' }).extract.workers).toBe(3);
  });

  it('refuses a value just outside every integer range, naming the variable and the range', () => {
    for (const v of CONFIG_VARIABLES) {
      const range = /^an integer from (\d+) to (\d+)$/.exec(v.parser.accepts);
      if (!range) continue;
      const [min, max] = [Number(range[1]), Number(range[2])];
      expect(loadConfig({ [v.name]: String(max) })).toBeDefined();
      expect(problems({ [v.name]: String(max + 1) })).toContain(`${v.name} must be ${v.parser.accepts}, got "${max + 1}"`);
      if (min > 0) expect(problems({ [v.name]: String(min - 1) })).toContain(`${v.name} must be ${v.parser.accepts}`);
    }
  });

  it('collects every problem, of the table and of the rules across variables, in one error', () => {
    const message = problems({
      PORT: 'abc',
      PDF_ENGINE: 'mupdf',
      EXTRACT_MAX_HEAP_MB: '16',
      JWT_JWKS_URL: 'ftp://idp.example/jwks',
      JWT_PUBLIC_KEY_FILE: 'key.pem',
      JWT_ALGORITHMS: 'HS256,XS1',
    });
    expect(message.split('\n  - ')).toEqual([
      'invalid configuration:',
      'PORT must be an integer from 0 to 65535, got "abc"',
      'JWT_JWKS_URL must be an http(s) URL, got "ftp://idp.example/jwks"',
      expect.stringMatching(/^JWT_ALGORITHMS: "XS1" is not an accepted algorithm \(accepted: RS256, .*, HS512\)$/),
      'EXTRACT_MAX_HEAP_MB must be an integer from 32 to 65536, got "16"',
      'PDF_ENGINE must be one of auto, pdfium, pdfjs, got "mupdf"',
      'set only one of JWT_JWKS_URL, JWT_PUBLIC_KEY_FILE and JWT_SECRET',
      'JWT_ALGORITHMS: HS* algorithms are only allowed with JWT_SECRET',
    ]);
  });
});

describe('config parsers', () => {
  const rejection = (parse: () => unknown): string => {
    try {
      parse();
    } catch (err) {
      expect(err).toBeInstanceOf(Rejected);
      return (err as Rejected).problems.join('\n');
    }
    throw new Error('expected a rejection');
  };

  it('int: decimal digits within the range only', () => {
    const port = int(0, 65535);
    expect(port.parse('0080', 'P')).toBe(80);
    for (const bad of ['-1', '1e3', '8.5', '0x50', '65536', '']) {
      expect(rejection(() => port.parse(bad, 'P'))).toBe(`P must be an integer from 0 to 65535, got "${bad}"`);
    }
  });

  it('limit: a count, or "unlimited" / unset for none', () => {
    const quota = limit();
    expect(quota.parse('0', 'Q')).toBe(0);
    expect(quota.parse('Unlimited', 'Q')).toBeNull();
    expect(quota.unset?.()).toBeNull();
    expect(rejection(() => quota.parse('-1', 'Q'))).toBe('Q must be an integer from 0 to 9007199254740991 or "unlimited", got "-1"');
    expect(loadConfig({ DEFAULT_CORPUS_MAX_DOCS: 'unlimited', DEFAULT_CUSTOMER_MAX_CHARS: '1000' }).quotaDefaults).toEqual({
      corpusMaxChars: null,
      corpusMaxDocs: null,
      customerMaxChars: 1000,
      customerMaxDocs: null,
    });
  });

  it('bool and enumOf: any case; the message lists what is accepted', () => {
    expect(['TRUE', 'yes', '1'].map((raw) => bool.parse(raw, 'B'))).toEqual([true, true, true]);
    expect(['False', 'NO', '0'].map((raw) => bool.parse(raw, 'B'))).toEqual([false, false, false]);
    expect(rejection(() => bool.parse('maybe', 'B'))).toBe('B must be true or false, got "maybe"');
    const engine = enumOf(['auto', 'pdfium']);
    expect(engine.parse('PDFium', 'E')).toBe('pdfium');
    expect(rejection(() => engine.parse('mupdf', 'E'))).toBe('E must be one of auto, pdfium, got "mupdf"');
  });

  it('url, path, secret and optional', () => {
    expect(url.parse('http://idp:8080/jwks', 'U')).toBe('http://idp:8080/jwks');
    expect(rejection(() => url.parse('not a url', 'U'))).toBe('U must be an http(s) URL, got "not a url"');
    expect(path.parse('data', 'D')).toBe(nodePath.resolve('data'));
    // The message names the rule but never repeats the secret.
    expect(rejection(() => secret(32, 'why').parse('hunter2', 'S'))).toBe('S must be at least 32 bytes (why)');
    expect(optional(text).unset?.()).toBeNull();
    expect(text.unset).toBeUndefined();
  });

  it('listOf: names as listed, every unknown one reported, never empty', () => {
    const algs = listOf(['RS256', 'EdDSA'], 'algorithm');
    expect(algs.parse(' RS256 ,, EdDSA', 'A')).toEqual(['RS256', 'EdDSA']);
    expect(Object.isFrozen(algs.parse('RS256', 'A'))).toBe(true);
    expect(rejection(() => algs.parse('rs256,none', 'A')).split('\n')).toEqual([
      'A: "rs256" is not an accepted algorithm (accepted: RS256, EdDSA)',
      'A: "none" is not an accepted algorithm (accepted: RS256, EdDSA)',
    ]);
    expect(rejection(() => algs.parse(' , ', 'A'))).toBe('A must not be empty');
    expect(loadConfig({ JWT_ALGORITHMS: 'ES256,EdDSA' }).jwt.algorithms).toEqual(['ES256', 'EdDSA']);
  });
});
