import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimitConfig } from '../config/index.js';

/** What the limiter decided for one upload request. */
export type LimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Counts upload requests per key (a customer) in a fixed one-minute window: RATE_LIMIT_PER_MINUTE
 * of them are allowed, the next ones are refused until the window ends.
 */
export interface UploadLimiter {
  /** RATE_LIMIT_PER_MINUTE; 0 = no limit (take() always allows). */
  readonly perMinute: number;
  /** Counts one request of `key` and says whether it may go on. Never throws. */
  take(key: string): Promise<LimitDecision>;
  close(): Promise<void>;
}

export interface LimiterHooks {
  /** A warning for the log: Redis stopped answering (once per outage) or answers again. */
  readonly warn?: (message: string, err?: unknown) => void;
  /** One decision taken in process memory because Redis failed (a metric counts them). */
  readonly storeFailed?: () => void;
  /** Redis keys start with this (tests use one per run and delete it). */
  readonly keyPrefix?: string;
  /** How long the start waits for Redis before it goes on counting in memory. */
  readonly connectTimeoutMs?: number;
}

const WINDOW_SECONDS = 60;
export const DEFAULT_KEY_PREFIX = 'corpusgate:uploads';

/** A limiter that allows everything (RATE_LIMIT_PER_MINUTE unset or 0). */
export const NO_UPLOAD_LIMIT: UploadLimiter = { perMinute: 0, take: async () => ({ allowed: true }), close: async () => {} };

/** Redis's answer, or its refusal, as a decision; any other failure is rethrown. */
async function decide(limiter: RateLimiterAbstract, key: string): Promise<LimitDecision> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
  }
}

/**
 * The configured limiter. Without REDIS_URL the count lives in this process's memory (N processes
 * allow N × the limit). With it the count lives in Redis, shared by every process.
 *
 * Redis down: the request is counted in this process's memory instead (the insurance idea of
 * rate-limiter-flexible, done by hand so that each fallback is logged and counted). Refusing every
 * upload because the limiter's store is down would be worse than a per-process limit for a while;
 * a limit that silently vanished (fail open) would be worse too.
 */
export async function createUploadLimiter(config: RateLimitConfig, hooks: LimiterHooks = {}): Promise<UploadLimiter> {
  const perMinute = config.perMinute;
  if (perMinute === 0) return NO_UPLOAD_LIMIT;
  const memory = new RateLimiterMemory({ points: perMinute, duration: WINDOW_SECONDS });
  if (config.redisUrl === null) {
    return { perMinute, take: (key) => decide(memory, key), close: async () => {} };
  }
  const client = await connectRedis(config.redisUrl, hooks);
  const shared = new RateLimiterRedis({
    storeClient: client,
    points: perMinute,
    duration: WINDOW_SECONDS,
    keyPrefix: hooks.keyPrefix ?? DEFAULT_KEY_PREFIX,
    // Not ready (reconnecting): fall back at once instead of waiting for a command to fail.
    rejectIfRedisNotReady: true,
  });
  return {
    perMinute,
    async take(key) {
      try {
        return await decide(shared, key);
      } catch {
        hooks.storeFailed?.();
        return decide(memory, key);
      }
    },
    close: async () => client.disconnect(),
  };
}

/**
 * An ioredis client (rate-limiter-flexible's default client: it defines its Lua script once and
 * calls it by SHA, and checks the connection state with rejectIfRedisNotReady) that fails fast:
 * no offline queue, a command timeout. Waits for the first connection up to connectTimeoutMs;
 * after that it keeps reconnecting in the background (ioredis's default backoff).
 */
async function connectRedis(url: string, hooks: LimiterHooks): Promise<Redis> {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1000, lazyConnect: true });
  let down = false;
  // ioredis emits 'error' on every failed reconnect: one warning per outage is enough.
  client.on('error', (err) => {
    if (!down) hooks.warn?.('rate limit: Redis (REDIS_URL) does not answer; each process counts uploads on its own until it does', err);
    down = true;
  });
  client.on('ready', () => {
    if (down) hooks.warn?.('rate limit: Redis answers again; the upload limit is shared again');
    down = false;
  });
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, hooks.connectTimeoutMs ?? 3000).unref());
  await Promise.race([client.connect().catch(() => undefined), timeout]);
  return client;
}
