import request from 'supertest';
import { ROUTES } from '../src/http/routes.js';
import { useGateway } from './helpers/gateway.js';

const gw = useGateway();

/**
 * /openapi.json describes every route; that every response of the suite matches it is checked
 * after the suite by test/openapi/global-teardown.ts.
 */
describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document served without credentials', async () => {
    const res = await request(gw.app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'corpusgate' } });
  });

  it('describes exactly the routes the gateway serves, with their methods', async () => {
    const { body } = await request(gw.app).get('/openapi.json');
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = ROUTES.map((r) => `${r.method} ${r.path.replace(/:([a-z]+)/g, '{$1}')}`).sort();
    expect(documented).toEqual(served);
  });

  it('names every operation once (operationId) and says where the API is served', async () => {
    const { body } = await request(gw.app).get('/openapi.json');
    const ids = Object.values(body.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(body.servers).toEqual([{ url: '/' }]);
  });

  it('gives every operation its error answers with the codes of each status', async () => {
    const { body } = await request(gw.app).get('/openapi.json');
    const upload = body.paths['/v1/upload'].post.responses;
    expect(Object.keys(upload).sort()).toEqual(['200', '400', '401', '403', '408', '409', '413', '415', '422', '429', '431', '500', '503', '507']);
    expect(upload['422'].content['application/json'].schema.allOf[1].properties.internalCode.enum).toContain('ENCRYPTED');
  });
});
