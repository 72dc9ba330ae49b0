import { PgConnection } from '../../src/store/postgres/pg-connection.js';
import { describePostgres, PG_TEST_URL } from '../helpers/postgres.js';

/** DATABASE_SYNCHRONOUS_COMMIT reaches every connection of the pool, the first one included. */
(await describePostgres())('PostgreSQL connection settings', () => {
  it.each(['on', 'off'] as const)('sets synchronous_commit %s on each pooled connection', async (setting) => {
    const connection = new PgConnection({ url: PG_TEST_URL, poolSize: 3, synchronousCommit: setting });
    try {
      // Three statements at once take three connections.
      const answers = await Promise.all([1, 2, 3].map(() => connection.query<{ synchronous_commit: string }>('SELECT pg_sleep(0.05), current_setting($1) AS synchronous_commit', ['synchronous_commit'])));
      expect(answers.map((a) => a.rows[0]!.synchronous_commit)).toEqual([setting, setting, setting]);
      expect(connection.stats().total).toBe(3);
    } finally {
      await connection.close();
    }
  });
});
