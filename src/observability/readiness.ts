import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Extractor } from '../extract/index.js';
import type { CorpusStore, Store } from '../store/index.js';

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency works; rejects (or throws) with the reason when it does not. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  readonly status: 'ready' | 'not ready' | 'draining';
  /** 'ok' or the reason, per check (empty while draining). */
  readonly checks: Readonly<Record<string, string>>;
}

/** A check that hangs (a stuck disk) must not hang the probe: it fails after this long. */
const CHECK_TIMEOUT_MS = 2_000;

/** What /readyz answers: every check passes and the process is not shutting down. */
export class Readiness {
  #draining = false;

  constructor(private readonly checks: readonly ReadinessCheck[]) {}

  /** From SIGTERM on, /readyz answers 503 so that load balancers stop sending traffic. */
  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async report(): Promise<ReadinessReport> {
    if (this.#draining) return { status: 'draining', checks: {} };
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await outcomeOf(c)] as const));
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r === 'ok') ? 'ready' : 'not ready', checks };
  }
}

async function outcomeOf(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The store's own round trip when it has one (PostgreSQL: SELECT 1, bounded by a short timeout);
 * otherwise a real query through the store: 0 is never a valid id, so this reads and finds nothing.
 */
export function databaseReachable(store: CorpusStore & Pick<Store, 'ping'>): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      if (store.ping) await store.ping();
      else await store.getCorpus({ customerId: '0', corpusId: '0' });
    },
  };
}

export function workersAlive(extractor: Extractor): ReadinessCheck {
  return {
    name: 'workers',
    async check() {
      if (extractor.workers < 1) throw new Error('no extraction worker is running');
    },
  };
}

/** Writes and removes a small file: catches a read-only remount, a full disk, a vanished volume. */
export function directoryWritable(dir: string): ReadinessCheck {
  return {
    name: 'disk',
    async check() {
      const probe = path.join(dir, `.readyz-${randomUUID()}`);
      await fs.writeFile(probe, 'ok');
      await fs.rm(probe, { force: true });
    },
  };
}

/** Keys cached, or fetchable now: without them no token can be verified. */
export function keySetReachable(keySet: { check(): Promise<void> }): ReadinessCheck {
  return { name: 'jwks', check: () => keySet.check() };
}

/**
 * The gateway's checks: the database, the extraction workers and, when given, the data directory
 * and the remote JWKS.
 */
export function gatewayReadiness(parts: {
  store: CorpusStore & Pick<Store, 'ping'>;
  extractor: Extractor;
  dataDir?: string;
  keySet?: { check(): Promise<void> };
}): Readiness {
  const checks = [databaseReachable(parts.store), workersAlive(parts.extractor)];
  if (parts.dataDir !== undefined) checks.push(directoryWritable(parts.dataDir));
  if (parts.keySet !== undefined) checks.push(keySetReachable(parts.keySet));
  return new Readiness(checks);
}
