import { openSqliteStore, type SqliteStoreOptions, type Store } from '../../src/store/index.js';

/**
 * Tests run the .ts sources (ts-jest), but worker threads run compiled JavaScript: the build that
 * `npm test` makes first. Production code takes these locations as options (default: beside
 * itself, compiled); tests pass the built files.
 */
export const EXTRACTION_WORKER = new URL('../../dist/src/extract/worker.js', import.meta.url);
export const CHECKPOINT_WORKER = new URL('../../dist/src/store/sqlite/checkpoint-worker.js', import.meta.url);

/** openSqliteStore with the built WAL checkpoint thread. */
export const openTestStore = (options: SqliteStoreOptions): Promise<Store> => openSqliteStore({ checkpointWorkerUrl: CHECKPOINT_WORKER, ...options });
