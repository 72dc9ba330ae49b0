import type { RequestHandler } from 'express';
import type { Authenticator } from '../auth/index.js';
import { requestState } from './locals.js';

/** 401 unless `Authorization: Bearer <JWT>` or `x-api-key` holds a valid credential. */
export function authenticate(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    // Another scheme (Basic, …) is not a credential of ours: as if there were none.
    const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    const apiKey = req.headers['x-api-key'];
    requestState(res).principal = await authenticator.authenticate({
      bearer,
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    });
    next();
  };
}
