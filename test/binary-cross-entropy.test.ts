import { afterEach, describe, expect, it } from 'vitest';
import {
  allocTensor, binaryCrossEntropy, binaryCrossEntropyWithGrad, binaryCrossEntropyWithLogits, binaryCrossEntropyWithLogitsWithGrad,
  multilabelSoftMarginLoss, multilabelSoftMarginLossWithGrad, setBackend,
} from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';

const fns = {
  binaryCrossEntropy, binaryCrossEntropyWithGrad, binaryCrossEntropyWithLogits, binaryCrossEntropyWithLogitsWithGrad,
  multilabelSoftMarginLoss, multilabelSoftMarginLossWithGrad,
} as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('binary-cross-entropy', fns, { throws: RangeError });

describe('binary-cross-entropy: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}, every reduction, with and without weights`, () => {
        const random = rng(n + 101);
        const p = randomFloats(dtype, n, random, 0, 1);
        const logits = randomFloats(dtype, n, random, -20, 20);
        const t = randomFloats(dtype, n, random, 0, 1);
        const w = randomFloats(dtype, n, random, 0.1, 2);
        const pw = randomFloats(dtype, n, random, 0.5, 3);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          for (const weighted of [false, true]) {
            const o = weighted ? { reduction, weight: w } : { reduction };
            const [a, b] = onBothBackends(() => binaryCrossEntropyWithGrad(p, t, o));
            expectSameResult(a, b, dtype, `bce ${reduction} ${weighted}`);
            const ol = weighted ? { ...o, posWeight: pw } : o;
            const [c, d] = onBothBackends(() => binaryCrossEntropyWithLogitsWithGrad(logits, t, ol));
            expectSameResult(c, d, dtype, `bce logits ${reduction} ${weighted}`);
          }
        }
      });
    }
  }

  it('multilabel soft margin over (N, C) and (N, A, C) with a class weight', () => {
    for (const dtype of DTYPES) {
      const random = rng(9);
      for (const shape of [[6, 5], [2, 3, 17]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = { data: randomFloats(dtype, n, random, -5, 5), shape };
        const t = { data: randomFloats(dtype, n, random, 0, 1), shape };
        const weight = randomFloats(dtype, shape[shape.length - 1], random, 0.2, 2);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const [a, b] = onBothBackends(() => multilabelSoftMarginLossWithGrad(x, t, { reduction, weight }));
          expectSameResult(a, b, dtype, `multilabel ${shape} ${reduction}`);
        }
      }
    }
  });

  it('logits of any size stay finite: ±1e4 gives the exact linear tail', () => {
    const r = binaryCrossEntropyWithLogits(new Float32Array([1e4, -1e4]), new Float32Array([0, 1]), { reduction: 'none' }) as Tensor;
    expect(Array.from(r.data)).toEqual([1e4, 1e4]);
  });
});

describe('binary-cross-entropy: gradients match finite differences of the reference', () => {
  it('binaryCrossEntropy with weight, sum', () => {
    const random = rng(11);
    const x = randomFloats('float64', 9, random, 0.05, 0.95) as Float64Array;
    const t = randomFloats('float64', 9, random, 0, 1);
    const weight = randomFloats('float64', 9, random, 0.5, 2);
    const analytic = binaryCrossEntropyWithGrad(x, t, { weight, reduction: 'sum' }).grad.data;
    setBackend('js');
    expectClose(analytic, finiteDifference((v) => binaryCrossEntropy(v, t, { weight, reduction: 'sum' }) as number, Float64Array.from(x)), 'float64', 'bce', 1e4);
  });

  it('binaryCrossEntropyWithLogits with posWeight along the last dim', () => {
    const random = rng(12);
    const x = { data: randomFloats('float64', 12, random, -4, 4), shape: [3, 4] };
    const t = { data: randomFloats('float64', 12, random, 0, 1), shape: [3, 4] };
    const posWeight = randomFloats('float64', 4, random, 0.5, 3);
    const analytic = binaryCrossEntropyWithLogitsWithGrad(x, t, { posWeight }).grad.data;
    setBackend('js');
    const f = (v: Float64Array) => binaryCrossEntropyWithLogits({ data: v, shape: [3, 4] }, t, { posWeight }) as number;
    expectClose(analytic, finiteDifference(f, Float64Array.from(x.data)), 'float64', 'bce logits', 1e4);
  });

  it('multilabelSoftMarginLoss', () => {
    const random = rng(13);
    const x = { data: randomFloats('float64', 10, random, -3, 3), shape: [2, 5] };
    const t = { data: randomFloats('float64', 10, random, 0, 1), shape: [2, 5] };
    const analytic = multilabelSoftMarginLossWithGrad(x, t).grad.data;
    setBackend('js');
    const f = (v: Float64Array) => multilabelSoftMarginLoss({ data: v, shape: [2, 5] }, t) as number;
    expectClose(analytic, finiteDifference(f, Float64Array.from(x.data)), 'float64', 'multilabel', 1e4);
  });
});

describe('binary-cross-entropy: bad input and data handling', () => {
  const x = new Float32Array([0.2, 0.7, 0.5]);
  const t = new Float32Array([0, 1, 1]);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['input above 1', () => binaryCrossEntropy(new Float32Array([0.2, 1.5]), new Float32Array(2)), RangeError, /all elements of input should be between 0 and 1; input\[1\] = 1.5/],
    ['NaN input', () => binaryCrossEntropy(new Float32Array([NaN]), new Float32Array(1)), RangeError, /input should be between 0 and 1/],
    ['target outside [0, 1] (PyTorch 2.x)', () => binaryCrossEntropy(x, new Float32Array([0, 2, 1])), RangeError, /all elements of target should be between 0 and 1/],
    ['target shape', () => binaryCrossEntropy(x, { data: new Float32Array(3), shape: [3, 1] }), RangeError, /target must have the input's shape \[3\]; got \[3, 1\]/],
    ['logits target shape', () => binaryCrossEntropyWithLogits(x, new Float32Array(2)), RangeError, /target must have the input's shape/],
    ['weight that does not broadcast', () => binaryCrossEntropy(x, t, { weight: new Float32Array(2) }), RangeError, /options.weight of shape \[2\] must broadcast to the input's shape \[3\]/],
    ['posWeight dtype', () => binaryCrossEntropyWithLogits(x, t, { posWeight: new Float64Array(3) }), TypeError, /share one dtype/],
    ['integer target', () => binaryCrossEntropy(x, new Int32Array(3) as unknown as Float32Array), TypeError, /target must be a Float32Array/],
    ['posWeight on plain BCE', () => binaryCrossEntropy(x, t, { posWeight: t } as object), TypeError, /unknown option 'posWeight'/],
    ['reduction', () => multilabelSoftMarginLoss(x, t, { reduction: 'batchmean' as 'mean' }), RangeError, /options.reduction/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('inputs are never written to; views, SharedArrayBuffer and resident tensors give the same result', () => {
    const want = binaryCrossEntropyWithLogitsWithGrad(x, t, { weight: t });
    const buf = new Float32Array(8);
    buf.set(x, 5);
    const shared = new Float32Array(new SharedArrayBuffer(12));
    shared.set(x);
    const resident = allocTensor('float32', [3]);
    resident.data.set(x);
    for (const data of [buf.subarray(5), shared, resident]) {
      const got = binaryCrossEntropyWithLogitsWithGrad(data, t, { weight: t });
      expect(got.loss).toBe(want.loss);
      expect(Array.from(got.grad.data)).toEqual(Array.from(want.grad.data));
    }
    expect(Array.from(resident.data)).toEqual(Array.from(x));
    resident.free();
    expect(Array.from(x)).toEqual([Math.fround(0.2), Math.fround(0.7), 0.5]);
  });

  it('an empty input: mean is NaN, sum is 0; the next call after an error is right', () => {
    expect(binaryCrossEntropy(new Float32Array(0), new Float32Array(0))).toBeNaN();
    expect(binaryCrossEntropyWithLogits(new Float32Array(0), new Float32Array(0), { reduction: 'sum' })).toBe(0);
    const good = binaryCrossEntropy(x, t);
    expect(() => binaryCrossEntropy(new Float32Array([2]), new Float32Array([0]))).toThrow();
    expect(binaryCrossEntropy(x, t)).toBe(good);
  });
});
