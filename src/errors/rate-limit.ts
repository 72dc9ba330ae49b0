import { GatewayError } from './gateway-error.js';
import type { Retryable } from './retryable.js';

export type RateLimitedErrorCode = 'RATE_LIMITED';

/**
 * The customer made more upload requests this minute than RATE_LIMIT_PER_MINUTE allows: nothing
 * was read or stored; the answer's Retry-After says when the next one is accepted.
 */
export class RateLimitedError extends GatewayError implements Retryable {
  declare readonly code: RateLimitedErrorCode;

  constructor(
    perMinute: number,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', `rate limit exceeded: at most ${perMinute} upload requests per minute for this customer; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}
