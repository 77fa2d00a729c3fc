import { describe, expect, it } from 'vitest';
import {
  pairwiseDistance, pairwiseDistanceWithGrad, tripletMarginLoss, tripletMarginLossWithGrad, tripletMarginWithDistanceLoss,
  tripletMarginWithDistanceLossWithGrad,
} from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = {
  pairwiseDistance, pairwiseDistanceWithGrad, tripletMarginLoss, tripletMarginLossWithGrad, tripletMarginWithDistanceLoss,
  tripletMarginWithDistanceLossWithGrad,
} as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('distance', fns, { throws: RangeError });

describe('distance: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const D of KERNEL_SIZES.filter((d) => d > 0)) {
      it(`${dtype} D=${D}: every p; triplets with every reduction and swap`, () => {
        const random = rng(D + 91);
        const rows = 3;
        const t = () => ({ data: randomFloats(dtype, rows * D, random, -2, 2), shape: [rows, D] });
        const [a, p, n] = [t(), t(), t()];
        const g = randomFloats(dtype, rows, random);
        for (const pn of [2, 1, Infinity, 0, 3, 0.5]) {
          const [x, y] = onBothBackends(() => pairwiseDistanceWithGrad(a, p, { p: pn, gradOutput: g }));
          expectSameResult(x, y, dtype, `pairwise p=${pn}`);
        }
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const extra = reduction === 'none' ? { gradOutput: g } : {};
          for (const swap of [false, true]) {
            let [x, y] = onBothBackends(() => tripletMarginLossWithGrad(a, p, n, { reduction, swap, margin: 1.5, ...extra }));
            expectSameResult(x, y, dtype, `triplet ${reduction} swap=${swap}`);
            [x, y] = onBothBackends(() => tripletMarginWithDistanceLossWithGrad(a, p, n, { reduction, swap, distance: 'cosine', margin: 0.5, ...extra }));
            expectSameResult(x, y, dtype, `triplet cosine ${reduction} swap=${swap}`);
          }
        }
      });
    }
  }
});

describe('distance: gradients match finite differences of the reference', () => {
  const random = rng(93);
  const shape = [3, 4];
  const t = () => ({ data: Float64Array.from({ length: 12 }, () => random() * 4 - 2), shape });
  const [a, p, n] = [t(), t(), t()];
  const fd = (f: (v: Float64Array) => number, x: { data: Float64Array }) => finiteDifference(f, Float64Array.from(x.data));
  for (const pn of [2, 1, 3, Infinity]) {
    it(`pairwiseDistance p = ${pn}`, () => {
      const [r] = onBothBackends(() => pairwiseDistanceWithGrad(a, p, { p: pn }));
      const sum = (x: Float64Array, y: Float64Array) => Array.from((pairwiseDistance({ data: x, shape }, { data: y, shape }, { p: pn }) as Tensor).data).reduce((s, v) => s + v, 0);
      expectClose(r.grads[0].data, fd((v) => sum(v, p.data), a), 'float64', 'dx1', 1e4);
      expectClose(r.grads[1].data, fd((v) => sum(a.data, v), p), 'float64', 'dx2', 1e4);
    });
  }
  for (const [name, f, g] of [
    ['tripletMarginLoss, swap', tripletMarginLoss, tripletMarginLossWithGrad],
    ['tripletMarginWithDistanceLoss, cosine, swap', tripletMarginWithDistanceLoss, tripletMarginWithDistanceLossWithGrad],
  ] as const) {
    it(name, () => {
      const opts = { swap: true, margin: 3, ...(name.includes('cosine') ? { distance: 'cosine' as const, margin: 1 } : {}) };
      const [r] = onBothBackends(() => (g as typeof tripletMarginLossWithGrad)(a, p, n, opts));
      const loss = (x: Float64Array, y: Float64Array, z: Float64Array) => (f as typeof tripletMarginLoss)({ data: x, shape }, { data: y, shape }, { data: z, shape }, opts) as number;
      expectClose(r.grads[0].data, fd((v) => loss(v, p.data, n.data), a), 'float64', 'da', 1e4);
      expectClose(r.grads[1].data, fd((v) => loss(a.data, v, n.data), p), 'float64', 'dp', 1e4);
      expectClose(r.grads[2].data, fd((v) => loss(a.data, p.data, v), n), 'float64', 'dn', 1e4);
    });
  }
});

describe('distance: semantics and bad input', () => {
  it('identical vectors are eps·D^(1/p) apart (eps is added to each component)', () => {
    const x = new Float64Array([0.5, -1]);
    expect((pairwiseDistance(x, x).data)[0]).toBeCloseTo(1e-6 * Math.SQRT2, 18);
  });

  it('a 1-D pair gives a 0-d distance; keepdim keeps a last dim of 1', () => {
    expect(pairwiseDistance(new Float32Array(3), new Float32Array(3)).shape).toEqual([]);
    expect(pairwiseDistance(new Float32Array(3), new Float32Array(3), { keepdim: true }).shape).toEqual([1]);
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['negative p', () => pairwiseDistance(new Float32Array(2), new Float32Array(2), { p: -1 }), RangeError, /options.p must be a number >= 0/],
    ['shapes that do not broadcast', () => pairwiseDistance(new Float32Array(2), new Float32Array(3)), RangeError, /broadcast/],
    ['keepdim not boolean', () => pairwiseDistance(new Float32Array(2), new Float32Array(2), { keepdim: 1 as unknown as boolean }), TypeError, /options.keepdim/],
    ['triplet ndim', () => tripletMarginLoss({ data: new Float32Array(4), shape: [2, 2] }, { data: new Float32Array(4), shape: [2, 2] }, new Float32Array(2)), RangeError, /same number of dimensions, but got: anchor 2D, positive 2D, and negative 1D/],
    ['a distance function', () => tripletMarginWithDistanceLoss(new Float32Array(2), new Float32Array(2), new Float32Array(2), { distance: (() => 0) as unknown as 'cosine' }), TypeError, /cannot give gradients/],
    ['an unknown distance', () => tripletMarginWithDistanceLoss(new Float32Array(2), new Float32Array(2), new Float32Array(2), { distance: 'l1' as 'cosine' }), RangeError, /'pairwise' or 'cosine'/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => tripletMarginLoss(new Float32Array(2), new Float32Array(2), new Float64Array(2)), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
