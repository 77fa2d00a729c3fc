// simdloss/tfjs in real headless Chromium on TensorFlow.js's wasm backend: the built dist/tfjs.js
// and dist/index.js loaded unbundled through an import map ('simdloss' → /dist/index.js,
// '@tensorflow/tfjs-core' → one esbuild bundle of @tensorflow/tfjs and
// @tensorflow/tfjs-backend-wasm, made in memory here), tf's .wasm files served from
// node_modules/@tensorflow/tfjs-backend-wasm/dist/ (setWasmPaths). The page (tfjs-page.mjs)
// checks crossEntropy's gradient through tf.grad against tf.losses.softmaxCrossEntropy's on
// one-hot labels, trains a small MLP with optimizer.minimize, and counts tensors every step.
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium, INSTALL_TIMEOUT } from './find-browser';
import { root, serve, type Page } from './serve';

const TF_WASM = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

const PAGE = `<!doctype html><meta charset="utf-8"><title>simdloss/tfjs on tf's wasm backend</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: { simdloss: '/dist/index.js', '@tensorflow/tfjs': '/vendor/tf.js', '@tensorflow/tfjs-core': '/vendor/tf.js' } })}</script>
<script type="module" src="/test/browser/tfjs-page.mjs"></script>`;

interface Result {
  error?: string;
  backendSet: boolean;
  backend: string;
  gradient: { ours: number[]; theirs: number[]; shape: number[]; value: number; tfValue: number };
  history: number[];
  numTensors: number[];
  numTensorsAtStart: number;
  numTensorsAtEnd: number;
}

let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  const executablePath = findChromium();
  // tfjs and its wasm backend as one ES module (tfjs-core once, so dist/tfjs.js and the page share an engine).
  const vendor = await build({
    stdin: { contents: "export * from '@tensorflow/tfjs'; export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';", resolveDir: root, loader: 'js' },
    bundle: true, format: 'esm', platform: 'browser', target: 'es2020', write: false, logLevel: 'silent',
  });
  const pages: Record<string, Page> = {
    '/': { body: PAGE },
    '/vendor/tf.js': { body: vendor.outputFiles[0].text, headers: { 'content-type': 'text/javascript' } },
  };
  for (const f of WASM_FILES) pages[`/tfwasm/${f}`] = { file: `${TF_WASM}/${f}`, headers: { 'content-type': 'application/wasm' } };
  server = await serve(pages);
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('simdloss/tfjs in Chromium on the tf wasm backend', () => {
  let result: Result;
  const requested: string[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
    });
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    page.on('response', (r) => {
      if (r.status() >= 400) warnings.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    result = await page.evaluate(() => (window as unknown as { __result: Result }).__result);
    await page.close();
  }, 60_000);

  it('loads without errors and runs on the wasm backend (the SIMD build of tf)', () => {
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.backendSet).toBe(true);
    expect(result.backend).toBe('wasm');
    expect(requested).toContain('/tfwasm/tfjs-backend-wasm-simd.wasm');
    expect(requested).toContain('/dist/tfjs.js');
    expect(requested).toContain('/dist/index.js');
    expect(warnings).toEqual([]); // no GPU-backend warning from the adapter, nothing else either
  });

  it("crossEntropy's gradient through tf.grad is tf.losses.softmaxCrossEntropy's on one-hot labels, to float32 rounding", () => {
    const { ours, theirs, shape, value, tfValue } = result.gradient;
    expect(shape).toEqual([6, 5]);
    expect(ours.length).toBe(30);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i]), `element ${i}`).toBeLessThanOrEqual(4 * 2 ** -24);
    // not a vacuous match: the gradient is far from zero
    expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(0.01);
    expect(Math.abs(value - tfValue)).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(tfValue));
  });

  it('trains a small MLP with optimizer.minimize (the loss falls)', () => {
    const h = result.history;
    expect(h.length).toBe(30);
    expect(h.every(Number.isFinite)).toBe(true);
    expect(h.at(-1)!).toBeLessThan(0.5 * h[0]);
  });

  it('keeps tf.memory().numTensors flat over the loop and frees everything after', () => {
    expect(new Set(result.numTensors)).toEqual(new Set([result.numTensors[0]]));
    expect(result.numTensorsAtEnd).toBe(result.numTensorsAtStart);
  });
});
