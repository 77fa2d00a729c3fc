import { afterEach, describe, expect, it } from 'vitest';
import { cosineEmbeddingLoss, cosineEmbeddingLossWithGrad, cosineSimilarity, cosineSimilarityWithGrad, setBackend } from '../src/index';
import type { Tensor } from '../src/types';
import { caseScale, expectClose } from './helpers/fixtures';
import { DTYPES, expectSameResult, fixtureSuite, onBothBackends } from './helpers/suites';
import { KERNEL_SIZES, finiteDifference, randomFloats, rng } from './helpers/numeric';

const fns = { cosineSimilarity, cosineSimilarityWithGrad, cosineEmbeddingLoss, cosineEmbeddingLossWithGrad } as Record<string, (...a: unknown[]) => unknown>;

afterEach(() => setBackend('wasm-simd'));

// The near-zero case divides by eps = 1e-8: its gradient is ~1e8 and float32 keeps ~7 digits.
fixtureSuite('cosine-similarity', fns, { throws: RangeError, scale: (c) => caseScale(c) * (c.name.includes('near-zero') ? 1e8 : 1) });

describe('cosine-similarity: wasm kernels match the float64 reference', () => {
  for (const dtype of DTYPES) {
    for (const D of KERNEL_SIZES.filter((d) => d > 0)) {
      it(`${dtype} D=${D}, dim 1 and dim 0, broadcast`, () => {
        const random = rng(D + 3);
        const a = { data: randomFloats(dtype, 3 * D, random), shape: [3, D] };
        const b = { data: randomFloats(dtype, D, random), shape: [1, D] };
        for (const dim of [1, 0]) {
          const outLen = dim === 1 ? 3 : D;
          const gradOutput = { data: randomFloats(dtype, outLen, random), shape: [outLen] };
          setBackend('wasm-simd');
          const x = cosineSimilarityWithGrad(a, b, { dim, gradOutput });
          setBackend('js');
          const y = cosineSimilarityWithGrad(a, b, { dim, gradOutput });
          setBackend('wasm-simd');
          expectClose(x.loss.data, y.loss.data, dtype, `D=${D} dim=${dim}`, 10);
          expectClose(x.grads[0].data, y.grads[0].data, dtype, `dx1 D=${D} dim=${dim}`, 10);
          expectClose(x.grads[1].data, y.grads[1].data, dtype, `dx2 D=${D} dim=${dim}`, 10);
          expect(x.grads[1].shape).toEqual([1, D]);
        }
      });
    }
  }
});

describe('cosine-similarity: gradients match finite differences of the reference', () => {
  it('dim 2 of a 3-D input, both arguments', () => {
    const random = rng(5);
    const shape = [2, 3, 4];
    const a = randomFloats('float64', 24, random) as Float64Array;
    const b = randomFloats('float64', 24, random) as Float64Array;
    const g = randomFloats('float64', 6, random);
    const r = cosineSimilarityWithGrad({ data: a, shape }, { data: b, shape }, { dim: 2, gradOutput: { data: g, shape: [2, 3] } });
    setBackend('js');
    const f = (x: Float64Array, y: Float64Array) => {
      const out = cosineSimilarity({ data: x, shape }, { data: y, shape }, { dim: 2 }).data;
      let s = 0;
      for (let i = 0; i < out.length; i++) s += out[i] * g[i];
      return s;
    };
    expectClose(r.grads[0].data, finiteDifference((x) => f(x, b), Float64Array.from(a)), 'float64', 'dx1', 1e4);
    expectClose(r.grads[1].data, finiteDifference((y) => f(a, y), Float64Array.from(b)), 'float64', 'dx2', 1e4);
  });
});

describe('cosine-similarity: bad input', () => {
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['default dim 1 on 1-D inputs', () => cosineSimilarity(new Float32Array(3), new Float32Array(3)), RangeError, /options.dim must be an integer in \[-1, 0\] for a 1-D input; got 1/],
    ['shapes that do not broadcast', () => cosineSimilarity({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(4), shape: [2, 2] }), RangeError, /do not broadcast/],
    ['negative eps', () => cosineSimilarity(new Float32Array(3), new Float32Array(3), { dim: 0, eps: -1 }), RangeError, /options.eps must be a finite number >= 0/],
    // @ts-expect-error the types refuse mixed dtypes too; this checks the run-time error
    ['mixed dtypes', () => cosineSimilarity(new Float32Array(3), new Float64Array(3), { dim: 0 }), TypeError, /share one dtype/],
    ['gradOutput shape', () => cosineSimilarityWithGrad({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(6), shape: [2, 3] }, { gradOutput: { data: new Float32Array(3), shape: [3] } }), RangeError, /gradOutput must have the result's shape \[2\]/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }

  it('inputs are never written to', () => {
    const a = new Float32Array([1, 2, 3]);
    const b = new Float32Array([3, 2, 1]);
    cosineSimilarityWithGrad(a, b, { dim: 0 });
    expect(Array.from(a)).toEqual([1, 2, 3]);
    expect(Array.from(b)).toEqual([3, 2, 1]);
  });
});

describe('cosineEmbeddingLoss', () => {
  for (const dtype of DTYPES) {
    for (const D of KERNEL_SIZES.filter((d) => d > 0)) {
      it(`${dtype} D=${D}: the kernel matches the reference, every reduction and label`, () => {
        const random = rng(D + 7);
        const a = { data: randomFloats(dtype, 4 * D, random), shape: [4, D] };
        const b = { data: randomFloats(dtype, 4 * D, random), shape: [4, D] };
        const y = new Int32Array([1, -1, -1, 0]);
        const g = randomFloats(dtype, 4, random);
        for (const reduction of ['mean', 'sum', 'none'] as const) {
          const [x, z] = onBothBackends(() => cosineEmbeddingLossWithGrad(a, b, y, { reduction, margin: -0.2, ...(reduction === 'none' ? { gradOutput: g } : {}) }));
          expectSameResult(x, z, dtype, `${reduction}`);
        }
      });
    }
  }

  it('gradients match finite differences of the reference', () => {
    const random = rng(9);
    const shape = [3, 5];
    const a = randomFloats('float64', 15, random) as Float64Array;
    const b = randomFloats('float64', 15, random) as Float64Array;
    const y = new Float64Array([1, -1, -1]);
    const opts = { margin: -0.5, reduction: 'sum' as const };
    const [r] = onBothBackends(() => cosineEmbeddingLossWithGrad({ data: a, shape }, { data: b, shape }, y, opts));
    const f = (x: Float64Array, z: Float64Array) => cosineEmbeddingLoss({ data: x, shape }, { data: z, shape }, y, opts) as number;
    expectClose(r.grads[0].data, finiteDifference((x) => f(x, b), Float64Array.from(a)), 'float64', 'dx1', 1e4);
    expectClose(r.grads[1].data, finiteDifference((z) => f(a, z), Float64Array.from(b)), 'float64', 'dx2', 1e4);
  });

  it('a label other than 1 or -1 contributes 0 (PyTorch), and integer labels equal float labels', () => {
    const a = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
    const b = { data: new Float32Array([2, 1, -3, 4]), shape: [2, 2] };
    expect(Array.from((cosineEmbeddingLoss(a, b, new Float32Array([0, 2]), { reduction: 'none' }) as Tensor).data)).toEqual([0, 0]);
    expect(cosineEmbeddingLoss(a, b, [1, -1])).toBe(cosineEmbeddingLoss(a, b, new Float32Array([1, -1])));
  });

  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['a 2-D target', () => cosineEmbeddingLoss({ data: new Float32Array(4), shape: [2, 2] }, { data: new Float32Array(4), shape: [2, 2] }, { data: new Float32Array(2), shape: [2, 1] }), RangeError, /0D or 1D target tensor expected/],
    ['a 1-D target with 1-D inputs', () => cosineEmbeddingLoss(new Float32Array(3), new Float32Array(3), [1]), RangeError, /1D target tensor expects 2D input tensors, but found inputs with sizes \[3\] and \[3\]/],
    ['a label per row', () => cosineEmbeddingLoss({ data: new Float32Array(4), shape: [2, 2] }, { data: new Float32Array(4), shape: [2, 2] }, [1, 1, 1]), RangeError, /one label per row: expected shape \[2\]/],
    ['margin', () => cosineEmbeddingLoss(new Float32Array(3), new Float32Array(3), { data: [1], shape: [] }, { margin: NaN }), RangeError, /options.margin/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});
