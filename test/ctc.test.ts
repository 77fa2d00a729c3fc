import { describe, expect, it } from 'vitest';
import { ctcLoss, ctcLossWithGrad, logSoftmax } from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { finiteDifference, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { ctcLoss, ctcLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('ctc', fns, { throws: RangeError });

/** Log-softmax rows of random logits, (T, N, C). */
function logProbs(T: number, N: number, C: number, random: () => number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const values = Array.from({ length: T * N * C }, () => random() * 6 - 3);
  const data = dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
  return logSoftmax({ data, shape: [T, N, C] }, { dim: 2 });
}

describe('ctc: the wasm kernel matches the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const [T, C, L] of [[1, 2, 0], [1, 3, 1], [5, 4, 2], [9, 3, 4], [17, 7, 5], [40, 11, 12], [64, 5, 30]]) {
      it(`${dtype} T=${T} C=${C} L=${L}: every reduction, zeroInfinity`, () => {
        const random = rng(T * 31 + C);
        const N = 3;
        const lp = logProbs(T, N, C, random, dtype);
        const targets = { data: Int32Array.from({ length: N * L }, () => 1 + Math.floor(random() * (C - 1))), shape: [N, L] };
        const inputLengths = [T, Math.max(0, T - 2), Math.ceil(T / 2)];
        const targetLengths = [L, Math.max(0, L - 1), Math.floor(L / 2)];
        const g = Float64Array.from({ length: N }, () => random() - 0.5);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          for (const zeroInfinity of [false, true]) {
            const extra = reduction === 'none' ? { gradOutput: dtype === 'float32' ? Float32Array.from(g) : g } : {};
            const [a, b] = onBothBackends(() => ctcLossWithGrad(lp, targets, inputLengths, targetLengths, { reduction, zeroInfinity, ...extra }));
            expectSameResult(a, b, dtype, `${reduction} zeroInfinity=${zeroInfinity}`);
          }
        }
      });
    }
  }
});

describe('ctc: gradients', () => {
  const random = rng(5);
  const [T, N, C] = [6, 2, 4];
  const logits = Float64Array.from({ length: T * N * C }, () => random() * 4 - 2);
  const targets = { data: [1, 3, 3, 2, 0, 0], shape: [N, 3] };
  const lengths = [[6, 5], [3, 1]] as const;
  const lossOfLogits = (z: Float64Array) => ctcLoss(logSoftmax({ data: z, shape: [T, N, C] }, { dim: 2 }), targets, lengths[0], lengths[1], { reduction: 'sum' }) as number;

  it('through logSoftmax they match finite differences (the extra e^lp term cancels there)', () => {
    const lp = logSoftmax({ data: logits, shape: [T, N, C] }, { dim: 2 });
    for (const r of onBothBackends(() => ctcLossWithGrad(lp, targets, lengths[0], lengths[1], { reduction: 'sum' }))) {
      // chain rule through log-softmax: dz = g - softmax·Σ_c g
      const dz = new Float64Array(T * N * C);
      for (let row = 0; row < T * N; row++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += r.grad.data[row * C + c];
        for (let c = 0; c < C; c++) dz[row * C + c] = r.grad.data[row * C + c] - Math.exp(lp.data[row * C + c]) * s;
      }
      expectClose(dz, finiteDifference(lossOfLogits, Float64Array.from(logits)), 'float64', 'd logits', 1e4);
    }
  });

  it('with respect to raw logProbs they are the true derivative plus e^lp (PyTorch)', () => {
    const lp = logSoftmax({ data: logits, shape: [T, N, C] }, { dim: 2 });
    const [r] = onBothBackends(() => ctcLossWithGrad(lp, targets, lengths[0], lengths[1], { reduction: 'sum' }));
    const fd = finiteDifference((v) => ctcLoss({ data: v, shape: [T, N, C] }, targets, lengths[0], lengths[1], { reduction: 'sum' }) as number, Float64Array.from(lp.data));
    // rows past a sample's input length get no gradient at all
    const want = fd.map((d, i) => (Math.floor(i / C) % N === 1 && Math.floor(i / (N * C)) >= lengths[0][1] ? 0 : d + Math.exp(lp.data[i])));
    expectClose(r.grad.data, want, 'float64', 'd logProbs', 1e4);
  });

  it('an impossible alignment: inf loss and NaN gradient, or 0 and 0 with zeroInfinity', () => {
    const lp = logProbs(3, 1, 3, random);
    expect(ctcLoss(lp, [1, 1, 1], [3], [3], { reduction: 'sum' })).toBe(Infinity);
    const r = ctcLossWithGrad(lp, [1, 1, 1], [3], [3], { reduction: 'sum' });
    expect(r.grad.data.every(Number.isNaN)).toBe(true);
    const z = ctcLossWithGrad(lp, [1, 1, 1], [3], [3], { reduction: 'sum', zeroInfinity: true });
    expect(z.loss).toBe(0);
    expect(z.grad.data.every((v) => v === 0)).toBe(true);
  });
});

describe('ctc: semantics and bad input', () => {
  const lp = logProbs(4, 2, 3, rng(7));
  it('an input length of 0: loss 0 for an empty target, else inf (PyTorch 1.13 reads uninitialized memory there)', () => {
    for (const [x, y] of [onBothBackends(() => ctcLoss(lp, { data: [1, 0], shape: [2, 1] }, [0, 0], [0, 1], { reduction: 'none' }) as Tensor)]) {
      expect(Array.from(x.data)).toEqual([-0, Infinity]);
      expect(Array.from(y.data)).toEqual([-0, Infinity]);
    }
  });

  it('float32 input gives float32 results computed in float64', () => {
    const lp32 = { data: Float32Array.from(lp.data), shape: lp.shape };
    const r = ctcLossWithGrad(lp32, [1, 2, 2], [4, 4], [2, 1], { reduction: 'none' });
    expect((r.loss as Tensor).data).toBeInstanceOf(Float32Array);
    expect(r.grad.data).toBeInstanceOf(Float32Array);
  });

  it('unbatched input takes number lengths', () => {
    const u = { data: lp.data.slice(0, 4 * 3), shape: [4, 3] };
    expect(ctcLoss(u, [1, 2], 4, 2)).toBe(ctcLoss(u, [1, 2], { data: [4], shape: [] }, { data: [2], shape: [] }));
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['a label out of range (PyTorch reads out of bounds)', () => ctcLoss(lp, [1, 3], [4, 4], [1, 1]), RangeError, /targets\[1\] = 3 is not a class index in \[0, 3\)/],
    ['a negative length', () => ctcLoss(lp, [1, 2], [4, -1], [1, 1]), RangeError, /Expected inputLengths to have value at least 0, but got value -1/],
    ['fractional lengths', () => ctcLoss(lp, [1, 2], [4, 1.5], [1, 1]), RangeError, /inputLengths\[1\] must be an integer/],
    ['logProbs of rank 1', () => ctcLoss(new Float32Array(3), [1], 1, 1), RangeError, /logProbs must be \(T, N, C\) or unbatched \(T, C\)/],
    ['zeroInfinity not a boolean', () => ctcLoss(lp, [1, 2], [4, 4], [1, 1], { zeroInfinity: 1 as unknown as boolean }), TypeError, /options.zeroInfinity/],
    ['float targets', () => ctcLoss(lp, new Float32Array([1, 2]) as unknown as number[], [4, 4], [1, 1]), TypeError, /targets/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
