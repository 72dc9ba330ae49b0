import { Router } from 'express';
import { openApiDocument } from './document.js';

/** GET /openapi.json: public, like the routes it describes. */
export function openApiRouter(): Router {
  const router = Router();
  const body = JSON.stringify(openApiDocument());
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
  return router;
}
