import { ConfigError, loadConfig } from '../src/config/index.js';

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

  it('reads SQLITE_LOCK_WAIT_MS, and names a wrong one', () => {
    expect(loadConfig({}).sqliteLockWaitMs).toBe(5000);
    expect(loadConfig({ SQLITE_LOCK_WAIT_MS: '0' }).sqliteLockWaitMs).toBe(0);
    expect(problems({ SQLITE_LOCK_WAIT_MS: '5s' })).toContain('SQLITE_LOCK_WAIT_MS must be an integer from 0 to 600000, got "5s"');
    expect(problems({ SQLITE_LOCK_WAIT_MS: '600001' })).toContain('SQLITE_LOCK_WAIT_MS must be an integer');
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
});
