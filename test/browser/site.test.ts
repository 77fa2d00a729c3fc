// The web page (site/) in Debian's Chromium: built by scripts/build-site.mjs, served as static
// files from site/dist/ under its Content-Security-Policy, each panel driven like a user would.
// The explorer's plotted arrays (window.__explorer) must equal what simdloss computes in Node
// for the same inputs (same kernels, bit for bit) and the closed-form formulas (focalLoss against
// the target's probability, Dice's family against the overlap, the image view's SSIM and PSNR as
// its sliders move, their gradients against finite differences of the curves); training must
// reach 90% accuracy on the blobs within a bounded number of steps; a quick benchmark must run.
// The js notice must say why (forced by the URL, or no SIMD); the box panel's slide plot must tell
// its curves apart (legend colours, the selected one opaque and thick, in the canvas's pixels) and
// no number print as -0.0000; at 390×844 (a phone) nothing may stick out sideways.
// Screenshots of the panels go to test-results/site-*.png (site-phone-*.png at 390 px).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from './calls.mjs';
import { CHROMIUM_ARGS, findChromium, INSTALL_TIMEOUT } from './find-browser';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const site = join(root, 'site', 'dist');
const shots = join(root, 'test-results');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml' };

let server: Server;
let browser: Browser;
let url: string;
let sl: any;

beforeAll(async () => {
  const executablePath = findChromium();
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build (npm test does)');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-site.mjs')], { cwd: root, stdio: 'pipe' });
  sl = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  await sl.init(); // as the page does: the same (relaxed-SIMD, where validated) builds on both sides
  mkdirSync(shots, { recursive: true });
  // A plain static file server over site/dist (loopback, random port): what any host would do.
  server = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(site, path);
    if (!file.startsWith(site) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Opens the page; `errors` collects console errors (CSP violations among them) and uncaught exceptions; `before` runs in the page before its scripts. */
async function open(path: string, { width = 1280, height = 900, before }: { width?: number; height?: number; before?: () => void } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  if (before) await page.addInitScript(before);
  await page.goto(url + path);
  await page.waitForFunction(() => document.getElementById('backend')?.textContent?.startsWith('backend: '), undefined, { timeout: 20_000 });
  return { page, errors };
}
const inPage = <T>(page: Page, name: string) => page.evaluate((n) => JSON.parse(JSON.stringify((window as any)[n], (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))), name) as Promise<T>;
/** Sets a control of the explorer (a range input or a select) as a user would. */
async function setControl(page: Page, id: string, value: string): Promise<void> {
  await page.evaluate(([i, v]) => {
    const el = document.getElementById(i) as HTMLInputElement;
    el.value = v;
    el.dispatchEvent(new Event('input'));
  }, [id, value]);
}
const full = (n: number, v: number) => new Float64Array(n).fill(v);
/** '#rrggbb' or '#rrggbbaa' → [r, g, b, alpha 0–1]. */
const hex = (c: string) => [1, 3, 5, 7].map((i) => (i < 7 ? parseInt(c.slice(i, i + 2), 16) : c.length > 7 ? parseInt(c.slice(7, 9), 16) / 255 : 1));
/** How many pixels of the box panel's slide plot are exactly this colour, fully opaque (the core of a curve drawn with it). */
const pixelsOf = (page: Page, color: string) => page.evaluate(([r, g, b]) => {
  const c = document.querySelector('#ex-slide canvas') as HTMLCanvasElement;
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b && d[i + 3] === 255) n++;
  return n;
}, hex(color));
/** Whatever sticks out horizontally: the page, a card (header, notice, panel), or a visible element past its card's edges (outside a scroll box of its own). */
const overflows = (page: Page) => page.evaluate(() => {
  const bad: string[] = [];
  const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''}`;
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) bad.push(`page: scrollWidth ${doc.scrollWidth} > ${doc.clientWidth}`);
  for (const card of Array.from(document.querySelectorAll<HTMLElement>('header, .notice, .panel, footer'))) {
    if (card.offsetParent === null && card.tagName !== 'HEADER') continue; // hidden
    if (card.scrollWidth > card.clientWidth) bad.push(`${name(card)}: scrollWidth ${card.scrollWidth} > clientWidth ${card.clientWidth}`);
    const box = card.getBoundingClientRect();
    for (const e of Array.from(card.querySelectorAll('*'))) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || e.parentElement?.closest('.table-wrap')) continue;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) bad.push(`${name(e)} in ${name(card)}: [${r.left}, ${r.right}] outside [${box.left}, ${box.right}]`);
    }
  }
  return bad;
});

describe('the web page (site/)', () => {
  it('ships a strict Content-Security-Policy and no inline script or style', () => {
    const html = readFileSync(join(site, 'index.html'), 'utf8');
    expect(html).toContain(`content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'"`);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
  });

  it('explorer: plots simdloss\'s values and gradients, the target follows a drag, boxes get their view', async () => {
    const { page, errors } = await open('#explorer');
    expect(await page.textContent('#backend')).toBe('backend: wasm-simd');
    expect(await page.isHidden('#js-notice')).toBe(true);
    await page.waitForFunction(() => (window as any).__explorer?.loss?.length === 401);

    // mseLoss against a target set by the slider: Node's simdloss on the same inputs, and (x - t)².
    await page.selectOption('#ex-fn', 'mseLoss');
    await setControl(page, 'ex-t', '1.25');
    let ex = await inPage<any>(page, '__explorer');
    expect(ex.name).toBe('mseLoss');
    expect(ex.values.t).toBe(1.25);
    const xs = Float64Array.from(ex.xs);
    let ref = sl.mseLossWithGrad(xs, full(xs.length, 1.25), { reduction: 'none' });
    expect(ex.loss).toEqual(Array.from(ref.loss.data));
    expect(ex.grad).toEqual(Array.from(ref.grad.data));
    for (const i of [0, 57, 200, 333, 400]) {
      expect(ex.loss[i]).toBeCloseTo((xs[i] - 1.25) ** 2, 12);
      expect(ex.grad[i]).toBeCloseTo(2 * (xs[i] - 1.25), 12);
    }

    // Dragging on the plot moves the target to the x under the pointer.
    const over = (await page.locator('#ex-plot .u-over').boundingBox())!;
    await page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.25, over.y + over.height / 2, { steps: 4 });
    await page.mouse.up();
    ex = await inPage<any>(page, '__explorer');
    expect(ex.values.t).toBeCloseTo(-2, 0); // a quarter of [-4, 4]
    ref = sl.mseLossWithGrad(xs, full(xs.length, ex.values.t), { reduction: 'none' });
    expect(ex.loss).toEqual(Array.from(ref.loss.data));

    // crossEntropy with label smoothing, class 2: row (x, 1, -1).
    await page.selectOption('#ex-fn', 'crossEntropy');
    await page.selectOption('#ex-k', '2');
    await setControl(page, 'ex-labelSmoothing', '0.2');
    ex = await inPage<any>(page, '__explorer');
    const logits: number[] = ex.xs;
    const rows = new Float64Array(logits.length * 3);
    logits.forEach((x, i) => rows.set([x, 1, -1], i * 3));
    const ce = sl.crossEntropyWithGrad({ data: rows, shape: [logits.length, 3] }, new Int32Array(logits.length).fill(2), { labelSmoothing: 0.2, reduction: 'none' });
    expect(ex.loss).toEqual(Array.from(ce.loss.data));
    expect(ex.grad).toEqual(Array.from(ce.grad.data).filter((_, j) => j % 3 === 0));
    for (const i of [0, 200, 400]) { // (1 - ε)·(lse - x₂) + ε·mean over classes of (lse - x_c)
      const x = [logits[i], 1, -1], lse = Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
      expect(ex.loss[i]).toBeCloseTo(0.8 * (lse + 1) + (0.2 / 3) * x.reduce((s, v) => s + lse - v, 0), 12);
    }
    // How γ reshapes the focal loss: γ = 5, 2 and 0.5 pinned, γ = 0 (α-weighted BCE) live.
    await page.selectOption('#ex-fn', 'sigmoidFocalLoss');
    for (const gamma of ['5', '2', '0.5', '0']) {
      await setControl(page, 'ex-gamma', gamma);
      if (gamma !== '0') await page.click('#ex-pin');
    }
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer.png') });

    // focalLoss (Kornia) against the target class's probability p: Node's simdloss on the same
    // logits (log p, log((1 - p)/2), …) summed over classes; γ = 0 without α is cross-entropy
    // (times 1 + 1e-6, plus Kornia's 1e-6 one-hot terms of the other classes); γ > 0 lies below it;
    // the plotted ∂/∂p matches the curve's finite differences.
    await page.selectOption('#ex-fn', 'focalLoss');
    await page.selectOption('#ex-k', '1');
    await setControl(page, 'ex-gamma', '2.5');
    ex = await inPage<any>(page, '__explorer');
    expect(ex.name).toBe('focalLoss');
    const ps: number[] = ex.xs;
    expect([ps[0], ps.at(-1)]).toEqual([0.01, 0.99]);
    const probLogits = { data: new Float64Array(ps.length * 3), shape: [ps.length, 3] };
    ps.forEach((p, i) => probLogits.data.set([Math.log((1 - p) / 2), Math.log(p), Math.log((1 - p) / 2)], i * 3));
    const cls1 = new Int32Array(ps.length).fill(1);
    const rowSum = (a: ArrayLike<number>) => ps.map((_, i) => a[3 * i] + a[3 * i + 1] + a[3 * i + 2]);
    // (to 1e-13, not bit for bit: the logits come from Math.log, which Chromium's V8 and Node's may round differently)
    const near = (a: number[], b: ArrayLike<number>) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-13 * Math.abs(b[i])));
    near(ex.loss, rowSum(sl.focalLoss(probLogits, cls1, { alpha: null, gamma: 2.5, reduction: 'none' }).data));
    near(ex.extra.crossEntropy, sl.crossEntropy(probLogits, cls1, { reduction: 'none' }).data);
    // Kornia's formula: (1 - p_c)^γ·(-log p_c)·(onehot_c + 1e-6), summed over the classes c
    const kornia = (p: number, gamma: number) => (1 + 1e-6) * (1 - p) ** gamma * -Math.log(p) + 2e-6 * (1 - (1 - p) / 2) ** gamma * -Math.log((1 - p) / 2);
    for (const i of [0, 100, 200, 300, 400]) {
      const p = ps[i], ce = -Math.log(p);
      expect(ex.extra.crossEntropy[i]).toBeCloseTo(ce, 9);
      expect(ex.loss[i]).toBeCloseTo(kornia(p, 2.5), 9);
      expect(ex.extra['focalLoss γ = 5'][i]).toBeCloseTo(kornia(p, 5), 9);
      expect(ex.loss[i]).toBeLessThan(ce);
      expect(ex.extra['focalLoss γ = 1'][i]).toBeGreaterThan(ex.extra['focalLoss γ = 5'][i]);
    }
    for (const i of [20, 150, 250, 380]) {
      const fd = (ex.loss[i + 1] - ex.loss[i - 1]) / (ps[i + 1] - ps[i - 1]);
      expect(Math.abs(ex.grad[i] - fd)).toBeLessThan(2e-3 * Math.abs(fd));
      expect(ex.grad[i]).toBeLessThan(0); // more probability on the target: less loss
    }
    await setControl(page, 'ex-gamma', '0');
    ex = await inPage<any>(page, '__explorer');
    for (const i of [0, 100, 200, 300, 400]) expect(ex.loss[i]).toBeCloseTo(kornia(ps[i], 0), 9);
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer-focal.png') });

    // Dice's family against the overlap: a 16-pixel target in 80 pixels, the prediction (an
    // interval, its pixels' coverage) sliding in from the left; f = overlap / 16. Every curve falls
    // as the overlap grows; the values are MONAI's formulas with smoothNr = smoothDr = 1e-5
    // (background and foreground channels: the background's overlap is 80 − 16 − P + I pixels).
    const sm = 1e-5;
    const dice = (I: number, G: number, P: number) => 1 - (2 * I + sm) / (G + P + sm);
    const tversky = (I: number, G: number, P: number, a: number, b: number) => 1 - (I + sm) / (I + a * (P - I) + b * (G - I) + sm);
    const fdCheck = (ex: any) => {
      for (const i of [50, 150, 250, 350]) {
        const fd = (ex.loss[i + 1] - ex.loss[i - 1]) / (ex.xs[i + 1] - ex.xs[i - 1]);
        expect(ex.grad[i]).toBeLessThan(0);
        expect(Math.abs(ex.grad[i] - fd)).toBeLessThan(1e-4 * Math.abs(fd));
      }
    };
    const falling = (name: string, curve: number[]) => {
      expect(curve.length, name).toBe(401);
      for (let i = 1; i < curve.length; i++) expect(curve[i], `${name} at ${i}`).toBeLessThanOrEqual(curve[i - 1] + 1e-12);
    };
    await page.selectOption('#ex-fn', 'diceLoss');
    ex = await inPage<any>(page, '__explorer');
    expect([ex.name, ex.xs[0], ex.xs[400]]).toEqual(['diceLoss', 0, 1]);
    expect(Object.keys(ex.extra)).toEqual(['generalizedDiceLoss (its defaults)', 'tverskyLoss (its defaults)']);
    for (const [name, curve] of [['diceLoss', ex.loss], ...Object.entries(ex.extra)] as Array<[string, number[]]>) falling(name, curve);
    for (const i of [0, 100, 200, 300, 400]) {
      const I = 16 * ex.xs[i];
      expect(ex.loss[i]).toBeCloseTo((dice(I, 16, 16) + dice(48 + I, 64, 64)) / 2, 9);
      // Tversky with α = β = 0.5 is Dice (up to where the smoothing terms sit)
      expect(Math.abs(ex.extra['tverskyLoss (its defaults)'][i] - ex.loss[i])).toBeLessThan(1e-6);
    }
    expect(ex.loss[400]).toBeLessThan(1e-6); // the prediction on the target
    fdCheck(ex);
    await page.click('#ex-includeBackground');
    ex = await inPage<any>(page, '__explorer');
    for (const i of [0, 100, 200, 300, 400]) expect(ex.loss[i]).toBeCloseTo(dice(16 * ex.xs[i], 16, 16), 9);
    expect(ex.loss[0]).toBeCloseTo(1, 6); // disjoint
    // Tversky: a prediction twice the target's width, false positives weighed 0.8, false negatives 0.2
    await page.selectOption('#ex-fn', 'tverskyLoss');
    await page.click('#ex-includeBackground'); // off: the foreground alone
    await setControl(page, 'ex-width', '2');
    await setControl(page, 'ex-alpha', '0.8');
    await setControl(page, 'ex-beta', '0.2');
    ex = await inPage<any>(page, '__explorer');
    expect([ex.xs[0], ex.xs[400]]).toEqual([0, 1]);
    for (const i of [0, 100, 200, 300, 400]) expect(ex.loss[i]).toBeCloseTo(tversky(16 * ex.xs[i], 16, 32, 0.8, 0.2), 9);
    for (const [name, curve] of [['tverskyLoss', ex.loss], ...Object.entries(ex.extra)] as Array<[string, number[]]>) falling(name, curve);
    fdCheck(ex);
    await setControl(page, 'ex-width', '0.5'); // a narrower prediction covers at most half the target
    ex = await inPage<any>(page, '__explorer');
    expect(ex.xs[400]).toBe(0.5);
    falling('tverskyLoss, width 0.5', ex.loss);
    expect(ex.loss[400]).toBeCloseTo(tversky(8, 16, 8, 0.8, 0.2), 9);
    expect(ex.grad[400]).toBeCloseTo(ex.grad[399], 6); // the last point's derivative is the one from the left
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer-dice.png') });

    // The Lovász losses against a threshold shift b of a disk prediction: logits s + b on a 12×12
    // disk mask (s > 0 exactly on the mask), one call per b: Node's simdloss on the same input; the
    // hinge is the Lovász extension of the Jaccard loss at the hinge errors, which are at least 1 on
    // every mispredicted pixel, so it is never below the thresholded prediction's 1 − IoU (0 at b = 0).
    const M = 12, r = (i: number) => Math.hypot((i % M) - 5.5, Math.floor(i / M) - 5.5);
    const mask = { data: Int32Array.from({ length: M * M }, (_, i) => (r(i) < 4 ? 1 : 0)), shape: [1, M, M] };
    const logitsAt = (b: number) => Float64Array.from({ length: M * M }, (_, i) => (4 - r(i)) / 1.5 + b);
    const IOU = '1 − IoU of (s + b > 0) (counted by the page)';
    await page.selectOption('#ex-fn', 'lovaszHingeLoss');
    ex = await inPage<any>(page, '__explorer');
    expect([ex.name, ex.xs[0], ex.xs[200], ex.xs[400]]).toEqual(['lovaszHingeLoss', -4, 0, 4]);
    expect(Object.keys(ex.extra)).toEqual(['lovaszSoftmaxLoss', IOU]);
    for (const i of [0, 77, 200, 321, 400]) {
      const s = logitsAt(ex.xs[i]);
      expect(ex.loss[i]).toBe(sl.lovaszHingeLoss({ data: s, shape: [1, 1, M, M] }, mask));
      const two = new Float64Array(2 * M * M);
      two.set(s, M * M);
      expect(ex.extra.lovaszSoftmaxLoss[i]).toBe(sl.lovaszSoftmaxLoss({ data: two, shape: [1, 2, M, M] }, mask));
    }
    expect(ex.extra[IOU][200]).toBe(0);
    expect(ex.extra[IOU][0]).toBe(1); // b = -4: nothing predicted
    ex.loss.forEach((l: number, i: number) => expect(l).toBeGreaterThanOrEqual(ex.extra[IOU][i] - 1e-12));
    // ∂/∂b (the gradient summed over the pixels) against finite differences where the curve is linear
    let linear = 0;
    for (let i = 1; i < 400; i++) {
      if (ex.grad[i - 1] !== ex.grad[i] || ex.grad[i + 1] !== ex.grad[i]) continue;
      linear++;
      expect(ex.grad[i]).toBeCloseTo((ex.loss[i + 1] - ex.loss[i - 1]) / (ex.xs[i + 1] - ex.xs[i - 1]), 6);
    }
    expect(linear).toBeGreaterThan(100);
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer-lovasz.png') });

    // The image view: ssimLoss and psnrLoss of img1 and img2 (img1 blurred and shifted by the
    // sliders) equal Node's on the same pixels and PSNR's formula; the sliders change them; no blur
    // and no shift gives identical images (SSIM loss ~0, PSNR infinite); the canvas shows img2.
    await page.selectOption('#ex-fn', 'ssimLoss');
    const images = async () => (await inPage<any>(page, '__explorer')).image;
    const checkImages = (im: any) => {
      const a = { data: Float64Array.from(im.img1), shape: [1, 1, 32, 32] }, b = { data: Float64Array.from(im.img2), shape: [1, 1, 32, 32] };
      expect(im.ssim).toBe(sl.ssimLoss(a, b, { windowSize: 11 }));
      expect(im.map).toEqual(Array.from(sl.ssimLoss(a, b, { windowSize: 11, reduction: 'none' }).data));
      const mse = im.img1.reduce((s: number, v: number, i: number) => s + (v - im.img2[i]) ** 2, 0) / 1024;
      expect(im.psnr).toBeCloseTo(10 * Math.log10(mse), 9);
      expect(im.psnr).toBe(sl.psnrLoss(a, b, { maxVal: 1 }));
    };
    let im = await images();
    expect(await page.textContent('#ex-call')).toContain('ssimLossWithGrad(img1, img2, { windowSize: 11 })');
    expect(im.shift).toBe(1);
    checkImages(im);
    expect(im.ssim).toBeGreaterThan(0.01);
    const pixel = (id: string, i: number) => page.evaluate(([id, i]) => Array.from((document.getElementById(id as string) as HTMLCanvasElement).getContext('2d')!.getImageData((i as number) % 32, Math.floor((i as number) / 32), 1, 1).data), [id, i]);
    for (const i of [0, 300, 528, 700]) expect(Math.abs((await pixel('ex-img2', i))[0] - 255 * im.img2[i])).toBeLessThanOrEqual(1);
    await setControl(page, 'ex-blur', '2.5');
    const blurred = await images();
    checkImages(blurred);
    expect(blurred.ssim).toBeGreaterThan(im.ssim);
    expect(blurred.psnr).toBeGreaterThan(im.psnr);
    await setControl(page, 'ex-shift', '-3');
    im = await images();
    checkImages(im);
    expect(im.shift).toBe(-3);
    expect(im.ssim).not.toBe(blurred.ssim);
    expect(Math.abs((await pixel('ex-img2', 528))[0] - 255 * im.img2[528])).toBeLessThanOrEqual(1);
    // the slide curve: both losses at each shift, its middle (shift 0) the current blur alone
    expect(im.shifts).toHaveLength(49);
    expect(im.shifts[24]).toBe(0);
    await setControl(page, 'ex-blur', '0');
    await setControl(page, 'ex-shift', '0');
    im = await images();
    expect(im.ssim).toBeLessThan(1e-7); // not 0: eps (1e-12) in SSIM's denominator, whose smallest values (flat regions) are ~1e-7
    expect(im.ssim).toBe(sl.ssimLoss({ data: Float64Array.from(im.img1), shape: [1, 1, 32, 32] }, { data: Float64Array.from(im.img2), shape: [1, 1, 32, 32] }, { windowSize: 11 }));
    expect(im.psnr).toBeNull(); // -Infinity, through JSON
    expect(await page.innerText('#ex-readout')).toContain('∞ dB (identical images)');
    expect(im.ssimCurve.indexOf(Math.min(...im.ssimCurve))).toBe(24);
    await setControl(page, 'ex-shift', '1.5');
    // psnrLoss shares the view and its images
    await page.selectOption('#ex-fn', 'psnrLoss');
    im = await images();
    expect(im.shift).toBe(1.5);
    checkImages(im);
    expect(await page.textContent('#ex-gradcap')).toBe('−∂psnrLoss/∂img2');
    const g = Array.from(sl.psnrLossWithGrad({ data: Float64Array.from(im.img1), shape: [1, 1, 32, 32] }, { data: Float64Array.from(im.img2), shape: [1, 1, 32, 32] }, { maxVal: 1 }).grads[1].data);
    expect(im.grad).toEqual(g.map((v) => (v === 0 ? 0 : v))); // (JSON has no -0)
    expect(await overflows(page)).toEqual([]);
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer-ssim.png') });

    // The box view: GIoU of the two boxes equals Node's and the formula; dragging moves the prediction.
    await page.selectOption('#ex-fn', 'generalizedBoxIouLoss');
    const giou = (a: number[], b: number[]) => {
      const area = (r: number[]) => (r[2] - r[0]) * (r[3] - r[1]);
      const I = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
      const U = area(a) + area(b) - I, C = (Math.max(a[2], b[2]) - Math.min(a[0], b[0])) * (Math.max(a[3], b[3]) - Math.min(a[1], b[1]));
      return 1 - I / U + (C - U) / C;
    };
    const checkBoxes = (bx: any) => {
      const r = sl.generalizedBoxIouLossWithGrad(new Float64Array(bx.pred), new Float64Array(bx.target), { reduction: 'none' });
      expect(bx.table.generalizedBoxIouLoss.loss).toBe(r.loss.data[0]);
      expect(bx.table.generalizedBoxIouLoss.grad).toEqual(Array.from(r.grad.data));
      expect(bx.table.generalizedBoxIouLoss.loss).toBeCloseTo(giou(bx.pred, bx.target), 6);
      expect(Object.keys(bx.table)).toHaveLength(9);
      for (const v of Object.values(bx.table) as Array<{ loss: number }>) expect(Number.isFinite(v.loss)).toBe(true);
      expect(bx.slide.completeBoxIouLoss).toHaveLength(241);
    };
    let bx = (await inPage<any>(page, '__explorer')).boxes;
    checkBoxes(bx);
    // A number that rounds to zero prints as 0.0000: here alphaIouLoss's gradient has tiny negatives.
    expect(bx.table.alphaIouLoss.grad.some((g: number) => g < 0 && g > -5e-5)).toBe(true);
    expect(await page.innerText('#ex-table')).toContain('0.0000');
    expect(await page.innerText('body')).not.toContain('-0.0000');
    const canvas = (await page.locator('#ex-canvas').boundingBox())!;
    const scale = canvas.width / 480 * 40; // CSS pixels per box unit
    const [cx, cy] = [(bx.pred[0] + bx.pred[2]) / 2 * scale + canvas.x, (bx.pred[1] + bx.pred[3]) / 2 * scale + canvas.y];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 2 * scale, cy, { steps: 4 });
    await page.mouse.up();
    const moved = (await inPage<any>(page, '__explorer')).boxes;
    expect(moved.pred[0] - bx.pred[0]).toBeCloseTo(2, 1);
    checkBoxes(moved);

    // The slide plot's legend names each loss in its curve's colour (the table row's too) with its
    // value at the dashed line; the selected loss is drawn thick, opaque and last (on top), the
    // others thin and translucent (so none of their pixels has their full colour).
    type Series = { name: string; stroke: string; width: number; show: boolean };
    const slideSeries = async () => (await inPage<any>(page, '__explorer')).slideSeries as Series[];
    const keyOf = (name: string) => `#ex-legend .key[data-loss=${name}]`;
    const keys = await page.$$eval('#ex-legend .key', (ks) => ks.map((k) => ({
      name: (k as HTMLElement).dataset.loss!, text: k.textContent!, color: getComputedStyle(k.querySelector('.swatch')!).backgroundColor,
      pressed: k.getAttribute('aria-pressed'), selected: k.classList.contains('selected'),
    })));
    const rowColors = await page.$$eval('#ex-table .swatch', (ss) => ss.map((e) => getComputedStyle(e).backgroundColor));
    let series = await slideSeries();
    const GIOU = 'generalizedBoxIouLoss', CIOU = 'completeBoxIouLoss';
    const colorOf = (name: string) => series.find((c) => c.name === name)!.stroke.slice(0, 7);
    expect(keys.map((k) => k.name)).toEqual(Object.keys(moved.table));
    expect(series.map((c) => c.name).sort()).toEqual(Object.keys(moved.table).sort());
    expect(series.at(-1)!.name).toBe(GIOU);
    keys.forEach((k, i) => {
      const c = series.find((e) => e.name === k.name)!, [r, g, b, alpha] = hex(c.stroke);
      expect(k.color, k.name).toBe(`rgb(${r}, ${g}, ${b})`);
      expect(rowColors[i], k.name).toBe(k.color);
      expect(k.text, k.name).toBe(`${k.name}${moved.table[k.name].loss.toFixed(4)}`);
      expect([k.pressed, k.selected, c.show], k.name).toEqual(['true', k.name === GIOU, true]);
      if (k.name === GIOU) expect(alpha).toBe(1);
      else expect([alpha < 0.5, c.width < series.at(-1)!.width], k.name).toEqual([true, true]);
    });
    expect(new Set(series.map((c) => c.stroke.slice(0, 7))).size).toBe(9);
    expect(await pixelsOf(page, colorOf(GIOU))).toBeGreaterThan(200);
    expect(await pixelsOf(page, colorOf(CIOU))).toBe(0);
    // Pointing at a name brings its curve forward.
    await page.hover(keyOf(CIOU));
    series = await slideSeries();
    expect(series.find((c) => c.name === CIOU)).toMatchObject({ stroke: colorOf(CIOU), width: 3.5 });
    expect(await pixelsOf(page, colorOf(CIOU))).toBeGreaterThan(200);
    expect(await pixelsOf(page, colorOf(GIOU))).toBe(0);
    // Under the pointer, the legend shows the curves' values there (the plot's left edge: offset 0).
    const slideOver = (await page.locator('#ex-slide .u-over').boundingBox())!;
    await page.mouse.move(slideOver.x + 1, slideOver.y + slideOver.height / 2);
    expect(await page.$$eval('#ex-legend .value', (vs) => vs.map((v) => v.textContent))).toEqual(Object.keys(moved.table).map((n) => moved.slide[n][0].toFixed(4)));
    expect(await pixelsOf(page, colorOf(GIOU))).toBeGreaterThan(200);
    // Clicking a name hides its curve; clicking again shows it.
    await page.click(keyOf(GIOU));
    expect((await slideSeries()).find((c) => c.name === GIOU)!.show).toBe(false);
    expect(await page.getAttribute(keyOf(GIOU), 'aria-pressed')).toBe('false');
    expect(await pixelsOf(page, colorOf(GIOU))).toBe(0);
    await page.click(keyOf(GIOU));
    expect((await slideSeries()).find((c) => c.name === GIOU)!.show).toBe(true);
    expect(await pixelsOf(page, colorOf(GIOU))).toBeGreaterThan(200);
    await page.mouse.move(0, 0);
    expect(await page.innerText('body')).not.toContain('-0.0000');
    await page.locator('body').screenshot({ path: join(shots, 'site-explorer-boxes.png') });
    // Another box loss chosen: it is the one drawn thick, on top.
    await page.selectOption('#ex-fn', 'iouLoss');
    series = await slideSeries();
    expect(series.at(-1)).toMatchObject({ name: 'iouLoss', width: 3.5 });
    expect(hex(series.at(-1)!.stroke)[3]).toBe(1);
    expect(series.filter((c) => c.width === 3.5)).toHaveLength(1);
    expect(await page.innerText('body')).not.toContain('-0.0000');

    // The select offers the whole catalogue, and every function renders finite numbers.
    const names = await page.$$eval('#ex-fn option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...FUNCTIONS].sort()); // the catalogue (test/catalog.mjs) lists each function once
    for (const name of names) {
      await page.selectOption('#ex-fn', name);
      ex = await inPage<any>(page, '__explorer');
      expect(ex.name).toBe(name);
      const values = ex.boxes ? Object.values(ex.boxes.table).flatMap((r: any) => [r.loss, ...r.grad])
        : ex.image ? [ex.image.ssim, ex.image.psnr, ...ex.image.map, ...ex.image.grad, ...ex.image.ssimCurve]
        : [...ex.loss, ...(ex.grad ?? []), ...Object.values(ex.extra ?? {}).flat()];
      expect(values.length, name).toBeGreaterThan(0);
      expect(values.every(Number.isFinite), name).toBe(true);
      expect(await overflows(page), name).toEqual([]);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('training: the MLP reaches 90% accuracy on the blobs within 400 steps; label smoothing, the other losses, clicks', async () => {
    const { page, errors } = await open('#training');
    await page.waitForFunction(() => (window as any).__training?.accuracy >= 0.9 && (window as any).__training.step >= 400, undefined, { timeout: 30_000 });
    const tr = await inPage<any>(page, '__training');
    const first = tr.history.accuracy.findIndex((a: number) => a >= 0.9);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(400);
    expect(tr.history.loss.at(-1)).toBeLessThan(tr.history.loss[0] / 2);
    // Label smoothing ε = 0.3 over 3 classes: the loss can no longer go below the smoothed
    // targets' entropy, -(0.8 ln 0.8 + 2 · 0.1 ln 0.1) = 0.639, and training approaches it.
    const floor = -(0.8 * Math.log(0.8) + 0.2 * Math.log(0.1));
    await setControl(page, 'tr-smooth', '0.3');
    const s0 = await page.evaluate(() => (window as any).__training.step);
    await page.waitForFunction((s) => (window as any).__training.step >= s + 300, s0, { timeout: 20_000 });
    const smoothed = (await inPage<any>(page, '__training')).history.loss.slice(s0 + 4);
    expect(Math.min(...smoothed)).toBeGreaterThan(floor - 1e-5);
    expect(smoothed.at(-1)).toBeLessThan(floor + 0.1);
    // The other losses train too.
    for (const loss of ['sigmoidFocalLoss', 'multiMarginLoss']) {
      await page.selectOption('#tr-loss', loss);
      await page.waitForFunction(() => (window as any).__training.step >= 100, undefined, { timeout: 20_000 });
      const t = await inPage<any>(page, '__training');
      expect(t.history.loss.every(Number.isFinite), loss).toBe(true);
      expect(t.accuracy, loss).toBeGreaterThanOrEqual(0.9);
    }
    const box = (await page.locator('#tr-canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForFunction((n) => (window as any).__training.points === n + 1, tr.points);
    await page.locator('body').screenshot({ path: join(shots, 'site-training.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('speed: a quick benchmark runs in the page and charts its ratios', async () => {
    const { page, errors } = await open('#speed');
    await page.check('#sp-quick');
    await page.click('#sp-run');
    await page.waitForFunction(() => (window as any).__speed.results.length === 5 && !(window as any).__speed.running, undefined, { timeout: 40_000 });
    const sp = await inPage<any>(page, '__speed');
    expect(sp.error).toBe('');
    expect(sp.env.backend).toBe('wasm-simd');
    expect(sp.env['WebAssembly SIMD']).toBe('validates');
    expect(sp.env.browser).toContain('Chrome');
    for (const r of sp.results) {
      expect(r.ratio, r.label).toBeGreaterThan(0);
      expect(r.simd.min).toBeLessThanOrEqual(r.simd.median);
    }
    expect(await page.locator('#sp-table tr').count()).toBe(6);
    await page.locator('body').screenshot({ path: join(shots, 'site-speed.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so visibly when it runs on the js backend: forced by the URL', async () => {
    const { page, errors } = await open('?backend=js#explorer');
    expect(await page.textContent('#backend')).toBe('backend: js');
    expect(await page.isVisible('#js-notice')).toBe(true);
    const notice = await page.innerText('#js-notice');
    expect(notice).toContain('The URL forced the js backend (?backend=js)');
    expect(notice).not.toContain('not available');
    expect(await page.getAttribute('#js-unforce', 'href')).toBe(`${url}#explorer`);
    await page.waitForFunction(() => (window as any).__explorer?.loss?.length === 401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so visibly when it runs on the js backend: no WebAssembly SIMD (simulated)', async () => {
    const { page, errors } = await open('#explorer', {
      before: () => { // an engine without SIMD: validates nothing, compiles nothing
        const refuse = () => { throw new WebAssembly.CompileError('invalid SIMD opcode (simulated)'); };
        Object.assign(WebAssembly, { validate: () => false, Module: refuse, compile: async () => refuse(), instantiate: async () => refuse() });
      },
    });
    expect(await page.textContent('#backend')).toBe('backend: js');
    const notice = await page.innerText('#js-notice');
    expect(notice).toContain('WebAssembly SIMD is not available in this browser');
    expect(notice).not.toContain('forced');
    await page.waitForFunction(() => (window as any).__explorer?.loss?.length === 401);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a phone (390×844): nothing sticks out sideways, on any panel or explorer function', async () => {
    const phone = { width: 390, height: 844 };
    const { page, errors } = await open('?backend=js#explorer', phone); // the notice is a card too
    await page.waitForFunction(() => (window as any).__explorer?.loss?.length === 401);
    expect(await overflows(page)).toEqual([]);
    await page.close();

    const { page: p, errors: e2 } = await open('#explorer', phone);
    await p.waitForFunction(() => (window as any).__explorer?.loss?.length === 401);
    await p.screenshot({ path: join(shots, 'site-phone-explorer.png'), fullPage: true });
    for (const name of await p.$$eval('#ex-fn option', (os) => os.map((o) => (o as HTMLOptionElement).value))) {
      await p.selectOption('#ex-fn', name);
      expect(await overflows(p), name).toEqual([]);
    }
    await p.selectOption('#ex-fn', 'generalizedBoxIouLoss');
    await p.screenshot({ path: join(shots, 'site-phone-boxes.png'), fullPage: true });
    await p.selectOption('#ex-fn', 'ssimLoss');
    await p.screenshot({ path: join(shots, 'site-phone-images.png'), fullPage: true });
    await p.evaluate(() => { location.hash = '#training'; });
    await p.waitForFunction(() => (window as any).__training?.step >= 20);
    expect(await overflows(p)).toEqual([]);
    await p.screenshot({ path: join(shots, 'site-phone-training.png'), fullPage: true });
    await p.evaluate(() => { location.hash = '#speed'; });
    await p.check('#sp-quick');
    await p.click('#sp-run');
    await p.waitForFunction(() => (window as any).__speed.results.length === 5 && !(window as any).__speed.running, undefined, { timeout: 40_000 });
    expect(await overflows(p)).toEqual([]);
    await p.screenshot({ path: join(shots, 'site-phone-speed.png'), fullPage: true });
    expect([...errors, ...e2]).toEqual([]);
    await p.close();
  });
});
