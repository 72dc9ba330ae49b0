import type { Request, Response } from 'express';
import { authenticate } from '../authenticate.js';
import { CREDENTIAL_ERRORS } from '../openapi/parameters.js';
import { required } from '../locals.js';
import type { Route } from '../route.js';

/**
 * `GET /v2/whoami`: what the credential is, as the gateway reads it — its subject, customer, scopes
 * and corpora. Any valid credential may ask (it learns only about itself): the CLI's upload takes
 * the customer of an API key from here, and the console shows who signed in.
 */
export const WHOAMI_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v2/whoami',
    operation: { operationId: 'whoami', summary: "The caller's credential: subject, customer, scopes and corpora", ok: { 200: 'Principal' }, errors: CREDENTIAL_ERRORS },
    handlers: (deps) => [
      authenticate(deps.authenticator),
      (_req: Request, res: Response) => {
        const principal = required(res, 'principal');
        res.json({
          subject: principal.subject,
          kind: principal.subject.startsWith('apikey:') ? 'api_key' : 'token',
          customer_id: principal.customerId,
          scopes: [...principal.scopes].sort(),
          corpus_ids: principal.corpusIds === null ? null : [...principal.corpusIds].sort(),
        });
      },
    ],
  },
];
