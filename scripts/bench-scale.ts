/**
 * Part 4 of `npm run bench` (issue 15): small-document uploads at 16 concurrent clients against
 * `corpusgate serve` child processes — SQLite, one process; PostgreSQL, one process; PostgreSQL,
 * two processes on one schema (the clients split across both ports) — and, as extra rows, the
 * same PostgreSQL setups with the uploads spread over four customers (each customer's uploads
 * queue on its usage row lock; spread, they need not). Each setup gets a fresh DATA_DIR and
 * schema, removed afterwards. Prints one table; no assertions on timings; exits 1 only when an
 * answer is not the expected 200. PostgreSQL rows are skipped (with a note) when it does not answer.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { fileEnvelope, fmt, msSince, nowNs, post, printTable, type Row, type Target } from './bench-kit.js';
import { cpuBetween, sampleCpu } from './bench-cpu.js';

const CLI = path.resolve('dist/src/cli/index.js');
const PG_URL = process.env['CORPUSGATE_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = 16;
const WARMUP = 64;
const UPLOADS = Number(process.env['BENCH_SCALE_UPLOADS'] ?? 800);
const CORPUS = '151';
const BOUNDARY = '----corpusgate-bench-scale';
// A dev secret for the bench's own processes only.
const JWT_SECRET = 'bench-scale-secret-0123456789abcdef0123456789abcdef';

interface Setup {
  readonly label: string;
  readonly postgres: boolean;
  readonly processes: number;
  readonly customers: number;
  /** Extra environment of the gateway processes. */
  readonly env?: Readonly<Record<string, string>>;
}
interface Result {
  readonly setup: Setup;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU ms per measured upload: the gateway processes, PostgreSQL's processes, the bench's own clients. */
  readonly cpu: { readonly gateways: number; readonly postgres: number; readonly clients: number };
}
interface Client { readonly target: Target; readonly customer: string }

const problems: string[] = [];

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `corpusgate serve` on a free port, resolved once it prints its curl line (it listens then). */
async function serve(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...env, PORT: String(port) }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^echo .*curl .*$/m.test(output)) (clearTimeout(timer), resolve());
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`serve exited with ${code}:\n${output}`))));
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(killer);
}

function benchDocument(id: string): string {
  const words = 'corpus gateway upload document section text index vector search ';
  return JSON.stringify({ documentId: id, title: `Doc ${id}`, section: [{ text: `Section of document ${id}. ${words.repeat(8)}`.slice(0, 500) }] });
}

/** `total` distinct small .json Documents through /v1/upload, CLIENTS at a time; latencies in ms. */
async function drive(clients: readonly Client[], prefix: string, total: number): Promise<{ ms: number[]; seconds: number }> {
  let next = 0;
  const ms: number[] = [];
  const worker = async (c: Client): Promise<void> => {
    for (let n = next++; n < total; n = next++) {
      const { head, tail } = fileEnvelope(BOUNDARY, `${prefix}-${n}.json`, 'application/json');
      const body = Buffer.concat([head, Buffer.from(benchDocument(`${prefix}-${n}`)), tail]);
      const a = await post(c.target, `/v1/upload?c=${c.customer}&o=${CORPUS}`, { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, [body]);
      if (a.status !== 200 || a.body.includes('ALREADY_EXISTS')) problems.push(`${prefix}-${n}: ${a.status} ${a.body.slice(0, 200)}`);
      ms.push(a.ms);
    }
  };
  const start = nowNs();
  await Promise.all(clients.map(worker));
  return { ms, seconds: msSince(start) / 1000 };
}

/** Starts the setup's processes, runs warm-up and measured uploads, and removes everything it made. */
async function runSetup(setup: Setup, admin: pg.Client | null): Promise<Result> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-bench-scale-'));
  const schema = `corpusgate_bench_${process.pid}_${Date.now().toString(36)}`;
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, HOST: '127.0.0.1', JWT_SECRET, LOG_LEVEL: 'warn', ...setup.env };
  const children: ChildProcess[] = [];
  try {
    if (setup.postgres) {
      await admin!.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(PG_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      env['DATABASE_URL'] = url.toString();
    }
    const cli = async (...args: string[]) => (await promisify(execFile)(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout.trim();
    const customers = Array.from({ length: setup.customers }, (_, i) => String(700 + i));
    const tokens = new Map<string, string>();
    for (const customer of customers) {
      await cli('corpus', 'create', '--customer', customer, '--corpus', CORPUS, '--name', 'bench');
      tokens.set(customer, (await cli('token', '--customer', customer, '--ttl', '1h')).split('\n').at(-1)!);
    }
    const ports: number[] = [];
    for (let i = 0; i < setup.processes; i++) {
      const started = await serve(env, dataDir);
      children.push(started.child);
      ports.push(started.port);
    }
    const agents = ports.map(() => new http.Agent({ keepAlive: true, maxSockets: CLIENTS }));
    // Client k: process k mod n, customer k mod m (with 2 processes and 4 customers, each process sees two).
    const clients = Array.from({ length: CLIENTS }, (_, k): Client => {
      const customer = customers[k % customers.length]!;
      return { customer, target: { port: ports[k % ports.length]!, token: tokens.get(customer)!, agent: agents[k % agents.length]! } };
    });
    await drive(clients, 'warm', WARMUP);
    const pids = children.map((c) => c.pid!);
    const [before, clientsBefore] = [sampleCpu(pids), process.cpuUsage()];
    const { ms, seconds } = await drive(clients, 'doc', UPLOADS);
    const clientsMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(clientsBefore));
    const spent = cpuBetween(before, sampleCpu(pids));
    for (const agent of agents) agent.destroy();
    const cpu = { gateways: spent.gateways / UPLOADS, postgres: setup.postgres ? spent.postgres / UPLOADS : 0, clients: clientsMs / UPLOADS };
    return { setup, perSecond: UPLOADS / seconds, p50: percentile(ms, 50), p99: percentile(ms, 99), cpu };
  } finally {
    for (const child of children) await stop(child);
    if (setup.postgres) await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresAdmin(): Promise<pg.Client | null> {
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
    return admin;
  } catch (err) {
    console.log(`PostgreSQL at ${PG_URL} does not answer (${err instanceof Error ? err.message : String(err)}): its rows are skipped`);
    await admin.end().catch(() => {});
    return null;
  }
}

const SETUPS: readonly Setup[] = [
  { label: 'SQLite, 1 process', postgres: false, processes: 1, customers: 1 },
  { label: 'PostgreSQL, 1 process', postgres: true, processes: 1, customers: 1 },
  { label: 'PostgreSQL, 2 processes', postgres: true, processes: 2, customers: 1 },
  { label: 'PostgreSQL, 1 process, 4 customers', postgres: true, processes: 1, customers: 4 },
  { label: 'PostgreSQL, 2 processes, 4 customers', postgres: true, processes: 2, customers: 4 },
  // The durability of the SQLite default (synchronous=NORMAL): commits answered before their flush.
  { label: 'PostgreSQL, 1 process, synchronous_commit off', postgres: true, processes: 1, customers: 1, env: { DATABASE_SYNCHRONOUS_COMMIT: 'off' } },
  { label: 'PostgreSQL, 2 processes, synchronous_commit off', postgres: true, processes: 2, customers: 1, env: { DATABASE_SYNCHRONOUS_COMMIT: 'off' } },
];

/** The two ratios, with its goals, as rows. */
function ratioRows(results: readonly Result[]): Row[] {
  const of = (label: string) => results.find((r) => r.setup.label === label)?.perSecond;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? fmt(a / b) : 'n/a');
  const sqlite = of('SQLite, 1 process');
  const pgOne = of('PostgreSQL, 1 process');
  return [
    ['PG 2 processes / PG 1 process', ratio(of('PostgreSQL, 2 processes'), pgOne), '×', 'goal ≥ 1.6 (one customer)'],
    ['PG 1 process / SQLite', ratio(pgOne, sqlite), '×', 'goal ≥ 0.7'],
    ['PG 2 / PG 1, 4 customers', ratio(of('PostgreSQL, 2 processes, 4 customers'), of('PostgreSQL, 1 process, 4 customers')), '×', 'extra: no shared usage row'],
    ['PG 1 / SQLite, same durability', ratio(of('PostgreSQL, 1 process, synchronous_commit off'), sqlite), '×', 'DATABASE_SYNCHRONOUS_COMMIT=off, as SQLite synchronous=NORMAL'],
    ['PG 2 / PG 1, synchronous_commit off', ratio(of('PostgreSQL, 2 processes, synchronous_commit off'), of('PostgreSQL, 1 process, synchronous_commit off')), '×', ''],
  ];
}

async function main(): Promise<void> {
  const admin = await postgresAdmin();
  const results: Result[] = [];
  try {
    for (const setup of SETUPS) {
      if (setup.postgres && !admin) continue;
      results.push(await runSetup(setup, admin));
    }
  } finally {
    await admin?.end();
  }
  const note = `${UPLOADS} distinct small .json Documents, ${CLIENTS} concurrent clients`;
  const rows: Row[] = results.flatMap(({ setup, perSecond, p50, p99, cpu }): Row[] => [
    [`${setup.label}: throughput`, fmt(perSecond, 1), 'uploads/s', note],
    [`${setup.label}: p50`, fmt(p50), 'ms', ''],
    [`${setup.label}: p99`, fmt(p99), 'ms', ''],
    [`${setup.label}: CPU per upload`, fmt(cpu.gateways + cpu.postgres), 'ms', `gateway ${fmt(cpu.gateways)}, PostgreSQL ${fmt(cpu.postgres)} (+ bench clients ${fmt(cpu.clients)})`],
    [`${setup.label}: CPU-bound ceiling`, fmt((os.cpus().length * 1000) / (cpu.gateways + cpu.postgres + cpu.clients), 1), 'uploads/s', `${os.cpus().length} cores / CPU per upload incl. clients`],
  ]);
  console.log(`\nScale-out (${os.cpus().length} cores; gateways as child processes, default DATABASE_POOL_SIZE)`);
  printTable(['figure', 'value', 'unit', 'note'], [...rows, ...ratioRows(results)]);
  if (problems.length > 0) {
    console.error(`\n${problems.length} unexpected answers, e.g.:\n${problems.slice(0, 10).join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
