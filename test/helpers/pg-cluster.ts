import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { createTestSchema, dropTestSchemas } from './postgres.js';
import { freePort } from './ports.js';

/**
 * Several `corpusgate serve` child processes on one PostgreSQL schema and one DATA_DIR (issue 15):
 * what an operator runs behind a load balancer. The DATA_DIR is shared because batch uploads keep
 * their files there (a directory every process sees, as the README asks); the API key lives in
 * the database, so one key works on every process.
 */
const CLI = path.resolve('dist/src/cli/index.js');
const OUTPUT_TAIL = 32 * 1024;

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  alive(): boolean;
  /** SIGKILL, resolved once the process is gone. */
  kill9(): Promise<void>;
}

export interface PgCluster {
  readonly schema: string;
  readonly dbUrl: string;
  readonly dataDir: string;
  cli(...args: string[]): Promise<string>;
  serve(): Promise<ServeProcess>;
  /** Kills every process still running (SIGKILL: nothing to keep), drops the schema and DATA_DIR. */
  close(): Promise<void>;
}

export async function startPgCluster(admin: pg.Client, extraEnv: Record<string, string> = {}): Promise<PgCluster> {
  const { schema, url } = await createTestSchema(admin);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-pg-cluster-'));
  const children: ServeProcess[] = [];
  // EXTRACT_QUEUE_MAX above the default 64: a burst sends ~100 uploads at each process at once,
  // and these tests are about the database, not the extraction queue's 503 backpressure.
  const env = {
    PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1', DATABASE_URL: url,
    LOG_LEVEL: 'warn', EXTRACT_WORKERS: '1', JOB_LEASE_MS: '2000', EXTRACT_QUEUE_MAX: '512', ...extraEnv,
  };
  return {
    schema,
    dbUrl: url,
    dataDir,
    cli: async (...args) => (await promisify(execFile)(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout.trim(),
    async serve() {
      const started = await serveChild(env, dataDir);
      children.push(started);
      return started;
    },
    async close() {
      for (const child of children) await child.kill9();
      await dropTestSchemas(admin, [schema]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `corpusgate serve` on a free port; resolves once it prints its curl line (it listens then). */
export async function serveChild(env: Record<string, string>, cwd: string): Promise<ServeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...env, PORT: String(port) }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const started: ServeProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    alive,
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 2 * OUTPUT_TAIL) output = output.slice(-OUTPUT_TAIL);
      if (/^echo .*curl .*$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await started.kill9();
    throw err;
  });
  return started;
}
