import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromBinary, toJson } from '@bufbuild/protobuf';
import { DocumentSchema } from '../src/document/index.js';
import { textPdf, textPng } from '../scripts/fixtures.js';
import { sampleDocument } from './helpers/documents.js';
import { freePort } from './helpers/ports.js';

/**
 * `corpusgate upload | show | ls` as a person runs them: the built CLI (npm test builds first)
 * in child processes, against `corpusgate serve` running in another child process on its own
 * port and data directory. The client processes get no DATA_DIR: they only know the URL and a
 * credential, as on a machine far from the gateway.
 */
const CLI = path.resolve('dist/src/cli/index.js');
const CUSTOMER = '123456';

let dataDir: string;
let workDir: string;
let baseUrl: string;
let apiKey: string;
let gateway: ChildProcess | undefined;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

/** Runs the CLI to its end and never throws: the exit code is part of what is checked. */
function cli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  const env = { PATH: process.env['PATH'] ?? '', CORPUSGATE_URL: baseUrl, CORPUSGATE_API_KEY: apiKey, ...options.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, cwd: options.cwd ?? workDir, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), stdoutBytes: stdout });
    });
  });
}

/** Server-side commands (corpus create, apikey create, token) read the gateway's DATA_DIR. */
async function admin(args: readonly string[]): Promise<string> {
  const run = await cli(args, { env: { DATA_DIR: dataDir } });
  if (run.code !== 0) throw new Error(`corpusgate ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.stdout.trim();
}

/** Starts `corpusgate serve`; resolves once it prints its curl line (it is listening then). */
async function serve(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
    cwd: dataDir,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^echo .*curl .*$/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
  return child;
}

/** The gateway's own listing, read directly: what is really stored. */
async function storedDocuments(corpus: string): Promise<{ id: string; created_at: string; provenance: { source_sha256: string } }[]> {
  const res = await fetch(`${baseUrl}/v2/corpora/${corpus}/documents?limit=1000`, { headers: { 'x-api-key': apiKey } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { documents: { id: string; created_at: string; provenance: { source_sha256: string } }[] }).documents;
}

const sha256 = (bytes: Buffer | string) => crypto.createHash('sha256').update(bytes).digest('hex');

function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
}

/** The count in the summary table's row for `outcome`. */
function summaryCount(stdout: string, outcome: string): number {
  const match = new RegExp(`^${outcome}\\s+(\\d+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${outcome}" row in the summary:\n${stdout}`);
  return Number(match[1]);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-client-gw-'));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-client-work-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  gateway = await serve(port);
  // serve seeded customer 123456 with corpus 151; the other tests get corpora of their own.
  apiKey = await admin(['apikey', 'create', '--customer', CUSTOMER, '--role', 'index']);
  await admin(['corpus', 'create', '--customer', CUSTOMER, '--corpus', '152', '--name', 'show']);
  await admin(['corpus', 'create', '--customer', CUSTOMER, '--corpus', '153', '--name', 'ls']);
});

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('corpusgate upload', () => {
  it('uploads a tree, reports every outcome, exits 1 for a failure, and on a re-run sends only what is not stored', async () => {
    const tree = path.join(workDir, 'tree');
    const exotic = "notes/résumé 'draft' (1) #2?.txt";
    writeFiles(tree, {
      'a.txt': 'alpha text',
      'notes/b.txt': 'bravo text',
      'notes/deep/c.txt': 'charlie text',
      [exotic]: 'an id with spaces, quotes, parentheses, # and ?',
      'doc.json': JSON.stringify(toJson(DocumentSchema, sampleDocument('json-doc-1'))),
      'report.pdf': textPdf(1, 'Quarterly report'),
      'scans/page.png': await textPng(), // read by OCR
      'broken.pdf': 'plain text pretending to be a PDF',
      '.hidden.txt': 'never sent',
      '.git/config': 'never sent either',
      'tool.exe': 'an unsupported extension',
    });

    const first = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, tree]);
    expect(first.code).toBe(1);
    expect(summaryCount(first.stdout, 'uploaded')).toBe(7);
    expect(summaryCount(first.stdout, 'skipped')).toBe(0);
    expect(summaryCount(first.stdout, 'failed')).toBe(1);
    expect(first.stdout).toContain('sent 8 files');
    expect(first.stdout).toContain('2 hidden, 1 with an unsupported extension');
    expect(first.stdout).toMatch(/^\s+broken\.pdf\s+TYPE_MISMATCH\s+.*plain text/m);
    // stderr is not a terminal here: one line per file, no bar redrawn with carriage returns.
    expect(first.stderr.trim().split('\n')).toHaveLength(8);
    expect(first.stderr).not.toContain('\r');
    expect(first.stderr).toMatch(/^\[\d\/8\] uploaded notes\/deep\/c\.txt$/m);

    const stored = await storedDocuments('151');
    const ids = stored.map((d) => d.id);
    // Ids are relative to the directory argument; a Document file keeps its own document_id.
    expect(ids).toEqual(expect.arrayContaining(['a.txt', 'notes/b.txt', 'notes/deep/c.txt', exotic, 'json-doc-1', 'report.pdf', 'scans/page.png']));
    expect(ids).not.toContain('broken.pdf');
    expect(ids.filter((id) => id.includes('hidden') || id.includes('.git') || id.includes('table'))).toEqual([]);
    expect(stored.find((d) => d.id === 'a.txt')!.provenance.source_sha256).toBe(sha256('alpha text'));

    // The same tree named relatively from elsewhere gives the same ids: all skipped, only the
    // failed file is sent again.
    const again = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, 'tree']);
    expect(again.code).toBe(1);
    expect(summaryCount(again.stdout, 'uploaded')).toBe(0);
    expect(summaryCount(again.stdout, 'skipped')).toBe(7);
    expect(summaryCount(again.stdout, 'failed')).toBe(1);
    expect(again.stdout).toContain('sent 1 file ');
    expect(await storedDocuments('151')).toEqual(stored);

    fs.rmSync(path.join(tree, 'broken.pdf'));
    const clean = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, '--concurrency', '2', tree]);
    expect(clean.code).toBe(0);
    expect(summaryCount(clean.stdout, 'skipped')).toBe(7);
    expect(clean.stdout).toContain('sent 0 files');
    expect(clean.stdout).not.toContain('failed:');

    // Other content under a stored id is a conflict, reported without sending the file.
    fs.writeFileSync(path.join(tree, 'a.txt'), 'alpha text, edited');
    const edited = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, tree]);
    expect(edited.code).toBe(1);
    expect(summaryCount(edited.stdout, 'failed')).toBe(1);
    expect(edited.stdout).toMatch(/^\s+a\.txt\s+CONFLICT\s+.*other content/m);
    expect(edited.stdout).toContain('sent 0 files');
    expect((await storedDocuments('151')).find((d) => d.id === 'a.txt')!.provenance.source_sha256).toBe(sha256('alpha text'));

    // A file argument is named by its own name.
    const single = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, path.join(tree, 'notes', 'b.txt')]);
    expect(single.code).toBe(0);
    expect(summaryCount(single.stdout, 'uploaded')).toBe(1);
    expect((await storedDocuments('151')).map((d) => d.id)).toContain('b.txt');
  });

  it("takes an API key's customer from the gateway (GET /v2/whoami) when --customer is not given", async () => {
    writeFiles(path.join(workDir, 'lonely'), { 'x.txt': 'x' });
    const run = await cli(['upload', '--corpus', '151', path.join(workDir, 'lonely')]);
    expect(run.stderr).toContain('uploaded x.txt');
    expect(run.code).toBe(0);
    expect((await storedDocuments('151')).map((d) => d.id)).toContain('x.txt');
    // A key of another customer: its own customer is used, so this corpus is not found for it.
    await admin(['corpus', 'create', '--customer', '999', '--corpus', '1', '--name', 'other']);
    const other = await admin(['apikey', 'create', '--customer', '999', '--role', 'index']);
    const refused = await cli(['upload', '--corpus', '151', path.join(workDir, 'lonely')], { env: { CORPUSGATE_API_KEY: other } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('CORPUS_NOT_FOUND');
  });
});

describe('corpusgate show', () => {
  const memoId = 'sub dir/mémo #1?.txt';
  const memoText = 'A memo to read back in three formats.';
  let token: string;

  beforeAll(async () => {
    writeFiles(path.join(workDir, 'show'), { [memoId]: memoText });
    // A JWT names its customer: upload works without --customer.
    token = await admin(['token', '--customer', CUSTOMER, '--corpus', '152']);
    const upload = await cli(['upload', '--corpus', '152', path.join(workDir, 'show')], { env: { CORPUSGATE_API_KEY: '', CORPUSGATE_TOKEN: token } });
    expect(upload.stderr).toBe('[1/1] uploaded sub dir/mémo #1?.txt\n');
    expect(upload.code).toBe(0);
  });

  it('prints the document as pretty JSON by default', async () => {
    const run = await cli(['show', '--corpus', '152', memoId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\n  "documentId"');
    expect(JSON.parse(run.stdout)).toMatchObject({ documentId: memoId, section: [{ text: memoText }] });
  });

  it('prints the protobuf text format', async () => {
    const run = await cli(['show', '--corpus', '152', '--format', 'text', memoId], { env: { CORPUSGATE_API_KEY: '', CORPUSGATE_TOKEN: token } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`text: "${memoText}"`);
    expect(run.stdout).toMatch(/^document_id: "sub dir\/m/m);
  });

  it('writes the binary Document to stdout', async () => {
    const run = await cli(['show', '--corpus', '152', '--format', 'binary', '--customer', CUSTOMER, memoId]);
    expect(run.code).toBe(0);
    const document = fromBinary(DocumentSchema, run.stdoutBytes);
    expect(document.documentId).toBe(memoId);
    expect(document.section[0]?.text).toBe(memoText);
  });

  it('prints the record with its provenance under --info', async () => {
    const run = await cli(['show', '--corpus', '152', '--info', memoId]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: memoId, provenance: { source_sha256: sha256(memoText), detected_type: 'text' } });
  });

  it('says when the document does not exist, and refuses an unknown format', async () => {
    const missing = await cli(['show', '--corpus', '152', 'no-such-doc']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('404 DOCUMENT_NOT_FOUND');
    const format = await cli(['show', '--corpus', '152', '--format', 'yaml', memoId]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of json, text, binary');
  });
});

describe('corpusgate ls', () => {
  const files: Record<string, string> = {
    'apple.txt': 'apple',
    'banana.txt': 'banana!',
    'berry/blue.txt': 'blueberry',
    'berry/rasp.txt': 'raspberry jam',
    'cherry.txt': 'cherries',
  };

  beforeAll(async () => {
    writeFiles(path.join(workDir, 'fruit'), files);
    const upload = await cli(['upload', '--corpus', '153', '--customer', CUSTOMER, path.join(workDir, 'fruit')]);
    expect(upload.code).toBe(0);
  });

  it('pages through the whole corpus, one line per document in id order', async () => {
    const run = await cli(['ls', '--corpus', '153', '--page-size', '2']);
    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split('\n').map((line) => line.split('\t'));
    expect(rows.map((r) => r[0])).toEqual(Object.keys(files).sort());
    for (const [id, _title, chars, created] of rows) {
      expect(Number(chars)).toBe(files[id!]!.length);
      expect(Number.isNaN(Date.parse(created!))).toBe(false);
    }
    expect(run.stderr).toContain('5 documents');
  });

  it('lists only the ids under --prefix', async () => {
    const run = await cli(['ls', '--corpus', '153', '--prefix', 'b', '--page-size', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').map((line) => line.split('\t')[0])).toEqual(['banana.txt', 'berry/blue.txt', 'berry/rasp.txt']);
  });
});

describe('the client commands without a usable gateway', () => {
  it('refuses a wrong key with the gateway\'s reason', async () => {
    const run = await cli(['ls', '--corpus', '151'], { env: { CORPUSGATE_API_KEY: `cgk_0000000000000000_${'A'.repeat(43)}` } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('401 UNAUTHENTICATED');
    const upload = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, path.join(workDir, 'fruit')], { env: { CORPUSGATE_API_KEY: 'not-a-key' } });
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain('401 UNAUTHENTICATED');
  });

  it('says when no credential is set', async () => {
    const run = await cli(['ls', '--corpus', '151'], { env: { CORPUSGATE_API_KEY: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('CORPUSGATE_API_KEY');
  });

  it('says when the gateway cannot be reached', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await cli(['show', '--corpus', '151', '--url', down, 'a.txt']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the gateway at ${down}: connection refused`);
    const upload = await cli(['upload', '--corpus', '151', '--customer', CUSTOMER, path.join(workDir, 'fruit')], { env: { CORPUSGATE_URL: down } });
    expect(upload.code).toBe(1);
    expect(upload.stderr).toContain('cannot reach the gateway');
  });
});
