import { describe, expect, it } from 'vitest';
import {
  hingeEmbeddingLoss, hingeEmbeddingLossWithGrad, marginRankingLoss, marginRankingLossWithGrad, softMarginLoss, softMarginLossWithGrad,
} from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = {
  hingeEmbeddingLoss, hingeEmbeddingLossWithGrad, marginRankingLoss, marginRankingLossWithGrad, softMarginLoss, softMarginLossWithGrad,
} as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('margin', fns, { throws: RangeError });

describe('margin: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}: every reduction`, () => {
        const random = rng(n + 51);
        const x = randomFloats(dtype, n, random, -3, 3);
        const x2 = randomFloats(dtype, n, random, -3, 3);
        const labels = Array.from({ length: n }, () => [-1, 1, 0, 2][Math.floor(random() * 4)]);
        const t = dtype === 'float32' ? Float32Array.from(labels) : Float64Array.from(labels);
        const g = randomFloats(dtype, n, random);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const extra = reduction === 'none' ? { gradOutput: g } : {};
          let [a, b] = onBothBackends(() => hingeEmbeddingLossWithGrad(x, t, { reduction, margin: 0.7, ...extra }));
          expectSameResult(a, b, dtype, `hinge ${reduction}`);
          [a, b] = onBothBackends(() => softMarginLossWithGrad(x, t, { reduction, ...extra }));
          expectSameResult(a, b, dtype, `soft margin ${reduction}`);
          [a, b] = onBothBackends(() => marginRankingLossWithGrad(x, x2, t, { reduction, margin: 0.3, ...extra }));
          expectSameResult(a, b, dtype, `ranking ${reduction}`);
        }
      });
    }
  }
});

describe('margin: gradients match finite differences of the reference', () => {
  const random = rng(61);
  // Away from the hinges, where the loss is smooth.
  const x = Float64Array.from({ length: 8 }, () => (random() < 0.5 ? -1 : 1) * (0.3 + random()));
  const x2 = Float64Array.from(x, (v) => v + (random() < 0.5 ? 0.4 : -0.4));
  const y = Float64Array.from({ length: 8 }, () => (random() < 0.5 ? -1 : 1));
  it('softMarginLoss', () => {
    const [r] = onBothBackends(() => softMarginLossWithGrad(x, y));
    expectClose(r.grad.data, finiteDifference((v) => softMarginLoss(v, y) as number, Float64Array.from(x)), 'float64', 'soft', 1e4);
  });
  it('hingeEmbeddingLoss with a margin of 2', () => {
    const [r] = onBothBackends(() => hingeEmbeddingLossWithGrad(x, y, { margin: 2 }));
    expectClose(r.grad.data, finiteDifference((v) => hingeEmbeddingLoss(v, y, { margin: 2 }) as number, Float64Array.from(x)), 'float64', 'hinge', 1e4);
  });
  it('marginRankingLoss, all three arguments', () => {
    const [r] = onBothBackends(() => marginRankingLossWithGrad(x, x2, y, { margin: 0.1 }));
    const f = (a: Float64Array, b: Float64Array, c: Float64Array) => marginRankingLoss(a, b, c, { margin: 0.1 }) as number;
    expectClose(r.grads[0].data, finiteDifference((v) => f(v, x2, y), Float64Array.from(x)), 'float64', 'dx1', 1e4);
    expectClose(r.grads[1].data, finiteDifference((v) => f(x, v, y), Float64Array.from(x2)), 'float64', 'dx2', 1e4);
    expectClose(r.grads[2].data, finiteDifference((v) => f(x, x2, v), Float64Array.from(y)), 'float64', 'dy', 1e4);
  });
});

describe('margin: semantics and bad input', () => {
  it('integer labels give the same result as float labels', () => {
    const x = new Float32Array([0.5, -1, 2, 0.1]);
    expect(hingeEmbeddingLoss(x, new Int32Array([1, -1, -1, 1]))).toBe(hingeEmbeddingLoss(x, new Float32Array([1, -1, -1, 1])));
    expect(softMarginLoss(x, [1, -1, -1, 1])).toBe(softMarginLoss(x, new Float32Array([1, -1, -1, 1])));
    expect(marginRankingLoss(x, new Float32Array(4), new BigInt64Array([1n, -1n, 1n, -1n]))).toBe(marginRankingLoss(x, new Float32Array(4), new Float32Array([1, -1, 1, -1])));
  });

  it('softMarginLoss stays finite where PyTorch overflows (-t·x > 88.7 in float32)', () => {
    const r = softMarginLoss(new Float32Array([-200]), new Float32Array([1]), { reduction: 'none' }) as Tensor;
    expect(r.data[0]).toBe(200);
  });

  it('a tie at the hinge passes the gradient (PyTorch clamp_min)', () => {
    const r = marginRankingLossWithGrad(new Float64Array([1]), new Float64Array([1]), new Float64Array([1]), { reduction: 'sum' });
    expect(Array.from(r.grads[0].data)).toEqual([-1]);
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['ranking ndim mismatch', () => marginRankingLoss(new Float32Array(2), { data: new Float32Array(2), shape: [1, 2] }, new Float32Array(2)), RangeError, /same number of dimensions/],
    ['soft margin target that broadcasts past the input', () => softMarginLoss(new Float32Array(2), { data: new Float32Array(4), shape: [2, 2] }), RangeError, /must broadcast to the input's shape \[2\]/],
    // a number[] target is float (the call's dtype), as PyTorch takes float targets: only non-numbers are refused
    ['a label that is not a number', () => hingeEmbeddingLoss(new Float32Array(2), [1, '1'] as unknown as number[]), TypeError, /target\[1\] must be a number; got '1'/],
    ['margin not finite', () => hingeEmbeddingLoss(new Float32Array(2), [1, -1], { margin: Infinity }), RangeError, /options.margin must be a finite number/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed float dtypes', () => marginRankingLoss(new Float32Array(2), new Float64Array(2), [1, 1]), TypeError, /share one dtype/],
    ['reduction', () => softMarginLoss(new Float32Array(2), [1, 1], { reduction: 'batchmean' as 'mean' }), RangeError, /options.reduction/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
