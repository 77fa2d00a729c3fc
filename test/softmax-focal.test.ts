// focalLoss: Kornia 0.7.4's softmax focal loss (docs/semantics.md §15).
import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropy, focalLoss, focalLossWithGrad, setBackend } from '../src/index';
import type { Dtype, Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { focalLoss, focalLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('softmax-focal', fns, { throws: RangeError });

/** A random problem (N, C, ...spatial) with some targets ignored (-100). */
function problem(seed: number, dtype: Dtype, N: number, C: number, spatial: number[], lo = -6, hi = 6) {
  const random = rng(seed);
  const inner = spatial.reduce((a, b) => a * b, 1);
  const input: Tensor = { data: randomFloats(dtype, N * C * inner, random, lo, hi), shape: [N, C, ...spatial] };
  const target = { data: Int32Array.from({ length: N * inner }, () => (random() < 0.15 ? -100 : Math.floor(random() * C))), shape: [N, ...spatial] };
  const weight = randomFloats(dtype, C, random, 0.1, 2);
  const gradOutput = randomFloats(dtype, N * C * inner, random, -1, 1);
  return { input, target, weight, gradOutput };
}

describe('softmax-focal: the wasm kernel matches the float64 reference', () => {
  const optionSets = [
    { alpha: 0.25 }, { alpha: null, gamma: 0 }, { alpha: 0.7, gamma: 0.5, weightOn: true }, { alpha: 0.25, gamma: 1, reduction: 'sum' },
    { alpha: null, gamma: 3.5, weightOn: true, reduction: 'mean' }, { alpha: 0.4, gamma: 2, ignoreIndex: 0, reduction: 'sum' },
  ] as const;
  for (const dtype of DTYPES) {
    for (const C of [1, 2, 3, 5, 17]) {
      it(`${dtype} C=${C}: rows 0..9, 33 and 1031 (whole vectors of rows and the tail), every option set`, () => {
        for (const rows of [0, 1, 2, 3, 4, 5, 7, 9, 33, 1031]) {
          for (const [i, o] of optionSets.entries()) {
            // (N, C) and (N, C, d): the same rows, gathered from two layouts
            for (const spatial of rows % 3 === 0 && rows > 0 ? [[], [3]] : [[]]) {
              const N = spatial.length ? rows / 3 : rows;
              const p = problem(1000 * C + 10 * rows + i, dtype, N, C, spatial);
              const { weightOn, ...rest } = o as Record<string, unknown>;
              const options = { ...rest, ...(weightOn ? { weight: p.weight } : {}), ...(rest.reduction ? {} : { gradOutput: p.gradOutput }) };
              // ignoreIndex 0 ignores class 0's targets (and -100 is then out of bounds)
              const target = rest.ignoreIndex === 0 ? { ...p.target, data: p.target.data.map((t) => Math.max(t, 0)) } : p.target;
              const [a, b] = onBothBackends(() => focalLossWithGrad(p.input, target, options as never));
              expectSameResult(a, b, dtype, `C=${C} rows=${rows} ${JSON.stringify(o)} spatial=${spatial}`);
            }
          }
        }
      });
    }
  }

  it('degenerate values: huge logits (p rounds to 1), ±inf and NaN rows, an all-ignored batch', () => {
    for (const dtype of DTYPES) {
      const x = { data: (dtype === 'float32' ? Float32Array : Float64Array).from([80, -80, 0, 1e4, 0, -1e4, Infinity, 0, 1, NaN, 2, 3, -Infinity, 0, 1]), shape: [5, 3] };
      for (const gamma of [2, 0.5, 0]) {
        for (const target of [[0, 1, 0, 1, 2], [-100, -100, -100, -100, -100]]) {
          const [a, b] = onBothBackends(() => focalLossWithGrad(x, target, { alpha: 0.25, gamma }));
          expectSameResult(a, b, dtype, `γ=${gamma} targets ${target}`);
        }
      }
    }
  });

  it('large inputs run in several blocks and match (2, 7, 96, 96)', () => {
    for (const dtype of DTYPES) {
      const p = problem(7, dtype, 2, 7, [96, 96]);
      const [a, b] = onBothBackends(() => focalLossWithGrad(p.input, p.target, { alpha: 0.25, weight: p.weight, reduction: 'mean' }));
      expectSameResult(a, b, dtype, 'large');
    }
  });
});

describe('softmax-focal: gradients match finite differences of the reference', () => {
  for (const [alpha, gamma, weighted] of [[0.25, 2, false], [null, 0.5, true], [0.8, 3.5, true], [0.3, 0, false]] as const) {
    it(`α = ${alpha}, γ = ${gamma}${weighted ? ', weighted' : ''}`, () => {
      const p = problem(31, 'float64', 2, 4, [3]);
      const x = Float64Array.from(p.input.data);
      const opts = { alpha, gamma, reduction: 'sum' as const, ...(weighted ? { weight: p.weight } : {}) };
      for (const r of onBothBackends(() => focalLossWithGrad(p.input, p.target, opts))) {
        const fd = finiteDifference((v) => focalLoss({ data: v, shape: p.input.shape }, p.target, opts) as number, Float64Array.from(x));
        expectClose(r.grad.data, fd, 'float64', 'dx', 1e4);
      }
    });
  }
});

describe('softmax-focal: semantics and bad input', () => {
  it("the default reduction is 'none' and keeps the class dim (Kornia's loss per class)", () => {
    const r = focalLoss({ data: new Float32Array(24), shape: [2, 3, 4] }, { data: new Int32Array(8), shape: [2, 4] }, { alpha: 0.5 }) as Tensor;
    expect(r.shape).toEqual([2, 3, 4]);
  });

  it("γ = 0, α = null: the true class's loss is (1 + 1e-6)·cross-entropy, each other class adds 1e-6·(-log p_c)", () => {
    const x = new Float64Array([2, 0.5, -1, 0.1, 1.2, 0.3]);
    const input = { data: x, shape: [2, 3] };
    const ce = crossEntropy(input, [0, 1], { reduction: 'sum' }) as number;
    let others = 0;
    for (const [row, t] of [[0, 0], [1, 1]]) {
      const z = x.slice(row * 3, row * 3 + 3);
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      for (let c = 0; c < 3; c++) if (c !== t) others += lse - z[c];
    }
    expect(focalLoss(input, [0, 1], { alpha: null, gamma: 0, reduction: 'sum' })).toBeCloseTo((1 + 1e-6) * ce + 1e-6 * others, 13);
  });

  it('α weighs class 0 by 1 - α and the others by α; an ignored target zeroes its sample in every class but still counts in the mean', () => {
    const input = { data: new Float64Array([0.3, -0.2, 0.9, 1.1, 0, -0.5]), shape: [2, 3] };
    const plain = focalLoss(input, [0, -100], { alpha: null }) as Tensor<Float64Array>;
    const weighted = focalLoss(input, [0, -100], { alpha: 0.2 }) as Tensor<Float64Array>;
    expect(Array.from(weighted.data)).toEqual([0.8 * plain.data[0], 0.2 * plain.data[1], 0.2 * plain.data[2], 0, 0, 0]);
    expect(focalLoss(input, [0, -100], { alpha: null, reduction: 'mean' })).toBeCloseTo((plain.data[0] + plain.data[1] + plain.data[2]) / 6, 15);
  });

  it('a NaN logit of an ignored sample makes its losses NaN (Kornia multiplies by the mask)', () => {
    for (const r of onBothBackends(() => focalLoss({ data: new Float64Array([NaN, 0, 1, 2]), shape: [2, 2] }, [-100, 1], { alpha: 0.25 }) as Tensor)) {
      expect(Number.isNaN(r.data[0]) && Number.isNaN(r.data[1])).toBe(true);
      expect(Number.isFinite(r.data[3])).toBe(true);
    }
  });

  it('does not mutate its arguments', () => {
    const p = problem(5, 'float32', 3, 4, [2]);
    const before = [Float32Array.from(p.input.data), Int32Array.from(p.target.data), Float32Array.from(p.weight)];
    focalLossWithGrad(p.input, p.target, { alpha: 0.25, weight: p.weight, reduction: 'none', gradOutput: p.gradOutput });
    expect([p.input.data, p.target.data, p.weight]).toEqual(before);
  });

  const x = { data: new Float32Array(6), shape: [2, 3] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['alpha missing', () => focalLoss(x, [0, 1], {} as never), TypeError, /^focalLoss: options.alpha must be a number, or null for no α weighting \(Kornia has no default\); got undefined/],
    ['no options', () => (focalLoss as (...a: unknown[]) => unknown)(x, [0, 1]), TypeError, /options.alpha/],
    ['alpha not a number', () => focalLoss(x, [0, 1], { alpha: '0.25' as never }), TypeError, /options.alpha/],
    ['gamma not finite', () => focalLoss(x, [0, 1], { alpha: 0.25, gamma: Infinity }), RangeError, /options.gamma must be a finite number; got Infinity/],
    ['1-D input', () => focalLoss(new Float32Array(3), [0] as never, { alpha: 0.25 }), RangeError, /input must have shape \(N, C\) or \(N, C, d1, \.\.\., dk\); got \[3\]/],
    ['target out of bounds', () => focalLoss(x, [0, 3], { alpha: 0.25 }), RangeError, /Target 3 is out of bounds: target\[1\] must be in \[0, 3\) or equal options.ignoreIndex \(-100\)/],
    ['-100 with ignoreIndex null', () => focalLoss(x, [0, -100], { alpha: 0.25, ignoreIndex: null }), RangeError, /Target -100 is out of bounds: target\[1\] must be in \[0, 3\)$/],
    ['target shape', () => focalLoss(x, [0, 1, 2], { alpha: 0.25 }), RangeError, /target must have shape \[2\] for input of shape \[2, 3\]; got \[3\]/],
    ['weight size', () => focalLoss(x, [0, 1], { alpha: 0.25, weight: new Float32Array(2) }), RangeError, /options.weight must have shape \[3\]/],
    ['ignoreIndex not an integer', () => focalLoss(x, [0, 1], { alpha: 0.25, ignoreIndex: 0.5 }), RangeError, /options.ignoreIndex must be an integer/],
    ['reduction', () => focalLoss(x, [0, 1], { alpha: 0.25, reduction: 'batchmean' as 'mean' }), RangeError, /options.reduction/],
    ['weight of another dtype', () => focalLoss(x, [0, 1], { alpha: 0.25, weight: new Float64Array(3) }), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
