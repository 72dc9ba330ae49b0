import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { buildApp, type AppDeps } from '../../src/app.js';
import { createAuthenticator, generateApiKey, resolveKeySource } from '../../src/auth/index.js';
import type { ApiKeyRole, Store } from '../../src/store/index.js';
import { recordResponses } from './response-recorder.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { createExtractionPool, type Extractor } from '../../src/extract/index.js';
import { gatewayReadiness, type Readiness } from '../../src/observability/index.js';
import { prepareSpoolDir } from '../../src/http/file-part.js';
import { SPOOL_DIR } from '../../src/server.js';
import { rsaIssuer, signRs256, startJwksServer, WRITE_CLAIMS, type Claims, type JwksServer, type RsaIssuer } from './keys.js';

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
  /** Opens the same database file again, as a restarted process would. */
  restart(): Promise<TestGateway>;
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

/** Optional app parts a test may bring, e.g. a logger writing to a stream it reads. */
export type GatewayExtras = Pick<AppDeps, 'logger'>;

/**
 * The real app on a real SQLite file in a fresh temp dir, verifying RS256 tokens against a local
 * JWKS server. `env` adds or overrides configuration (e.g. quota defaults).
 */
export async function startGateway(env: Record<string, string> = {}, dir?: string, extras: GatewayExtras = {}): Promise<TestGateway> {
  const { issuer, jwks } = await testIssuer();
  const dataDir = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-test-'));
  const config = loadConfig({ DATA_DIR: dataDir, JWT_JWKS_URL: jwks.url, EXTRACT_WORKERS: '2', ...env });
  const dbFile = path.join(dataDir, 'corpusgate.db');
  const store = await openSqliteStore({ file: dbFile, lockWaitMs: config.sqliteLockWaitMs });
  await store.createCorpus({ customerId: CUSTOMER, corpusId: CORPUS, name: 'test' });
  const extractor = createExtractionPool(config.extract, undefined, { workerUrl: new URL('../../dist/src/extract/worker.js', import.meta.url) }); // tests run the .ts sources: the built worker
  const keySource = resolveKeySource(config);
  const readiness = gatewayReadiness({ store, extractor, dataDir, ...(keySource.kind === 'jwks' ? { keySet: keySource.keySet } : {}) });
  const spoolDir = prepareSpoolDir(path.join(dataDir, SPOOL_DIR));
  const app = recordResponses(buildApp({
    store,
    extractor,
    authenticator: createAuthenticator(keySource, config.jwt, store),
    maxUploadBytes: config.maxUploadBytes,
    spoolDir,
    quotaDefaults: config.quotaDefaults,
    log: () => {},
    readiness,
    ...extras,
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
    async restart() {
      await extractor.close();
      await store.close();
      return startGateway(env, dataDir, extras);
    },
    async close() {
      await extractor.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return gateway;
}
