import type pg from 'pg';
import { ConflictError, QuotaExceededError, UnavailableError } from '../../src/errors/index.js';
import { encodeDocument, packDocument } from '../../src/document/index.js';
import { openPostgresStore, type NewDocument, type PutOutcome, type Store } from '../../src/store/index.js';
import { quotaPolicy } from '../../src/quota/index.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/pg-migrations.js';
import { sampleDocument } from '../helpers/documents.js';
import { connectAdmin, createTestSchema, describePostgres, dropTestSchemas } from '../helpers/postgres.js';
import { describeStore, NO_DEFAULTS } from './conformance.js';

const describeWithPostgres = await describePostgres();

let admin: pg.Client | undefined;
const schemas: string[] = [];
const urls = new Map<Store, string>();

/** A new schema of this run, migrated by the store opened on it. */
async function freshSchema(): Promise<string> {
  admin ??= await connectAdmin();
  const { schema, url } = await createTestSchema(admin);
  schemas.push(schema);
  return url;
}

afterAll(async () => {
  if (admin) {
    await dropTestSchemas(admin, schemas);
    await admin.end();
  }
});

describeWithPostgres('PostgreSQL', () => {
  // Every open() without `reuse` gets empty storage: a schema of its own.
  describeStore('PostgresStore', async (reuse) => {
    const url = reuse ? urls.get(reuse)! : await freshSchema();
    const store = await openPostgresStore({ url, poolSize: 4 });
    urls.set(store, url);
    return store;
  });
});
