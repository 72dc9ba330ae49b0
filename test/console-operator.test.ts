/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The console's operator flows in headless Chromium, at desktop (1280 px) and phone (390 px)
// widths: sign in with a JWT and with an admin key, upload, quotas, API keys, a section's full
// text, a document in the URL. Each state is written as a screenshot to test-output/console-screenshots/.
import type { Browser, Page } from 'playwright-core';
import { pdf, textPage } from '../scripts/fixtures.js';
import { CORPUS, CUSTOMER, useGateway } from './helpers/gateway.js';
import { uploadForm } from './helpers/upload.js';
import {
  DESKTOP, describeBrowser, launchChromium, openPage, pageWaits, PHONE, requireBrowser, screenshot, serveOnPort, signIn,
} from './helpers/console-browser.js';

const OTHER_CORPUS = '152';
const LONG_LINES = Array.from({ length: 12 }, (_, i) => `Quota rules, line ${i + 1} of twelve, spelled out in full.`);
const HANDBOOK = pdf(
  [textPage(['Welcome to the operator handbook.']), textPage(LONG_LINES), textPage(['The end.'])],
  { title: 'Operator Handbook', outline: [{ title: 'Introduction', page: 0 }, { title: 'Quotas', page: 1 }, { title: 'End', page: 2 }] },
);
const LONG_ID = 'reports/2025/quarterly-operations-review-of-the-north-region-final.txt';
const BROKEN_PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> not a real pdf');
const MIB = 1024 * 1024;

describeBrowser('the console for an operator, in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof serveOnPort>> | undefined;
  let browser: Browser | undefined;
  let admin: { key: string; keyId: string };
  const problems: string[] = [];

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const gw = useGateway();
  const base = () => server!.base;

  const api = async (method: string, urlPath: string, body?: unknown, key = admin.key) => {
    const res = await fetch(`${base()}${urlPath}`, {
      method,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const uploadAsAdmin = async (name: string, content: Buffer | string, key = admin.key) => {
    const { body, contentType } = uploadForm(name, content);
    const res = await fetch(`${base()}/v1/upload?c=${CUSTOMER}&o=${CORPUS}`, {
      method: 'POST', headers: { 'x-api-key': key, 'content-type': contentType }, body: new Uint8Array(body),
    });
    return res.status;
  };

  beforeAll(async () => {
    server = await serveOnPort(gw.app);
    admin = await gw.apiKey('admin');
    await gw.store.createCorpus({ customerId: CUSTOMER, corpusId: OTHER_CORPUS, name: 'archive' });
    expect(await uploadAsAdmin('handbook.pdf', HANDBOOK)).toBe(200);
    expect(await uploadAsAdmin(LONG_ID, 'A report with a long id.')).toBe(200);
    browser = await launchChromium();
  }, 120_000);

  const newPage = (viewport: { width: number; height: number }) => openPage(browser!, viewport, problems, base());

  /** Three files through the picker: one stored, one refused before sending, one refused by the gateway. */
  async function uploadThree(page: Page, prefix: string): Promise<string[]> {
    const sent: string[] = [];
    page.on('request', (req) => { if (req.url().includes('/v1/upload')) sent.push(req.url()); });
    const good = `${prefix}-notes.txt`;
    await page.setInputFiles('#upload-files', [
      { name: good, mimeType: 'text/plain', buffer: Buffer.from(`Notes uploaded from the console (${prefix}).`) },
      { name: `${prefix}-too-big.bin`, mimeType: 'application/octet-stream', buffer: Buffer.alloc(11 * MIB, 1) },
      { name: `${prefix}-broken.pdf`, mimeType: 'application/pdf', buffer: BROKEN_PDF },
    ]);
    const waits = pageWaits(page);
    await waits.until('three outcomes', () => {
      const outcomes = [...document.querySelectorAll<HTMLElement>('#upload-results li')].map((li) => li.dataset['outcome']);
      return outcomes.length === 3 && !outcomes.includes('sending');
    });
    await waits.notBusy('#upload-view');
    const outcomes = await page.$$eval('#upload-results li', (items) =>
      items.map((li) => [(li as HTMLElement).dataset['name'], (li as HTMLElement).dataset['outcome'], li.querySelector('.upload-status')?.textContent]));
    expect(outcomes).toEqual([
      [good, 'stored', 'stored'],
      [`${prefix}-too-big.bin`, 'refused', "refused before sending: 11 MiB is over the gateway's 10 MiB limit"],
      [`${prefix}-broken.pdf`, 'error', expect.stringMatching(/^[A-Z_]+$/)],
    ]);
    // The big file never left the browser.
    expect(sent).toHaveLength(2);
    return [good, outcomes[2]![2]!];
  }

  it('signs in with a JWT, uploads (picker and drop), opens, reloads and expands a section (1280 px)', async () => {
    requireBrowser(browser);
    const page = await newPage(DESKTOP);
    const waits = pageWaits(page);
    await page.goto(`${base()}/console/`);
    await waits.visible('#sign-in-view');
    await screenshot(page, 'desktop-sign-in');
    const token = await gw.token({ customer_id: CUSTOMER, scope: 'corpus:admin corpus:write' });
    await signIn(page, `Bearer ${token}`);
    await waits.textIs('#who', `token test-client · customer ${CUSTOMER}`);
    expect(await page.locator('#scopes li').allTextContents()).toEqual(['corpus:admin', 'corpus:write']);
    expect(await page.evaluate(() => [sessionStorage.getItem('corpusgate.console.credential'), localStorage.length])).toEqual([token, 0]);

    await page.selectOption('#corpus', CORPUS);
    await waits.rowsAre(['handbook.pdf', LONG_ID]);
    expect(new URL(page.url()).searchParams.get('corpus')).toBe(CORPUS);
    await screenshot(page, 'desktop-signed-in-jwt');

    const [good, brokenCode] = await uploadThree(page, 'desk');
    // Refused by the gateway with its internalCode, and not stored.
    expect(brokenCode).toBe('CORRUPT');
    expect((await api('GET', `/v2/corpora/${CORPUS}/documents/desk-broken.pdf`)).status).toBe(404);
    await waits.rowsAre(['desk-notes.txt', 'handbook.pdf', LONG_ID]);
    expect((await api('GET', `/v2/corpora/${CORPUS}/documents/desk-notes.txt/info`)).body).toMatchObject({ provenance: { uploader: 'test-client' } });
    await screenshot(page, 'desktop-upload');

    // The same file dropped on the drop zone: already stored.
    await page.evaluate((name) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Notes uploaded from the console (desk).'], name, { type: 'text/plain' }));
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, good!);
    await waits.until('the dropped file', () => document.querySelector<HTMLElement>('#upload-results li')?.dataset['outcome'] === 'already');

    // Its link opens the stored document, kept in the URL across a reload.
    await page.locator('#upload-results li').first().locator('a.open-document').click();
    await waits.documentOpen(good!);
    expect(new URL(page.url()).searchParams.get('doc')).toBe(good);
    await page.reload();
    await waits.documentOpen(good!);

    await page.goto(`${base()}/console/?corpus=${CORPUS}&doc=handbook.pdf`);
    await waits.documentOpen('handbook.pdf');
    const quotas = page.locator('#detail-sections > li').nth(1);
    const excerpt = await quotas.locator('.excerpt').textContent();
    expect(excerpt).toMatch(/^Quota rules, line 1 .{150,}…$/);
    await quotas.locator('button.toggle').click();
    const full = await quotas.locator('.excerpt').textContent();
    expect(full).toContain(LONG_LINES.at(-1));
    expect(await quotas.locator('button.toggle').getAttribute('aria-expanded')).toBe('true');
    await screenshot(page, 'desktop-document-expanded');
    await quotas.locator('button.toggle').click();
    expect(await quotas.locator('.excerpt').textContent()).toBe(excerpt);

    await page.click('#copy-id');
    await waits.textIs('#copy-id', 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('handbook.pdf');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  /** A desktop page signed in with the admin key, on this tab. */
  async function signedInAt(tab: string) {
    requireBrowser(browser);
    const page = await newPage(DESKTOP);
    const waits = pageWaits(page);
    await page.goto(`${base()}/console/`);
    await signIn(page, admin.key);
    await page.click(`#tab-${tab}`);
    await waits.notBusy(`#${tab}-tab`);
    expect(new URL(page.url()).searchParams.get('tab')).toBe(tab);
    return { page, waits };
  }

  it('sees and edits the quotas of the customer and of each corpus (admin key, 1280 px)', async () => {
    const { page, waits } = await signedInAt('quotas');

    expect(await page.$$eval('#quota-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['scope']))).toEqual(['customer', CORPUS, OTHER_CORPUS]);
    await page.locator(`#quota-table tr[data-scope="${CORPUS}"] button`).click();
    await page.fill('#quota-max-chars', 'lots');
    await page.click('#quota-form button[type=submit]');
    await waits.visible('#quota-form-error');
    expect(await page.textContent('#quota-form-error')).toContain('whole number');
    await page.fill('#quota-max-chars', '50,000');
    await page.fill('#quota-max-docs', 'unlimited');
    await page.click('#quota-form button[type=submit]');
    await waits.textIs(`#quota-table tr[data-scope="${CORPUS}"] td.own`, '50,000 chars, unlimited docs');
    expect((await api('GET', `/v2/corpora/${CORPUS}/quota`)).body).toMatchObject({ own_max_chars: 50_000, own_max_docs: 'unlimited', max_chars: 50_000, max_docs: 'unlimited' });
    await page.selectOption('#quota-scope', 'customer');
    await page.fill('#quota-max-docs', '1000');
    await page.click('#quota-form button[type=submit]');
    await waits.textIs('#quota-table tr[data-scope="customer"] td.own', 'default chars, 1,000 docs');
    expect((await api('GET', '/v2/quota')).body).toMatchObject({ own_max_docs: 1000, max_docs: 1000 });
    await screenshot(page, 'desktop-quotas');
    // Emptied: the default again.
    await page.locator('#quota-table tr[data-scope="customer"] button').click();
    await page.fill('#quota-max-docs', '');
    await page.click('#quota-form button[type=submit]');
    await waits.textIs('#quota-table tr[data-scope="customer"] td.own', 'default chars, default docs');
    expect((await api('GET', '/v2/quota')).body).toMatchObject({ own_max_docs: null });
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('creates a key shown once with a copy button, lists it, revokes it (admin key, 1280 px)', async () => {
    const { page, waits } = await signedInAt('keys');
    await page.selectOption('#key-role', 'index');
    await page.selectOption('#key-corpus', CORPUS);
    await page.fill('#key-name', 'ingest bot');
    await page.click('#key-form button[type=submit]');
    await waits.visible('#new-key');
    const key = (await page.textContent('#new-key-value')) ?? '';
    expect(key).toMatch(/^cgk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const keyId = key.split('_')[1]!;
    await waits.until('the new key listed', (id) => !!document.querySelector(`#keys tr[data-id="${id}"]`), keyId);
    expect(await page.locator(`#keys tr[data-id="${keyId}"] td`).allTextContents()).toEqual(expect.arrayContaining([keyId, 'index', CORPUS, 'ingest bot', 'active']));
    expect(await page.locator('#keys tbody').textContent()).not.toContain(key.split('_')[2]);
    await page.click('#copy-key');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect(await uploadAsAdmin('by-new-key.txt', 'uploaded with the new key', key)).toBe(200);
    await screenshot(page, 'desktop-key-created');
    await page.click('#hide-key');
    expect(await page.isHidden('#new-key')).toBe(true);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(key);

    await page.locator(`#keys tr[data-id="${keyId}"] button.danger`).click();
    await waits.textIs('#revoke-id', keyId);
    await page.click('#revoke-yes');
    await waits.textIs(`#keys tr[data-id="${keyId}"] td.key-state`, 'revoked');
    expect(await page.textContent('#notice')).toBe(`Revoked key ${keyId}: it is refused from now on.`);
    expect(await uploadAsAdmin('after-revoke.txt', 'refused', key)).toBe(401);
    await screenshot(page, 'desktop-key-revoked');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('fits a 390 px phone: both sign-ins, ids wrap at word breaks, tables stack, nothing scrolls sideways', async () => {
    requireBrowser(browser);
    const page = await newPage(PHONE);
    const waits = pageWaits(page);
    await page.goto(`${base()}/console/?corpus=${CORPUS}`);
    await screenshot(page, 'phone-sign-in');
    // A token with corpus:admin alone may sign in, but not list documents: said where it happens.
    await signIn(page, await gw.token({ customer_id: CUSTOMER, scope: 'corpus:admin' }));
    await waits.textIs('#who', `token test-client · customer ${CUSTOMER}`);
    await waits.until('the scope error', () => /403 PERMISSION_DENIED.*corpus:read/.test(document.getElementById('list-error')?.textContent ?? ''));
    await page.click('#sign-out');
    await signIn(page, await gw.token({ customer_id: CUSTOMER, scope: 'corpus:admin corpus:read' }));
    await page.selectOption('#corpus', CORPUS);
    await waits.until('the list', () => document.querySelectorAll('#documents tbody tr').length >= 3);
    expect(await page.evaluate(() => document.getElementById('list-error')?.hidden)).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'phone-signed-in-jwt');
    await page.click('#sign-out');
    await signIn(page, admin.key);
    await page.selectOption('#corpus', CORPUS);
    await waits.until('the list', () => document.querySelectorAll('#documents tbody tr').length >= 3);
    await waits.notBusy('#list-view');
    expect(await noSidewaysScroll(page)).toBe(true);
    // The long id: wide enough to read, a few lines at most (not a character per line).
    const box = await page.locator(`#documents tr[data-id="${LONG_ID}"] button.link`).boundingBox();
    expect(box!.width).toBeGreaterThan(200);
    expect(box!.height).toBeLessThan(80);
    await screenshot(page, 'phone-documents');

    await uploadThree(page, 'phone');
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'phone-upload');

    await page.locator('#documents tbody button.link', { hasText: 'handbook.pdf' }).click();
    await waits.documentOpen('handbook.pdf');
    await page.locator('#detail-sections > li').nth(1).locator('button.toggle').click();
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'phone-document');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);

  it('edits a quota and creates and revokes a key on a 390 px phone', async () => {
    requireBrowser(browser);
    const page = await newPage(PHONE);
    const waits = pageWaits(page);
    await page.goto(`${base()}/console/?tab=quotas`);
    await signIn(page, admin.key);
    await waits.notBusy('#quotas-tab');
    await page.locator(`#quota-table tr[data-scope="${OTHER_CORPUS}"] button`).click();
    await page.fill('#quota-max-docs', '25');
    await page.click('#quota-form button[type=submit]');
    await waits.textIs(`#quota-table tr[data-scope="${OTHER_CORPUS}"] td.own`, 'default chars, 25 docs');
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, 'phone-quotas');

    await page.click('#tab-keys');
    await waits.notBusy('#keys-tab');
    await page.selectOption('#key-role', 'query');
    await page.click('#key-form button[type=submit]');
    await waits.visible('#new-key');
    const keyId = ((await page.textContent('#new-key-value')) ?? '').split('_')[1]!;
    await waits.until('the new key listed', (id) => !!document.querySelector(`#keys tr[data-id="${id}"]`), keyId);
    expect(await noSidewaysScroll(page)).toBe(true);
    const idCell = await page.locator(`#keys tr[data-id="${keyId}"] td.id`).boundingBox();
    expect(idCell!.width).toBeGreaterThan(250);
    await screenshot(page, 'phone-key-created');
    await page.locator(`#keys tr[data-id="${keyId}"] button.danger`).click();
    await page.click('#revoke-yes');
    await waits.textIs(`#keys tr[data-id="${keyId}"] td.key-state`, 'revoked');
    await screenshot(page, 'phone-keys');
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
