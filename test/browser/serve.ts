// A local HTTP server for the browser tests: the built bundle (/dist/) and the test's own
// browser-side files (/test/browser/, and the catalogue they import), plus pages given inline, each with its own headers (a
// Content-Security-Policy, for the CSP test).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };

export interface Page {
  body?: string;
  /** A file of the repository to serve instead of `body` (with these headers). */
  file?: string;
  headers?: Record<string, string>;
}

/** The test modules the browser-side files import besides their own: the catalogue of calls and its generator. */
const SHARED = ['/test/catalog.mjs', '/test/random.mjs'];

/** Serves `pages` (by path, e.g. '/' or '/csp.html') and the files under /dist/ and /test/browser/, and SHARED. */
export async function serve(pages: Record<string, Page>): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build (npm test does)');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const page = pages[path];
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html', ...page.headers }).end(page.file ? readFileSync(join(root, page.file)) : page.body);
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root) || !(path.startsWith('/dist/') || path.startsWith('/test/browser/') || SHARED.includes(path)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The page every browser test loads: the bundle used unbundled, first without init() (a synchronous compile on the main thread). */
export const CALLS_PAGE = `<!doctype html><meta charset="utf-8"><title>simdloss</title>
<script type="module" src="/test/browser/page.mjs"></script>`;

/** A page that runs the calls in a module worker (test/browser/worker.mjs). */
export const WORKER_PAGE = `<!doctype html><meta charset="utf-8"><title>simdloss in a worker</title>
<script type="module" src="/test/browser/worker-page.mjs"></script>`;
