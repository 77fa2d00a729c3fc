import { describe, expect, it } from 'vitest';
import {
  diceLoss, diceLossWithGrad, generalizedDiceLoss, generalizedDiceLossWithGrad, getMemoryLimit, setBackend, setMemoryLimit, tverskyLoss, tverskyLossWithGrad,
} from '../src/index';
import type { Tensor, WithGrad } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { finiteDifference, randomFloats, rng } from './helpers/numeric';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';

const fns = { diceLoss, diceLossWithGrad, generalizedDiceLoss, generalizedDiceLossWithGrad, tverskyLoss, tverskyLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;
type WithGradFn = (x: unknown, t: unknown, o?: Record<string, unknown>) => WithGrad;
type LossFn = (x: unknown, t: unknown, o?: Record<string, unknown>) => number | Tensor;
const withGradOf: Record<string, WithGradFn> = { diceLoss: diceLossWithGrad as WithGradFn, generalizedDiceLoss: generalizedDiceLossWithGrad as WithGradFn, tverskyLoss: tverskyLossWithGrad as WithGradFn };
const lossOf: Record<string, LossFn> = { diceLoss: diceLoss as LossFn, generalizedDiceLoss: generalizedDiceLoss as LossFn, tverskyLoss: tverskyLoss as LossFn };
const NAMES = ['diceLoss', 'generalizedDiceLoss', 'tverskyLoss'];

// MONAI's errors (ValueError, AssertionError, one_hot's RuntimeError) are RangeErrors here.
fixtureSuite('dice', fns, { throws: RangeError });

/** Random labels in [0, C). */
const labelsOf = (n: number, C: number, random: () => number) => Int32Array.from({ length: n }, () => Math.floor(random() * C) % C);

describe('dice: wasm kernels match the float64 reference', () => {
  // spatial sizes around the f64x2 width, odd ones for the scalar tails, and a large one
  // [2, 3, 64, 96] runs in spatial chunks (two per batch item); [1, 2, 8209] is a prime too long for one chunk
  const SHAPES = [[1, 1, 1], [2, 3, 5], [1, 4, 2, 3], [3, 2, 17], [2, 5, 4, 4, 3], [1, 3, 1031], [2, 2, 0], [2, 3, 64, 96], [1, 2, 8209]];
  const OPTIONS: Record<string, unknown>[] = [
    {}, { sigmoid: true }, { softmax: true }, { softmax: true, includeBackground: false }, { squaredPred: true, sigmoid: true }, { jaccard: true },
    { batch: true, softmax: true }, { wType: 'simple' }, { alpha: 0.2, beta: 0.9 },
  ];
  for (const dtype of DTYPES) {
    for (const shape of SHAPES) {
      it(`${dtype} shape [${shape}]: every function, float and one-hot targets, every reduction`, () => {
        const random = rng(shape.reduce((a, b) => a * 7 + b, 11));
        const [B, C] = shape;
        const n = shape.reduce((a, b) => a * b, 1);
        const S = n / Math.max(B * C, 1) || 0;
        const x = { data: randomFloats(dtype, n, random, -4, 4), shape };
        const soft = { data: randomFloats(dtype, n, random, 0, 1), shape };
        // degenerate values: a class with no target, a saturated logit
        for (let i = 0; i < Math.min(S, n); i++) soft.data[i] = 0;
        if (n > 2) x.data[1] = 40;
        const labels = { data: labelsOf(B * (S || 0), C, random), shape: [B, 1, ...shape.slice(2)] };
        for (const name of NAMES) {
          for (const o of OPTIONS) {
            if ('squaredPred' in o || 'jaccard' in o) { if (name !== 'diceLoss') continue; }
            if ('wType' in o && name !== 'generalizedDiceLoss') continue;
            if ('alpha' in o && name !== 'tverskyLoss') continue;
            for (const reduction of ['mean', 'sum', 'none'] as const) {
              for (const [tname, target, extra] of [['float', soft, {}], ['one-hot', labels, { toOnehotY: true }]] as const) {
                const up = reduction === 'none' ? { gradOutput: randomUpstream(lossOf[name](x, target, { ...o, ...extra, reduction }) as Tensor, random) } : {};
                const [a, b] = onBothBackends(() => withGradOf[name](x, target, { ...o, ...extra, reduction, ...up }));
                expectSameResult(a, b, dtype, `${name} ${JSON.stringify(o)} ${tname} ${reduction}`);
              }
            }
          }
        }
      });
    }
  }
});

function randomUpstream(t: Tensor, random: () => number): Tensor {
  return { data: t.data instanceof Float32Array ? randomFloats('float32', t.data.length, random, -1, 1) : randomFloats('float64', t.data.length, random, -1, 1), shape: t.shape };
}

describe('dice: gradients match finite differences', () => {
  const shape = [2, 3, 5];
  const random = rng(2201);
  const x = randomFloats('float64', 30, random, -2, 2) as Float64Array;
  const t = randomFloats('float64', 30, random, 0.1, 1) as Float64Array;
  const cases: Array<[string, Record<string, unknown>]> = [
    ['diceLoss', { softmax: true, includeBackground: false }], ['diceLoss', { sigmoid: true, squaredPred: true, jaccard: true }],
    ['diceLoss', { batch: true, weight: [0.5, 1, 2] }], ['tverskyLoss', { softmax: true, alpha: 0.3, beta: 0.8 }],
    ['generalizedDiceLoss', { sigmoid: true }], ['generalizedDiceLoss', { wType: 'simple', batch: true }],
  ];
  for (const [name, o] of cases) {
    it(`${name} ${JSON.stringify(o)}: input and target`, () => {
      const opts = { ...o, reduction: 'sum' };
      for (const r of onBothBackends(() => withGradOf[name]({ data: x, shape }, { data: t, shape }, opts))) {
        const f = (a: Float64Array, b: Float64Array) => lossOf[name]({ data: a, shape }, { data: b, shape }, opts) as number;
        expectClose(r.grads[0].data, finiteDifference((v) => f(v, t), Float64Array.from(x)), 'float64', 'dInput', 1e4);
        // the generalized Dice weights are float32 (MONAI's): steps of 1e-3, not 1e-6, and 1e-5 of tolerance
        const gdl = name === 'generalizedDiceLoss';
        expectClose(r.grads[1].data, finiteDifference((v) => f(x, v), Float64Array.from(t), gdl ? 1e-3 : 1e-6), 'float64', 'dTarget', gdl ? 1e7 : 1e4);
      }
    });
  }
});

describe('dice: semantics', () => {
  const x = { data: new Float64Array([0.9, 0.8, 0.1, 0.2]), shape: [1, 1, 4] };
  const t = { data: new Float64Array([1, 1, 0, 0]), shape: [1, 1, 4] };

  it('diceLoss from its formula, and the Jaccard form (2I + nr)/(2(G + P − I) + dr)', () => {
    expect(diceLoss(x, t)).toBeCloseTo(1 - (3.4 + 1e-5) / (4 + 1e-5), 14);
    expect(diceLoss(x, t, { jaccard: true })).toBeCloseTo(1 - (3.4 + 1e-5) / (2 * (4 - 1.7) + 1e-5), 14);
  });

  it('one channel: softmax, toOnehotY and includeBackground: false are ignored, as MONAI', () => {
    const plain = diceLoss(x, t);
    expect(diceLoss(x, t, { softmax: true, toOnehotY: true, includeBackground: false })).toBe(plain);
  });

  it("weight is ignored when one class is kept (even a wrong one), checked when more are", () => {
    const two = { data: new Float64Array([0.9, 0.1, 0.2, 0.8]), shape: [1, 2, 2] };
    const labels = { data: new Int32Array([0, 1]), shape: [1, 1, 2] };
    const kept = diceLoss(two, labels, { toOnehotY: true, includeBackground: false });
    expect(diceLoss(two, labels, { toOnehotY: true, includeBackground: false, weight: [5, 6, 7] })).toBe(kept);
    expect(() => diceLoss(two, labels, { toOnehotY: true, weight: [5, 6, 7] })).toThrow(/options.weight must hold one weight per class kept \(2/);
  });

  it("'none' has MONAI's shapes", () => {
    const a = { data: new Float32Array(2 * 3 * 4 * 5), shape: [2, 3, 4, 5] };
    const b = { data: new Float32Array(2 * 3 * 4 * 5), shape: [2, 3, 4, 5] };
    expect((diceLoss(a, b, { reduction: 'none' }) as Tensor).shape).toEqual([2, 3, 1, 1]);
    expect((diceLoss(a, b, { reduction: 'none', batch: true, includeBackground: false }) as Tensor).shape).toEqual([2, 1, 1]);
    expect((generalizedDiceLoss(a, b, { reduction: 'none' }) as Tensor).shape).toEqual([2, 1, 1, 1]);
    expect((generalizedDiceLoss(a, b, { reduction: 'none', batch: true }) as Tensor).shape).toEqual([1, 1, 1]);
    expect((tverskyLoss(a, b, { reduction: 'none' }) as Tensor).shape).toEqual([2, 3]);
    expect((tverskyLoss(a, b, { reduction: 'none', batch: true }) as Tensor).shape).toEqual([3]);
  });

  it('an integer target gets no gradient; a float one does', () => {
    expect(diceLossWithGrad(x, { data: new Int32Array([1, 1, 0, 0]), shape: [1, 1, 4] }).grads.length).toBe(1);
    expect(diceLossWithGrad(x, t).grads.length).toBe(2);
  });

  it('a volume far larger than the memory limit runs, in spatial chunks', () => {
    const shape = [1, 2, 512, 512]; // 4 MiB of float64 per channel pair: one item whole would need 16 MiB of wasm memory
    const random = rng(2203);
    const x = { data: randomFloats('float32', 2 * 512 * 512, random), shape };
    const labels = { data: labelsOf(512 * 512, 2, random), shape: [1, 1, 512, 512] };
    const limit = getMemoryLimit();
    setMemoryLimit(2 * 1024 * 1024);
    try {
      const [a, b] = onBothBackends(() => diceLossWithGrad(x, labels, { softmax: true, toOnehotY: true }));
      expectSameResult(a, b, 'float32', 'chunked');
    } finally {
      setMemoryLimit(limit);
    }
  });

  it('no input is mutated', () => {
    const xs = { data: Float32Array.from([1, -2, 0.5, 3, 0, -1]), shape: [1, 2, 3] };
    const ts = { data: Float32Array.from([1, 0, 1, 0, 1, 0]), shape: [1, 2, 3] };
    const copies = [xs.data.slice(), ts.data.slice()];
    for (const name of NAMES) withGradOf[name](xs, ts, { softmax: true, reduction: 'none' });
    expect(xs.data).toEqual(copies[0]);
    expect(ts.data).toEqual(copies[1]);
  });
});

describe('dice: bad input', () => {
  const x = { data: new Float32Array(12), shape: [2, 3, 2] };
  const t = { data: new Float32Array(12), shape: [2, 3, 2] };
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['sigmoid and softmax', () => diceLoss(x, t, { sigmoid: true, softmax: true }), RangeError, /diceLoss: options.sigmoid and options.softmax cannot both be true/],
    ['no spatial dim', () => tverskyLoss({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(6), shape: [2, 3] }), RangeError, /tverskyLoss: input must have shape \(B, C, spatial…\).*got \[2, 3\]/],
    ['target shape', () => generalizedDiceLoss(x, { data: new Float32Array(8), shape: [2, 2, 2] }), RangeError, /target must have the input's shape \[2, 3, 2\].*got \[2, 2, 2\]/],
    ['one-hot target shape', () => diceLoss(x, t, { toOnehotY: true }), RangeError, /toOnehotY the target holds class indices and must have shape \[2, 1, 2\]; got \[2, 3, 2\]/],
    ['class index out of range', () => diceLoss(x, { data: new Int32Array([0, 1, 3, 0]), shape: [2, 1, 2] }, { toOnehotY: true }), RangeError, /target\[2\] is 3; class indices must be in \[0, 3\)/],
    ['negative weight', () => diceLoss(x, t, { weight: [1, -1, 1] }), RangeError, /options.weight must be >= 0/],
    ['wType', () => generalizedDiceLoss(x, t, { wType: 'cubic' as 'square' }), RangeError, /options.wType must be one of 'square', 'simple', 'uniform'; got 'cubic'/],
    ['boolean option', () => diceLoss(x, t, { sigmoid: 1 as unknown as boolean }), TypeError, /diceLoss: options.sigmoid must be a boolean; got 1/],
    ['alpha', () => tverskyLoss(x, t, { alpha: Infinity }), RangeError, /options.alpha must be a finite number/],
    ['an option of another function', () => tverskyLoss(x, t, { jaccard: true } as never), TypeError, /unknown option 'jaccard'/],
    ['snake_case', () => diceLoss(x, t, { smooth_nr: 0 } as never), TypeError, /did you mean 'smoothNr'/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => diceLoss(x, { data: new Float64Array(12), shape: [2, 3, 2] }), TypeError, /share one dtype/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('the js backend throws the same', () => {
    setBackend('js');
    try {
      expect(() => diceLoss(x, t, { sigmoid: true, softmax: true })).toThrow(RangeError);
    } finally {
      setBackend('wasm-simd');
    }
  });
});
