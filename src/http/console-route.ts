import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Route } from './route.js';

/** Where the console is served. Its pages call the /v2 JSON API with the operator's admin key. */
export const CONSOLE_PATH = '/console';

/**
 * The static files live in the source tree (tsc copies no assets), so they are found from the
 * package root: the same folder whether this runs as src/*.ts under ts-jest or from dist/.
 */
export function consoleStaticDir(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'console', 'static');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot find the console's static files`);
  }
}

/**
 * The page may run only its own script and style, talk only to this origin, and not be framed:
 * the admin key sits in its sessionStorage, so injected script or a clickjacking frame must not
 * get a foothold.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Revalidate every time (ETag makes that a 304): an upgraded gateway never runs an old script.
  'Cache-Control': 'no-cache',
};

/**
 * GET/HEAD of the console's files. What it does not answer (unknown files, other methods) falls
 * through to the app's 404/405, from the route table like every other route. The router sees the
 * whole path (it is a route's handler, not mounted), so it matches CONSOLE_PATH itself.
 */
export function consoleRouter(dir: string = consoleStaticDir()): Router {
  if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`the console's index.html is missing from ${dir}`);
  const router = Router();
  router.use(CONSOLE_PATH, (_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  router.use(CONSOLE_PATH, express.static(dir, { cacheControl: false, dotfiles: 'ignore', fallthrough: true, index: 'index.html' }));
  return router;
}

/** One console router per process: both of its routes hand their requests to it. */
let shared: Router | undefined;
const serveConsole = () => [(shared ??= consoleRouter())];

export const CONSOLE_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: CONSOLE_PATH,
    operation: {
      operationId: 'console',
      summary: 'The operator web console (redirects to /console/, which serves index.html); sign in with an admin API key',
      auth: false,
      ok: { 200: { 'text/html': { type: 'string' } }, 301: { 'text/html': { type: 'string' } }, 304: null },
      errors: [404],
    },
    handlers: serveConsole,
  },
  {
    method: 'GET',
    path: `${CONSOLE_PATH}/:file`,
    operation: {
      operationId: 'consoleFile',
      summary: "The console's static files (index.html, its ES modules, console.css, favicon.ico)",
      auth: false,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      ok: {
        200: {
          'text/html': { type: 'string' },
          'text/css': { type: 'string' },
          'text/javascript': { type: 'string' },
          'application/javascript': { type: 'string' },
          'image/x-icon': { type: 'string', format: 'binary' },
          'image/vnd.microsoft.icon': { type: 'string', format: 'binary' },
        },
        304: null,
      },
      errors: [404],
    },
    handlers: serveConsole,
  },
  {
    method: 'GET',
    path: '/favicon.ico',
    operation: {
      operationId: 'favicon',
      summary: "Redirects to the console's icon (/console/favicon.ico), so that browsers asking at the root get no 404",
      auth: false,
      ok: { 301: null },
      errors: [],
    },
    // Relative: the gateway may be mounted under a path prefix.
    handlers: () => [(_req, res) => res.status(301).location(`.${CONSOLE_PATH}/favicon.ico`).end()],
  },
];
