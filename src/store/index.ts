export type * from './document-store.js';
export type * from './job-store.js';
export { QUARANTINED } from './job-store.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { openPostgresStore, DEFAULT_POOL_SIZE, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { fileVault, type FileVault } from './file-vault.js';
