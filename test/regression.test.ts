import { afterEach, describe, expect, it } from 'vitest';
import {
  allocTensor, huberLoss, huberLossWithGrad, l1Loss, l1LossWithGrad, mseLoss, mseLossWithGrad, setBackend, smoothL1Loss, smoothL1LossWithGrad,
} from '../src/index';
import type { Tensor, WithGrad } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { DTYPES, fixtureSuite } from './helpers/suites';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng, HALF } from './helpers/numeric';

const fns = {
  mseLoss, mseLossWithGrad, l1Loss, l1LossWithGrad, smoothL1Loss, smoothL1LossWithGrad, huberLoss, huberLossWithGrad,
} as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('regression', fns, { throws: RangeError });

const LOSSES = [
  ['mseLoss', {}], ['l1Loss', {}], ['smoothL1Loss', { beta: 0.7 }], ['smoothL1Loss', { beta: 0 }], ['huberLoss', { delta: 1.3 }],
  // β a power of two takes the kernel's multiply-by-1/β loop (the default 1, and 0.25)
  ['smoothL1Loss', {}], ['smoothL1Loss', { beta: 0.25 }],
] as const;

describe('regression: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} n=${n}: every loss and reduction`, () => {
        const random = rng(n + 7);
        const x = randomFloats(dtype, n, random, -3, 3);
        const y = randomFloats(dtype, n, random, -3, 3);
        if (n > 4) y.set(x.subarray(0, 3)); // residuals exactly 0
        const g = randomFloats(dtype, n, random);
        for (const [name, opts] of LOSSES) {
          for (const reduction of ['mean', 'sum', 'none'] as const) {
            const o = { ...opts, reduction, ...(reduction === 'none' ? { gradOutput: g } : {}) };
            setBackend('wasm-simd');
            const a = fns[`${name}WithGrad`](x, y, o) as WithGrad;
            setBackend('js');
            const b = fns[`${name}WithGrad`](x, y, o) as WithGrad;
            setBackend('wasm-simd');
            if (typeof a.loss === 'number') expectClose([a.loss], [b.loss as number], dtype, `${name} ${reduction}`, 10);
            else expectClose(a.loss.data, (b.loss as Tensor).data, dtype, `${name} ${reduction}`, 10);
            expectClose(a.grads[0].data, b.grads[0].data, dtype, `${name} dInput`, 10);
            expectClose(a.grads[1].data, b.grads[1].data, dtype, `${name} dTarget`, 10);
          }
        }
      });
    }
  }

  it('NaN and ±Infinity propagate as in PyTorch', () => {
    const x = new Float64Array([NaN, Infinity, 1]);
    const y = new Float64Array([0, 0, 1]);
    const r = mseLoss(x, y, { reduction: 'none' }) as Tensor;
    expect(r.data[0]).toBeNaN();
    expect(r.data[1]).toBe(Infinity);
    expect(Array.from(l1LossWithGrad(x, y, { reduction: 'sum' }).grad.data)).toEqual([NaN, 1, 0]);
  });
});

describe('regression: gradients match finite differences of the reference', () => {
  for (const [name, opts] of LOSSES) {
    it(`${name} ${JSON.stringify(opts)} with a broadcast target`, () => {
      const random = rng(21);
      const x = { data: randomFloats('float64', 12, random, -3, 3), shape: [4, 3] };
      const y = { data: randomFloats('float64', 3, random, -3, 3), shape: [3] };
      const r = fns[`${name}WithGrad`](x, y, opts) as WithGrad;
      setBackend('js');
      const fx = (v: Float64Array) => fns[name]({ data: v, shape: [4, 3] }, y, opts) as number;
      const fy = (v: Float64Array) => fns[name](x, { data: v, shape: [3] }, opts) as number;
      expectClose(r.grads[0].data, finiteDifference(fx, Float64Array.from(x.data)), 'float64', `${name} dInput`, 1e4);
      expectClose(r.grads[1].data, finiteDifference(fy, Float64Array.from(y.data)), 'float64', `${name} dTarget`, 1e4);
      expect(r.grads[1].shape).toEqual([3]);
    });
  }
});

describe('regression: bad input and data handling', () => {
  const x = new Float32Array([1, 2, 3]);
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['shapes that do not broadcast', () => mseLoss(x, new Float32Array(2)), RangeError, /input of shape \[3\] and target of shape \[2\] do not broadcast/],
    ['negative beta', () => smoothL1Loss(x, x, { beta: -1 }), RangeError, /options.beta must be a finite number >= 0.*got -1/],
    ['zero delta', () => huberLoss(x, x, { delta: 0 }), RangeError, /options.delta must be a finite number > 0.*got 0/],
    ['NaN delta', () => huberLoss(x, x, { delta: NaN }), RangeError, /options.delta/],
    ['delta on mseLoss', () => mseLoss(x, x, { delta: 1 } as object), TypeError, /unknown option 'delta'/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => l1Loss(x, new Float64Array(3)), TypeError, /share one dtype/],
    ['not an array', () => l1Loss(x, 3 as unknown as Float32Array), TypeError, HALF ? /target must be a Float32Array, Float64Array or Float16Array,/ : /target must be a Float32Array or Float64Array,/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('views, SharedArrayBuffer and resident tensors give the same result; inputs untouched', () => {
    const y = new Float32Array([0.5, 2, 4]);
    const want = smoothL1LossWithGrad(x, y);
    const buf = new Float32Array(7);
    buf.set(x, 4);
    const shared = new Float32Array(new SharedArrayBuffer(12));
    shared.set(x);
    const resident = allocTensor('float32', [3]);
    resident.data.set(x);
    for (const data of [buf.subarray(4), shared, resident]) {
      const got = smoothL1LossWithGrad(data, y);
      expect(got.loss).toBe(want.loss);
      expect(Array.from(got.grads[1].data)).toEqual(Array.from(want.grads[1].data));
    }
    resident.free();
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(Array.from(y)).toEqual([0.5, 2, 4]);
  });

  it('an empty input: mean is NaN, sum 0; the next call after an error is right', () => {
    expect(mseLoss(new Float32Array(0), new Float32Array(0))).toBeNaN();
    expect(l1Loss(new Float32Array(0), new Float32Array(0), { reduction: 'sum' })).toBe(0);
    const good = huberLoss(x, new Float32Array([0, 0, 0]));
    expect(() => huberLoss(x, x, { delta: -2 })).toThrow();
    expect(huberLoss(x, new Float32Array([0, 0, 0]))).toBe(good);
  });
});
