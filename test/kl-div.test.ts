import { describe, expect, it } from 'vitest';
import { allocTensor, klDiv, klDivWithGrad } from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { klDiv, klDivWithGrad } as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('kl-div', fns, { throws: RangeError });

describe('kl-div: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}: every reduction, probability and log targets`, () => {
        const random = rng(n + 31);
        const x = randomFloats(dtype, n, random, -6, 0);
        const p = randomFloats(dtype, n, random, 0, 1);
        if (n > 3) p[2] = 0; // xlogy(0, ·) = 0
        const lp = randomFloats(dtype, n, random, -6, 0);
        const g = randomFloats(dtype, n, random);
        for (const reduction of ['mean', 'batchmean', 'sum', 'none'] as const) {
          for (const [logTarget, t] of [[false, p], [true, lp]] as const) {
            const o = { reduction, logTarget, ...(reduction === 'none' ? { gradOutput: g } : {}) };
            const [a, b] = onBothBackends(() => klDivWithGrad(x, t, o));
            expectSameResult(a, b, dtype, `${reduction} logTarget=${logTarget}`);
          }
        }
      });
    }
  }
});

describe('kl-div: gradients match finite differences of the reference', () => {
  for (const logTarget of [false, true]) {
    it(`input and a broadcast target, logTarget=${logTarget}`, () => {
      const random = rng(41);
      const x = { data: randomFloats('float64', 12, random, -3, -0.1), shape: [3, 4] };
      const t = { data: logTarget ? randomFloats('float64', 4, random, -3, -0.1) : randomFloats('float64', 4, random, 0.1, 1), shape: [4] };
      const o = { reduction: 'batchmean' as const, logTarget };
      const [r] = onBothBackends(() => klDivWithGrad(x, t, o));
      const fx = (v: Float64Array) => klDiv({ data: v, shape: [3, 4] }, t, o) as number;
      const ft = (v: Float64Array) => klDiv(x, { data: v, shape: [4] }, o) as number;
      expectClose(r.grads[0].data, finiteDifference(fx, Float64Array.from(x.data)), 'float64', 'dInput', 1e4);
      expectClose(r.grads[1].data, finiteDifference(ft, Float64Array.from(t.data)), 'float64', 'dTarget', 1e4);
      expect(r.grads[1].shape).toEqual([4]);
    });
  }
});

describe('kl-div: semantics and bad input', () => {
  it("'batchmean' divides by the first dim, 'mean' by every element", () => {
    const x = { data: new Float64Array([-1, -2, -0.5, -1.5]), shape: [2, 2] };
    const t = { data: new Float64Array([0.25, 0.75, 0.5, 0.5]), shape: [2, 2] };
    const sum = klDiv(x, t, { reduction: 'sum' }) as number;
    expect(klDiv(x, t, { reduction: 'batchmean' })).toBeCloseTo(sum / 2, 14);
    expect(klDiv(x, t)).toBeCloseTo(sum / 4, 14);
  });

  it('a zero target contributes 0 (xlogy), unless the input is -Infinity (NaN, as PyTorch)', () => {
    const r = klDiv(new Float64Array([-1, -Infinity]), new Float64Array([0, 0]), { reduction: 'none' }) as Tensor;
    expect(r.data[0]).toBe(0);
    expect(r.data[1]).toBeNaN();
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['unknown reduction', () => klDiv(new Float32Array(2), new Float32Array(2), { reduction: 'avg' as 'mean' }), RangeError, /options.reduction must be one of 'mean', 'batchmean', 'sum', 'none'; got 'avg'/],
    ['logTarget not a boolean', () => klDiv(new Float32Array(2), new Float32Array(2), { logTarget: 1 as unknown as boolean }), TypeError, /options.logTarget must be a boolean/],
    ['shapes that do not broadcast', () => klDiv(new Float32Array(3), new Float32Array(2)), RangeError, /do not broadcast/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => klDiv(new Float32Array(2), new Float64Array(2)), TypeError, /share one dtype/],
    ['snake_case option', () => klDiv(new Float32Array(2), new Float32Array(2), { log_target: true } as object), TypeError, /unknown option 'log_target'/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('resident tensors are read in place and left untouched', () => {
    const x = new Float32Array([-1, -2, -0.5]);
    const t = new Float32Array([0.2, 0.3, 0.5]);
    const want = klDivWithGrad(x, t);
    const rx = allocTensor('float32', [3]);
    rx.data.set(x);
    const got = klDivWithGrad(rx, t);
    expect(got.loss).toBe(want.loss);
    expect(Array.from(got.grads[1].data)).toEqual(Array.from(want.grads[1].data));
    expect(Array.from(rx.data)).toEqual(Array.from(x));
    rx.free();
  });
});
