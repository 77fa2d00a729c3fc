// The built ESM bundle in Firefox (Debian's firefox-esr), driven through WebDriver BiDi by
// puppeteer-core: the same page and calls as the Chromium test, in a module worker, and the
// strict-CSP page.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCalls } from './calls.mjs';
import { expectCloseResults } from './compare';
import { findFirefox, INSTALL_TIMEOUT } from './find-browser';
import { CALLS_PAGE, root, serve, WORKER_PAGE } from './serve';

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  const executablePath = findFirefox();
  server = await serve({
    '/': { body: CALLS_PAGE },
    '/worker.html': { body: WORKER_PAGE },
    '/strict.html': { body: CALLS_PAGE, headers: { 'content-security-policy': "default-src 'self'; script-src 'self'" } },
    '/strict-worker.html': { body: WORKER_PAGE, headers: { 'content-security-policy': "default-src 'self'; script-src 'self'" } },
    '/wasm-worker.html': { body: WORKER_PAGE, headers: { 'content-security-policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'" } },
    '/csp/strict-worker.mjs': { file: 'test/browser/worker.mjs', headers: { 'content-type': 'text/javascript', 'content-security-policy': "default-src 'self'; script-src 'self'" } },
    '/csp/plain-worker.mjs': { file: 'test/browser/worker.mjs', headers: { 'content-type': 'text/javascript' } },
  });
  browser = await puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function load(path: string) {
  const page = await browser.newPage();
  const warnings: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warn') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, { timeout: 60_000 });
  const result = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
  await page.close();
  return { result, warnings, errors };
}

async function nodeResults(backend: 'js' | 'wasm-simd') {
  const sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  sl.setBackend(backend);
  try {
    return runCalls(sl).results;
  } finally {
    sl.setBackend('wasm-simd');
  }
}

describe('the ESM bundle in Firefox', () => {
  it('runs unbundled on the wasm-simd backend with the values Node gives', async () => {
    const { result, warnings, errors } = await load('/');
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm-simd');
    expect(result.backendAfterInit).toBe('wasm-simd');
    expect(warnings.filter((w) => w.startsWith('simdloss:'))).toEqual([]);
    // bit for bit: the same kernels, IEEE arithmetic
    const inNode = await nodeResults('wasm-simd');
    const inPage = result.results as Record<string, unknown>;
    expect(Object.keys(inPage).sort()).toEqual(Object.keys(inNode).sort());
    for (const [key, value] of Object.entries(inNode)) expect(inPage[key], key).toEqual(value);
  });

  it('runs in a module worker on wasm-simd, bit for bit with Node', async () => {
    const { result, errors } = await load('/worker.html');
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm-simd');
    expect(result.results).toEqual(await nodeResults('wasm-simd'));
  });

  it("under script-src 'self': one warning with the reason and the fix, the js fallback, the values", async () => {
    const { result, warnings, errors } = await load('/strict.html');
    // Firefox reports the blocked compile itself, as a page error; nothing else may fail
    expect(errors.filter((e) => !e.includes("Content-Security-Policy: The page’s settings blocked WebAssembly"))).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('js');
    expect(result.backendAfterInit).toBe('js');
    const ours = warnings.filter((w) => w.startsWith('simdloss:'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/^simdloss: the engine refused to compile WebAssembly \(.+\); calls run on the plain-JavaScript fallback/);
    expect(ours[0]).toContain("add 'wasm-unsafe-eval' to script-src");
    expect(String(result.setBackendError)).toMatch(/^setBackend: the wasm-simd backend cannot run here: the engine refused to compile WebAssembly/);
    // the float64 reference: to a last bit or so (engines' Math functions differ; see compare.ts)
    expectCloseResults(result.results as Record<string, unknown>, await nodeResults('js'));
  });

  it('a worker follows the policy served with its own script, not its page\'s', async () => {
    const strictWorker = await load('/wasm-worker.html?worker=/csp/strict-worker.mjs');
    expect(strictWorker.result.error).toBeUndefined();
    expect(strictWorker.result.backend).toBe('js');
    const plainWorker = await load('/strict-worker.html?worker=/csp/plain-worker.mjs');
    expect(plainWorker.result.error).toBeUndefined();
    expect(plainWorker.result.backend).toBe('wasm-simd');
  });
});
