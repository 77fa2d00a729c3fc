// Pages under a Content-Security-Policy, in real headless Chromium. Under script-src 'self' (no
// 'wasm-unsafe-eval') the engine refuses to compile WebAssembly: simdloss must say so once with
// console.warn (the reason and the fix), fall back to 'js', give the float64 reference's values,
// and name the reason in setBackend's error. With 'wasm-unsafe-eval' it must get wasm-simd.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCalls } from './calls.mjs';
import { expectCloseResults } from './compare';
import { CHROMIUM_ARGS, findChromium, INSTALL_TIMEOUT } from './find-browser';
import { CALLS_PAGE, root, serve, WORKER_PAGE } from './serve';

const STRICT = "default-src 'self'; script-src 'self'";
const WITH_WASM = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  const executablePath = findChromium();
  server = await serve({
    '/strict.html': { body: CALLS_PAGE, headers: { 'content-security-policy': STRICT } },
    '/wasm.html': { body: CALLS_PAGE, headers: { 'content-security-policy': WITH_WASM } },
    // a worker is governed by the policy served with its own script, not by its page's
    '/strict-worker.html': { body: WORKER_PAGE, headers: { 'content-security-policy': STRICT } },
    '/wasm-worker.html': { body: WORKER_PAGE, headers: { 'content-security-policy': WITH_WASM } },
    '/csp/strict-worker.mjs': { file: 'test/browser/worker.mjs', headers: { 'content-type': 'text/javascript', 'content-security-policy': STRICT } },
    '/csp/plain-worker.mjs': { file: 'test/browser/worker.mjs', headers: { 'content-type': 'text/javascript' } },
  });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads a page and returns what it computed, and the console warnings and page errors it produced. */
async function load(path: string) {
  const page = await browser.newPage();
  const warnings: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
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

const simdlossWarnings = (w: string[]) => w.filter((m) => m.startsWith('simdloss:'));

describe("a page under script-src 'self' (no 'wasm-unsafe-eval')", () => {
  for (const [name, query] of [['first call before init()', ''], ['init() first', '?init-first']] as const) {
    it(`${name}: warns once with the reason and the fix, runs on js, same values as Node's js backend`, async () => {
      const { result, warnings, errors } = await load(`/strict.html${query}`);
      expect(errors).toEqual([]);
      expect(result.error).toBeUndefined();
      expect(result.backend).toBe('js');
      expect(result.backendAfterInit).toBe('js');
      if (query) expect(result.backendFromInit).toBe('js');
      const ours = simdlossWarnings(warnings);
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/^simdloss: the engine refused to compile WebAssembly \(CompileError: WebAssembly\.(Module|compile)\(\): .*Content Security Policy.*\); calls run on the plain-JavaScript fallback/);
      expect(ours[0]).toContain("add 'wasm-unsafe-eval' to script-src");
      expect(String(result.setBackendError)).toMatch(/^setBackend: the wasm-simd backend cannot run here: the engine refused to compile WebAssembly \(CompileError: .*Content Security Policy.*\); under a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src$/);
      // the float64 reference gives Node's numbers, to the last bit or so (Math.exp differs between engines: see compare.ts)
      expectCloseResults(result.results as Record<string, unknown>, await nodeResults('js'));
    });
  }
});

describe("a page that allows 'wasm-unsafe-eval'", () => {
  it('runs on wasm-simd, without a warning, with the values Node gives', async () => {
    const { result, warnings, errors } = await load('/wasm.html');
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm-simd');
    expect(result.setBackendError).toBeNull();
    expect(simdlossWarnings(warnings)).toEqual([]);
    const inNode = await nodeResults('wasm-simd');
    const inPage = result.results as Record<string, unknown>;
    for (const [key, value] of Object.entries(inNode)) expect(inPage[key], key).toEqual(value);
  });
});

describe('a worker follows the policy served with its own script', () => {
  it("a worker script served under script-src 'self' falls back to js (its page allows wasm)", async () => {
    const { result, errors } = await load('/wasm-worker.html?worker=/csp/strict-worker.mjs');
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('js');
    expectCloseResults(result.results as Record<string, unknown>, await nodeResults('js'));
  });
  it('a worker script served without a policy gets wasm-simd (its page is strict)', async () => {
    const { result, errors } = await load('/strict-worker.html?worker=/csp/plain-worker.mjs');
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('wasm-simd');
  });
});
