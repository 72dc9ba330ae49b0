import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/index.js';

/**
 * The database pool's counters, read at scrape time, when the store has a pool (PostgreSQL); the
 * SQLite store has none, and then nothing is registered.
 */
export function registerStoreMetrics(store: Pick<Store, 'poolStats'>, registry: Registry): void {
  const poolStats = store.poolStats?.bind(store);
  if (!poolStats) return;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('corpusgate_db_pool_connections', 'Connections this process holds to PostgreSQL, idle or in use (at most DATABASE_POOL_SIZE).', () => poolStats().total);
  gauge('corpusgate_db_pool_idle', 'Connections to PostgreSQL open and idle.', () => poolStats().idle);
  gauge('corpusgate_db_pool_waiting', 'Queries waiting for a free connection to PostgreSQL (the pool is full).', () => poolStats().waiting);
}
