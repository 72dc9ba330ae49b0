export type * from './document-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
