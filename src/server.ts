import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { prepareSpoolDir } from './http/file-part.js';
import { createHttpServer } from './http/http-server.js';
import { createAuthenticator, resolveKeySource, type KeySource } from './auth/index.js';
import type { Config } from './config/index.js';
import { createExtractionPool } from './extract/index.js';
import { startConfiguredJobRunner } from './jobs/index.js';
import { fileVault, openPostgresStore, openSqliteStore, type Store } from './store/index.js';
import { createLogger, createMetrics, gatewayReadiness, trackRequests, type Logger } from './observability/index.js';
import { createUploadLimiter } from './ratelimit/index.js';

export const DATABASE_FILE = 'corpusgate.db';
/** Under DATA_DIR: uploads over 1 MiB while they wait for an extraction worker (a directory per process). */
export const SPOOL_DIR = 'spool';
/**
 * Under DATA_DIR: batch-uploaded files, by SHA-256, while a job needs them (queued, processing or
 * failed); the store moves them in and removes them with their jobs.
 */
export const FILES_DIR = 'files';

/**
 * The configured store: PostgreSQL when DATABASE_URL is set, else the SQLite file in DATA_DIR;
 * either is migrated before it is returned. `forCommand`: a one-shot CLI command writing a few rows, which needs no
 * WAL checkpoint thread (starting and stopping one cost ~45 ms per command); SQLite's own
 * checkpoint on close does the rest.
 */
export function openStore(config: Config, use: 'server' | 'forCommand' = 'server'): Promise<Store> {
  if (config.databaseUrl !== null) {
    // A command runs its statements one after another: two connections are plenty.
    return openPostgresStore({
      url: config.databaseUrl,
      poolSize: use === 'server' ? config.databasePoolSize : Math.min(2, config.databasePoolSize),
      synchronousCommit: config.databaseSynchronousCommit,
      filesDir: path.join(config.dataDir, FILES_DIR),
    });
  }
  return openSqliteStore({
    file: path.join(config.dataDir, DATABASE_FILE),
    backgroundCheckpoint: use === 'server',
    lockWaitMs: config.sqliteLockWaitMs,
    filesDir: path.join(config.dataDir, FILES_DIR),
  });
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** The listening server (the bench counts bytes per connection on it). */
  readonly httpServer: http.Server;
  readonly keySource: KeySource;
  readonly store: Store;
  readonly logger: Logger;
  /**
   * Graceful stop: /readyz turns 503, no new connections, in-flight requests get up to `graceMs`
   * (default SHUTDOWN_GRACE_MS), then the pool and the database close.
   */
  close(graceMs?: number): Promise<{ cut: number }>;
}

/** Wires the parts by hand (config → store → authenticator → app) and listens. */
export async function startServer(
  config: Config,
  store?: Store,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const keySource = resolveKeySource(config); // a bad key file stops the start before anything opens
  store ??= await openStore(config);
  const extractor = createExtractionPool(config.extract, (message, err) => logger.error({ err }, message));
  const spoolDir = prepareSpoolDir(path.join(config.dataDir, SPOOL_DIR));
  const readiness = gatewayReadiness({ store, extractor, dataDir: config.dataDir, ...(keySource.kind === 'jwks' ? { keySet: keySource.keySet } : {}) });
  const files = fileVault(path.join(config.dataDir, FILES_DIR));
  const metrics = createMetrics({ processMetrics: true });
  const uploadLimiter = await createUploadLimiter(config.rateLimit, {
    warn: (message, err) => logger.warn({ err }, message),
    storeFailed: metrics.rateLimitStoreFailed,
  });
  const jobs = startConfiguredJobRunner(config, { store, extractor, files }, (message, err) => logger.error({ err }, message), metrics.jobEnded);
  const app = buildApp({
    store,
    extractor,
    authenticator: createAuthenticator(keySource, config.jwt, store),
    maxUploadBytes: config.maxUploadBytes,
    maxBatchFiles: config.maxBatchFiles,
    maxBatchBytes: config.maxBatchBytes,
    files,
    wakeJobs: jobs.wake,
    spoolDir,
    quotaDefaults: config.quotaDefaults,
    uploadLimiter,
    logger,
    metrics,
    readiness,
  });
  const server = createHttpServer(app, config.http);
  const requests = trackRequests(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    httpServer: server,
    keySource,
    store,
    logger,
    async close(graceMs = config.shutdownGraceMs) {
      readiness.startDraining();
      const { cut } = await requests.drain(graceMs);
      await jobs.stop(); // running jobs go back to the queue
      await extractor.close();
      await store.close();
      await uploadLimiter.close();
      fs.rmSync(spoolDir, { recursive: true, force: true }); // what a cut request left, and the directory
      return { cut };
    },
  };
}
