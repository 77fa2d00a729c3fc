// Threads (init({ threads }), src/wasm/pool.ts, runParallel in src/wasm/runtime.ts): results
// bit-identical for 1, 2 and 4 threads, and the pool's lifecycle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import type { Dtype, FloatArray, Tensor, WithGrad } from '../src/types';
import { PLAIN } from '../src/wasm/plain';
import { poolTesting } from '../src/wasm/pool';
import { tuning } from '../src/wasm/runtime';
import { caseArgs, loadFixture } from './helpers/fixtures';
import { randomFloats, rng } from './helpers/numeric';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
type Fn = (...a: unknown[]) => unknown;
const fns = sl as unknown as Record<string, Fn>;

/** Every number of a result (loss, its tensor, each gradient), as float64 bit patterns. */
function bits(r: unknown): string[] {
  const out: string[] = [];
  const push = (x: number) => out.push(Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : String(x));
  const walk = (v: unknown): void => {
    if (typeof v === 'number') push(v);
    else if (v instanceof Float32Array || v instanceof Float64Array) v.forEach(push);
    else if (v && typeof v === 'object') {
      const t = v as { loss?: unknown; grads?: unknown[]; data?: unknown };
      if ('loss' in t) walk(t.loss);
      if (Array.isArray(t.grads)) t.grads.forEach(walk);
      if ('data' in t && !('loss' in t)) walk(t.data);
    }
  };
  walk(r);
  return out;
}

/** A result's bits, hashed (FNV-1a over every byte of its numbers, as stored): equal results, equal digests. */
function digest(r: unknown): string {
  let h = 0x811c9dc5;
  let count = 0;
  const eat = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    count += bytes.length;
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'number') eat(new Uint8Array(Float64Array.of(v).buffer));
    else if (v instanceof Float32Array || v instanceof Float64Array) eat(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const t = v as { loss?: unknown; grads?: Array<{ data: unknown }>; data?: unknown };
      if ('loss' in t) walk(t.loss);
      if (Array.isArray(t.grads)) t.grads.forEach((g) => walk(g.data));
      if ('data' in t && !('loss' in t)) walk(t.data);
    }
  };
  walk(r);
  return `${count}:${(h >>> 0).toString(16)}`;
}

const FAMILIES = ['cross-entropy', 'regression', 'softmax', 'binary-cross-entropy', 'kl-div', 'margin', 'multi-margin', 'focal', 'likelihood', 'cosine-similarity', 'distance', 'box-iou'];
/** The families that landed after the threads: Dice (its fused pass, which works out each item's coefficients between two kernels, runs on one thread), the softmax focal loss, SSIM and PSNR, Lovász (split by image: each image's sort is its own). */
const NEW_FAMILIES = ['dice', 'softmax-focal', 'image-quality', 'lovasz'];

/** Each fixture case's results (value, then gradients), every float argument resident in wasm memory. */
function fixtureResults(families = FAMILIES): Map<string, string[] | string> {
  const out = new Map<string, string[] | string>();
  for (const family of families) {
    for (const c of loadFixture(family).cases) {
      if (c.throws) continue;
      for (const dtype of ['float32', 'float64'] as Dtype[]) {
        const { args, options } = caseArgs(c, dtype);
        const held: sl.WasmTensor[] = [];
        const resident = args.map((a) => {
          const t = a as Tensor;
          if (!(t && (t.data instanceof Float32Array || t.data instanceof Float64Array)) || t.data.length === 0) return a;
          const w = sl.allocTensor(dtype, t.shape as number[]);
          w.data.set(t.data as FloatArray);
          held.push(w);
          return w;
        });
        const key = `${family} ${dtype} ${c.name}`;
        try {
          const noOptions = c.fn === 'sigmoid';
          const value = noOptions ? fns[c.fn](...resident) : fns[c.fn](...resident, options);
          const grad = noOptions ? fns[`${c.fn}WithGrad`](...resident) : fns[`${c.fn}WithGrad`](...resident, options);
          out.set(key, [...bits(value), '|', ...bits(grad as WithGrad)]);
        } catch (e) {
          out.set(key, `throws ${String(e)}`);
        } finally {
          for (const w of held) w.free();
        }
      }
    }
  }
  return out;
}

let before = 1;
const saved = { ...tuning };

beforeAll(() => {
  before = sl.threadCount();
});

afterAll(async () => {
  Object.assign(tuning, saved);
  poolTesting.setTimeout(5000);
  await sl.init({ threads: before });
});

describe('threads: results bit-identical to one thread', () => {
  it('every fixture case with resident arguments, in blocks of a few items: 1, 2 and 4 threads', async () => {
    // small blocks and no size floor, so that fixture-sized calls are split and run in parallel
    Object.assign(tuning, { blockBytes: 64, parallelMinBytes: 0, copiedShare: 1 });
    try {
      await sl.init({ threads: 1 });
      const one = fixtureResults();
      for (const threads of [2, 4]) {
        await sl.init({ threads });
        expect(sl.threadCount()).toBe(threads);
        const calls = poolTesting.parallelCalls;
        const many = fixtureResults();
        // most cases ran in parallel (the rest: one block, or a whole-call scratch)
        expect(poolTesting.parallelCalls - calls).toBeGreaterThan(one.size / 2);
        for (const [key, want] of one) expect(many.get(key), `${key}, ${threads} threads`).toEqual(want);
      }
    } finally {
      Object.assign(tuning, saved);
    }
  });

  it('the new families, every fixture case in blocks of a few items: 1, 2 and 4 threads, each family in parallel', async () => {
    Object.assign(tuning, { blockBytes: 64, parallelMinBytes: 0, copiedShare: 1 });
    try {
      await sl.init({ threads: 1 });
      const one = new Map(NEW_FAMILIES.map((f) => [f, fixtureResults([f])]));
      for (const threads of [2, 4]) {
        await sl.init({ threads });
        for (const family of NEW_FAMILIES) {
          const calls = poolTesting.parallelCalls;
          const many = fixtureResults([family]);
          expect(poolTesting.parallelCalls - calls, `${family}: calls run in parallel`).toBeGreaterThan(family === 'dice' ? 20 : one.get(family)!.size / 4);
          for (const [key, want] of one.get(family)!) expect(many.get(key), `${key}, ${threads} threads`).toEqual(want);
        }
      }
    } finally {
      Object.assign(tuning, saved);
    }
  });

  it('the new families at default sizes, plain arrays: SSIM and Lovász split (their kernels outweigh the copies), results as on one thread', async () => {
    const random = rng(22);
    const N = 4, H = 160, W = 160, C = 5;
    const img = (c: number) => ({ data: Float32Array.from({ length: N * c * H * W }, () => random()), shape: [N, c, H, W] });
    const a = img(3), b = img(3);
    const logits = { data: Float32Array.from({ length: N * C * H * W }, () => random() * 6 - 3), shape: [N, C, H, W] };
    const binary = { data: Float32Array.from({ length: N * H * W }, () => random() * 6 - 3), shape: [N, 1, H, W] };
    const labels = { data: Int32Array.from({ length: N * H * W }, () => Math.floor(random() * C)), shape: [N, H, W] };
    const bits01 = { data: Int32Array.from({ length: N * H * W }, () => (random() < 0.4 ? 1 : 0)), shape: [N, H, W] };
    const calls: Array<() => unknown> = [
      () => sl.ssimLossWithGrad(a, b, { windowSize: 11 }),
      () => sl.lovaszSoftmaxLossWithGrad(logits, labels),
      () => sl.lovaszHingeLossWithGrad(binary, bits01),
    ];
    await sl.init({ threads: 1 });
    const one = calls.map((f) => digest(f()));
    for (const threads of [2, 4]) {
      await sl.init({ threads });
      const before = poolTesting.parallelCalls;
      const many = calls.map((f) => digest(f()));
      expect(poolTesting.parallelCalls - before).toBe(calls.length);
      many.forEach((r, i) => expect(r, `call ${i}, ${threads} threads`).toBe(one[i]));
    }
  });

  it('random resident calls at sizes that run in parallel by default: 1, 2 and 4 threads', async () => {
    const random = rng(18);
    const calls: Array<() => unknown> = [];
    const held: sl.WasmTensor[] = [];
    const resident = (dtype: Dtype, shape: number[], scale = 3): sl.WasmTensor => {
      const t = sl.allocTensor(dtype, shape);
      t.data.set(randomFloats(dtype, t.size, random).map((v) => v * scale));
      held.push(t);
      return t;
    };
    for (const dtype of ['float32', 'float64'] as Dtype[]) {
      for (const [N, C] of [[256, 1000], [300, 516], [97, 2048]]) {
        const x = resident(dtype, [N, C]);
        const g = resident(dtype, [N, C]);
        const target = Int32Array.from({ length: N }, (_, i) => (i % 9 === 0 ? -100 : Math.floor(random() * C)));
        const weight = Float32Array.from({ length: C }, () => random() + 0.5);
        const probs = resident(dtype, [N, C], 0.01);
        calls.push(() => sl.crossEntropy(x, target));
        calls.push(() => [sl.crossEntropyWithGrad(x, target, { gradInto: [g] }).loss, g.data]);
        calls.push(() => [sl.crossEntropyWithGrad(x, target, { labelSmoothing: 0.1, reduction: 'sum', gradInto: [g] }).loss, g.data]);
        calls.push(() => sl.crossEntropyWithGrad(x, target, { weight: dtype === 'float32' ? weight : Float64Array.from(weight), reduction: 'none' }));
        calls.push(() => [sl.crossEntropyWithGrad(x, probs, { gradInto: [g] }).loss, g.data]);
        calls.push(() => [sl.nllLossWithGrad(x, target, { gradInto: [g] }).loss, g.data]);
        calls.push(() => sl.softmax(x, { out: g }) && g.data);
        calls.push(() => sl.logSoftmax(x, { out: g }) && g.data);
      }
      for (const n of [1 << 18, (1 << 18) + 12, 100_000]) {
        const a = resident(dtype, [n]);
        const b = resident(dtype, [n]);
        const ga = resident(dtype, [n]);
        const gb = resident(dtype, [n]);
        calls.push(() => sl.mseLoss(a, b));
        calls.push(() => [sl.mseLossWithGrad(a, b, { gradInto: [ga, gb] }).loss, ga.data, gb.data]);
        calls.push(() => [sl.huberLossWithGrad(a, b, { delta: 0.5, reduction: 'sum', gradInto: [ga, gb] }).loss, ga.data]);
        calls.push(() => sl.l1Loss(a, b));
        calls.push(() => [sl.binaryCrossEntropyWithLogitsWithGrad(a, b, { gradInto: [ga] }).loss, ga.data]);
        calls.push(() => sl.sigmoid(a, { out: ga }) && ga.data);
      }
    }
    const runAll = () => calls.map((f) => digest(f()));
    try {
      await sl.init({ threads: 1 });
      const one = runAll();
      for (const threads of [2, 4]) {
        await sl.init({ threads });
        const before = poolTesting.parallelCalls;
        const many = runAll();
        expect(poolTesting.parallelCalls - before).toBeGreaterThan(calls.length / 2);
        many.forEach((r, i) => expect(r, `call ${i}, ${threads} threads`).toBe(one[i]));
      }
    } finally {
      for (const t of held) t.free();
    }
  });
});

describe('threads: calls that stay on the calling thread stage in a plain memory', () => {
  it('plain-array calls, lean and general, one block and many: the bits of one thread, staged in the plain memory, the shared memory untouched', async () => {
    const random = rng(31);
    const small = { data: randomFloats('float32', 320, random), shape: [32, 10] };
    const smallT = Int32Array.from({ length: 32 }, () => Math.floor(random() * 10));
    const into = new Float32Array(320);
    const big = { data: randomFloats('float64', 256 * 1000, random), shape: [256, 1000] };
    const bigT = Int32Array.from({ length: 256 }, (_, i) => (i % 7 === 0 ? -100 : Math.floor(random() * 1000)));
    const a = randomFloats('float32', 1 << 18, random), b = randomFloats('float32', 1 << 18, random);
    const boxes = { data: Float32Array.from({ length: 4000 * 4 }, (_, i) => (i % 4 < 2 ? random() * 10 : 10 + random() * 10)), shape: [4000, 4] };
    const boxes2 = { data: Float32Array.from({ length: 4000 * 4 }, (_, i) => (i % 4 < 2 ? random() * 10 : 10 + random() * 10)), shape: [4000, 4] };
    const calls: Array<() => unknown> = [
      () => [sl.crossEntropyWithGrad(small, smallT, { gradInto: into }).loss, into], // lean
      () => sl.crossEntropyWithGrad(small, smallT, { labelSmoothing: 0.2 }), // general, one block
      () => sl.crossEntropyWithGrad(big, bigT, { weight: Float64Array.from({ length: 1000 }, (_, i) => 1 + (i % 3)) }), // general, many blocks
      () => sl.mseLossWithGrad(a, b), // elementwise, many blocks
      () => sl.softmax(big, { dim: 1 }),
      () => sl.generalizedBoxIouLossWithGrad(boxes, boxes2),
      () => sl.mseLoss(a.subarray(0, 1000), b.subarray(0, 1000)), // lean
    ];
    await sl.init({ threads: 2 });
    // the reference: staged in the shared memory, as before the plain one
    const { memory, buffer } = PLAIN;
    PLAIN.memory = PLAIN.buffer = null;
    const shared = calls.map((f) => digest(f()));
    PLAIN.memory = memory;
    PLAIN.buffer = buffer;
    const used = sl.memoryUsage();
    let staged = PLAIN.staged;
    const parallel = poolTesting.parallelCalls;
    const many = calls.map((f) => digest(f()));
    many.forEach((r, i) => expect(r, `call ${i}`).toBe(shared[i]));
    expect(PLAIN.staged - staged).toBe(calls.length);
    expect(poolTesting.parallelCalls).toBe(parallel);
    expect(sl.memoryUsage()).toBe(used);
    // back to one thread: the memory stays shared, and the calls keep staging in the plain one
    await sl.init({ threads: 1 });
    staged = PLAIN.staged;
    const one = calls.map((f) => digest(f()));
    one.forEach((r, i) => expect(r, `call ${i}, one thread`).toBe(shared[i]));
    expect(PLAIN.staged - staged).toBe(calls.length);
  });

  it('a call with a resident operand stages in the shared memory (its kernels read the tensor there)', async () => {
    await sl.init({ threads: 2 });
    const x = sl.allocTensor('float32', [32, 10]);
    x.data.set(randomFloats('float32', 320, rng(4)));
    const t = Int32Array.from({ length: 32 }, (_, i) => i % 10);
    try {
      const staged = PLAIN.staged;
      const got = sl.crossEntropyWithGrad(x, t);
      expect(PLAIN.staged).toBe(staged);
      await sl.init({ threads: 1 });
      expect(digest(sl.crossEntropyWithGrad(x, t))).toBe(digest(got));
    } finally {
      x.free();
    }
  });
});

describe('threads: the pool', () => {
  it('init({ threads }) changes the count, again and again; bad counts are a TypeError', async () => {
    await sl.init({ threads: 2 });
    expect(sl.threadCount()).toBe(2);
    await sl.init({ threads: 3 });
    expect(sl.threadCount()).toBe(3);
    await sl.init(); // no threads: as before
    expect(sl.threadCount()).toBe(3);
    await sl.init({ threads: 1 });
    expect(sl.threadCount()).toBe(1);
    await sl.init({ threads: 'auto' });
    expect(sl.threadCount()).toBeGreaterThanOrEqual(1);
    await expect(sl.init({ threads: 0 })).rejects.toThrow(/^init: options.threads must be an integer from 1 to 64 or 'auto'; got 0$/);
    await expect(sl.init({ threads: 2.5 })).rejects.toThrow(TypeError);
    await expect(sl.init({ threads: '2' } as never)).rejects.toThrow(TypeError);
  });

  it('a worker that dies holding a block: the call fails with a clear error after the timeout, the next call works', async () => {
    await sl.init({ threads: 2 });
    const N = 1024, C = 1000;
    const x = sl.allocTensor('float32', [N, C]);
    x.data.set(randomFloats('float32', N * C, rng(5)));
    const target = Int32Array.from({ length: N }, (_, i) => i % C);
    try {
      const want = sl.crossEntropy(x, target);
      poolTesting.setTimeout(300);
      poolTesting.crashNextWorker();
      let error: unknown = null;
      // the worker takes a block unless the caller's thread took them all first: a few tries
      for (let i = 0; i < 20 && error === null; i++) {
        try {
          sl.crossEntropy(x, target);
        } catch (e) {
          error = e;
        }
      }
      expect(String(error)).toMatch(/^Error: crossEntropy: a worker thread did not finish its part of the call within 300 ms \(it crashed or is stuck\); the threads were stopped and calls run on one thread until init\(\{ threads \}\) is called again$/);
      expect(sl.threadCount()).toBe(1);
      expect(sl.crossEntropy(x, target)).toBe(want);
      await sl.init({ threads: 2 });
      expect(sl.threadCount()).toBe(2);
      expect(sl.crossEntropy(x, target)).toBe(want);
    } finally {
      poolTesting.setTimeout(5000);
      x.free();
    }
  });

  it('memory grows while the workers run: operands past the memory they first saw', async () => {
    await sl.init({ threads: 2 });
    const limit = sl.getMemoryLimit();
    sl.setMemoryLimit(limit + 256 * 1024 * 1024);
    const before = sl.memoryUsage();
    const n = 1 << 20;
    const a = sl.allocTensor('float32', [n]), b = sl.allocTensor('float32', [n]);
    const big = sl.allocTensor('float32', [before / 4]); // grows the memory past what the workers saw
    const c = sl.allocTensor('float32', [n]), d = sl.allocTensor('float32', [n]);
    expect(sl.memoryUsage()).toBeGreaterThan(before);
    expect(c.ptr).toBeGreaterThan(before);
    const random = rng(7);
    for (const t of [a, b, c, d]) t.data.set(randomFloats('float32', n, random));
    try {
      const calls = poolTesting.parallelCalls;
      const got = [sl.mseLoss(a, b), sl.mseLoss(c, d), sl.l1Loss(c, a)];
      expect(poolTesting.parallelCalls - calls).toBe(3);
      await sl.init({ threads: 1 });
      expect([sl.mseLoss(a, b), sl.mseLoss(c, d), sl.l1Loss(c, a)]).toEqual(got);
    } finally {
      for (const t of [a, b, big, c, d]) t.free();
      sl.setMemoryLimit(limit);
    }
  });

  it('a Node script with threads on ends by itself when its work does', () => {
    const dist = join(root, 'dist', 'index.js');
    expect(existsSync(dist), 'dist/index.js (npm run build)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'simdloss-threads-'));
    const script = join(dir, 'exit.mjs');
    writeFileSync(script, `import * as sl from ${JSON.stringify(dist)};
await sl.init({ threads: 2 });
const x = sl.allocTensor('float32', [512, 1000]);
x.data.fill(0.5);
const loss = sl.crossEntropy(x, new Int32Array(512));
console.log(sl.threadCount(), loss.toFixed(4));
`);
    const r = spawnSync(process.execPath, [script], { timeout: 30_000, encoding: 'utf8' });
    expect(r.error, 'the script did not end within 30 s').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`2 ${Math.log(1000).toFixed(4)}`);
  });
});
