import { describe, expect, it } from 'vitest';
import { lovaszHingeLoss, lovaszHingeLossWithGrad, lovaszSoftmaxLoss, lovaszSoftmaxLossWithGrad, setBackend, setMemoryLimit, getMemoryLimit } from '../src/index';
import type { Dtype, FloatArray } from '../src/types';
import { expectClose, loadFixture, num, type FixtureCase } from './helpers/fixtures';
import { finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { lovaszHingeLoss, lovaszHingeLossWithGrad, lovaszSoftmaxLoss, lovaszSoftmaxLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

// Kornia 0.7.4 itself for the hinge and for lovaszSoftmaxLoss's kornia/... cases; the per-class-mask
// formulation of scripts/gen-fixtures.py for the other softmax cases.
fixtureSuite('lovasz', fns, { throws: RangeError });

const t4 = (data: FloatArray, shape: number[]) => ({ data, shape });
const labels = (data: ArrayLike<number>, shape: number[]) => ({ data: Int32Array.from(data), shape });

describe('lovasz: the per-class masks against Kornia 0.7.4 (docs/semantics.md §18)', () => {
  const cases = loadFixture('lovasz').cases as Array<FixtureCase & { kornia?: number }>;
  const byName = (name: string) => cases.find((c) => c.name === `lovaszSoftmaxLoss/${name}`)!;

  it("the issue's example gives 0.6549 for both labelings; Kornia gives 0.6199 and 0.6900", () => {
    const x = new Float64Array([0, 0.5, 0.8, 0.3]);
    const swapped = new Float64Array([0.8, 0.3, 0, 0.5]);
    for (const [a, b] of onBothBackends(() => [
      lovaszSoftmaxLoss(t4(x, [1, 2, 1, 2]), labels([0, 1], [1, 1, 2])),
      lovaszSoftmaxLoss(t4(swapped, [1, 2, 1, 2]), labels([1, 0], [1, 1, 2])),
    ])) {
      expect(a).toBeCloseTo(0.6549, 4);
      expect(b).toBeCloseTo(a, 14);
    }
    // the fixture's Kornia values, from the same float32 inputs
    expect(byName('issue-example').kornia).toBeCloseTo(0.6199, 4);
    expect(byName('issue-example/classes-swapped').kornia).toBeCloseTo(0.69, 4);
  });

  it('differs from Kornia where its labels-as-mask is not the class mask, and the kornia/... cases (where it is) exist', () => {
    const differ = cases.filter((c) => c.kornia !== undefined && Math.abs(num(c.kornia) - num(c.expected!.loss as number)) > 1e-3);
    expect(differ.length).toBeGreaterThan(10);
    expect(cases.filter((c) => c.name.startsWith('lovaszSoftmaxLoss/kornia/')).length).toBe(4);
  });
});

/** Random (N, C, H, W) logits and labels; `tie` rounds logits to halves (many equal errors). */
function problem(dtype: Dtype, seed: number, N: number, C: number, H: number, W: number, hinge: boolean, tie = false) {
  const random = rng(seed);
  const x = randomFloats(dtype, N * C * H * W, random, -4, 4);
  if (tie) for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2) / 2;
  const t = Int32Array.from({ length: N * H * W }, () => Math.floor(random() * (hinge ? 2 : C)));
  return { x: t4(x, [N, C, H, W]), t: labels(t, [N, H, W]) };
}

describe('lovasz: the wasm kernels match the float64 reference', () => {
  // n = H·W around the f64x2 width and the radix sort's byte digits; N = 0 (an empty batch) too
  const shapes = [[1, 1, 1], [2, 1, 3], [1, 2, 2], [3, 1, 5], [2, 4, 4], [1, 3, 11], [2, 16, 16], [1, 33, 31], [0, 2, 2], [2, 0, 3]];
  for (const dtype of DTYPES) {
    for (const [N, H, W] of shapes) {
      for (const tie of [false, true]) {
        it(`${dtype} N=${N} ${H}x${W}${tie ? ' (tied errors)' : ''}`, () => {
          const seed = N * 1000 + H * 37 + W + (tie ? 7 : 0);
          const h = problem(dtype, seed, N, 1, H, W, true, tie);
          const [a, b] = onBothBackends(() => lovaszHingeLossWithGrad(h.x, h.t, { gradOutput: 0.75 }));
          if (N === 0) expect(a.loss).toBeNaN();
          else expectSameResult(a, b, dtype, 'hinge');
          for (const C of [2, 3, 5]) {
            const s = problem(dtype, seed + C, N, C, H, W, false, tie);
            const weight = randomFloats(dtype, C, rng(seed), 0, 2);
            for (const options of [{}, { weight, gradOutput: -1.5 }]) {
              const [c, d] = onBothBackends(() => lovaszSoftmaxLossWithGrad(s.x, s.t, options));
              if (N === 0) expect(c.loss).toBeNaN();
              else expectSameResult(c, d, dtype, `softmax C=${C}`);
            }
          }
        });
      }
    }
  }

  it('degenerate values: ±Infinity, NaN, saturated softmax (exact zero errors, tied)', () => {
    const x = new Float64Array([Infinity, -Infinity, 0.5, -2, NaN, 3, 1e3, -1e3]);
    const h = onBothBackends(() => lovaszHingeLossWithGrad(t4(x, [1, 1, 2, 4]), labels([1, 0, 1, 0, 0, 1, 1, 0], [1, 2, 4])));
    for (const r of h) expect(r.loss).toBeNaN(); // the NaN logit's relu(NaN), as PyTorch
    expect(Array.from(h[0].grad.data)).toEqual(Array.from(h[1].grad.data));
    const finite = new Float64Array([Infinity, -Infinity, 0.5, -2, 7, 3, 1e3, -1e3]);
    expectSameResult(...onBothBackends(() => lovaszHingeLossWithGrad(t4(finite, [1, 1, 2, 4]), labels([1, 0, 1, 0, 0, 1, 1, 0], [1, 2, 4]))), 'float64', 'infinite logits');
    // logits 800 apart: the softmax is exactly 0 and 1, many errors exactly 0
    const sat = new Float64Array([400, -400, 0, 400, -400, 400, 2, -400, 0.5, 1, -1, 0]);
    expectSameResult(...onBothBackends(() => lovaszSoftmaxLossWithGrad(t4(sat, [1, 2, 2, 3]), labels([0, 1, 1, 0, 0, 1], [1, 2, 3]))), 'float64', 'saturated');
    const withNaN = Float64Array.from(sat, (v, i) => (i === 2 ? NaN : v));
    for (const r of onBothBackends(() => lovaszSoftmaxLossWithGrad(t4(withNaN, [1, 2, 2, 3]), labels([0, 1, 1, 0, 0, 1], [1, 2, 3])))) expect(r.loss).toBeNaN();
  });
});

describe('lovasz: gradients match finite differences', () => {
  // small random problems away from ties and from the hinge's kink (|error| > h everywhere)
  for (const backend of ['wasm-simd', 'js'] as const) {
    it(`lovaszHingeLoss (${backend})`, () => {
      setBackend(backend);
      try {
        const { x, t } = problem('float64', 5, 2, 1, 3, 4, true);
        const r = lovaszHingeLossWithGrad(x, t);
        const fd = finiteDifference((v) => lovaszHingeLoss(t4(v, x.shape), t), Float64Array.from(x.data));
        expectClose(r.grad.data, fd, 'float64', 'dInput', 1e4);
      } finally {
        setBackend('wasm-simd');
      }
    });
    it(`lovaszSoftmaxLoss with weight (${backend})`, () => {
      setBackend(backend);
      try {
        const { x, t } = problem('float64', 6, 2, 3, 3, 3, false);
        const weight = [0.5, 2, 1.25];
        const r = lovaszSoftmaxLossWithGrad(x, t, { weight, gradOutput: 2 });
        const fd = finiteDifference((v) => 2 * lovaszSoftmaxLoss(t4(v, x.shape), t, { weight }), Float64Array.from(x.data));
        expectClose(r.grad.data, fd, 'float64', 'dInput', 1e4);
      } finally {
        setBackend('wasm-simd');
      }
    });
  }
});

describe('lovasz: semantics', () => {
  it('ties keep their index order (a stable sort), on both backends', () => {
    // every error is 1 (x = 0): the order is 0, 1, 2, 3 with labels 0, 1, 0, 1; P = 2:
    // J = 1 - 2/3, 1 - 1/3, 1 - 1/4, 1 → g = 1/3, 1/3, 1/12, 1/4 at indices 0..3; dx = -(2t - 1)·g
    for (const r of onBothBackends(() => lovaszHingeLossWithGrad(t4(new Float64Array(4), [1, 1, 1, 4]), labels([0, 1, 0, 1], [1, 1, 4])))) {
      expect(r.loss).toBeCloseTo(1, 15);
      expectClose(r.grad.data, [1 / 3, -1 / 3, 1 / 12, -1 / 4], 'float64', 'dx');
    }
  });

  it('the hinge is the mean of per-image losses; softmax divides by N·C whatever the weights', () => {
    const { x, t } = problem('float64', 9, 3, 1, 4, 4, true);
    const one = (b: number) => lovaszHingeLoss(t4(x.data.slice(b * 16, b * 16 + 16) as Float64Array, [1, 1, 4, 4]), labels(t.data.slice(b * 16, b * 16 + 16), [1, 4, 4]));
    expect(lovaszHingeLoss(x, t)).toBeCloseTo((one(0) + one(1) + one(2)) / 3, 14);
    const s = problem('float64', 10, 2, 3, 2, 2, false);
    const plain = lovaszSoftmaxLoss(s.x, s.t);
    expect(lovaszSoftmaxLoss(s.x, s.t, { weight: [2, 2, 2] })).toBeCloseTo(2 * plain, 14);
  });

  it('float32 input gives a float32 result and gradient, computed in float64 and rounded once', () => {
    const s = problem('float32', 11, 2, 3, 4, 4, false);
    const r = lovaszSoftmaxLossWithGrad(s.x, s.t);
    expect(r.grad.data).toBeInstanceOf(Float32Array);
    const wide = lovaszSoftmaxLossWithGrad(t4(Float64Array.from(s.x.data), s.x.shape), s.t);
    expect(r.loss).toBe(Math.fround(wide.loss));
    expect(Array.from(r.grad.data)).toEqual(Array.from(wide.grad.data, Math.fround));
  });

  it('an image larger than the memory limit is a RangeError naming the function and the limit', () => {
    const limit = getMemoryLimit();
    try {
      setMemoryLimit(2 << 20);
      const s = problem('float32', 12, 1, 4, 256, 256, false);
      expect(() => lovaszSoftmaxLoss(s.x, s.t)).toThrow(/lovaszSoftmaxLoss: .*setMemoryLimit/);
    } finally {
      setMemoryLimit(limit);
    }
  });
});

describe('lovasz: bad input', () => {
  const x1 = t4(new Float32Array(6), [1, 1, 2, 3]);
  const x3 = t4(new Float32Array(18), [1, 3, 2, 3]);
  const lab = labels([0, 1, 1, 0, 1, 0], [1, 2, 3]);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['hinge: input not 4-d', () => lovaszHingeLoss(t4(new Float32Array(6), [1, 2, 3]), lab), RangeError, /lovaszHingeLoss: input must be \(N, 1, H, W\); got shape \[1, 2, 3\]/],
    ['hinge: two channels', () => lovaszHingeLoss(x3, lab), RangeError, /lovaszHingeLoss: input must be \(N, 1, H, W\); got shape \[1, 3, 2, 3\]/],
    ['hinge: target shape', () => lovaszHingeLoss(x1, labels([0, 1, 1, 0, 1, 0], [1, 3, 2])), RangeError, /target must be \(N, H, W\) = \[1, 2, 3\] for input of shape \[1, 1, 2, 3\]; got \[1, 3, 2\]/],
    ['hinge: label 2', () => lovaszHingeLoss(x1, labels([0, 1, 2, 0, 1, 0], [1, 2, 3])), RangeError, /target\[2\] = 2 is not a binary label/],
    ['hinge: float target', () => lovaszHingeLoss(x1, new Float32Array(6) as never), TypeError, /lovaszHingeLoss: target/],
    ['hinge: no options of its own', () => lovaszHingeLoss(x1, lab, { reduction: 'sum' } as never), TypeError, /lovaszHingeLoss: unknown option 'reduction'; lovaszHingeLoss takes no options/],
    ['hinge: gradOutput on the forward call', () => lovaszHingeLoss(x1, lab, { gradOutput: 1 } as never), TypeError, /gradient option/],
    ['hinge: gradOutput a tensor', () => lovaszHingeLossWithGrad(x1, lab, { gradOutput: new Float32Array(1) }), TypeError, /options.gradOutput/],
    ['softmax: one class', () => lovaszSoftmaxLoss(x1, lab), RangeError, /lovaszSoftmaxLoss: input must be \(N, C, H, W\) with C > 1; got shape \[1, 1, 2, 3\]/],
    ['softmax: label C', () => lovaszSoftmaxLoss(x3, labels([0, 1, 3, 0, 1, 0], [1, 2, 3])), RangeError, /Target 3 is out of bounds: target\[2\] must be a class index in \[0, 3\)/],
    ['softmax: negative label', () => lovaszSoftmaxLoss(x3, labels([0, -1, 2, 0, 1, 0], [1, 2, 3])), RangeError, /Target -1 is out of bounds/],
    ['softmax: weight size', () => lovaszSoftmaxLoss(x3, lab, { weight: [1, 2] }), RangeError, /options.weight must have shape \[3\] \(one weight per class\); got \[2\]/],
    ['softmax: weight dtype', () => lovaszSoftmaxLoss(x3, lab, { weight: new Float64Array(3) }), TypeError, /share one dtype/],
    ['softmax: target batch', () => lovaszSoftmaxLoss(x3, labels([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0], [2, 2, 3])), RangeError, /target must be \(N, H, W\)/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
