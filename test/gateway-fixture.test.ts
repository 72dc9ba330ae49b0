import fs from 'node:fs';
import request from 'supertest';
import { useGateway } from './helpers/gateway.js';

/** The test fixture itself (test/helpers/gateway.ts): what the suites converted to it rely on. */

describe("useGateway({ scope: 'all' })", () => {
  const gw = useGateway();
  const dirs: string[] = [];

  it('is one gateway for every test of its block', () => {
    dirs.push(gw.dir);
    expect(fs.existsSync(gw.dir)).toBe(true);
  });

  it('(the same one here)', () => {
    expect(gw.dir).toBe(dirs[0]);
  });
});

describe("useGateway({ scope: 'each', listen: true })", () => {
  const gw = useGateway({ scope: 'each', listen: true, env: { MAX_UPLOAD_BYTES: '1234' } });
  const dirs: string[] = [];
  const outside: string[] = [];
  try {
    void gw.app;
  } catch (err) {
    outside.push((err as Error).message);
  }

  it('exists only inside tests and hooks', () => {
    expect(outside).toEqual([expect.stringContaining('only inside the tests and hooks')]);
  });

  it('starts a fresh gateway with its env for each test, serving on a real port', async () => {
    dirs.push(gw.dir);
    expect(gw.config.maxUploadBytes).toBe(1234);
    expect((await request(`http://127.0.0.1:${gw.server.port}`).get('/healthz')).status).toBe(200);
  });

  it('and closes it after the test, removing its data directory', () => {
    expect(gw.dir).not.toBe(dirs[0]);
    expect(fs.existsSync(dirs[0]!)).toBe(false);
  });
});
