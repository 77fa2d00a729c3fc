// Inputs people pass: number[] and nested arrays (one dtype rule), ndarray-style views with
// stride/offset, and tensors of other libraries (a message saying how to pass them).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import {
  binaryCrossEntropyWithLogits, crossEntropy, crossEntropyWithGrad, mseLoss, mseLossWithGrad, multilabelMarginLoss, nllLoss, softmax,
} from '../src/index';
import type { Tensor } from '../src/types';
import { encode, FUNCTIONS, makeCalls } from './browser/calls.mjs';
import { HALF } from './helpers/numeric';

type Fn = (...args: unknown[]) => unknown;
const api = sl as unknown as Record<string, Fn>;

/** A tensor's values as nested plain arrays of its shape (a 0-d tensor stays a tensor: no plain form). */
function nested(data: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return { data: [data[0]], shape: [] };
  const build = (at: number, dim: number): unknown => {
    if (dim === shape.length - 1) return Array.from({ length: shape[dim] }, (_, i) => data[at + i]);
    const step = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) => build(at + i * step, dim + 1));
  };
  return build(0, 0);
}

const isTyped = (v: unknown): v is Float32Array | Float64Array | Int32Array => ArrayBuffer.isView(v) && !(v instanceof DataView);
const isTensor = (v: unknown): v is Tensor<ArrayLike<number>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !isTyped(v) && 'data' in v && 'shape' in v && !(v instanceof sl.WasmTensor);

/** The same argument with its numbers as plain arrays (nested to its shape); anything else unchanged. */
function plain(v: unknown): unknown {
  if (isTyped(v)) return Array.from(v);
  if (isTensor(v) && isTyped(v.data)) return nested(v.data, v.shape);
  return v;
}

/** Options with their tensor values (weight, posWeight) as plain arrays. */
function plainOptions(o: unknown): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o) || isTyped(o) || isTensor(o)) return plain(o);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]));
}

/** The same argument with its float values rounded to float32 (what a plain array becomes in a call with no typed float). */
function toFloat32(v: unknown): unknown {
  if (v instanceof Float64Array) return Float32Array.from(v);
  if (isTensor(v) && v.data instanceof Float64Array) return { data: Float32Array.from(v.data), shape: v.shape };
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isTyped(v) && !isTensor(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toFloat32(x)]));
  }
  return v;
}

const run = (name: string, args: unknown[]) => {
  const g = api[`${name}WithGrad`](...args) as { loss: unknown; grads: unknown[] };
  return { loss: encode(api[name](...args)), withGrad: { loss: encode(g.loss), grads: g.grads.map(encode) } };
};

describe('plain arrays for every float argument, in every function', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const calls = makeCalls(sl, dtype);
    for (const name of FUNCTIONS) {
      calls[name].forEach((args, i) => {
        it(`${dtype} ${name} #${i}: all plain computes in float32, as the typed call with float32 arrays`, () => {
          const allPlain = args.map((a, k) => (k === args.length - 1 ? plainOptions(a) : plain(a)));
          expect(run(name, allPlain)).toEqual(run(name, args.map(toFloat32)));
        });
        it(`${dtype} ${name} #${i}: plain arrays beside one typed argument take its dtype`, () => {
          // the first argument stays typed; every other float argument (and option) is plain
          const mixed = args.map((a, k) => (k === 0 ? a : k === args.length - 1 ? plainOptions(a) : plain(a)));
          expect(run(name, mixed)).toEqual(run(name, args));
        });
      });
    }
  }
});

describe('plain arrays: the dtype rule', () => {
  it('no typed float argument: float32 results and gradients', () => {
    const r = mseLossWithGrad([[1, 2], [3, 4]], [[0.1, 0.2], [0.3, 0.4]], { reduction: 'none' });
    expect((r.loss as Tensor).data).toBeInstanceOf(Float32Array);
    expect((r.loss as Tensor).shape).toEqual([2, 2]);
    expect(r.grads[0].data).toBeInstanceOf(Float32Array);
    expect(r.grads[1].data).toBeInstanceOf(Float32Array);
    expect(mseLoss([1, 2], [0.1, 0.2])).toBe(Math.fround((Math.fround(0.9) ** 2 + Math.fround(1.8) ** 2) / 2));
  });

  it('a Float64Array anywhere in the call (a later argument, an option) makes the plain arrays float64', () => {
    expect((mseLoss([0.1, 0.2], new Float64Array([0, 0]), { reduction: 'none' }) as Tensor).data).toEqual(new Float64Array([0.1 ** 2, 0.2 ** 2]));
    const w = new Float64Array([1, 2, 3]);
    const ce = crossEntropy([[0.1, 0.2, 0.3]], [2], { weight: w });
    expect(ce).toBe(crossEntropy({ data: new Float64Array([0.1, 0.2, 0.3]), shape: [1, 3] }, [2], { weight: w }));
    const g = mseLossWithGrad([0.5], [0.25], { reduction: 'none', gradOutput: new Float64Array([2]) });
    expect(g.grad.data).toEqual(new Float64Array([2 * 2 * 0.25]));
    const into = new Float64Array(1);
    expect(mseLossWithGrad([0.5], [0.25], { gradInto: into }).grad.data).toBe(into);
  });

  it('typed arguments of two dtypes are still refused, naming the dtypes', () => {
    expect(() => mseLoss(new Float32Array(2), new Float64Array(2) as never)).toThrow(/share one dtype; the call's is Float32Array .* target is Float64Array/);
    const q = { data: new Float32Array([0.5, 0.5]), shape: [1, 2] };
    expect(() => crossEntropy([[1, 2]], q, { weight: new Float64Array(2) })).toThrow(/share one dtype; the call's is Float32Array .* options.weight is Float64Array/);
  });

  it('nested arrays give the shape; typed rows are rows', () => {
    const rows = [new Float32Array([1, 2, 3]), new Float32Array([3, 2, 1])];
    expect(softmax(rows)).toEqual(softmax({ data: new Float32Array([1, 2, 3, 3, 2, 1]), shape: [2, 3] }));
    expect(softmax([[[1, 2]], [[3, 4]]]).shape).toEqual([2, 1, 2]);
    expect(softmax([]).shape).toEqual([0]);
    expect(softmax([[], []]).shape).toEqual([2, 0]);
  });

  it('a tensor-like with number[] data', () => {
    expect(softmax({ data: [1, 2, 3, 4], shape: [2, 2] })).toEqual(softmax({ data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] }));
    expect(() => softmax({ data: [1, 'a'], shape: [2] } as never)).toThrow(/softmax: input.data\[1\] must be a number; got 'a'/);
  });

  it('crossEntropy: a plain target of the input\'s shape holds probabilities, any other plain target class indices', () => {
    const x = [[1, 2, 3], [3, 1, 2]];
    const typed = { data: new Float32Array(x.flat()), shape: [2, 3] };
    const q = [[0.2, 0.3, 0.5], [1, 0, 0]];
    expect(crossEntropy(x, q)).toBe(crossEntropy(typed, { data: new Float32Array(q.flat()), shape: [2, 3] }));
    expect(crossEntropy(x, [2, 0])).toBe(crossEntropy(typed, new Int32Array([2, 0])));
    // (2, 1) is neither: the message says what the index shape must be
    expect(() => crossEntropy(x, [[2], [0]] as never)).toThrow(/target must have shape \[2\] for input of shape \[2, 3\]; got \[2, 1\]/);
  });

  it('nested class indices (multilabelMarginLoss, nllLoss over spatial dims)', () => {
    const x = { data: Float32Array.from({ length: 8 }, (_, i) => Math.sin(i)), shape: [2, 4] };
    expect(multilabelMarginLoss(x, [[3, 0, -1, 1], [1, -1, 0, 0]])).toBe(multilabelMarginLoss(x, { data: new Int32Array([3, 0, -1, 1, 1, -1, 0, 0]), shape: [2, 4] }));
    const logp = { data: Float32Array.from({ length: 12 }, (_, i) => -1 - (i % 5) / 7), shape: [1, 3, 2, 2] };
    expect(nllLoss(logp, [[[0, 2], [1, 1]]])).toBe(nllLoss(logp, { data: new Int32Array([0, 2, 1, 1]), shape: [1, 2, 2] }));
  });
});

describe('plain arrays: bad input', () => {
  const cases: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['ragged rows', () => mseLoss([[1, 2], [3]], [[1, 2], [3, 4]]), RangeError, /mseLoss: input is ragged: input\[1\] has 1 elements, not 2 \(shape \[2, 2\]/],
    ['ragged depth', () => mseLoss([[1, 2], 3] as never, [1, 2]), RangeError, /mseLoss: input is ragged: input\[1\] is 3, not an array of 2/],
    ['deeper on one branch', () => softmax([[1, 2], [3, [4]]] as never), RangeError, /softmax: input is ragged: input\[1\]\[1\] is an array/],
    ['ragged target', () => mseLoss([[1, 2], [3, 4]], [[1, 2], [3, 4, 5]]), RangeError, /mseLoss: target is ragged: target\[1\] has 3 elements/],
    ['ragged class indices', () => multilabelMarginLoss([[1, 2], [3, 4]], [[0, 1], [1]]), RangeError, /multilabelMarginLoss: target is ragged/],
    ['a string element', () => mseLoss([1, '2'] as never, [1, 2]), TypeError, /mseLoss: input\[1\] must be a number; got '2'/],
    ['a hole', () => mseLoss([1, , 3] as never, [1, 2, 3]), TypeError, /mseLoss: input\[1\] must be a number; got undefined/], // eslint-disable-line no-sparse-arrays
    ['a BigInt element', () => mseLoss([1n] as never, [1]), TypeError, /input\[0\] must be a number; got 1/],
    ['a plain weight that is ragged', () => binaryCrossEntropyWithLogits([[0, 1]], [[0, 1]], { weight: [[1], [1, 2]] }), RangeError, /options.weight is ragged/],
    ['a single number', () => softmax(3 as never), TypeError, /softmax: input must be .*number\[\].*\(one number: \[x\], or \{ data: \[x\], shape: \[\] \}\); got 3/],
  ];
  for (const [name, call, type, message] of cases) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
});

describe('ndarray-style views: stride and offset are read, never ignored', () => {
  // (a view is rarely a literal: nd() keeps TypeScript from checking the literal's extra fields)
  const nd = (v: Tensor<Float64Array> & { stride?: number[]; strides?: number[]; offset?: number }) => v;
  // a 3×4 matrix, row-major
  const base = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i) * 3);
  const at = (r: number, c: number) => base[r * 4 + c];
  const copy = (rows: number, cols: number, f: (r: number, c: number) => number) => ({
    data: Float64Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols)), shape: [rows, cols],
  });

  it('a transpose (stride [1, 4]) is the transposed matrix', () => {
    const view = { data: base, shape: [4, 3], stride: [1, 4], offset: 0 };
    const expected = copy(4, 3, (r, c) => at(c, r));
    expect(softmax(view, { dim: 1 })).toEqual(softmax(expected, { dim: 1 }));
    expect(crossEntropy(view, [0, 1, 2, 0])).toBe(crossEntropy(expected, [0, 1, 2, 0]));
    const g = crossEntropyWithGrad(view, [0, 1, 2, 0]);
    expect(g.grad).toEqual(crossEntropyWithGrad(expected, [0, 1, 2, 0]).grad); // the view's logical shape, contiguous
  });

  it('a reversed step (negative stride, offset at the last element)', () => {
    const view = { data: base, shape: [12], stride: [-1], offset: 11 };
    const reversed = Float64Array.from(base).reverse();
    expect(softmax(view)).toEqual(softmax(reversed));
    const rows = { data: base, shape: [3, 4], stride: [-4, -1], offset: 11 }; // both dims reversed
    expect(softmax(rows, { dim: 1 })).toEqual(softmax(copy(3, 4, (r, c) => at(2 - r, 3 - c)), { dim: 1 }));
  });

  it('a stepped slice (every other column) and a contiguous block at an offset', () => {
    const every2 = { data: base, shape: [3, 2], stride: [4, 2], offset: 1 };
    expect(mseLoss(every2, { data: new Float64Array(6), shape: [3, 2] }, { reduction: 'none' }))
      .toEqual(mseLoss(copy(3, 2, (r, c) => at(r, 1 + 2 * c)), { data: new Float64Array(6), shape: [3, 2] }, { reduction: 'none' }));
    const rows12 = { data: base, shape: [2, 4], stride: [4, 1], offset: 4 }; // rows 1 and 2: a subarray, no copy needed
    expect(softmax(rows12, { dim: 1 })).toEqual(softmax(copy(2, 4, (r, c) => at(r + 1, c)), { dim: 1 }));
    expect(softmax(nd({ data: base, shape: [2, 4], offset: 4 }), { dim: 1 })).toEqual(softmax(copy(2, 4, (r, c) => at(r + 1, c)), { dim: 1 }));
  });

  it('a strided view of plain numbers and of class indices', () => {
    const view = { data: Array.from(base), shape: [4, 3], stride: [1, 4], offset: 0 };
    const expected = { data: Float32Array.from({ length: 12 }, (_, k) => at(k % 3, Math.floor(k / 3))), shape: [4, 3] };
    expect(softmax(view, { dim: 1 })).toEqual(softmax(expected, { dim: 1 }));
    const logits = copy(4, 3, (r, c) => at(r, c));
    const targets = { data: new Int32Array([9, 2, 9, 1, 9, 0, 9, 2]), shape: [4], stride: [2], offset: 1 };
    expect(crossEntropy(logits, targets)).toBe(crossEntropy(logits, new Int32Array([2, 1, 0, 2])));
  });

  it('the caller\'s data is not written to', () => {
    const before = Float64Array.from(base);
    crossEntropyWithGrad(nd({ data: base, shape: [4, 3], stride: [1, 4], offset: 0 }), [0, 1, 2, 0]);
    expect(base).toEqual(before);
  });

  const bad: Array<[string, () => unknown, ErrorConstructor, RegExp]> = [
    ['a stride past the end', () => softmax(nd({ data: base, shape: [4, 3], stride: [1, 5], offset: 0 })), RangeError, /softmax: input.stride \[1, 5\] and offset 0 reach element 13 of input.data, which has 12/],
    ['a negative stride before the start', () => softmax(nd({ data: base, shape: [12], stride: [-1], offset: 3 })), RangeError, /reach element -8/],
    ['a stride of the wrong length', () => softmax(nd({ data: base, shape: [4, 3], stride: [1] })), TypeError, /input.stride must be an array of 2 integers/],
    ['a fractional offset', () => softmax(nd({ data: base, shape: [12], offset: 0.5 })), TypeError, /input.offset must be a non-negative integer; got 0.5/],
    ['a non-trivial strides field (not ndarray\'s stride)', () => softmax(nd({ data: base, shape: [4, 3], strides: [1, 4] })), TypeError, /input.strides is not supported/],
  ];
  for (const [name, call, type, message] of bad) {
    it(name, () => {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    });
  }
  it('a trivial strides field is fine', () => {
    expect(softmax(nd({ data: base, shape: [3, 4], strides: [4] }))).toEqual(softmax({ data: base, shape: [3, 4] }));
  });
});

describe('tensors of other libraries: the message says how to pass them', () => {
  it('a TensorFlow.js tensor, as input and as class indices', () => {
    const t = tf.tensor2d([[1, 2, 3], [3, 2, 1]]);
    const labels = tf.tensor1d([0, 2], 'int32');
    expect(() => crossEntropy(t as never, [0, 2])).toThrow(/crossEntropy: input is a TensorFlow.js tensor; pass \{ data: t.dataSync\(\), shape: t.shape \}/);
    expect(() => crossEntropy([[1, 2, 3], [3, 2, 1]], labels as never)).toThrow(/crossEntropy: target is a TensorFlow.js tensor/);
    // and the way it says works
    const direct = crossEntropy({ data: t.dataSync() as Float32Array, shape: t.shape }, labels.dataSync() as Int32Array);
    expect(direct).toBe(crossEntropy({ data: new Float32Array([1, 2, 3, 3, 2, 1]), shape: [2, 3] }, [0, 2]));
    const tfLoss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), t).dataSync()[0];
    expect(direct).toBeCloseTo(tfLoss, 5);
  });

  it('an onnxruntime tensor ({ data, dims, type })', () => {
    // the fields of onnxruntime-common's Tensor (onnxruntime-web, -node): dims, not shape
    const ort = { type: 'float32', dims: [2, 3] as readonly number[], data: new Float32Array([1, 2, 3, 3, 2, 1]), size: 6, location: 'cpu' };
    expect(() => softmax(ort as never)).toThrow(/softmax: input looks like an onnxruntime tensor; pass \{ data: t.data, shape: t.dims \}/);
    expect(softmax({ data: ort.data, shape: ort.dims })).toEqual(softmax({ data: new Float32Array([1, 2, 3, 3, 2, 1]), shape: [2, 3] }));
  });
});

describe("the README's mapping from tf.losses (argument order, default reduction)", () => {
  // TF.js computes in float32: agreement to about 6 digits
  const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 5);
  const value = (t: tf.Tensor) => t.dataSync()[0];
  const logits = [[2, 0.5, -1], [0.1, 1.2, 0.3], [-0.5, 0.2, 2.5]];
  const onehot = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const probs = [[0.9, 0.2, 0.4], [0.3, 0.7, 0.05], [0.5, 0.5, 0.99]];
  const labels = [[1, 0, 1], [0, 1, 0], [1, 1, 1]];
  const T = (a: number[][]) => tf.tensor2d(a);

  it('softmaxCrossEntropy(onehot, logits) is crossEntropy(logits, onehot), and with class indices; labelSmoothing the same', () => {
    close(crossEntropy(logits, onehot) as number, value(tf.losses.softmaxCrossEntropy(T(onehot), T(logits))));
    close(crossEntropy(logits, [0, 1, 2]) as number, value(tf.losses.softmaxCrossEntropy(T(onehot), T(logits))));
    close(crossEntropy(logits, [0, 1, 2], { labelSmoothing: 0.2 }) as number, value(tf.losses.softmaxCrossEntropy(T(onehot), T(logits), undefined, 0.2)));
  });
  it('sigmoidCrossEntropy(labels, logits) is binaryCrossEntropyWithLogits(logits, labels); its labelSmoothing smooths the labels', () => {
    close(binaryCrossEntropyWithLogits(logits, labels) as number, value(tf.losses.sigmoidCrossEntropy(T(labels), T(logits))));
    const smoothed = labels.map((r) => r.map((l) => l * 0.8 + 0.1));
    close(binaryCrossEntropyWithLogits(logits, smoothed) as number, value(tf.losses.sigmoidCrossEntropy(T(labels), T(logits), undefined, 0.2)));
  });
  it('logLoss, meanSquaredError, absoluteDifference, huberLoss', () => {
    close(sl.binaryCrossEntropy(probs, labels) as number, value(tf.losses.logLoss(T(labels), T(probs))));
    close(mseLoss(logits, probs) as number, value(tf.losses.meanSquaredError(T(probs), T(logits))));
    close(sl.l1Loss(logits, probs) as number, value(tf.losses.absoluteDifference(T(probs), T(logits))));
    close(sl.huberLoss(logits, probs, { delta: 0.5 }) as number, value(tf.losses.huberLoss(T(probs), T(logits), undefined, 0.5)));
  });
  it('cosineDistance (unit-length inputs) is the mean of 1 - cosineSimilarity', () => {
    const unit = (a: number[][]) => a.map((r) => r.map((v) => v / Math.hypot(...r)));
    const [a, b] = [unit(logits), unit(probs)];
    const cos = sl.cosineSimilarity(a, b, { dim: 1 }).data;
    const mean = Array.from(cos, (c) => 1 - c).reduce((s, v) => s + v, 0) / cos.length;
    close(mean, value(tf.losses.cosineDistance(T(b), T(a), 1)));
  });
});

describe('plain arrays as gradOutput', () => {
  const x = { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] };
  const y = { data: new Float32Array(4), shape: [2, 2] };
  const typed = () => mseLossWithGrad(x, y, { reduction: 'none', gradOutput: { data: new Float32Array([1, 2, 3, 4]), shape: [2, 2] } });
  it('nested, of the result\'s shape', () => {
    expect(mseLossWithGrad(x, y, { reduction: 'none', gradOutput: [[1, 2], [3, 4]] })).toEqual(typed());
  });
  it('flat, like a bare typed array: only the count must match', () => {
    expect(mseLossWithGrad(x, y, { reduction: 'none', gradOutput: [1, 2, 3, 4] })).toEqual(typed());
  });
  it('nested of another shape is refused', () => {
    expect(() => mseLossWithGrad(x, y, { reduction: 'none', gradOutput: [[1, 2, 3, 4]] })).toThrow(/options.gradOutput must have the result's shape \[2, 2\]; got \[1, 4\]/);
  });
});

describe('nested arrays whose rows are typed arrays follow the 1-D rule of their argument (issue 19)', () => {
  it('a float argument takes float rows and refuses integer rows with a TypeError naming the row', () => {
    expect(mseLoss([new Float32Array([1, 2]), new Float32Array([3, 4])], [[0, 0], [0, 0]])).toBe(7.5);
    expect(() => mseLoss([new Uint16Array([1, 2]), new Uint16Array([3, 4])] as never, [[0, 0], [0, 0]]))
      .toThrow(HALF ? /^mseLoss: input\[0\] must be a number\[\] or Float32Array\/Float64Array\/Float16Array row; got Uint16Array\(2\)$/ : /^mseLoss: input\[0\] must be a number\[\] or Float32Array\/Float64Array row; got Uint16Array\(2\)$/);
    expect(() => mseLoss([[1, 2], new Int32Array([3, 4])] as never, [[0, 0], [0, 0]])).toThrow(TypeError);
  });
  it('a class-index argument reads integer rows (BigInt64Array too) and refuses float rows', () => {
    const x = [[1, 2, 3], [3, 1, 2]];
    const plain = multilabelMarginLoss(x, [[1, -1, 0], [2, -1, 0]]);
    expect(multilabelMarginLoss(x, [new Int8Array([1, -1, 0]), new Int8Array([2, -1, 0])])).toBe(plain);
    expect(multilabelMarginLoss(x, [new BigInt64Array([1n, -1n, 0n]), new BigInt64Array([2n, -1n, 0n])])).toBe(plain);
    expect(() => multilabelMarginLoss(x, [new Float32Array([1, -1, 0]), new Float32Array([2, -1, 0])] as never))
      .toThrow(/^multilabelMarginLoss: target\[0\] must be a number\[\] or integer typed array row; got Float32Array\(3\)$/);
  });
});
