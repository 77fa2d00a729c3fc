import { afterEach, describe, expect, it } from 'vitest';
import {
  logSoftmax, logSoftmaxWithGrad, setBackend, sigmoid, sigmoidWithGrad, softmax, softmaxWithGrad,
} from '../src/index';
import type { Tensor, WithGrad } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { DTYPES, fixtureSuite } from './helpers/suites';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng, HALF } from './helpers/numeric';

const fns = { softmax, softmaxWithGrad, logSoftmax, logSoftmaxWithGrad, sigmoid, sigmoidWithGrad } as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('softmax', fns, { throws: RangeError, noOptions: ['sigmoid'] });

describe('softmax: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const n of KERNEL_SIZES) {
      it(`${dtype} rows of ${n}, last dim and dim 0`, () => {
        const random = rng(n + 17);
        const x: Tensor = { data: randomFloats(dtype, 3 * n, random, -20, 20), shape: [3, n] };
        const gradOutput = { data: randomFloats(dtype, 3 * n, random), shape: [3, n] };
        for (const [name, opts] of [['softmax', {}], ['logSoftmax', {}], ['softmax', { dim: 0 }], ['logSoftmax', { dim: -2 }]] as const) {
          setBackend('wasm-simd');
          const a = fns[`${name}WithGrad`](x, { ...opts, gradOutput }) as WithGrad<Tensor>;
          setBackend('js');
          const b = fns[`${name}WithGrad`](x, { ...opts, gradOutput }) as WithGrad<Tensor>;
          expectClose(a.loss.data, b.loss.data, dtype, `${name} ${JSON.stringify(opts)}`, 20);
          expectClose(a.grad.data, b.grad.data, dtype, `${name} grad ${JSON.stringify(opts)}`, 20);
        }
        setBackend('wasm-simd');
        const s = sigmoidWithGrad(x, { gradOutput });
        setBackend('js');
        const t = sigmoidWithGrad(x, { gradOutput });
        expectClose(s.loss.data, t.loss.data, dtype, 'sigmoid');
        expectClose(s.grad.data, t.grad.data, dtype, 'sigmoid grad');
      });
    }
  }

  it('softmax rows sum to 1 and log_softmax is exact for huge gaps', () => {
    const y = softmax({ data: new Float32Array([1, 2, 3, 4, 5]), shape: [1, 5] });
    expect(Array.from(y.data).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Array.from(logSoftmax(new Float64Array([1000, 0, -1000])).data)).toEqual([0, -1000, -2000]);
  });

  it('a 0-d input gives 1 (softmax) and 0 (log_softmax); an empty input an empty result', () => {
    expect(Array.from(softmax({ data: new Float64Array([3]), shape: [] }).data)).toEqual([1]);
    expect(Array.from(logSoftmax({ data: new Float64Array([3]), shape: [] }).data)).toEqual([0]);
    expect(softmax({ data: new Float32Array(0), shape: [0, 3] }).data.length).toBe(0);
  });
});

describe('softmax: gradients match finite differences of the reference', () => {
  for (const [name, opts] of [['softmax', { dim: 1 }], ['logSoftmax', { dim: 0 }], ['sigmoid', {}]] as const) {
    it(name, () => {
      const random = rng(3);
      const x = randomFloats('float64', 12, random) as Float64Array;
      const g = randomFloats('float64', 12, random);
      const shape = [3, 4];
      const f = (v: Float64Array) => {
        const y = (name === 'sigmoid' ? sigmoid({ data: v, shape }) : fns[name]({ data: v, shape }, opts)) as Tensor;
        let acc = 0;
        for (let i = 0; i < y.data.length; i++) acc += y.data[i] * g[i];
        return acc;
      };
      const analytic = (fns[`${name}WithGrad`]({ data: x, shape }, { ...opts, gradOutput: { data: g, shape } }) as WithGrad).grad.data;
      setBackend('js');
      expectClose(analytic, finiteDifference(f, Float64Array.from(x)), 'float64', name, 1e4);
    });
  }
});

describe('softmax: bad input', () => {
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['dim out of range', () => softmax({ data: new Float32Array(6), shape: [2, 3] }, { dim: 2 }), RangeError, /options.dim must be an integer in \[-2, 1\] for a 2-D input; got 2/],
    ['fractional dim', () => logSoftmax(new Float32Array(3), { dim: 0.5 }), RangeError, /options.dim/],
    ['integer input', () => sigmoid(new Int16Array(3) as unknown as Float32Array), TypeError, HALF ? /input must be a Float32Array, Float64Array or Float16Array,/ : /input must be a Float32Array or Float64Array,/],
    ['gradOutput dtype', () => softmaxWithGrad(new Float32Array(3), { gradOutput: new Float64Array(3) }), TypeError, /share one dtype/],
    ['gradOutput length', () => sigmoidWithGrad(new Float32Array(3), { gradOutput: new Float32Array(2) }), RangeError, /gradOutput must have the result's shape \[3\]/],
    ['unknown option', () => softmax(new Float32Array(3), { axis: 0 } as object), TypeError, /unknown option 'axis'/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('inputs are not written to', () => {
    const x = new Float32Array([1, -2, 3]);
    const g = new Float32Array([0.5, 1, 2]);
    softmaxWithGrad(x, { gradOutput: g });
    logSoftmaxWithGrad(x, { gradOutput: g });
    sigmoidWithGrad(x, { gradOutput: g });
    expect(Array.from(x)).toEqual([1, -2, 3]);
    expect(Array.from(g)).toEqual([0.5, 1, 2]);
  });
});
