// The built ESM bundle in real headless Chromium (Debian's), imported by a plain
// <script type="module"> with no bundler: it must run on the SIMD backend and give exactly the
// numbers Node gives (same kernels, same IEEE arithmetic: bit-for-bit). The page uses the library
// before init(), so the synchronous first-call compile runs on the main thread.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, runCalls } from './calls.mjs';
import { CHROMIUM_ARGS, findChromium, INSTALL_TIMEOUT } from './find-browser';
import { CALLS_PAGE, root, serve, WORKER_PAGE } from './serve';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let url: string;

beforeAll(async () => {
  const executablePath = findChromium();
  server = await serve({ '/': { body: CALLS_PAGE }, '/worker.html': { body: WORKER_PAGE } });
  url = `${server.url}/`;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
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
    expect(inPage.setBackendError).toBeNull();

    const sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
    expect(sl.backend()).toBe('wasm-simd');
    const inNode = runCalls(sl);
    const pageResults = inPage.results as Record<string, unknown>;
    expect(Object.keys(pageResults).sort()).toEqual(Object.keys(inNode.results).sort());
    for (const [key, value] of Object.entries(inNode.results)) expect(pageResults[key], key).toEqual(value);
    await page.close();
  });
});

describe('the ESM bundle in a module worker', () => {
  it('runs on wasm-simd off the main thread and matches Node bit for bit', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}worker.html`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const inWorker = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
    expect(errors).toEqual([]);
    expect(inWorker.error).toBeUndefined();
    expect(inWorker.backend).toBe('wasm-simd');
    const sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
    expect(inWorker.results).toEqual(runCalls(sl).results);
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

  it('npm pack holds only dist/ (with maps, whose sources are inlined), the docs the README links, README.md, CHANGELOG.md, LICENSE and package.json', async () => {
    const { execFileSync } = await import('node:child_process');
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files = (pack.files as Array<{ path: string }>).map((f) => f.path).sort();
    for (const f of files) expect(f, f).toMatch(/^(dist\/(index|tfjs)\.(js|cjs|d\.ts|d\.cts)(\.map)?|dist\/relaxed\/([\w-]+\.relaxed|threads|chunk|half)\.c?js(\.map)?|docs\/[\w-]+\.md|bench\/(RESULTS\.md|chart\.svg)|README\.md|CHANGELOG\.md|LICENSE|package\.json)$/);
    expect(files.filter((f: string) => f.startsWith('src/'))).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('README.md');
  });
});
