import { GatewayError } from './gateway-error.js';

export type AuthenticationErrorCode = 'UNAUTHENTICATED';

export class AuthenticationError extends GatewayError {
  declare readonly code: AuthenticationErrorCode;

  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export type PermissionDeniedErrorCode = 'PERMISSION_DENIED';

export class PermissionDeniedError extends GatewayError {
  declare readonly code: PermissionDeniedErrorCode;

  constructor(message: string) {
    super('PERMISSION_DENIED', message);
  }
}
