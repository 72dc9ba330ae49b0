/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The DOM types are for the functions that playwright runs inside the page.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import ts from 'typescript';
import { pdf, textPage } from '../scripts/fixtures.js';
import { generateApiKey } from '../src/auth/index.js';
import { consoleStaticDir } from '../src/http/console-route.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { uploadForm } from './helpers/upload.js';
import { describeBrowser, launchChromium, openPage, pageWaits, requireBrowser, serveOnPort } from './helpers/console-browser.js';

const STATIC_DIR = consoleStaticDir();

describe('the /console static files', () => {
  const gw = useGateway();

  it('serves the page with a strict Content-Security-Policy and revalidating caches', async () => {
    const redirect = await request(gw.app).get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers['location']).toBe('/console/');
    const page = await request(gw.app).get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const script = await request(gw.app).get('/console/console.js');
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect((await request(gw.app).get('/console/console.css')).headers['content-type']).toMatch(/^text\/css/);
  });

  it('answers 404 for unknown files and 405 for other methods, as JSON', async () => {
    const missing = await request(gw.app).get('/console/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.body.internalCode).toBe('NOT_FOUND');
    const post = await request(gw.app).post('/console/').send('x');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    expect((await request(gw.app).get('/console/../package.json')).status).toBe(404);
    expect((await request(gw.app).get('/consolex')).status).toBe(404);
  });

  it('runs no inline script and never renders data as HTML', () => {
    const html = fs.readFileSync(path.join(STATIC_DIR, 'index.html'), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>[\s\S]*?<\/script>/g) ?? []) expect(tag).toMatch(/^<script type="module" src="[^"]+"><\/script>$/);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).toContain('<link rel="icon" href="favicon.ico"');
    const modules = fs.readdirSync(STATIC_DIR).filter((file) => file.endsWith('.js'));
    expect(modules).toEqual(expect.arrayContaining(['console.js', 'api.js', 'upload.js']));
    for (const file of modules) {
      const js = fs.readFileSync(path.join(STATIC_DIR, file), 'utf8');
      expect([file, js]).not.toEqual([file, expect.stringMatching(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage|eval\(|new Function/)]);
      expect(js.split('\n').length).toBeLessThanOrEqual(300);
    }
  });

  it("type-checks the console's modules (tsc --checkJs --strict on their JSDoc types)", () => {
    const files = fs.readdirSync(STATIC_DIR).filter((file) => file.endsWith('.js')).map((file) => path.join(STATIC_DIR, file));
    const program = ts.createProgram(files, {
      allowJs: true, checkJs: true, noEmit: true, strict: true, skipLibCheck: true,
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  it("states the gateway's default upload limit in the page, for the check before sending", () => {
    const html = fs.readFileSync(path.join(STATIC_DIR, 'index.html'), 'utf8');
    const limit = /<body data-max-upload-bytes="(\d+)">/.exec(html)?.[1];
    expect(gw.config.maxUploadBytes).toBe(10 * 1024 * 1024);
    expect(Number(limit)).toBe(gw.config.maxUploadBytes);
  });

  it('serves a favicon, also asked for at the root', async () => {
    const icon = await request(gw.app).get('/console/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    expect(Buffer.from(icon.body as Buffer).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const root = await request(gw.app).get('/favicon.ico');
    expect(root.status).toBe(301);
    expect(new URL(root.headers['location'] as string, 'http://gateway/favicon.ico').pathname).toBe('/console/favicon.ico');
  });

  it('finds the static files from the compiled code as from the sources', () => {
    const root = path.resolve(STATIC_DIR, '..', '..', '..');
    expect(fs.existsSync(path.join(root, 'package.json'))).toBe(true);
    expect(consoleStaticDir(path.join(root, 'dist', 'src', 'http', 'console-route.js'))).toBe(STATIC_DIR);
  });
});

// ---------------------------------------------------------------- end to end in Chromium

/** The handbook: 6 pages; its outline gives nested sections, one of them spanning two pages. */
const CHAPTER_2_LINES = Array.from({ length: 8 }, (_, i) => `Chapter two explains quotas, line ${i + 1} of eight.`);
const HANDBOOK = pdf(
  [
    textPage(['Welcome to the operator handbook.']),
    textPage(['Chapter one is about keys.']),
    textPage(['Keys are created with the command line.']),
    textPage(CHAPTER_2_LINES),
    textPage(['Quotas continue here.']),
    textPage(['Appendix text.']),
  ],
  {
    title: 'Operator Handbook',
    outline: [
      { title: 'Introduction', page: 0 },
      { title: 'Chapter 1: Keys', page: 1, children: [{ title: 'Creating keys', page: 2 }] },
      { title: 'Chapter 2: Quotas', page: 3 },
      { title: 'Appendix (A)', page: 5 },
    ],
  },
);
/** Markup as a document id and metadata: it must show as text and never run. */
const HOSTILE_ID = '<img src=x onerror=window.pwned=1>.txt';
const NOTES = Array.from({ length: 9 }, (_, i) => `notes/0${i + 1}.txt`);
const REPORTS = ['reports/2024.txt', 'reports/2025.txt'];
// Listing order is by id (byte order): '<' < 'h' < 'n' < 'r'; pages of 10.
const ALL_IDS = [HOSTILE_ID, 'handbook.pdf', ...NOTES, ...REPORTS];
const PAGE_1 = ALL_IDS.slice(0, 10);
const PAGE_2 = ALL_IDS.slice(10);
const OTHER_CORPUS = '152';
const BROKEN_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage of the console test');

interface Usage {
  used_chars: number;
  used_docs: number;
  max_chars: number | null;
  max_docs: number | null;
}

interface RenderedSection {
  title: string;
  pages: string;
  excerpt: string;
  children: RenderedSection[];
}

describeBrowser('the web console in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serveOnPort>> | undefined;
  let base: string;
  let admin: { key: string; keyId: string };
  let browser: Browser | undefined;
  let page: Page;
  let brokenJob: string;
  const pageProblems: string[] = [];

  // Declared before useGateway: after* hooks run in the order declared, so the browser and the
  // server in front of the gateway are closed before the gateway is.
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const gw = useGateway();

  const api = async (method: string, urlPath: string, body?: unknown) => {
    const res = await fetch(`${base}${urlPath}`, {
      method,
      headers: { 'x-api-key': admin.key, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
  };
  const usageOf = async (corpus: string): Promise<Usage> => {
    const { body } = await api('GET', '/v2/corpora');
    const found = (body?.['corpora'] as Array<{ id: string; usage: Usage }>).find((c) => c.id === corpus);
    if (!found) throw new Error(`corpus ${corpus} is not listed`);
    return found.usage;
  };
  const upload = async (name: string, content: Buffer | string, metadata?: Record<string, unknown>, corpus = CORPUS) => {
    const { body, contentType } = uploadForm(name, content, metadata);
    const res = await fetch(`${base}/v1/upload?c=${CUSTOMER}&o=${corpus}`, {
      method: 'POST',
      headers: { 'x-api-key': admin.key, 'content-type': contentType },
      body: new Uint8Array(body),
    });
    if (res.status !== 200) throw new Error(`upload of ${name} answered ${res.status}: ${await res.text()}`);
  };

  beforeAll(async () => {
    server = await serveOnPort(gw.app);
    base = server.base;
    admin = await gw.apiKey('admin');
    await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: OTHER_CORPUS, name: 'archive' });
    await upload('handbook.pdf', HANDBOOK, { team: 'ops' });
    for (const id of [...NOTES, ...REPORTS]) await upload(id, `The text of ${id}.`);
    await upload(HOSTILE_ID, 'hostile', { note: '<b>bold</b>' });
    await upload('archive.txt', 'Archived text.', undefined, OTHER_CORPUS);
    // A batch upload whose file cannot be extracted: a failed job, shown beside the documents.
    const extractions = (await gw.apiKey('extractions', { corpusIds: [CORPUS] })).key;
    const form = new FormData();
    form.append('files', new Blob([BROKEN_PDF]), 'broken.pdf');
    const batch = await fetch(`${base}/api/v1/upload`, { method: 'POST', headers: { 'x-api-key': extractions }, body: form });
    brokenJob = ((await batch.json()) as string[])[0]!;
    for (let status = ''; status !== 'failed';) {
      const res = await fetch(`${base}/api/v1/documents/${brokenJob}`, { headers: { 'x-api-key': extractions } });
      status = ((await res.json()) as { status: string }).status;
      if (status === 'done') throw new Error('the broken PDF was extracted');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await api('PUT', `/v2/corpora/${CORPUS}/quota`, { max_chars: 100_000 })).status).toBe(200);

    browser = await launchChromium();
    if (browser) page = await openPage(browser, { width: 1200, height: 900 }, pageProblems);
  }, 120_000);

  const waits = () => pageWaits(page);
  const until = (what: string, predicate: (arg: string) => boolean, arg = '') => waits().until(what, predicate, arg);
  const textIs = (selector: string, expected: string) => waits().textIs(selector, expected);
  const visible = (selector: string) => waits().visible(selector);
  const rowsAre = (ids: readonly string[]) => waits().rowsAre(ids);
  const openDocument = async (id: string) => {
    await page.locator('#documents tbody button.link', { hasText: id }).first().click();
    await waits().documentOpen(id);
  };
  const definitions = (selector: string) =>
    page.evaluate((s) => {
      const out: Record<string, string> = {};
      const dts = [...document.querySelectorAll(`${s} dt`)];
      for (const dt of dts) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
      return out;
    }, selector);
  const fmt = (n: number) => n.toLocaleString('en-US');

  it('signs in, shows usage, pages, searches, opens a PDF, deletes after confirming, signs out', async () => {
    requireBrowser(browser);

    // Signing in: a wrong key and a non-admin key are refused with a visible reason.
    await page.goto(`${base}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await visible('#sign-in-view');
    // Well formed, never stored.
    const unknownKey = generateApiKey({ customerId: CUSTOMER, corpusIds: null, role: 'admin', name: 'never stored', expiresAt: null }).key;
    await page.fill('#credential', unknownKey);
    await page.click('#sign-in-form button[type=submit]');
    await until('the 401 message', () => /not accepted.*401 UNAUTHENTICATED/.test(document.getElementById('sign-in-error')?.textContent ?? ''));
    await page.fill('#credential', (await gw.apiKey('query')).key);
    await page.click('#sign-in-form button[type=submit]');
    await until('the 403 message', () => /needs an admin key.*403 PERMISSION_DENIED/.test(document.getElementById('sign-in-error')?.textContent ?? ''));
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await page.fill('#credential', admin.key);
    await page.click('#sign-in-form button[type=submit]');
    await visible('#console-view');
    await textIs('#who', `API key ${admin.keyId} · customer ${CUSTOMER}`);
    expect(await page.locator('#scopes li').allTextContents()).toEqual(['corpus:admin', 'corpus:read', 'corpus:write']);
    // The key lives in this tab's sessionStorage only, and never in a URL.
    expect(await page.evaluate(() => [sessionStorage.getItem('corpusgate.console.credential'), localStorage.length])).toEqual([admin.key, 0]);
    expect(page.url()).not.toContain(admin.key);
    expect(await page.inputValue('#credential')).toBe('');

    // Picking a corpus: the other one first, then the test corpus.
    expect(await page.locator('#corpus option').allTextContents()).toEqual(['choose a corpus…', `test (${CORPUS})`, `archive (${OTHER_CORPUS})`]);
    await page.selectOption('#corpus', OTHER_CORPUS);
    await rowsAre(['archive.txt']);
    await page.selectOption('#corpus', CORPUS);
    await rowsAre(PAGE_1);

    // The corpus's batch upload that failed: its id, file, status and error code and detail.
    await until('the failed batch job', (id) => !!document.querySelector(`#jobs tbody tr[data-id="${id}"]`), brokenJob);
    const jobCells = await page.locator(`#jobs tbody tr[data-id="${brokenJob}"] td`).allTextContents();
    expect(jobCells.slice(0, 3)).toEqual([brokenJob, 'broken.pdf', 'failed']);
    expect(jobCells[3]).toMatch(/^CORRUPT.+/);
    expect(await page.locator('#jobs tbody tr').count()).toBe(1);

    // Usage against quota, as the API reports it.
    const before = await usageOf(CORPUS);
    expect(before).toMatchObject({ used_docs: ALL_IDS.length, max_chars: 100_000, max_docs: 'unlimited' });
    await until('the usage', (u) => !!document.getElementById('usage-chars')?.textContent?.startsWith(u), `${fmt(before.used_chars)} of ${fmt(100_000)} chars (`);
    await textIs('#usage-docs', `${ALL_IDS.length} docs of unlimited`);
    expect(await page.evaluate(() => (document.getElementById('chars-meter') as HTMLMeterElement).value)).toBe(before.used_chars);

    // The table shows id, title, chars and creation time.
    const handbookRow = page.locator('#documents tbody tr[data-id="handbook.pdf"] td');
    const handbookInfo = (await api('GET', `/v2/corpora/${CORPUS}/documents/handbook.pdf/info`)).body as {
      charge: { num_chars: number; num_metadata_chars: number };
      provenance: { extractor: string };
    };
    expect(await handbookRow.allTextContents()).toEqual([
      'handbook.pdf',
      'Operator Handbook',
      fmt(handbookInfo.charge.num_chars + handbookInfo.charge.num_metadata_chars),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    ]);

    // Paging forward and back.
    expect(await page.isDisabled('#prev-page')).toBe(true);
    await page.click('#next-page');
    await rowsAre(PAGE_2);
    await textIs('#page-number', 'Page 2');
    expect(await page.isDisabled('#next-page')).toBe(true);
    await page.click('#prev-page');
    await rowsAre(PAGE_1);
    await textIs('#page-number', 'Page 1');

    // Searching by id prefix, then clearing the search.
    await page.fill('#id-prefix', 'reports/');
    await page.press('#id-prefix', 'Enter');
    await rowsAre(REPORTS);
    expect(await page.isDisabled('#next-page')).toBe(true);
    await page.fill('#id-prefix', 'nothing-like-this');
    await page.click('#search-form button[type=submit]');
    await rowsAre([]);
    await visible('#empty');
    await page.click('#clear-search');
    await rowsAre(PAGE_1);

    // Markup in an id and in metadata is shown as text and never runs.
    await page.fill('#id-prefix', '<img');
    await page.press('#id-prefix', 'Enter');
    await rowsAre([HOSTILE_ID]);
    await openDocument(HOSTILE_ID);
    expect(await definitions('#detail-metadata')).toMatchObject({ note: '<b>bold</b>' });
    expect(await page.evaluate(() => [document.querySelectorAll('main img, main b').length, 'pwned' in window])).toEqual([0, false]);
    await page.click('#back');
    await page.click('#clear-search');
    await rowsAre(PAGE_1);

    // The PDF: title, metadata, provenance and the section tree with pages.
    await openDocument('handbook.pdf');
    await textIs('#detail-title', 'Operator Handbook');
    expect(await definitions('#detail-metadata')).toMatchObject({
      title: 'Operator Handbook',
      pages: '6',
      mime_type: 'application/pdf',
      team: 'ops',
      sha256: crypto.createHash('sha256').update(HANDBOOK).digest('hex'),
    });
    expect(await definitions('#detail-provenance')).toMatchObject({
      'detected type': 'pdf',
      extractor: handbookInfo.provenance.extractor,
      'source size': `${fmt(HANDBOOK.length)} bytes`,
      'source SHA-256': crypto.createHash('sha256').update(HANDBOOK).digest('hex'),
      uploader: `apikey:${admin.keyId}`,
      charged: `${fmt(handbookInfo.charge.num_chars)} text + ${fmt(handbookInfo.charge.num_metadata_chars)} metadata chars`,
    });
    const tree = await page.evaluate(() => {
      const read = (list: Element): RenderedSection[] =>
        [...list.children].map((li) => ({
          title: li.querySelector(':scope > .section-head > .section-title')?.textContent ?? '',
          pages: li.querySelector(':scope > .section-head > .pages')?.textContent ?? '',
          excerpt: li.querySelector(':scope > .excerpt')?.textContent ?? '',
          children: li.querySelector(':scope > ul') ? read(li.querySelector(':scope > ul')!) : [],
        }));
      return read(document.getElementById('detail-sections')!);
    });
    const shape = (sections: RenderedSection[]): unknown[] => sections.map((s) => [s.title, s.pages, shape(s.children)]);
    expect(shape(tree)).toEqual([
      ['Introduction', 'p. 1', []],
      ['Chapter 1: Keys', 'p. 2', [['Creating keys', 'p. 3', []]]],
      ['Chapter 2: Quotas', 'pp. 4–5', []],
      ['Appendix (A)', 'p. 6', []],
    ]);
    expect(tree[0]?.excerpt).toBe('Welcome to the operator handbook.');
    // A long section shows its first 200 characters.
    const stored = (await api('GET', `/v2/corpora/${CORPUS}/documents/handbook.pdf`)).body as { section: Array<{ text: string }> };
    const chapter2 = stored.section[2]?.text ?? '';
    expect(chapter2.length).toBeGreaterThan(200);
    expect(chapter2).toContain(CHAPTER_2_LINES[0]);
    expect(tree[2]?.excerpt).toBe(`${chapter2.slice(0, 200)}…`);

    // Delete: cancelling keeps the document; confirming deletes it and refreshes list and usage.
    await page.click('#delete');
    await visible('#confirm-delete');
    await textIs('#confirm-id', 'handbook.pdf');
    await page.click('#confirm-cancel');
    await until('the dialog to close', () => !(document.getElementById('confirm-delete') as HTMLDialogElement).open);
    expect((await api('GET', `/v2/corpora/${CORPUS}/documents/handbook.pdf/info`)).status).toBe(200);
    await page.click('#delete');
    await page.click('#confirm-yes');
    await textIs('#notice', 'Deleted handbook.pdf.');
    const remaining = ALL_IDS.filter((id) => id !== 'handbook.pdf');
    await rowsAre(remaining.slice(0, 10));
    const gone = await api('GET', `/v2/corpora/${CORPUS}/documents/handbook.pdf`);
    expect(gone).toMatchObject({ status: 404, body: { internalCode: 'DOCUMENT_NOT_FOUND' } });
    const after = await usageOf(CORPUS);
    expect(after.used_docs).toBe(ALL_IDS.length - 1);
    expect(after.used_chars).toBe(before.used_chars - handbookInfo.charge.num_chars - handbookInfo.charge.num_metadata_chars);
    await textIs('#usage-docs', `${ALL_IDS.length - 1} docs of unlimited`);
    await until('the usage after the delete', (u) => !!document.getElementById('usage-chars')?.textContent?.startsWith(u), `${fmt(after.used_chars)} of ${fmt(100_000)} chars (`);

    // A reload keeps the session; signing out forgets the key and everything shown.
    await page.reload();
    await visible('#console-view');
    await page.click('#sign-out');
    await visible('#sign-in-view');
    await textIs('#notice', 'Signed out.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('notes/01.txt');

    expect(pageProblems).toEqual([]);
  }, 120_000);
});
