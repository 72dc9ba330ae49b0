import crypto from 'node:crypto';
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import * as jose from 'jose';
import { freePort } from './helpers/ports.js';
import { CLI, spawnServe } from './helpers/serve-process.js';
import { openTestStore } from './helpers/built-workers.js';
import { MIGRATIONS } from '../src/store/sqlite/migrations.js';

/**
 * The `corpusgate` command as a person runs it: the built CLI (npm test builds first) in a child
 * process, on a fresh data directory.
 */
const run = promisify(execFile);

let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-cli-'));
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, ...extra });

/** `corpusgate serve` on the test's DATA_DIR (stopped after each test); see spawnServe. */
async function serveStreams(port: number, extra: Record<string, string> = {}, ready?: RegExp): Promise<{ stdout: string; stderr: string }> {
  const { child, started } = spawnServe(env({ PORT: String(port), HOST: '127.0.0.1', ...extra }), dataDir, ready);
  children.push(child);
  return started;
}

/** serveStreams, with both streams as one text. */
async function serve(port: number): Promise<string> {
  const { stdout, stderr } = await serveStreams(port);
  return stdout + stderr;
}

async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('corpusgate serve', () => {
  it('seeds the demo corpus, prints a dev token and a curl line that works when pasted', async () => {
    const port = await freePort();
    const output = await serve(port);
    expect(fs.existsSync(path.join(dataDir, 'corpusgate.db'))).toBe(true);
    expect(output).toContain(`listening on http://localhost:${port}`);
    const curlLine = /^echo .*$/m.exec(output)![0];
    expect(curlLine).toContain(`/v1/upload?c=123456&o=151`);

    const first = await run('bash', ['-c', curlLine]);
    expect(JSON.parse(first.stdout)).toEqual({ response: { status: {}, quotaConsumed: { numChars: '21', numMetadataChars: '17' } } });
    const again = await run('bash', ['-c', curlLine]);
    expect(JSON.parse(again.stdout).response.status.code).toBe('ALREADY_EXISTS');

    // A restart keeps the corpus (not seeded twice), the document and the secret (the token still works).
    await stop(children.pop());
    const output2 = await serve(port);
    expect(output2).toContain('listening');
    const replay = await run('bash', ['-c', curlLine]);
    expect(JSON.parse(replay.stdout).response.status.code).toBe('ALREADY_EXISTS');
    const wrongToken = await run('bash', ['-c', curlLine.replace(/Bearer [^"]+/, 'Bearer wrong')]);
    expect(JSON.parse(wrongToken.stdout)).toMatchObject({ httpCode: 401, internalCode: 'UNAUTHENTICATED' });
  });

  it('writes its banner to stderr (stdout stays JSON log lines), with export lines that work when pasted', async () => {
    const port = await freePort();
    const { stdout, stderr } = await serveStreams(port, { LOG_LEVEL: 'info' });
    for (const line of stdout.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    expect(stderr).toContain(`corpusgate listening on http://localhost:${port}`);
    const token = /^export TOKEN=(\S+)$/m.exec(stderr)![1]!;
    expect(/^echo .*Bearer (\S+)"/m.exec(stderr)![1]).toBe(token);
    // The KEY and ADMIN_KEY lines, run as printed (from the repository, as the README's commands are).
    for (const name of ['KEY', 'ADMIN_KEY']) {
      const line = new RegExp(`^export ${name}=.*$`, 'm').exec(stderr)![0];
      const { stdout: key } = await run('bash', ['-c', `${line} && echo "$${name}"`], { env: env(), cwd: process.cwd() });
      const whoami = await fetch(`http://127.0.0.1:${port}/v2/whoami`, { headers: { 'x-api-key': key.trim() } });
      expect(await whoami.json()).toMatchObject({ kind: 'api_key', customer_id: '123456', scopes: name === 'KEY' ? ['corpus:read', 'corpus:write'] : expect.arrayContaining(['corpus:admin']) });
    }
    const asToken = await fetch(`http://127.0.0.1:${port}/v2/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await asToken.json()).toMatchObject({ kind: 'token', customer_id: '123456', corpus_ids: null });
  });

  it('prints no curl line for a demo corpus that DEMO_SEED=false did not make', async () => {
    const port = await freePort();
    const { stderr } = await serveStreams(port, { DEMO_SEED: 'false' }, /No demo corpus.*\n[\s\S]*Operators:/);
    expect(stderr).not.toMatch(/^echo /m);
    expect(stderr).toContain('corpus create --customer 123456 --corpus 151');
    expect(stderr).toMatch(/^export TOKEN=/m);
  });

  it('stops at start with a clear message when a variable is wrong', async () => {
    const failure = await run(process.execPath, [CLI, 'serve'], { env: env({ PORT: 'eighty', JWT_ALGORITHMS: 'none' }) }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 2 });
    const stderr = (failure as { stderr: string }).stderr;
    expect(stderr).toContain('invalid configuration');
    expect(stderr).toContain('PORT must be an integer from 0 to 65535, got "eighty"');
    expect(stderr).toContain('"none" is not an accepted algorithm');
  });

  it('refuses to start with a private key in JWT_PUBLIC_KEY_FILE (a signing key on a verifier)', async () => {
    const keyFile = path.join(dataDir, 'key.pem');
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const type of ['pkcs8', 'sec1'] as const) {
      fs.writeFileSync(keyFile, privateKey.export({ type, format: 'pem' }));
      const failure = await run(process.execPath, [CLI, 'serve'], { env: env({ JWT_PUBLIC_KEY_FILE: keyFile }) }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 2 });
      expect((failure as { stderr: string }).stderr).toContain(`JWT_PUBLIC_KEY_FILE ${keyFile} holds a private key`);
    }
    expect(fs.readdirSync(dataDir)).toEqual(['key.pem']); // nothing opened or created
  });
});

describe('corpusgate apikey', () => {
  it('creates a key shown once that a running gateway accepts, lists it, and revokes it', async () => {
    const port = await freePort();
    await serve(port);
    const created = await run(process.execPath, [CLI, 'apikey', 'create', '--customer', '123456', '--role', 'index', '--expires', '30d', '--name', 'ci'], { env: env() });
    const key = created.stdout.trim();
    expect(key).toMatch(/^cgk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only this once');
    const keyId = key.split('_')[1]!;
    const upload = () => {
      const form = new FormData();
      form.append('file', new Blob(['via an API key']), 'key.txt');
      return fetch(`http://127.0.0.1:${port}/v1/upload?c=123456&o=151`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
    };
    expect((await upload()).status).toBe(200);

    const list = await run(process.execPath, [CLI, 'apikey', 'list', '--customer', '123456'], { env: env() });
    expect(list.stdout).toContain(`${keyId}\t123456\tindex\t*\tactive\t`);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout.split('\n')[0]).toBe('id\tcustomer\trole\tcorpora\tstate\tcreated\texpires\tname');
    // The id as listed, the key's start or the whole key name the same key; anything else is a usage error.
    const malformed = await run(process.execPath, [CLI, 'apikey', 'revoke', 'cgk_nothex'], { env: env() }).catch((e: unknown) => e);
    expect(malformed).toMatchObject({ code: 2 });
    expect((malformed as { stderr: string }).stderr).toContain('is not a key id');
    const byPrefix = await run(process.execPath, [CLI, 'apikey', 'revoke', `cgk_${keyId}`], { env: env() });
    expect(byPrefix.stdout).toContain(`revoked API key ${keyId}`);
    await run(process.execPath, [CLI, 'apikey', 'revoke', key], { env: env() });
    await run(process.execPath, [CLI, 'apikey', 'revoke', keyId], { env: env() });
    const refused = await upload();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { details: string }).details).toContain('revoked');
    expect((await run(process.execPath, [CLI, 'apikey', 'list'], { env: env() })).stdout).toContain('revoked');
    const unknown = await run(process.execPath, [CLI, 'apikey', 'revoke', 'ffffffffffffffff'], { env: env() }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 2 });
    expect((unknown as { stderr: string }).stderr).toContain('no API key with id ffffffffffffffff');
  });

  it('refuses an unknown role, customer or past expiry', async () => {
    await run(process.execPath, [CLI, 'corpus', 'create', '--customer', '9', '--corpus', '1', '--name', 'x'], { env: env() });
    for (const args of [['--customer', '9', '--role', 'owner'], ['--customer', '8', '--role', 'query'], ['--customer', '9', '--role', 'query', '--expires', '2001-01-01'],
      // An extractions key is bound to exactly one corpus.
      ['--customer', '9', '--role', 'extractions'], ['--customer', '9', '--role', 'extractions', '--corpus', '1', '--corpus', '2']]) {
      const failure = await run(process.execPath, [CLI, 'apikey', 'create', ...args], { env: env() }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 2 });
    }
    const created = await run(process.execPath, [CLI, 'apikey', 'create', '--customer', '9', '--corpus', '1', '--role', 'extractions'], { env: env() });
    expect(created.stderr).toContain('created extractions key');
    const list = await run(process.execPath, [CLI, 'apikey', 'list', '--customer', '9'], { env: env() });
    expect(list.stdout).toContain('\t9\textractions\t1\tactive\t');
  });
});

describe('corpusgate --help and --version', () => {
  it('answers --help on every command and subcommand (stdout, exit 0), before reading the configuration', async () => {
    const commands = [
      ['--help'], ['serve', '--help'], ['migrate', '--help'], ['token', '--help'], ['corpus', '--help'], ['corpus', 'create', '--help'],
      ['quota', '--help'], ['quota', 'show', '--help'], ['quota', 'set', '-h'], ['apikey', '--help'], ['apikey', 'create', '--help'],
      ['apikey', 'list', '--help'], ['apikey', 'revoke', '--help'], ['jobs', '--help'], ['jobs', 'ls', '--help'], ['jobs', 'show', '--help'],
      ['jobs', 'retry', '--help'], ['upload', '--help'], ['show', '--help'], ['ls', '--help'],
    ];
    for (const args of commands) {
      // A wrong variable would stop the command; --help is answered first.
      const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: env({ PORT: 'eighty' }) });
      expect({ args, usage: stdout.startsWith('usage: corpusgate'), stderr }).toEqual({ args, usage: true, stderr: '' });
    }
    expect(fs.readdirSync(dataDir)).toEqual([]); // nothing opened or created
    const unknown = await run(process.execPath, [CLI, 'quota', 'frob'], { env: env() }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 2 });
    expect((unknown as { stderr: string }).stderr).toContain('unknown subcommand "frob"');
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect((await run(process.execPath, [CLI, flag], { env: env() })).stdout).toBe(`corpusgate ${pkg.version}\n`);
  });
});

describe('corpusgate token, corpus and quota', () => {
  it('mints a token with the generated dev secret', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'token', '--customer', '123456', '--corpus', '151', '--ttl', '2h'], { env: env() });
    const secret = fs.readFileSync(path.join(dataDir, 'dev-jwt-secret'), 'utf8').trim();
    const { payload, protectedHeader } = await jose.jwtVerify(stdout.trim(), new TextEncoder().encode(secret));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ customer_id: '123456', scope: 'corpus:write', corpus_ids: [151] });
    expect(payload.exp! - payload.iat!).toBe(7200);
  });

  it('refuses to mint when only public keys are configured', async () => {
    const failure = await run(process.execPath, [CLI, 'token', '--customer', '1'], { env: env({ JWT_JWKS_URL: 'https://idp.example/jwks' }) }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('cannot mint tokens');
  });

  it('creates corpora and sets and shows quotas', async () => {
    const created = await run(process.execPath, [CLI, 'corpus', 'create', '--customer', '77', '--corpus', '5', '--name', 'Research'], { env: env() });
    expect(created.stdout).toContain('created corpus 5 for customer 77');
    const again = await run(process.execPath, [CLI, 'corpus', 'create', '--customer', '77', '--corpus', '5', '--name', 'Research'], { env: env() });
    expect(again.stdout).toContain('already exists');
    const set = await run(process.execPath, [CLI, 'quota', 'set', '--customer', '77', '--corpus', '5', '--chars', '5000', '--docs', 'unlimited'], { env: env() });
    expect(set.stdout).toContain('corpus 5 of customer 77: chars 0 of 5000');
    expect(set.stdout).toContain('documents 0 of unlimited');
    const customer = await run(process.execPath, [CLI, 'quota', 'show', '--customer', '77'], { env: env({ DEFAULT_CUSTOMER_MAX_DOCS: '10' }) });
    expect(customer.stdout).toContain('documents 0 of 10');
    const missing = await run(process.execPath, [CLI, 'quota', 'set', '--customer', '78', '--chars', '1'], { env: env() }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 2 });
    expect((missing as { stderr: string }).stderr).toContain('customer 78 does not exist');
  });

  it('explains its usage', async () => {
    const help = await run(process.execPath, [CLI, 'help'], { env: env() });
    expect(help.stdout).toContain('corpus create --customer C --corpus O --name N');
    const bad = await run(process.execPath, [CLI, 'corpus', 'create', '--customer', 'x'], { env: env() }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 2 });
  });
});

describe('corpusgate jobs', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const newJob = (n: number, customerId: string, corpusId: string) =>
    ({ jobId: id(n), customerId, corpusId, filename: `file\t${n}.pdf`, sha256: String(n).repeat(64), size: 10, uploader: 'test' });
  const jobs = (...args: string[]) => run(process.execPath, [CLI, 'jobs', ...args], { env: env() });
  const refused = (...args: string[]) => jobs(...args).then(() => { throw new Error(`jobs ${args.join(' ')} succeeded`); }, (e: unknown) => e as { code: number; stderr: string });

  /** Three jobs, as batch uploads leave them: 1 quarantined (customer 77), 2 queued (77), 3 queued (78). */
  beforeEach(async () => {
    const store = await openTestStore({ file: path.join(dataDir, 'corpusgate.db') });
    try {
      await store.createCorpus({ customerId: '77', corpusId: '5', name: 'a' });
      await store.createCorpus({ customerId: '78', corpusId: '6', name: 'b' });
      await store.createJobs([newJob(1, '77', '5'), newJob(2, '77', '5')]);
      await store.createJobs([newJob(3, '78', '6')]);
      const claimed = (await store.claimJob(60_000))!;
      await store.failJob(claimed.jobId, claimed.attempts, { code: 'QUARANTINED', detail: 'quarantined after 1 attempt' });
    } finally {
      await store.close();
    }
  });

  it('lists jobs under a header row, filtered by customer, corpus and status, and limited', async () => {
    const all = (await jobs('ls')).stdout.trim().split('\n');
    expect(all[0]).toBe('id\tcustomer\tcorpus\tstatus\tattempts\terror\tfilename\tupdated_at');
    expect(all.slice(1).map((line) => line.split('\t').slice(0, 7))).toEqual([
      [id(1), '77', '5', 'failed', '1', 'QUARANTINED', 'file?1.pdf'],
      [id(2), '77', '5', 'queued', '0', '-', 'file?2.pdf'],
      [id(3), '78', '6', 'queued', '0', '-', 'file?3.pdf'],
    ]);
    const queued77 = (await jobs('ls', '--customer', '77', '--status', 'queued')).stdout.trim().split('\n');
    expect(queued77.slice(1).map((line) => line.split('\t')[0])).toEqual([id(2)]);
    expect((await jobs('ls', '--corpus', '6')).stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[0])).toEqual([id(3)]);
    expect((await jobs('ls', '--limit', '1')).stdout.trim().split('\n')).toHaveLength(2);
    for (const args of [['--status', 'stuck'], ['--limit', '0'], ['--limit', 'ten'], ['--customer', 'x']]) {
      expect(await refused('ls', ...args)).toMatchObject({ code: 2 });
    }
  });

  it('shows a job as JSON and retries only a failed one', async () => {
    const shown = JSON.parse((await jobs('show', id(1))).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ jobId: id(1), status: 'failed', attempts: 1, error: { code: 'QUARANTINED', detail: 'quarantined after 1 attempt' } });
    const notFailed = await refused('retry', id(2));
    expect(notFailed.code).toBe(2);
    expect(notFailed.stderr).toContain(`job ${id(2)} is queued, not failed`);
    expect((await jobs('retry', id(1))).stdout).toContain(`re-queued job ${id(1)}`);
    expect(JSON.parse((await jobs('show', id(1))).stdout)).toMatchObject({ status: 'queued', attempts: 0, error: null });
    expect((await refused('retry', id(1))).stderr).toContain('is queued, not failed'); // once only
    const unknown = await refused('show', id(9));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no batch job with id ${id(9)}`);
    expect(await refused('show')).toMatchObject({ code: 2 });
  });

  it('explains each subcommand with --help', async () => {
    expect((await jobs('ls', '--help')).stdout).toContain('usage: corpusgate jobs ls [--customer C]');
    expect((await jobs('show', '--help')).stdout).toContain('usage: corpusgate jobs show ID');
    expect((await jobs('retry', '--help')).stdout).toContain('usage: corpusgate jobs retry ID');
    expect((await jobs('--help')).stdout).toContain('jobs ls|show|retry');
    expect((await refused('list')).code).toBe(2);
  });
});

describe('corpusgate migrate', () => {
  const migrate = (...args: string[]) => run(process.execPath, [CLI, 'migrate', ...args], { env: env() });

  it('brings a new database to the latest schema, prints the versions, and has nothing to do the second time', async () => {
    const first = await migrate();
    expect(first.stdout).toBe(`schema version before: 0\nschema version after: ${MIGRATIONS.length}\napplied ${MIGRATIONS.length} migrations\n`);
    const db = new Database(path.join(dataDir, 'corpusgate.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('documents', 'jobs', 'api_keys')").pluck().get()).toBe(3);
    db.close();
    const second = await migrate();
    expect(second.stdout).toBe(`schema version before: ${MIGRATIONS.length}\nschema version after: ${MIGRATIONS.length}\nup to date: no migration to apply\n`);
  });

  it('refuses a database with a newer schema than it knows, and leaves it as it is', async () => {
    await migrate();
    const file = path.join(dataDir, 'corpusgate.db');
    const newer = MIGRATIONS.length + 1;
    const db = new Database(file);
    db.pragma(`user_version = ${newer}`);
    db.close();
    const failure = await migrate().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain(`has schema version ${newer}, newer than this corpusgate (${MIGRATIONS.length})`);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(newer);
    after.close();
  });

  it('explains itself with --help, touching nothing, and refuses arguments', async () => {
    expect((await migrate('--help')).stdout).toContain('usage: corpusgate migrate');
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(await migrate('now').catch((e: unknown) => e)).toMatchObject({ code: 2 });
  });
});
