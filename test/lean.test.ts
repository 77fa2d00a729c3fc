// The lean call path (src/lean.ts, issue 17): the common call forms run as one direct kernel call.
// Its results must be the general path's bit for bit (the same kernel on the same single block),
// every other form must take the general path (and get its errors), and nothing it reads may be
// changed or kept.
import { afterEach, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { LEAN } from '../src/lean';
import { wasmMemoryBuffer } from '../src/backend';
import { rng } from './random.mjs';

type Fn = (...args: unknown[]) => unknown;
const fns = sl as unknown as Record<string, Fn>;

afterEach(() => {
  LEAN.enabled = true;
  sl.setBackend('wasm-simd');
});

/** The call's result through the lean path (asserting it was taken) and through the general path. */
function both(name: string, args: () => unknown[], expectLean = true): [unknown, unknown] {
  const before = LEAN.taken;
  const lean = fns[name](...args());
  expect(LEAN.taken - before, `${name}: lean path taken`).toBe(expectLean ? 1 : 0);
  LEAN.enabled = false;
  try {
    return [lean, fns[name](...args())];
  } finally {
    LEAN.enabled = true;
  }
}

/** Deep equality with numbers compared by Object.is (bit for bit, -0 and NaN included) and typed arrays by type. */
function sameBits(a: unknown, b: unknown, path = 'result'): void {
  if (typeof a === 'number') {
    expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b as number)), `${path}: ${a} vs ${b}`).toBe(true);
    return;
  }
  if (ArrayBuffer.isView(a)) {
    expect(Object.prototype.toString.call(b), path).toBe(Object.prototype.toString.call(a));
    const x = a as unknown as ArrayLike<number>, y = b as ArrayLike<number>;
    expect(y.length, `${path}.length`).toBe(x.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect(`${path}[${i}] = ${x[i]}`).toBe(`${path}[${i}] = ${y[i]}`);
    return;
  }
  if (Array.isArray(a)) {
    expect(Array.isArray(b), path).toBe(true);
    expect((b as unknown[]).length, path).toBe(a.length);
    a.forEach((v, i) => sameBits(v, (b as unknown[])[i], `${path}[${i}]`));
    return;
  }
  if (a && typeof a === 'object') {
    expect(Object.keys(b as object).sort(), path).toEqual(Object.keys(a).sort());
    for (const k of Object.keys(a)) sameBits((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(b, path).toBe(a);
}

const DTYPES = ['float32', 'float64'] as const;
const make = (dtype: string, n: number) => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));

function randomFloats(r: () => number, dtype: string, n: number, scale = 4): Float32Array | Float64Array {
  const a = make(dtype, n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

describe('lean path: bit for bit the general path', () => {
  it('crossEntropy and crossEntropyWithGrad: (N, C) logits, Int32Array targets, mean/sum, gradInto', () => {
    const r = rng(17);
    // C below and above SMALL_C (32: the across-rows kernel), N = 1 and many
    const shapes = [[1, 1], [1, 10], [3, 2], [8, 3], [32, 10], [5, 31], [7, 32], [4, 33], [64, 100], [2, 1000], [100, 7]];
    for (const dtype of DTYPES) {
      for (const [N, C] of shapes) {
        const x = randomFloats(r, dtype, N * C, 8);
        const t = new Int32Array(N).map(() => Math.floor(r() * C));
        const logits = { data: x, shape: [N, C] };
        for (const reduction of [undefined, 'mean', 'sum']) {
          const opts = reduction ? { reduction } : undefined;
          const [a, b] = both('crossEntropy', () => [logits, t, opts]);
          sameBits(a, b, `crossEntropy ${dtype} ${N}x${C} ${reduction}`);
          const [ga, gb] = both('crossEntropyWithGrad', () => [logits, t, opts]);
          sameBits(ga, gb, `crossEntropyWithGrad ${dtype} ${N}x${C} ${reduction}`);
          const into1 = make(dtype, N * C), into2 = make(dtype, N * C);
          let k = 0;
          const [ia, ib] = both('crossEntropyWithGrad', () => [logits, t, { ...opts, gradInto: k++ === 0 ? into1 : into2 }]);
          expect((ia as { grad: { data: unknown } }).grad.data).toBe(into1);
          sameBits(ia, { ...(ib as object), grad: (ia as { grad: unknown }).grad, grads: (ia as { grads: unknown }).grads });
          sameBits(into1, into2, 'gradInto');
        }
      }
    }
  });

  it('the elementwise losses and their WithGrad twins: bare arrays, mean/sum, gradInto', () => {
    const r = rng(18);
    const names = ['mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss', 'binaryCrossEntropyWithLogits'];
    for (const dtype of DTYPES) {
      for (const n of [1, 2, 3, 4, 5, 15, 16, 17, 33, 100, 1023, 1024, 4097]) {
        const x = randomFloats(r, dtype, n, 3);
        const y = randomFloats(r, dtype, n, 3);
        if (n > 2) y[1] = x[1]; // a zero residual (l1's gradient 0)
        const t = make(dtype, n).map(() => r());
        for (const name of names) {
          const target = name.startsWith('binary') ? t : y;
          for (const reduction of [undefined, 'sum']) {
            const opts = reduction ? { reduction } : undefined;
            const [a, b] = both(name, () => [x, target, opts]);
            sameBits(a, b, `${name} ${dtype} ${n} ${reduction}`);
            const [ga, gb] = both(`${name}WithGrad`, () => [x, target, opts]);
            sameBits(ga, gb, `${name}WithGrad ${dtype} ${n} ${reduction}`);
            const into = make(dtype, n);
            const [ia] = both(`${name}WithGrad`, () => [x, target, { ...opts, gradInto: into }]);
            expect((ia as { grad: { data: unknown } }).grad.data).toBe(into);
            sameBits(into, (gb as { grad: { data: unknown } }).grad.data, `${name}WithGrad gradInto`);
          }
        }
      }
    }
  });

  it('softmax, logSoftmax and sigmoid: 1-D arrays and (N, C) tensors over the last dim, out', () => {
    const r = rng(19);
    for (const dtype of DTYPES) {
      for (const [N, C] of [[1, 1], [1, 10], [3, 5], [32, 10], [16, 1000]]) {
        const x = randomFloats(r, dtype, N * C, 20);
        for (const name of ['softmax', 'logSoftmax', 'sigmoid']) {
          const inputs: Array<[unknown, Array<Record<string, unknown> | undefined>]> = [
            [x.subarray(0, C), [undefined, { dim: -1 }, { dim: 0 }]],
          ];
          if (name !== 'sigmoid') inputs.push([{ data: x, shape: [N, C] }, [undefined, { dim: 1 }, { dim: -1 }]]);
          else inputs[0][1] = [undefined];
          for (const [input, optionSets] of inputs) {
            for (const opts of optionSets) {
              const [a, b] = both(name, () => [input, opts]);
              sameBits(a, b, `${name} ${dtype} ${N}x${C} ${JSON.stringify(opts)}`);
              const size = ArrayBuffer.isView(input) ? C : N * C;
              const out = make(dtype, size);
              const [oa] = both(name, () => [input, { ...opts, out }]);
              expect((oa as { data: unknown }).data).toBe(out);
              sameBits(out, (b as { data: unknown }).data, `${name} out`);
            }
          }
        }
      }
    }
  });
});

describe('lean path: other forms take the general path', () => {
  const logits = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
  const declined: Array<[string, () => unknown[]]> = [
    ['crossEntropy', () => [logits, new Int32Array([0, -100])]], // ignoreIndex
    ['crossEntropy', () => [logits, [0, 1]]], // number[] targets
    ['crossEntropy', () => [logits, new Int32Array([0, 1]), { reduction: 'none' }]],
    ['crossEntropy', () => [logits, new Int32Array([0, 1]), { weight: new Float32Array([1, 2, 3]) }]],
    ['crossEntropy', () => [logits, new Int32Array([0, 1]), { labelSmoothing: 0.1 }]],
    ['crossEntropy', () => [{ data: logits.data, shape: [2, 3], strides: [3, 1] }, new Int32Array([0, 1])]],
    ['crossEntropy', () => [{ data: logits.data, shape: [1, 2, 3] }, new Int32Array([0, 1, 2]).subarray(0, 1)]],
    ['crossEntropyWithGrad', () => [logits, new Int32Array([0, 1]), { gradOutput: 2 }]],
    ['crossEntropyWithGrad', () => [logits, new Int32Array([0, 1]), { gradInto: [new Float32Array(6)] }]],
    ['crossEntropyWithGrad', () => [logits, new Int32Array([0, 1]), { gradInto: new Float64Array(6) }]],
    ['crossEntropyWithGrad', () => {
      const own = { data: logits.data.slice(), shape: [2, 3] };
      return [own, new Int32Array([0, 1]), { gradInto: own.data }]; // the gradient overwrites the input
    }],
    ['mseLossWithGrad', () => {
      const b = new Float32Array(12).fill(0.5);
      return [b.subarray(0, 4), b.subarray(4, 8), { gradInto: b.subarray(6, 10) }]; // overlaps the target only
    }],
    ['softmax', () => {
      const b = new Float64Array(8).fill(0.25);
      return [{ data: b.subarray(0, 6), shape: [2, 3] }, { out: b.subarray(2, 8) }]; // overlaps the input's tail
    }],
    ['mseLoss', () => [new Float32Array(4), new Float32Array(1)]], // broadcasting
    ['mseLoss', () => [new Float32Array(4), new Float64Array(4)]],
    ['mseLoss', () => [[1, 2], [3, 4]]],
    ['mseLoss', () => [new Float32Array(4), new Float32Array(4), { reduction: 'none' }]],
    ['mseLoss', () => [new Float32Array(0), new Float32Array(0)]],
    ['binaryCrossEntropyWithLogits', () => [new Float32Array(4), new Float32Array(4), { posWeight: new Float32Array([2]) }]],
    ['softmax', () => [{ data: logits.data, shape: [2, 3] }, { dim: 0 }]],
    ['softmax', () => [{ data: logits.data, shape: [2, 3] }, { out: logits.data }]],
    ['sigmoid', () => [{ data: logits.data, shape: [2, 3] }]],
  ];
  it.each(declined.map(([name, args], i) => [`${name} #${i}`, name, args] as const))('%s', (_, name, args) => {
    let leanError: unknown = null, generalError: unknown = null, leanResult: unknown, generalResult: unknown;
    const before = LEAN.taken;
    try {
      leanResult = fns[name](...args());
    } catch (e) {
      leanError = e;
    }
    expect(LEAN.taken).toBe(before);
    LEAN.enabled = false;
    try {
      generalResult = fns[name](...args());
    } catch (e) {
      generalError = e;
    }
    if (generalError) expect(String(leanError)).toBe(String(generalError));
    else sameBits(leanResult, generalResult);
  });

  it('a write target in the inputs\' buffer but sharing none of their bytes is served', () => {
    const b = new Float32Array(16).map((_, i) => Math.sin(i));
    sameBits(...both('mseLossWithGrad', () => [b.subarray(0, 4), b.subarray(4, 8), { gradInto: b.subarray(8, 12) }]));
    const c = new Float32Array(12).map((_, i) => Math.cos(i));
    sameBits(...both('crossEntropyWithGrad', () => [{ data: c.subarray(0, 6), shape: [2, 3] }, new Int32Array([2, 0]), { gradInto: c.subarray(6, 12) }]));
    sameBits(...both('softmax', () => [c.subarray(0, 6), { out: c.subarray(6, 12) }]));
  });

  it('bad input on a lean form gets the general path\'s error, and the next call works', () => {
    const x = { data: new Float32Array(20), shape: [2, 10] };
    expect(() => sl.crossEntropy(x, new Int32Array([0, 10]))).toThrow(/crossEntropy: Target 10 is out of bounds/);
    expect(() => sl.crossEntropyWithGrad(x, new Int32Array([0, 1]), { gradInto: new Float32Array(19) })).toThrow(RangeError);
    expect(() => sl.mseLoss(new Float32Array(3), new Float32Array(4))).toThrow(/mseLoss/);
    expect(() => sl.softmax(x, { dim: 2 })).toThrow(/softmax/);
    expect(() => sl.mseLoss(new Float32Array(3), new Float32Array(3), { reduction: 'avg' as 'mean' })).toThrow(/mseLoss: options.reduction/);
    expect(sl.crossEntropy(x, new Int32Array([0, 1]))).toBeCloseTo(Math.log(10), 6);
  });

  it('the js backend takes the general path', () => {
    sl.setBackend('js');
    const before = LEAN.taken;
    expect(sl.mseLoss(new Float32Array([1, 2]), new Float32Array([1, 4]))).toBe(2);
    expect(LEAN.taken).toBe(before);
  });

  it('a polluted Object.prototype is never read as an option', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const x = new Float32Array([1, 2, 3]), y = new Float32Array([1, 2, 5]);
    proto.reduction = 'sum';
    try {
      expect(sl.mseLoss(x, y)).toBeCloseTo(4 / 3, 6);
      expect(sl.mseLoss(x, y, {})).toBeCloseTo(4 / 3, 6);
    } finally {
      delete proto.reduction;
    }
  });
});

describe('lean path: memory', () => {
  it('stays correct when wasm memory grows between calls (its views are re-made)', () => {
    const x = new Float32Array([0.5, -1, 2, 3]), y = new Float32Array([1, 1, 1, 1]);
    const before = sl.mseLossWithGrad(x, y);
    const buffer = wasmMemoryBuffer();
    const held: sl.WasmTensor[] = [];
    try {
      while (wasmMemoryBuffer() === buffer) held.push(sl.allocTensor('float32', [1024 * 1024])); // 4 MiB each, until the memory grows
      const after = sl.mseLossWithGrad(x, y);
      sameBits(after, before);
    } finally {
      for (const t of held) t.free();
    }
  });

  it('leaves its inputs untouched', () => {
    const x = new Float64Array([0.5, -1, 2, 3, 4, 5]), t = new Int32Array([2, 0]);
    const xs = x.slice(), ts = t.slice();
    sl.crossEntropyWithGrad({ data: x, shape: [2, 3] }, t);
    sl.softmax(x, { out: new Float64Array(6) });
    sl.mseLossWithGrad(x, x.slice().reverse());
    expect(x).toEqual(xs);
    expect(t).toEqual(ts);
  });
});
