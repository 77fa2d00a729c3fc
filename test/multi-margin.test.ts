import { describe, expect, it } from 'vitest';
import { multiMarginLoss, multiMarginLossWithGrad, multilabelMarginLoss, multilabelMarginLossWithGrad } from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { multiMarginLoss, multiMarginLossWithGrad, multilabelMarginLoss, multilabelMarginLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('multi-margin', fns, { throws: RangeError });

/** n rows of C random labels: a prefix of distinct classes, then -1, then junk that must be ignored. */
function multilabelTargets(n: number, C: number, random: () => number): Int32Array {
  const t = new Int32Array(n * C);
  for (let r = 0; r < n; r++) {
    const count = Math.floor(random() * (C + 1));
    for (let i = 0; i < C; i++) t[r * C + i] = i < count ? Math.floor(random() * C) : i === count ? -1 : Math.floor(random() * C);
  }
  return t;
}

describe('multi-margin: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const C of KERNEL_SIZES.filter((c) => c > 0)) {
      it(`${dtype} C=${C}: every reduction, p, weight`, () => {
        const random = rng(C + 71);
        const n = 3;
        const x = { data: randomFloats(dtype, n * C, random, -2, 2), shape: [n, C] };
        const y = Int32Array.from({ length: n }, () => Math.floor(random() * C));
        const weight = randomFloats(dtype, C, random, 0.1, 2);
        const labels = { data: multilabelTargets(n, C, random), shape: [n, C] };
        const g = randomFloats(dtype, n, random);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const extra = reduction === 'none' ? { gradOutput: g } : {};
          for (const p of [1, 2]) {
            const [a, b] = onBothBackends(() => multiMarginLossWithGrad(x, y, { reduction, p, margin: 0.8, weight, ...extra }));
            expectSameResult(a, b, dtype, `multiMargin ${reduction} p=${p}`);
          }
          const [a, b] = onBothBackends(() => multilabelMarginLossWithGrad(x, labels, { reduction, ...extra }));
          expectSameResult(a, b, dtype, `multilabel ${reduction}`);
        }
      });
    }
  }
});

describe('multi-margin: gradients match finite differences of the reference', () => {
  const random = rng(73);
  // Spread-out values keep every z away from the hinge at 0.
  const x = Float64Array.from({ length: 12 }, (_, i) => (i % 6) * 0.37 - 1 + random() * 0.05);
  const shape = [2, 6];
  it('multiMarginLoss, p = 2 with weights', () => {
    const y = [1, 4];
    const opts = { p: 2, margin: 0.9, weight: Float64Array.from([1, 2, 0.5, 1.5, 1, 0.7]) };
    const [r] = onBothBackends(() => multiMarginLossWithGrad({ data: x, shape }, y, opts));
    expectClose(r.grad.data, finiteDifference((v) => multiMarginLoss({ data: v, shape }, y, opts) as number, Float64Array.from(x)), 'float64', 'multiMargin', 1e4);
  });
  it('multilabelMarginLoss with a duplicate label', () => {
    const t = { data: [0, 0, 3, -1, 5, 5, 2, -1, 1, 1, 1, 1], shape };
    const [r] = onBothBackends(() => multilabelMarginLossWithGrad({ data: x, shape }, t));
    expectClose(r.grad.data, finiteDifference((v) => multilabelMarginLoss({ data: v, shape }, t) as number, Float64Array.from(x)), 'float64', 'multilabel', 1e4);
  });
});

describe('multi-margin: semantics and bad input', () => {
  it('an empty batch gives NaN for mean and 0 for sum (PyTorch returns uninitialized memory)', () => {
    for (const [name, f] of [['multiMargin', () => multiMarginLoss({ data: new Float32Array(0), shape: [0, 3] }, [])],
      ['multilabel', () => multilabelMarginLoss({ data: new Float32Array(0), shape: [0, 3] }, { data: [], shape: [0, 3] })]] as const) {
      expect(f(), name).toBeNaN();
    }
    expect(multiMarginLoss({ data: new Float32Array(0), shape: [0, 3] }, [], { reduction: 'sum' })).toBe(0);
  });

  it('the weight length is checked (PyTorch 2.x; 1.13 reads past the weight)', () => {
    expect(() => multiMarginLoss({ data: new Float32Array(6), shape: [2, 3] }, [0, 1], { weight: new Float32Array(2) })).toThrow(/inconsistent weight size, expected 3 but got \[2\]/);
  });

  it('the inputs are not mutated and the next call works after an error', () => {
    const x = new Float32Array([0.5, -1, 2, 0.25]);
    const copy = Float32Array.from(x);
    expect(() => multiMarginLoss(x, [7])).toThrow(RangeError);
    const r = multiMarginLossWithGrad(x, [2], { reduction: 'none' });
    expect((r.loss as Tensor).shape).toEqual([1]);
    expect(Array.from(x)).toEqual(Array.from(copy));
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['p not 1 or 2', () => multiMarginLoss(new Float32Array(3), [0], { p: 3 }), RangeError, /options.p must be 1 or 2/],
    ['margin not finite', () => multiMarginLoss(new Float32Array(3), [0], { margin: NaN }), RangeError, /options.margin must be a finite number/],
    ['float target', () => multiMarginLoss(new Float32Array(3), new Float32Array([0]) as unknown as number[]), TypeError, /target/],
    ['target out of range', () => multiMarginLoss(new Float32Array(3), [3]), RangeError, /target out of range: target\[0\] = 3/],
    ['multilabel target shape', () => multilabelMarginLoss({ data: new Float32Array(6), shape: [2, 3] }, [0, -1, 1]), RangeError, /inconsistent size \[3\] for argument #2 'target'/],
    ['multilabel target below -1', () => multilabelMarginLoss(new Float32Array(3), [-2, 0, 0]), RangeError, /argument #2 'target' is out of range/],
    ['3-d input', () => multilabelMarginLoss({ data: new Float32Array(8), shape: [2, 2, 2] }, { data: new Int32Array(8), shape: [2, 2, 2] }), RangeError, /Expected non-empty vector or matrix/],
    ['mixed dtypes', () => multiMarginLoss(new Float32Array(3), [0], { weight: new Float64Array(3) }), TypeError, /share one dtype/],
    ['unknown option', () => multilabelMarginLoss(new Float32Array(3), [0, -1, 0], { margin: 1 } as object), TypeError, /margin/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
