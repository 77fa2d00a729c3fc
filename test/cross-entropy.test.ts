import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropy, crossEntropyWithGrad, nllLoss, nllLossWithGrad, setBackend } from '../src/index';
import type { Dtype, Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';

const fns = { crossEntropy, crossEntropyWithGrad, nllLoss, nllLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

fixtureSuite('cross-entropy', fns, { throws: /Target|out of bounds|batch_size|weight|shape|must/ });

/** Random cross-entropy problem: shape (N, C, ...spatial), targets with some ignored. */
function randomProblem(seed: number, dtype: Dtype, N: number, C: number, spatial: number[]) {
  const random = rng(seed);
  const inner = spatial.reduce((a, b) => a * b, 1);
  const input: Tensor = { data: randomFloats(dtype, N * C * inner, random, -6, 6), shape: [N, C, ...spatial] };
  const target = { data: Int32Array.from({ length: N * inner }, () => (random() < 0.15 ? -100 : Math.floor(random() * C))), shape: [N, ...spatial] };
  const weight = randomFloats(dtype, C, random, 0.1, 2);
  const probs: Tensor = { data: randomFloats(dtype, N * C * inner, random, 0, 1), shape: input.shape };
  return { input, target, weight, probs, random };
}

describe('cross-entropy: wasm kernels match the float64 reference', () => {
  const optionSets = [
    {}, { reduction: 'sum' }, { reduction: 'none' }, { labelSmoothing: 0.3 }, { weightOn: true },
    { weightOn: true, labelSmoothing: 0.1, reduction: 'sum' }, { probs: true }, { probs: true, weightOn: true, labelSmoothing: 0.2 },
  ] as const;
  for (const dtype of DTYPES) {
    for (const C of KERNEL_SIZES.filter((c) => c > 0)) {
      it(`${dtype} C=${C}, every option set, (N, C) and (N, C, d)`, () => {
        for (const [i, o] of optionSets.entries()) {
          for (const spatial of [[], [3]]) {
            const p = randomProblem(1000 * C + i, dtype, 5, C, spatial);
            const { weightOn, probs, ...rest } = o as Record<string, unknown>;
            const options = { ...rest, ...(weightOn ? { weight: p.weight } : {}) };
            const [a, b] = onBothBackends(() => crossEntropyWithGrad(p.input, probs ? p.probs : p.target, options));
            expectSameResult(a, b, dtype, `C=${C} ${JSON.stringify(o)} spatial=${spatial}`);
            const [na, nb] = onBothBackends(() => nllLossWithGrad(p.input, p.target, { reduction: rest.reduction as 'sum' | undefined, ...(weightOn ? { weight: p.weight } : {}) }));
            expectSameResult(na, nb, dtype, `nll C=${C} ${JSON.stringify(o)}`);
          }
        }
      });
    }
  }

  it('short rows across the lanes: every batch size 1..9 (blocks of 4 and 2 rows plus remainders), C = 10', () => {
    for (const dtype of DTYPES) {
      for (let N = 1; N <= 9; N++) {
        const p = randomProblem(N, dtype, N, 10, []);
        for (const reduction of ['mean', 'none'] as const) {
          const [a, b] = onBothBackends(() => crossEntropyWithGrad(p.input, p.target, { reduction, weight: p.weight }));
          expectSameResult(a, b, dtype, `N=${N} ${reduction}`);
        }
      }
    }
  });

  it('large rows (C = 32000) stay within float32 tolerance of the reference', () => {
    const p = randomProblem(7, 'float32', 4, 32000, []);
    const [a, b] = onBothBackends(() => crossEntropyWithGrad(p.input, p.target, { reduction: 'sum' }));
    expectSameResult(a, b, 'float32', 'C=32000');
  });

  it('an empty batch gives NaN for mean and 0 for sum', () => {
    const input = { data: new Float32Array(0), shape: [0, 4] };
    const target = { data: new Int32Array(0), shape: [0] };
    expect(crossEntropy(input, target)).toBeNaN();
    expect(crossEntropy(input, target, { reduction: 'sum' })).toBe(0);
  });
});

describe('cross-entropy: float32 smoothing and probability gradients where they cancel', () => {
  // g_c = k·(B·p_c - b_c) cancels where p_c nears b_c/B; a float32 p_c (half an ulp) is then off
  // by F/2 ulp of g_c, F = B·p_c/|g_c| (hundreds in these rows). Each element must be within 3 of
  // its own float32 ulp of the float64 reference on the same float32 inputs.
  const ulp = (x: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(x), 2 ** -126))) - 23);
  const cases = [
    { C: 1000, N: 6, labelSmoothing: 0.1 }, { C: 1000, N: 6, probs: true }, { C: 1000, N: 6, labelSmoothing: 0.1, weightOn: true },
    { C: 10, N: 64, labelSmoothing: 1, weightOn: true }, { C: 10, N: 64, probs: true, labelSmoothing: 0.2 }, { C: 7, N: 9, labelSmoothing: 1 },
    { C: 3, N: 5, labelSmoothing: 0.5 }, { C: 37, N: 5, probs: true, weightOn: true },
    // rows of more than 1024 classes (e recomputed where it cancels, not kept as hi + lo), and a
    // negative upstream gradient (a = k·B/s < 0), on each path
    { C: 1500, N: 3, labelSmoothing: 0.1 }, { C: 1500, N: 3, probs: true, upstream: -0.75 },
    { C: 1000, N: 6, labelSmoothing: 0.1, upstream: -0.5 }, { C: 10, N: 64, labelSmoothing: 0.1, weightOn: true, upstream: -2 },
  ];
  for (const o of cases) {
    it(JSON.stringify(o), () => {
      const { input, target, weight, random } = randomProblem(o.C * 31 + o.N, 'float32', o.N, o.C, []);
      (input.data as Float32Array).forEach((_, i, a) => (a[i] = -4 + 8 * random()));
      // probability rows near uniform, so that many p_c sit next to their targets
      const q = Float32Array.from({ length: o.N * o.C }, () => 0.5 + random());
      for (let n = 0; n < o.N; n++) {
        let s = 0;
        for (let c = 0; c < o.C; c++) s += q[n * o.C + c];
        for (let c = 0; c < o.C; c++) q[n * o.C + c] /= s;
      }
      const opts = { labelSmoothing: o.labelSmoothing ?? 0, ...(o.weightOn ? { weight } : {}), reduction: 'sum' as const, ...(o.upstream ? { gradOutput: o.upstream } : {}) };
      const ours = o.probs ? crossEntropyWithGrad(input, { data: q, shape: input.shape }, opts) : crossEntropyWithGrad(input, target, opts);
      setBackend('js');
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const x64 = { data: f64(input.data as Float32Array), shape: input.shape };
      const opts64 = { ...opts, ...(o.weightOn ? { weight: f64(weight as Float32Array) } : {}) };
      const ref = o.probs ? crossEntropyWithGrad(x64, { data: f64(q), shape: input.shape }, opts64) : crossEntropyWithGrad(x64, target, opts64);
      setBackend('wasm-simd');
      let worst = 0;
      ref.grad.data.forEach((r, i) => (worst = Math.max(worst, Math.abs(ours.grad.data[i] - r) / ulp(r))));
      expect(worst).toBeLessThanOrEqual(3);
      expect(Math.abs((ours.loss as number) - (ref.loss as number))).toBeLessThanOrEqual(4 * ulp(ref.loss as number));
    });
  }
});

describe('cross-entropy: float32 smoothing, an ignored row with a non-finite logit', () => {
  // an ignored row's gradient is 0 whatever its logits (e^(z-m) is NaN in a row holding +inf)
  for (const C of [10, 40]) {
    it(`C = ${C}`, () => {
      const N = 8;
      const x = Float32Array.from({ length: N * C }, (_, i) => Math.sin(i));
      x[2 * C + 3] = Infinity;
      x[5 * C + 1] = NaN;
      const t = Int32Array.from({ length: N }, (_, n) => (n === 2 || n === 5 ? -100 : n % C));
      const r = crossEntropyWithGrad({ data: x, shape: [N, C] }, t, { labelSmoothing: 0.1, reduction: 'sum' });
      for (const n of [2, 5]) expect(Array.from(r.grad.data.subarray(n * C, (n + 1) * C))).toEqual(new Array(C).fill(0));
      expect(Number.isFinite(r.loss as number)).toBe(true);
    });
  }
});

describe('cross-entropy: gradients match finite differences of the reference', () => {
  const cases = [
    { name: 'index, mean', options: {} },
    { name: 'index, weight, smoothing, sum', options: { weightOn: true, labelSmoothing: 0.25, reduction: 'sum' } },
    { name: 'probabilities, weight, smoothing', options: { probs: true, weightOn: true, labelSmoothing: 0.1 } },
  ];
  for (const { name, options } of cases) {
    it(name, () => {
      const p = randomProblem(42, 'float64', 3, 5, [2]);
      const { weightOn, probs, ...rest } = options as Record<string, unknown>;
      const opts = { ...rest, ...(weightOn ? { weight: p.weight } : {}) };
      const target = probs ? p.probs : p.target;
      const analytic = crossEntropyWithGrad(p.input, target, opts).grad.data;
      setBackend('js');
      const numeric = finiteDifference((x) => crossEntropy({ data: x, shape: p.input.shape }, target, opts) as number, Float64Array.from(p.input.data));
      expectClose(analytic, numeric, 'float64', name, 1e4); // central differences: ~1e-8 absolute
    });
  }

  it('nllLoss with weights and ignored targets', () => {
    const p = randomProblem(5, 'float64', 4, 3, []);
    const analytic = nllLossWithGrad(p.input, p.target, { weight: p.weight }).grad.data;
    const numeric = finiteDifference((x) => nllLoss({ data: x, shape: p.input.shape }, p.target, { weight: p.weight }) as number, Float64Array.from(p.input.data));
    expectClose(analytic, numeric, 'float64', 'nll', 1e4);
  });
});

describe('cross-entropy: options and semantics', () => {
  const input = { data: new Float32Array([1, 2, 3, 0.5, -1, 2]), shape: [2, 3] };

  it('gradOutput scales the gradient: a number for mean, a tensor for none', () => {
    const g1 = crossEntropyWithGrad(input, [0, 2]).grad.data;
    const g3 = crossEntropyWithGrad(input, [0, 2], { gradOutput: 3 }).grad.data;
    expectClose(g3, Array.from(g1, (v) => 3 * v), 'float32', 'scalar gradOutput');
    const none = crossEntropyWithGrad(input, [0, 2], { reduction: 'none', gradOutput: new Float32Array([2, 0]) });
    expectClose(none.grad.data.subarray(0, 3), Array.from(crossEntropyWithGrad(input, [0, 2], { reduction: 'sum' }).grad.data.subarray(0, 3), (v) => 2 * v), 'float32', 'row 0');
    expect(Array.from(none.grad.data.subarray(3))).toEqual([0, 0, 0]);
  });

  it('accepts number[], BigInt64Array and every integer typed array as targets', () => {
    const want = crossEntropy(input, new Int32Array([0, 2]));
    for (const t of [[0, 2], new BigInt64Array([0n, 2n]), new Uint8Array([0, 2]), new Int16Array([0, 2]), new Uint32Array([0, 2])]) {
      expect(crossEntropy(input, t as unknown as Int32Array)).toBe(want);
    }
  });

  it('takes an unbatched (C) input with a 0-d target', () => {
    const x = new Float64Array([0.2, 1.5, -0.3]);
    const want = -(1.5 - Math.log(Math.exp(0.2) + Math.exp(1.5) + Math.exp(-0.3)));
    expectClose([crossEntropy(x, { data: [1], shape: [] }) as number], [want], 'float64', 'unbatched');
    const none = crossEntropy(x, { data: [1], shape: [] }, { reduction: 'none' }) as Tensor;
    expect(none.shape).toEqual([]);
  });

  it('every target ignored: mean is NaN, sum is 0, gradient 0', () => {
    expect(crossEntropy(input, [-100, -100])).toBeNaN();
    expect(crossEntropy(input, [-100, -100], { reduction: 'sum' })).toBe(0);
    expect(Array.from(crossEntropyWithGrad(input, [-100, -100]).grad.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('ignoreIndex may be a valid class for nllLoss', () => {
    const lp = { data: new Float64Array([-1, -2, -3, -4, -5, -6]), shape: [2, 3] };
    expect(nllLoss(lp, [1, 2], { ignoreIndex: 1 })).toBe(6);
  });

  it('views with a byteOffset and SharedArrayBuffer-backed arrays give the same result, inputs untouched', () => {
    const buf = new Float32Array(10);
    buf.set(input.data, 3);
    const view = buf.subarray(3, 9);
    const shared = new Float32Array(new SharedArrayBuffer(24));
    shared.set(input.data);
    const want = crossEntropyWithGrad(input, [1, 0], { labelSmoothing: 0.1 });
    for (const data of [view, shared]) {
      const before = Array.from(data);
      const got = crossEntropyWithGrad({ data, shape: [2, 3] }, [1, 0], { labelSmoothing: 0.1 });
      expect(got.loss).toBe(want.loss);
      expect(Array.from(got.grad.data)).toEqual(Array.from(want.grad.data));
      expect(Array.from(data)).toEqual(before);
    }
    expect(Array.from(buf.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('Int32Array targets (read in place when unshared) are never written, ignored entries included', () => {
    // 4 and 9 rows: the short-row path's blocks of 4 rows and its remainder
    for (const N of [4, 9]) {
      const random = rng(N);
      const x = { data: randomFloats('float32', N * 5, random), shape: [N, 5] };
      const labels = Int32Array.from({ length: N }, (_, i) => (i % 3 === 1 ? -100 : i % 5));
      const plainLabels = Array.from(labels);
      const shared = new Int32Array(new SharedArrayBuffer(4 * N));
      shared.set(labels);
      const want = crossEntropyWithGrad(x, plainLabels);
      for (const t of [labels, shared, labels.subarray(0)]) {
        const got = crossEntropyWithGrad(x, t);
        expect(got.loss).toBe(want.loss);
        expect(Array.from(got.grad.data)).toEqual(Array.from(want.grad.data));
        expect(Array.from(t)).toEqual(plainLabels);
      }
      // a negative class that is not ignoreIndex is still refused
      const bad = labels.slice();
      bad[N - 1] = -1;
      expect(() => crossEntropy(x, bad)).toThrow(/Target -1 is out of bounds/);
    }
  });

  it('NaN and +Infinity logits give NaN for their row, -Infinity (not the target) is fine', () => {
    const x = { data: new Float64Array([NaN, 0, 1, Infinity, 0, 1, -Infinity, 0, 1]), shape: [3, 3] };
    const r = crossEntropy(x, [1, 1, 1], { reduction: 'none' }) as Tensor;
    expect(r.data[0]).toBeNaN();
    expect(r.data[1]).toBeNaN();
    expect(r.data[2]).toBeCloseTo(Math.log(1 + Math.E) - 0, 12);
  });
});

describe('cross-entropy: bad input', () => {
  const x = { data: new Float32Array(6), shape: [2, 3] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['input not an array', () => crossEntropy('1, 2, 3' as unknown as Float32Array, [0]), TypeError, /input must be a Float32Array/],
    ['integer input', () => crossEntropy(new Int32Array(3) as unknown as Float32Array, [0]), TypeError, /input must be/],
    ['data/shape mismatch', () => crossEntropy({ data: new Float32Array(5), shape: [2, 3] }, [0, 1]), RangeError, /input.shape \[2, 3\] holds 6 elements but input.data has 5/],
    ['negative dim', () => crossEntropy({ data: new Float32Array(6), shape: [2, -3] }, [0, 1]), RangeError, /input.shape\[1\] must be a non-negative integer; got -3/],
    ['fractional dim', () => crossEntropy({ data: new Float32Array(6), shape: [2, 1.5] }, [0, 1]), RangeError, /shape\[1\]/],
    ['target out of bounds', () => crossEntropy(x, [0, 7]), RangeError, /Target 7 is out of bounds/],
    ['negative target', () => crossEntropy(x, [0, -1]), RangeError, /Target -1 is out of bounds/],
    ['fractional target', () => crossEntropy(x, [0, 1.5]), RangeError, /target\[1\] must be an integer class index; got 1.5/],
    ['float target of index shape', () => crossEntropy(x, new Float32Array(2)), RangeError, /class probabilities and must have the input's shape/],
    ['batch mismatch', () => crossEntropy(x, [0, 1, 2]), RangeError, /Expected input batch_size \(2\) to match target batch_size \(3\)/],
    ['mixed dtypes', () => crossEntropy(x, [0, 1], { weight: new Float64Array(3) }), TypeError, /share one dtype.*options.weight is Float64Array/],
    ['weight length', () => crossEntropy(x, [0, 1], { weight: new Float32Array(4) }), RangeError, /options.weight must have shape \[3\].*got \[4\]/],
    ['reduction', () => crossEntropy(x, [0, 1], { reduction: 'avg' as 'mean' }), RangeError, /options.reduction must be one of 'mean', 'sum', 'none'; got 'avg'/],
    ['labelSmoothing > 1', () => crossEntropy(x, [0, 1], { labelSmoothing: 1.5 }), RangeError, /labelSmoothing must be a number in \[0, 1\]; got 1.5/],
    ['labelSmoothing < 0', () => crossEntropy(x, [0, 1], { labelSmoothing: -0.1 }), RangeError, /labelSmoothing/],
    ['snake_case option', () => crossEntropy(x, [0, 1], { ignore_index: 0 } as object), TypeError, /unknown option 'ignore_index'/],
    ['0-d input', () => crossEntropy({ data: new Float32Array(1), shape: [] }, [0]), RangeError, /1 or more dimensions/],
    ['ignoreIndex with probabilities', () => crossEntropy(x, { data: new Float32Array(6), shape: [2, 3] }, { ignoreIndex: 0 }), RangeError, /ignoreIndex is not supported for probability targets/],
    ['gradOutput shape', () => crossEntropyWithGrad(x, [0, 1], { reduction: 'none', gradOutput: { data: new Float32Array(3), shape: [3] } }), RangeError, /gradOutput must have the result's shape \[2\]/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('the next call after an error is right', () => {
    const good = crossEntropy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, [2, 0]);
    expect(() => crossEntropy(x, [0, 9])).toThrow(RangeError);
    expect(crossEntropy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, [2, 0])).toBe(good);
  });
});
