import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, toBinary, toJson } from '@bufbuild/protobuf';
import { DocumentSchema, SectionSchema } from '../src/document/index.js';
import { textPdf } from '../scripts/fixtures.js';
import { freePort } from './helpers/ports.js';
import { spawnServe } from './helpers/serve-process.js';

/**
 * Every fenced `sh` block of README.md, run in order by bash against a gateway started as
 * `npm start` starts it (the built CLI, a fresh DATA_DIR): `localhost:8080` becomes the test's
 * port, TOKEN, KEY and ADMIN_KEY come from the export lines the gateway's banner prints, and curl
 * fails on an HTTP error (`--fail-with-body`), so "exit 0" means every request was answered with
 * success. Each `# {…}` comment line shows an answer: the JSON keys it names must appear in what
 * the block printed. A block that cannot run here says why in a comment just before it:
 * `<!-- readme-examples: not run (why) -->`.
 */
const README = fs.readFileSync('README.md', 'utf8');
const SKIP = /<!-- readme-examples: not run \((.+)\) -->\n$/;

interface Block {
  readonly line: number;
  readonly code: string;
  readonly skip: string | null;
}

function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const before = markdown.slice(Math.max(0, m.index - 300), m.index);
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1]!, skip: SKIP.exec(before)?.[1] ?? null });
  }
  return blocks;
}

/** The JSON keys of the answers a block shows in its `# {…}` / `# […]` comment lines. */
function shownKeys(code: string): string[] {
  const shown = code.split('\n').flatMap((line) => /(?:^|\s)#\s*([{[].*)$/.exec(line)?.[1] ?? []);
  return [...new Set(shown.flatMap((answer) => [...answer.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)":/g)].map((k) => k[1]!)))];
}

const run = (command: string, options: { cwd: string; env: NodeJS.ProcessEnv }) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', ['-e', '-o', 'pipefail', '-c', command], { ...options, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });

let gateway: ChildProcess;
let workDir: string;
let env: NodeJS.ProcessEnv;
let port: number;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpusgate-readme-'));
  const dataDir = path.join(workDir, 'data');
  // The README's commands run from the repository (node dist/src/cli/index.js …): the build is linked in.
  fs.symlinkSync(path.resolve('dist'), path.join(workDir, 'dist'));
  const bin = path.join(workDir, 'bin');
  fs.mkdirSync(bin);
  const curl = ['/usr/bin/curl', '/bin/curl'].find((c) => fs.existsSync(c)) ?? 'curl';
  fs.writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nexec ${curl} --fail-with-body "$@"\n`, { mode: 0o755 });
  writeExampleFiles(workDir);
  port = await freePort();
  // The banner is complete once its last line, the operators' one, is out.
  const serve = spawnServe({ PATH: process.env['PATH'] ?? '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' }, workDir, /^Operators: /m, 30_000);
  gateway = serve.child;
  const { stderr: banner } = await serve.started;
  env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, DATA_DIR: dataDir, HOME: workDir };
  // The banner's export lines, run as printed: they give the variables the examples use.
  for (const name of ['TOKEN', 'KEY', 'ADMIN_KEY']) {
    const line = new RegExp(`^export ${name}=.*$`, 'm').exec(banner)?.[0];
    if (!line) throw new Error(`the banner prints no export ${name}= line:\n${banner}`);
    const { code, stdout, stderr } = await run(`${line}\nprintf %s "$${name}"`, { cwd: workDir, env });
    if (code !== 0) throw new Error(`${line} failed: ${stderr}`);
    env[name] = stdout;
  }
}, 60_000);

afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** The files the examples send: notes.txt, doc.pb, doc.json, a.pdf, b.pdf. */
function writeExampleFiles(dir: string): void {
  const document = (id: string) => create(DocumentSchema, { documentId: id, title: `Example ${id}`, section: [create(SectionSchema, { text: `The text of ${id}.` })] });
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'Notes for the README examples.\n');
  fs.writeFileSync(path.join(dir, 'doc.pb'), toBinary(DocumentSchema, document('doc-pb')));
  fs.writeFileSync(path.join(dir, 'doc.json'), JSON.stringify(toJson(DocumentSchema, document('doc-json'))));
  fs.writeFileSync(path.join(dir, 'a.pdf'), textPdf(2, 'First example'));
  fs.writeFileSync(path.join(dir, 'b.pdf'), textPdf(1, 'Second example'));
}

const blocks = shellBlocks(README);

describe('README.md shell examples', () => {
  it('has examples to run, and every one it does not run says why', () => {
    expect(blocks.filter((b) => b.skip === null).length).toBeGreaterThanOrEqual(6);
    for (const b of blocks.filter((b) => b.skip !== null)) expect(b.skip!.trim().length).toBeGreaterThan(5);
  });

  // In README order: later examples use what earlier ones stored (hello.txt, d1).
  it.each(blocks.filter((b) => b.skip === null).map((b) => [b.line, b] as const))('the sh block at line %i runs and answers as shown', async (_line, block) => {
    const code = block.code.replaceAll('http://localhost:8080', `http://127.0.0.1:${port}`).replaceAll('localhost:8080', `127.0.0.1:${port}`);
    const result = await run(code, { cwd: workDir, env });
    expect({ block: block.code, exit: result.code, stderr: result.code === 0 ? '' : result.stderr, stdout: result.code === 0 ? '' : result.stdout })
      .toEqual({ block: block.code, exit: 0, stderr: '', stdout: '' });
    const missing = shownKeys(block.code).filter((key) => !result.stdout.includes(`"${key}":`));
    expect({ block: block.code, missing, stdout: missing.length ? result.stdout : '' }).toEqual({ block: block.code, missing: [], stdout: '' });
  });
});
