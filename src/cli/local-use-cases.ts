import type { Config } from '../config/index.js';
import { quotaPolicy } from '../quota/index.js';
import { openStore } from '../server.js';
import type { UseCaseDeps } from '../usecases/index.js';

/**
 * Runs admin use cases in this process, on the configured database, as the local operator
 * (LOCAL_OPERATOR): the same functions the admin routes call. The store is closed afterwards.
 */
export async function withLocalUseCases<T>(config: Config, run: (deps: UseCaseDeps) => Promise<T>): Promise<T> {
  const store = await openStore(config, 'forCommand');
  try {
    return await run({ store, quota: quotaPolicy(config.quotaDefaults) });
  } finally {
    await store.close();
  }
}
