import type { Route } from '../route.js';
import { openApiDocument } from './document.js';

/** GET /openapi.json: public, like the routes it describes; `routes` is the whole table. */
export function openApiRoute(routes: () => readonly Route[]): Route {
  return {
    method: 'GET',
    path: '/openapi.json',
    operation: { operationId: 'openApi', summary: 'This document', auth: false, ok: { 200: { 'application/json': { type: 'object', required: ['openapi', 'paths'] } } }, errors: [] },
    handlers: () => {
      const body = JSON.stringify(openApiDocument(routes()));
      return [(_req, res) => void res.type('application/json').send(body)];
    },
  };
}
