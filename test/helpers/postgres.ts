import pg from 'pg';

/**
 * The PostgreSQL the tests use (CI: 127.0.0.1:5432, database test, trust auth). Each test run
 * works in schemas of its own, named after the process, and drops them at the end.
 */
export const PG_TEST_URL = process.env['CORPUSGATE_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** With CI=true a PostgreSQL that does not answer fails the tests instead of skipping them. */
export const PG_REQUIRED = process.env['CI'] === 'true';

/** Null when PostgreSQL answers, else why not. */
export async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `describe` when PostgreSQL answers (or CI=true, where the tests then fail loudly), else
 * `describe.skip` with a printed reason.
 */
export async function describePostgres(): Promise<jest.Describe> {
  const problem = await postgresProblem();
  if (problem === null) return describe;
  if (PG_REQUIRED) {
    throw new Error(`PostgreSQL at ${PG_TEST_URL} does not answer (${problem}) and CI=true requires its tests: start it (.ci/run does)`);
  }
  console.warn(`PostgreSQL at ${PG_TEST_URL} does not answer (${problem}): its tests are skipped (required when CI=true)`);
  return describe.skip;
}

/** The /metrics gauges a gateway on PostgreSQL adds (src/observability/store-metrics.ts). */
export const POSTGRES_POOL_METRICS = ['corpusgate_db_pool_connections', 'corpusgate_db_pool_idle', 'corpusgate_db_pool_waiting'];

let counter = 0;

/** A fresh empty schema of this run, and the URL whose connections work in it. */
export async function createTestSchema(admin: pg.Client): Promise<{ schema: string; url: string }> {
  counter += 1;
  const schema = `corpusgate_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  return { schema, url: schemaUrl(schema) };
}

/** PG_TEST_URL with `options=-c search_path=<schema>`: every connection of a pool works there. */
export function schemaUrl(schema: string): string {
  const url = new URL(PG_TEST_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export async function connectAdmin(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  admin.on('error', () => {});
  await admin.connect();
  return admin;
}

/** Drops the schemas this run created (CASCADE: their tables and rows). */
export async function dropTestSchemas(admin: pg.Client, schemas: readonly string[]): Promise<void> {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
