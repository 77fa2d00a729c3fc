import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, sigmoidFocalLoss, sigmoidFocalLossWithGrad } from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { sigmoidFocalLoss, sigmoidFocalLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('focal', fns, { throws: RangeError });

describe('focal: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}: every reduction, γ = 2 (the fast path) and others`, () => {
        const random = rng(n + 81);
        const x = randomFloats(dtype, n, random, -8, 8);
        const t = randomFloats(dtype, n, random, 0, 1);
        for (let i = 0; i < n; i += 3) t[i] = Math.round(t[i]);
        const g = randomFloats(dtype, n, random);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const extra = reduction === 'none' ? { gradOutput: g } : {};
          for (const [alpha, gamma] of [[0.25, 2], [-1, 1.5], [0.6, 0], [0.25, 1], [0.9, 0.5]]) {
            const [a, b] = onBothBackends(() => sigmoidFocalLossWithGrad(x, t, { reduction, alpha, gamma, ...extra }));
            expectSameResult(a, b, dtype, `${reduction} α=${alpha} γ=${gamma}`);
          }
        }
      });
    }
  }
});

describe('focal: gradients match finite differences of the reference', () => {
  const random = rng(83);
  const x = Float64Array.from({ length: 10 }, () => random() * 8 - 4);
  const t = Float64Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? random() : i % 2));
  for (const [alpha, gamma] of [[0.25, 2], [-1, 0.5], [0.7, 3.5]]) {
    it(`α = ${alpha}, γ = ${gamma}`, () => {
      const opts = { alpha, gamma, reduction: 'sum' as const };
      const [r] = onBothBackends(() => sigmoidFocalLossWithGrad(x, t, opts));
      expectClose(r.grad.data, finiteDifference((v) => sigmoidFocalLoss(v, t, opts) as number, Float64Array.from(x)), 'float64', 'dx', 1e4);
    });
  }
});

describe('focal: semantics and bad input', () => {
  it("the default reduction is 'none' (torchvision)", () => {
    const r = sigmoidFocalLoss({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(6), shape: [2, 3] }) as Tensor;
    expect(r.shape).toEqual([2, 3]);
  });

  it('γ = 0 and no α is BCE with logits', () => {
    const x = new Float64Array([-2, -0.5, 0.3, 4]);
    const t = new Float64Array([0, 1, 0.4, 1]);
    const f = sigmoidFocalLoss(x, t, { gamma: 0, alpha: -1, reduction: 'mean' }) as number;
    expect(f).toBeCloseTo(binaryCrossEntropyWithLogits(x, t) as number, 14);
  });

  it('γ < 1 stays finite at saturated logits (PyTorch: 1 - p_t rounds to 0 and the gradient is NaN)', () => {
    for (const backend of onBothBackends(() => sigmoidFocalLossWithGrad(new Float64Array([40, -40]), new Float64Array([1, 0]), { gamma: 0.5, reduction: 'sum' }))) {
      expect(Number.isFinite(backend.loss as number)).toBe(true);
      for (const v of backend.grad.data) expect(Number.isFinite(v)).toBe(true);
    }
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['targets of another shape', () => sigmoidFocalLoss(new Float32Array(3), new Float32Array(4)), RangeError, /targets must have the inputs' shape \[3\]; got \[4\]/],
    ['gamma not finite', () => sigmoidFocalLoss(new Float32Array(3), new Float32Array(3), { gamma: Infinity }), RangeError, /options.gamma must be a finite number/],
    ['alpha not a number', () => sigmoidFocalLoss(new Float32Array(3), new Float32Array(3), { alpha: '0.25' as unknown as number }), TypeError, /options.alpha/],
    ['reduction', () => sigmoidFocalLoss(new Float32Array(3), new Float32Array(3), { reduction: 'batchmean' as 'mean' }), RangeError, /options.reduction/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => sigmoidFocalLoss(new Float32Array(3), new Float64Array(3)), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
