// Threads in Chromium and Firefox (issue 18): on a cross-origin-isolated page (COOP/COEP headers)
// init({ threads: 2 }) starts a worker and large resident calls give the same bits as on one
// thread; on a plain page it keeps one thread and says why once, with no error. Chromium is driven
// by playwright-core, Firefox (Debian's firefox-esr) through WebDriver BiDi by puppeteer-core, as
// in test/browser/firefox.test.ts.
import { chromium, type Browser } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, findFirefox, INSTALL_TIMEOUT } from './find-browser';
import { serve } from './serve';

const ISOLATED = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// The page: results on one thread, then on two, as digests of their bits; the timings of
// crossEntropyWithGrad 256×1000 (resident, gradInto) on each, for the log.
const PAGE = `<!doctype html><meta charset="utf-8"><title>simdloss threads</title>
<script type="module">
import * as sl from '/dist/index.js';
const r = { notes: [] };
const info = console.info;
console.info = (...a) => { r.notes.push(a.join(' ')); info(...a); };
try {
  r.isolated = globalThis.crossOriginIsolated === true;
  let seed = 3;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const fill = (t) => { const d = t.data; for (let i = 0; i < d.length; i++) d[i] = random() * 6 - 3; return t; };
  const x = fill(sl.allocTensor('float32', [256, 1000])), g = sl.allocTensor('float32', [256, 1000]);
  const a = fill(sl.allocTensor('float32', [1 << 18])), b = fill(sl.allocTensor('float32', [1 << 18]));
  const t = Int32Array.from({ length: 256 }, () => Math.floor(random() * 1000));
  const digest = (arrays) => { let h = 0x811c9dc5; for (const v of arrays) { const u = new Uint8Array(Float64Array.from(v).buffer); for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193); } return (h >>> 0).toString(16); };
  const calls = () => {
    const ce = sl.crossEntropyWithGrad(x, t, { gradInto: [g] });
    const s = sl.softmax(x);
    return digest([[ce.loss], g.data, s.data, [sl.mseLoss(a, b)], [sl.crossEntropy(x, t, { labelSmoothing: 0.1 })]]);
  };
  const time = () => {
    const ts = [];
    for (let k = 0; k < 9; k++) { const t0 = performance.now(); for (let i = 0; i < 20; i++) sl.crossEntropyWithGrad(x, t, { gradInto: [g] }); ts.push((performance.now() - t0) / 20); }
    return ts.sort((p, q) => p - q)[4];
  };
  await sl.init({ threads: 1 });
  r.one = calls();
  r.msOne = time();
  await sl.init({ threads: 2 });
  r.threads = sl.threadCount();
  r.two = calls();
  r.msTwo = time();
  await sl.init({ threads: 2 }); // again: no second note
} catch (e) {
  r.error = String(e && e.stack || e);
}
window.__result = r;
</script>`;

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let firefox: PuppeteerBrowser;

beforeAll(async () => {
  server = await serve({ '/isolated.html': { body: PAGE, headers: ISOLATED }, '/plain.html': { body: PAGE } });
  browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  firefox = await puppeteer.launch({ browser: 'firefox', executablePath: findFirefox(), headless: true });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await firefox?.close();
  await server?.close();
});

type Load = (path: string) => Promise<Record<string, unknown>>;

async function loadChromium(path: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 60_000 });
  const r = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
  await page.close();
  expect(errors).toEqual([]);
  return r;
}

async function loadFirefox(path: string): Promise<Record<string, unknown>> {
  const page = await firefox.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}${path}`);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, { timeout: 60_000 });
  const r = await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
  await page.close();
  expect(errors).toEqual([]);
  return r;
}

describe.each([['Chromium', loadChromium], ['Firefox', loadFirefox]] as Array<[string, Load]>)('threads in %s', (name, load) => {
  it('a cross-origin-isolated page: two threads, the same bits as one', async () => {
    const r = await load('/isolated.html');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    expect(r.notes).toEqual([]);
    expect(r.two).toBe(r.one);
    console.log(`${name}, isolated: crossEntropyWithGrad 256×1000 resident: 1 thread ${(r.msOne as number).toFixed(3)} ms, 2 threads ${(r.msTwo as number).toFixed(3)} ms (${((r.msOne as number) / (r.msTwo as number)).toFixed(2)}×)`);
  });

  it('a plain page: one thread, one console note saying why, no error', async () => {
    const r = await load('/plain.html');
    expect(r.error).toBeUndefined();
    expect(r.isolated).toBe(false);
    expect(r.threads).toBe(1);
    expect(r.two).toBe(r.one);
    expect(r.notes).toEqual(['simdloss: init({ threads: 2 }) runs on one thread: this page is not cross-origin isolated (no SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp).']);
  });
});
