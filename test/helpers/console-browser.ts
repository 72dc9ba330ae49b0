/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Driving the console (/console) in Debian's headless Chromium with playwright-core: launching it,
// waiting for what the page shows, and screenshots for reviewers.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const REQUIRED = process.env['CI'] === 'true';
/** Where the console tests write their screenshots (gitignored; the README names it). */
export const SCREENSHOT_DIR = path.resolve('test-output', 'console-screenshots');

export const DESKTOP = { width: 1280, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

if (!HAVE_CHROMIUM && !REQUIRED) {
  console.warn(`${CHROMIUM} not found: the console's browser tests are skipped (apt-get install chromium; it is required when CI=true)`);
}
/** describe when Chromium is there (or CI=true demands it, so that its absence fails), else describe.skip. */
export const describeBrowser = HAVE_CHROMIUM || REQUIRED ? describe : describe.skip;

export function requireBrowser(browser: Browser | undefined): asserts browser is Browser {
  if (!browser) throw new Error(`${CHROMIUM} is missing and CI=true requires this test: apt-get install chromium (.ci/run does)`);
}

export async function launchChromium(): Promise<Browser | undefined> {
  if (!HAVE_CHROMIUM) return undefined;
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** The app on a real port of 127.0.0.1 (the browser needs one); close() ends its connections. */
export async function serveOnPort(app: Express): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A new page that collects what goes wrong in it: Chromium reports refused responses (our 401s,
 * a refused upload) as "Failed to load resource"; anything else, a CSP refusal above all, is a
 * problem of the page.
 */
export async function openPage(browser: Browser, viewport: { width: number; height: number }, problems: string[], origin?: string): Promise<Page> {
  const context = await browser.newContext({ viewport });
  if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  return page;
}

/** A full-page screenshot, named for the state it shows (e.g. `desktop-signed-in-jwt`). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits for what the page shows; on timeout, the error says what it showed instead. */
export function pageWaits(page: Page) {
  async function until(what: string, predicate: (arg: string) => boolean, arg = ''): Promise<void> {
    try {
      await page.waitForFunction(predicate, arg);
    } catch {
      const shown = await page.evaluate(() => ({
        notice: document.getElementById('notice')?.textContent,
        errors: [...document.querySelectorAll('.error:not([hidden])')].map((e) => e.textContent),
        rows: [...document.querySelectorAll('#documents tbody tr')].map((r) => (r as HTMLElement).dataset['id']),
        page: document.getElementById('page-number')?.textContent,
      }));
      throw new Error(`waiting for ${what}; the page shows ${JSON.stringify(shown)}`);
    }
  }
  const textIs = (selector: string, expected: string) =>
    until(
      `${selector} to read ${JSON.stringify(expected)}`,
      (arg) => {
        const [s, t] = JSON.parse(arg) as [string, string];
        return document.querySelector(s)?.textContent === t;
      },
      JSON.stringify([selector, expected]),
    );
  const visible = (selector: string) =>
    until(`${selector} to show`, (s) => { const e = document.querySelector<HTMLElement>(s); return !!e && e.checkVisibility(); }, selector);
  const notBusy = (selector: string) =>
    until(`${selector} to finish loading`, (s) => document.querySelector(s)?.getAttribute('aria-busy') === 'false', selector);
  const rowsAre = (ids: readonly string[]) =>
    until(
      `the rows ${JSON.stringify(ids)}`,
      (expected) => {
        const list = document.getElementById('list-view');
        const rows = [...document.querySelectorAll<HTMLElement>('#documents tbody tr')].map((r) => r.dataset['id']);
        return list?.getAttribute('aria-busy') === 'false' && JSON.stringify(rows) === expected;
      },
      JSON.stringify(ids),
    );
  const documentOpen = (id: string) =>
    until(`${id} to open`, (i) => {
      const view = document.getElementById('detail-view');
      return document.getElementById('detail-id')?.textContent === i && view?.getAttribute('aria-busy') === 'false' && !view.hidden;
    }, id);
  return { until, textIs, visible, notBusy, rowsAre, documentOpen };
}

/** Signs in on the page with an API key or a token, and waits for the console. */
export async function signIn(page: Page, credential: string): Promise<void> {
  await page.fill('#credential', credential);
  await page.click('#sign-in-form button[type=submit]');
  await pageWaits(page).visible('#console-view');
}
