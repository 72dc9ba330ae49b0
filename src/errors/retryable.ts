import { GatewayError } from './gateway-error.js';

/** An error the client should retry later: the answer carries `Retry-After`. */
export interface Retryable {
  readonly retryAfterSeconds: number;
}

export function isRetryable(err: unknown): err is GatewayError & Retryable {
  return err instanceof GatewayError && typeof (err as Partial<Retryable>).retryAfterSeconds === 'number';
}

export type UnavailableErrorCode = 'UNAVAILABLE';

/**
 * Something the gateway depends on cannot answer now (the database is locked or gone, the JWKS
 * cannot be fetched): nothing was done, and the same request may succeed later.
 */
export class UnavailableError extends GatewayError implements Retryable {
  declare readonly code: UnavailableErrorCode;

  constructor(
    message: string,
    readonly retryAfterSeconds: number = 5,
  ) {
    super('UNAVAILABLE', message);
  }
}
