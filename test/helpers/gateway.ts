import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { buildApp, type AppDeps } from '../../src/app.js';
import { createAuthenticator, generateApiKey, resolveKeySource } from '../../src/auth/index.js';
import type { ApiKeyRole, Store } from '../../src/store/index.js';
import { recordResponses } from './response-recorder.js';
import { listen, type ListeningApp } from './raw-client.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createExtractionPool, type Extractor } from '../../src/extract/index.js';
import { createMetrics, gatewayReadiness, type Readiness } from '../../src/observability/index.js';
import { prepareSpoolDir } from '../../src/http/file-part.js';
import { FILES_DIR, SPOOL_DIR } from '../../src/server.js';
import { startConfiguredJobRunner, type JobRunner } from '../../src/jobs/index.js';
import { fileVault, openPostgresStore } from '../../src/store/index.js';
import { rsaIssuer, signRs256, startJwksServer, WRITE_CLAIMS, type Claims, type JwksServer, type RsaIssuer } from './keys.js';
import { EXTRACTION_WORKER, openTestStore } from './built-workers.js';
import { createUploadLimiter } from '../../src/ratelimit/index.js';

export const CUSTOMER = '123456';
export const CORPUS = '151';

export interface TestGateway {
  readonly app: Express;
  readonly store: Store;
  readonly extractor: Extractor;
  /** What /readyz reports (database, workers, data directory); startDraining() turns it 503. */
  readonly readiness: Readiness;
  readonly config: Config;
  readonly dir: string;
  /** Where this gateway's large uploads wait (DATA_DIR/spool/<pid>-<random>). */
  readonly spoolDir: string;
  readonly dbFile: string;
  /** A valid RS256 token for CUSTOMER with corpus:write (claims may be overridden). */
  token(claims?: Claims): Promise<string>;
  /** A real API key, stored as `corpusgate apikey create` stores it. */
  apiKey(role: ApiKeyRole, options?: { customerId?: string; corpusIds?: string[]; expiresAt?: string }): Promise<{ key: string; keyId: string }>;
  /** Opens the same database file again, as a restarted process would (with other extras if given). */
  restart(extras?: GatewayExtras): Promise<TestGateway>;
  close(): Promise<void>;
}

let shared: { issuer: RsaIssuer; jwks: JwksServer } | null = null;

/** One RSA issuer and JWKS server per test file (cheap to share, slow to generate). */
export async function testIssuer(): Promise<{ issuer: RsaIssuer; jwks: JwksServer }> {
  if (!shared) {
    const issuer = await rsaIssuer();
    shared = { issuer, jwks: await startJwksServer([issuer]) };
  }
  return shared;
}

export async function closeTestIssuer(): Promise<void> {
  await shared?.jwks.close();
  shared = null;
}

/**
 * Optional app parts a test may bring, e.g. a logger writing to a stream it reads; `runJobs:
 * false` starts no job runner (batch jobs stay queued); `rateLimitKeyPrefix`: the Redis keys of
 * RATE_LIMIT_PER_MINUTE with REDIS_URL (a test run uses its own and deletes them).
 */
export type GatewayExtras = Pick<AppDeps, 'logger'> & { readonly runJobs?: boolean; readonly rateLimitKeyPrefix?: string };

/**
 * The real app on a real SQLite file in a fresh temp dir, verifying RS256 tokens against a local
 * JWKS server. `env` adds or overrides configuration (e.g. quota defaults).
 */
export async function startGateway(env: Record<string, string> = {}, dir?: string, extras: GatewayExtras = {}): Promise<TestGateway> {
  const { issuer, jwks } = await testIssuer();
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, JWT_JWKS_URL: jwks.url, EXTRACT_WORKERS: '2', ...env });
  const dbFile = path.join(dataDir, 'corpusgate.db');
  // DATABASE_URL in `env`: the PostgreSQL store, as openStore (src/server.ts) picks it.
  const store = config.databaseUrl !== null
    ? await openPostgresStore({ url: config.databaseUrl, poolSize: config.databasePoolSize, filesDir: path.join(dataDir, FILES_DIR) })
    : await openTestStore({ file: dbFile, lockWaitMs: config.sqliteLockWaitMs });
  await store.createCorpus({ customerId: CUSTOMER, corpusId: CORPUS, name: 'test' });
  const extractor = createExtractionPool(config.extract, undefined, { workerUrl: EXTRACTION_WORKER });
  const keySource = resolveKeySource(config);
  const readiness = gatewayReadiness({ store, extractor, dataDir, ...(keySource.kind === 'jwks' ? { keySet: keySource.keySet } : {}) });
  const spoolDir = prepareSpoolDir(path.join(dataDir, SPOOL_DIR));
  const files = fileVault(path.join(dataDir, FILES_DIR));
  const { runJobs = true, rateLimitKeyPrefix, ...appExtras } = extras;
  // One registry for the app and its job runner: /metrics shows the jobs it finished.
  const metrics = createMetrics();
  const uploadLimiter = await createUploadLimiter(config.rateLimit, {
    storeFailed: metrics.rateLimitStoreFailed,
    ...(rateLimitKeyPrefix === undefined ? {} : { keyPrefix: rateLimitKeyPrefix }),
  });
  const jobs: JobRunner | null = runJobs ? startConfiguredJobRunner(config, { store, extractor, files }, undefined, metrics.jobEnded) : null;
  const app = recordResponses(buildApp({
    store,
    extractor,
    authenticator: createAuthenticator(keySource, config.jwt, store),
    maxUploadBytes: config.maxUploadBytes,
    maxBatchFiles: config.maxBatchFiles,
    maxBatchBytes: config.maxBatchBytes,
    files,
    ...(jobs ? { wakeJobs: jobs.wake } : {}),
    spoolDir,
    quotaDefaults: config.quotaDefaults,
    uploadLimiter,
    readiness,
    metrics,
    ...appExtras,
  }));
  const gateway: TestGateway = {
    app,
    store,
    extractor,
    readiness,
    config,
    dir: dataDir,
    spoolDir,
    dbFile,
    token: (claims = WRITE_CLAIMS()) => signRs256(issuer, claims),
    async apiKey(role, options = {}) {
      const { key, record } = generateApiKey({
        customerId: options.customerId ?? CUSTOMER,
        corpusIds: options.corpusIds ?? null,
        role,
        name: `test ${role}`,
        expiresAt: options.expiresAt ?? null,
      });
      await store.createApiKey(record);
      return { key, keyId: record.keyId };
    },
    async restart(restartExtras = extras) {
      await jobs?.stop();
      await extractor.close();
      await store.close();
      await uploadLimiter.close();
      return startGateway(env, dataDir, restartExtras);
    },
    async close() {
      await jobs?.stop();
      await extractor.close();
      await store.close();
      await uploadLimiter.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gateway;
}

/** How `useGateway` starts its gateway. */
export interface GatewayFixtureOptions {
  /**
   * startGateway's `env`. A function is called in the hook, when it starts the gateway (e.g. for
   * configuration that an earlier hook prepares).
   */
  readonly env?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  readonly extras?: GatewayExtras;
  /**
   * 'all' (default): one gateway for the block `useGateway` is called in (the file at top level),
   * started in beforeAll. 'each': a fresh gateway, on a fresh database, for every test.
   */
  readonly scope?: 'all' | 'each';
  /** Also serve the app on a real port (`server`), with the gateway's own HTTP limits. */
  readonly listen?: boolean;
  /**
   * Close the shared RSA issuer and its JWKS server after the block (default true). False where
   * the file closes it itself, e.g. when the same file also starts gateways of its own.
   */
  readonly closeIssuer?: boolean;
}

/**
 * A gateway managed by `useGateway`: its properties are those of the gateway running now. They
 * exist only inside tests and hooks declared after `useGateway` in the same block (or nested
 * blocks). The fixture closes it; restart() and close() are left to gateways a test starts itself.
 */
export interface GatewayFixture extends Omit<TestGateway, 'restart' | 'close'> {
  /** The app on a real port (`listen: true`), closed before the gateway. */
  readonly server: ListeningApp;
}

/**
 * Registers the hooks that start a gateway (startGateway) before the tests of the calling block
 * and close it after them, and returns a handle to it:
 *
 *     const gw = useGateway({ scope: 'each', env: { EXTRACT_WORKERS: '1' } });
 *     it('...', async () => { await request(gw.app).get('/readyz'); });
 *
 * Hooks run in the order they are declared (jest-circus, after* hooks too): a block's own
 * beforeAll/beforeEach declared after `useGateway` see the gateway; its afterAll/afterEach
 * declared after `useGateway` run once the gateway is closed (declare them before if they must
 * run first, e.g. closing a browser that still talks to the gateway).
 */
export function useGateway(options: GatewayFixtureOptions = {}): GatewayFixture {
  const { env = {}, extras = {}, scope = 'all', listen: onPort = false, closeIssuer = true } = options;
  let current: TestGateway | undefined;
  let server: ListeningApp | undefined;
  const before = scope === 'each' ? beforeEach : beforeAll;
  const after = scope === 'each' ? afterEach : afterAll;

  before(async () => {
    current = await startGateway(typeof env === 'function' ? await env() : env, undefined, extras);
    if (onPort) server = await listen(current.app, current.config.http);
  });
  after(async () => {
    const [closingServer, closingGateway] = [server, current];
    server = undefined;
    current = undefined;
    try {
      await closingServer?.close();
    } finally {
      await closingGateway?.close();
    }
  });
  if (closeIssuer) afterAll(() => closeTestIssuer());

  const gateway = (): TestGateway => {
    if (!current) throw new Error('useGateway: the gateway exists only inside the tests and hooks of the block that called useGateway');
    return current;
  };
  return {
    get app() { return gateway().app; },
    get store() { return gateway().store; },
    get extractor() { return gateway().extractor; },
    get readiness() { return gateway().readiness; },
    get config() { return gateway().config; },
    get dir() { return gateway().dir; },
    get spoolDir() { return gateway().spoolDir; },
    get dbFile() { return gateway().dbFile; },
    get server() {
      if (!onPort) throw new Error('useGateway: pass { listen: true } for a server on a real port');
      gateway();
      return server!;
    },
    token: (claims) => gateway().token(claims),
    apiKey: (role, keyOptions) => gateway().apiKey(role, keyOptions),
  };
}
