import type { RequestHandler, Response } from 'express';
import { RateLimitedError } from '../errors/index.js';
import type { UploadLimiter } from '../ratelimit/index.js';

/**
 * 429 RATE_LIMITED (with Retry-After) when the request's customer made RATE_LIMIT_PER_MINUTE
 * upload requests this minute already. A guard placed after authentication and authorization
 * (a refused credential or a forbidden target does not use up the customer's allowance) and
 * before the body is read (a refused upload costs no bytes). One request counts once, however
 * many files it carries: the limit bounds requests, the batch limits bound what one carries.
 */
export function limitUploads(limiter: UploadLimiter, keyOf: (res: Response) => string): RequestHandler {
  if (limiter.perMinute === 0) return (_req, _res, next) => next();
  return async (_req, res, next) => {
    const decision = await limiter.take(keyOf(res));
    if (!decision.allowed) throw new RateLimitedError(limiter.perMinute, decision.retryAfterSeconds);
    next();
  };
}

/** The count of customer `customerId`: one per customer, whichever upload dialect it uses. */
export const customerKey = (customerId: string): string => `customer:${customerId}`;
