// The built ESM bundle in real headless Chromium (Debian's), imported by a plain
// <script type="module"> with no bundler: it must run on the SIMD backend and give exactly the
// numbers Node gives (same kernels, same IEEE arithmetic: bit-for-bit). The page uses the library
// before init(), so the synchronous first-call compile runs on the main thread.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, runCalls } from './calls.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html' };

const PAGE = `<!doctype html><meta charset="utf-8"><title>simdloss</title>
<script type="module">
  import * as sl from '/dist/index.js';
  import { runCalls } from '/test/browser/calls.mjs';
  try {
    // First use without init(): the module compiles synchronously on the main thread.
    const result = runCalls(sl);
    const backendAfterInit = await sl.init();
    window.__result = { ...result, backendAfterInit };
  } catch (e) {
    window.__result = { error: String(e && e.stack || e) };
  }
</script>`;

let server: Server;
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build (npm test does)');
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root) || !(path.startsWith('/dist/') || path.startsWith('/test/browser/')) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('the ESM bundle in Chromium', () => {
  it('runs unbundled on the wasm-simd backend and matches Node bit for bit', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const inPage = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
    expect(errors).toEqual([]);
    expect(inPage.error).toBeUndefined();
    expect(inPage.backend).toBe('wasm-simd');
    expect(inPage.backendAfterInit).toBe('wasm-simd');

    const sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
    expect(sl.backend()).toBe('wasm-simd');
    const inNode = runCalls(sl);
    const pageResults = inPage.results as Record<string, unknown>;
    expect(Object.keys(pageResults).sort()).toEqual(Object.keys(inNode.results).sort());
    for (const [key, value] of Object.entries(inNode.results)) expect(pageResults[key], key).toEqual(value);
    await page.close();
  });
});

describe('the package', () => {
  it('exports every function of the catalogue with its WithGrad twin', async () => {
    const sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
    for (const name of FUNCTIONS) {
      expect(typeof sl[name], name).toBe('function');
      expect(typeof sl[`${name}WithGrad`], `${name}WithGrad`).toBe('function');
    }
    // and the browser calls cover every function the package exports
    const exported = Object.keys(sl).filter((k) => k.endsWith('WithGrad')).map((k) => k.slice(0, -'WithGrad'.length));
    expect(exported.filter((name) => !FUNCTIONS.includes(name))).toEqual([]);
  });

  it('the CommonJS build loads with require() and computes the same values', async () => {
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)(join(root, 'dist', 'index.cjs'));
    const esm = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
    expect(cjs.backend()).toBe('wasm-simd');
    expect(runCalls(cjs).results).toEqual(runCalls(esm).results);
  });

  it('npm pack holds only dist/ (with maps), src/ (for the declaration maps), the docs the README links, README.md, CHANGELOG.md, LICENSE and package.json', async () => {
    const { execFileSync } = await import('node:child_process');
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files = (pack.files as Array<{ path: string }>).map((f) => f.path).sort();
    for (const f of files) expect(f, f).toMatch(/^(dist\/index\.(js|cjs|d\.ts|d\.cts)(\.map)?|src\/[\w/.-]+\.ts|docs\/(API|memory|CONTRACT|semantics|simd)\.md|bench\/(RESULTS\.md|chart\.svg)|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/);
    expect(files).not.toContain('src/wasm/module-bytes.ts');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('README.md');
  });
});
