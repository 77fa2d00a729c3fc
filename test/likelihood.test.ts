import { describe, expect, it } from 'vitest';
import { gaussianNllLoss, gaussianNllLossWithGrad, poissonNllLoss, poissonNllLossWithGrad } from '../src/index';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { gaussianNllLoss, gaussianNllLossWithGrad, poissonNllLoss, poissonNllLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

fixtureSuite('likelihood', fns, { throws: RangeError });

describe('likelihood: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}: every option and reduction`, () => {
        const random = rng(n + 71);
        const xLog = randomFloats(dtype, n, random, -4, 4);
        const xLin = randomFloats(dtype, n, random, 0.01, 5);
        const counts = randomFloats(dtype, n, random, 0, 6).map(Math.floor);
        const x = randomFloats(dtype, n, random, -3, 3);
        const t = randomFloats(dtype, n, random, -3, 3);
        const v = randomFloats(dtype, n, random, 0, 2);
        if (n > 2) v[1] = 1e-9; // clamped at eps
        const g = randomFloats(dtype, n, random);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const extra = reduction === 'none' ? { gradOutput: g } : {};
          for (const [logInput, xs] of [[true, xLog], [false, xLin]] as const) {
            for (const full of [false, true]) {
              const [a, b] = onBothBackends(() => poissonNllLossWithGrad(xs, counts, { reduction, logInput, full, ...extra }));
              expectSameResult(a, b, dtype, `poisson ${reduction} logInput=${logInput} full=${full}`);
            }
          }
          for (const full of [false, true]) {
            const [a, b] = onBothBackends(() => gaussianNllLossWithGrad(x, t, v, { reduction, full, ...extra }));
            expectSameResult(a, b, dtype, `gaussian ${reduction} full=${full}`);
          }
        }
      });
    }
  }
});

describe('likelihood: gradients match finite differences of the reference', () => {
  it('poissonNllLoss, full, both arguments', () => {
    const random = rng(81);
    const x = randomFloats('float64', 6, random, -2, 2) as Float64Array;
    const t = Float64Array.from([0.5, 2, 3.5, 1.5, 4, 2.5]); // away from the t = 1 switch
    const [r] = onBothBackends(() => poissonNllLossWithGrad(x, t, { full: true }));
    expectClose(r.grads[0].data, finiteDifference((v) => poissonNllLoss(v, t, { full: true }) as number, Float64Array.from(x)), 'float64', 'dx', 1e4);
    expectClose(r.grads[1].data, finiteDifference((v) => poissonNllLoss(x, v, { full: true }) as number, Float64Array.from(t)), 'float64', 'dt', 1e4);
  });

  it('gaussianNllLoss with a squeezed var, all three arguments', () => {
    const random = rng(82);
    const x = { data: randomFloats('float64', 8, random), shape: [4, 2] };
    const t = { data: randomFloats('float64', 8, random), shape: [4, 2] };
    const v = { data: randomFloats('float64', 4, random, 0.2, 2), shape: [4] };
    const [r] = onBothBackends(() => gaussianNllLossWithGrad(x, t, v));
    expect(r.grads[2].shape).toEqual([4]);
    const f = (a: ArrayLike<number>, b: ArrayLike<number>, c: ArrayLike<number>) =>
      gaussianNllLoss({ data: Float64Array.from(a), shape: [4, 2] }, { data: Float64Array.from(b), shape: [4, 2] }, { data: Float64Array.from(c), shape: [4] }) as number;
    expectClose(r.grads[0].data, finiteDifference((a) => f(a, t.data, v.data), Float64Array.from(x.data)), 'float64', 'dx', 1e4);
    expectClose(r.grads[1].data, finiteDifference((b) => f(x.data, b, v.data), Float64Array.from(t.data)), 'float64', 'dt', 1e4);
    expectClose(r.grads[2].data, finiteDifference((c) => f(x.data, t.data, c), Float64Array.from(v.data)), 'float64', 'dvar', 1e4);
  });
});

describe('likelihood: semantics and bad input', () => {
  it('a number var (PyTorch 2.x) equals a full tensor of it, and has no gradient', () => {
    const x = new Float64Array([0.5, -1, 2]);
    const t = new Float64Array([0, 0, 1]);
    expect(gaussianNllLoss(x, t, 0.8)).toBe(gaussianNllLoss(x, t, new Float64Array([0.8, 0.8, 0.8])));
    expect(gaussianNllLossWithGrad(x, t, 0.8).grads.length).toBe(2);
  });

  it('logInput with a large input overflows to Infinity, as PyTorch', () => {
    const r = poissonNllLoss(new Float32Array([100]), new Float32Array([1]), { reduction: 'none' }) as Tensor;
    expect(r.data[0]).toBe(Infinity);
  });

  const x = { data: new Float32Array(6), shape: [2, 3] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['var of the wrong size', () => gaussianNllLoss(x, x, new Float32Array(3)), RangeError, /var is of incorrect size/],
    ['negative var', () => gaussianNllLoss(x, x, { data: new Float32Array([1, 1, -1, 1, 1, 1]), shape: [2, 3] }), RangeError, /var has negative entry\/entries/],
    ['negative number var', () => gaussianNllLoss(x, x, -1), RangeError, /var has negative entry/],
    ['logInput not a boolean', () => poissonNllLoss(x, x, { logInput: 'yes' as unknown as boolean }), TypeError, /options.logInput must be a boolean/],
    ['negative eps', () => poissonNllLoss(x, x, { eps: -1 }), RangeError, /options.eps/],
    ['snake_case option', () => poissonNllLoss(x, x, { log_input: false } as object), TypeError, /unknown option 'log_input'/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
