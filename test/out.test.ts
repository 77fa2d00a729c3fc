// options.out (issue 17): every tensor result written into the caller's array or WasmTensor, bit for
// bit the allocating call's values, checked before anything is computed or written.
import { afterEach, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { FUNCTIONS, makeCalls } from './browser/calls.mjs';
import { HALF } from './helpers/numeric';

type Fn = (...args: unknown[]) => unknown;
const fns = sl as unknown as Record<string, Fn>;
/** Functions whose result is a tensor without a reduction. */
const TENSOR_RESULT = new Set(['softmax', 'logSoftmax', 'sigmoid', 'pairwiseDistance', 'cosineSimilarity']);
/** Functions whose result is always a number (no reduction, no options.out): psnrLoss (test/image-quality.test.ts checks it refuses out). */
const SCALAR_ONLY = new Set(['psnrLoss', 'lovaszHingeLoss', 'lovaszSoftmaxLoss']);

afterEach(() => sl.setBackend('wasm-simd'));

/** Every catalogue call with a tensor result: its own, and each loss's with reduction 'none'. */
function tensorCalls(dtype: 'float32' | 'float64'): Array<[string, unknown[]]> {
  const calls = makeCalls(sl, dtype) as Record<string, unknown[][]>;
  const out: Array<[string, unknown[]]> = [];
  for (const name of FUNCTIONS) {
    if (SCALAR_ONLY.has(name)) continue;
    for (const args of calls[name]) {
      const last = args[args.length - 1];
      const hasOptions = last !== null && typeof last === 'object' && !ArrayBuffer.isView(last) && !Array.isArray(last) && !('data' in (last as object));
      const head = hasOptions ? args.slice(0, -1) : args;
      const options = hasOptions ? (last as Record<string, unknown>) : {};
      out.push([name, [...head, TENSOR_RESULT.has(name) ? options : { ...options, reduction: 'none' }]]);
    }
  }
  return out;
}

/** wiseIouLoss v3's forward result is { loss, iouMean }. */
const unwrap = (r: unknown): unknown => (r && typeof r === 'object' && 'iouMean' in r && !('grads' in r) ? (r as unknown as { loss: unknown }).loss : r);

const withOptions = (args: unknown[], extra: Record<string, unknown>) => [...args.slice(0, -1), { ...(args[args.length - 1] as object), ...extra }];

describe('options.out', () => {
  for (const backendName of ['wasm-simd', 'js'] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${backendName} ${dtype}: every tensor result, forward and WithGrad, equals the allocating call's, in the caller's array`, () => {
        sl.setBackend(backendName);
        const Arr = dtype === 'float32' ? Float32Array : Float64Array;
        let checked = 0;
        for (const [name, args] of tensorCalls(dtype)) {
          for (const f of [name, `${name}WithGrad`]) {
            const plain = unwrap(fns[f](...args)) as { data?: unknown; loss?: { data: ArrayLike<number> } };
            const expected = (f === name ? plain : plain.loss) as { data: ArrayLike<number>; shape: number[] };
            const out = new Arr(expected.data.length).fill(-7);
            const got = unwrap(fns[f](...withOptions(args, { out }))) as { data?: unknown; loss?: unknown; grads?: Array<{ data: ArrayLike<number> }> };
            const result = (f === name ? got : got.loss) as { data: ArrayLike<number>; shape: number[] };
            expect(result.data, `${f}`).toBe(out);
            expect(Array.from(out), `${f}`).toEqual(Array.from(expected.data));
            expect(result.shape, `${f}`).toEqual(expected.shape);
            if (f !== name) {
              (plain as { grads: Array<{ data: ArrayLike<number> }> }).grads.forEach((g, i) => expect(Array.from(got.grads![i].data), `${f} grad ${i}`).toEqual(Array.from(g.data)));
            }
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(100);
      });
    }
  }

  it('a WasmTensor out is written in place (softmax, mseLoss none, crossEntropy none), and its neighbours are untouched', () => {
    const x = { data: Float32Array.from({ length: 600 }, (_, i) => Math.sin(i)), shape: [60, 10] };
    const y = { data: Float32Array.from({ length: 600 }, (_, i) => Math.cos(i)), shape: [60, 10] };
    const target = Int32Array.from({ length: 60 }, (_, i) => i % 10);
    const cases: Array<[Fn, unknown[], number]> = [
      [sl.softmax as Fn, [x, {}], 600], [sl.mseLoss as Fn, [x, y, { reduction: 'none' }], 600],
      [sl.crossEntropy as Fn, [x, target, { reduction: 'none' }], 60], [sl.sigmoid as Fn, [x, {}], 600],
    ];
    for (const [f, args, size] of cases) {
      const before = sl.allocTensor('float32', [64]);
      const out = sl.allocTensor('float32', [size]);
      const after = sl.allocTensor('float32', [64]);
      before.data.fill(5);
      after.data.fill(6);
      const expected = (f(...args) as sl.Tensor).data;
      const r = f(...withOptions(args, { out })) as sl.Tensor;
      expect(Array.from(out.data)).toEqual(Array.from(expected));
      expect(r.data).toBe(out.data);
      expect(Array.from(before.data)).toEqual(new Array(64).fill(5));
      expect(Array.from(after.data)).toEqual(new Array(64).fill(6));
      for (const t of [before, out, after]) t.free();
    }
  });

  it('bad out: a clear error naming the function and options.out, and nothing written', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i / 3);
    const y = Float32Array.from({ length: 12 }, (_, i) => 1 - i / 7);
    const bad: Array<[unknown, Record<string, unknown>, RegExp, unknown]> = [
      [new Float32Array(11), { reduction: 'none' }, /mseLoss: options.out holds 11 values; the result has 12/, RangeError],
      [new Float64Array(12), { reduction: 'none' }, /mseLoss: options.out must have the call's dtype \(float32\); got float64/, TypeError],
      [new Float32Array(12), {}, /mseLoss: options.out takes a tensor result, and this call's reduction 'mean' gives a number; use reduction: 'none'/, RangeError],
      [[0, 1], { reduction: 'none' }, HALF ? /mseLoss: options.out must be a Float32Array, Float64Array, Float16Array or WasmTensor; got Array\(2\)/ : /mseLoss: options.out must be a Float32Array, Float64Array or WasmTensor; got Array\(2\)/, TypeError],
    ];
    for (const [out, options, message, type] of bad) {
      const before = ArrayBuffer.isView(out) ? Array.from(out as Float32Array) : null;
      let error: unknown;
      try {
        sl.mseLoss(x, y, { ...options, out } as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(type as ErrorConstructor);
      expect(String((error as Error).message)).toMatch(message);
      if (before) expect(Array.from(out as Float32Array)).toEqual(before);
    }
    // sharing memory with an argument, or with gradInto: refused before any write (gradInto included)
    const into = new Float32Array(12).fill(9);
    expect(() => sl.mseLoss(x, y, { reduction: 'none', out: x })).toThrow(/mseLoss: options.out shares memory with an argument of the call/);
    expect(() => sl.mseLoss(x, y, { reduction: 'none', out: y.subarray(2, 14 - 0).subarray(0, 12 - 2) as never })).toThrow(RangeError);
    expect(() => sl.mseLossWithGrad(x, y, { reduction: 'none', out: into, gradInto: into })).toThrow(/mseLossWithGrad: options.out and options.gradInto share memory/);
    expect(Array.from(into)).toEqual(new Array(12).fill(9));
    const freed = sl.allocTensor('float32', [12]);
    freed.free();
    expect(() => sl.softmax(x, { out: freed })).toThrow(/softmax: options.out is a WasmTensor that was freed/);
    const t = sl.allocTensor('float32', [12]);
    expect(() => sl.softmax(x, { out: t.data })).toThrow(/softmax: options.out is a view of wasm memory; pass the WasmTensor itself/);
    t.free();
    // the next call works
    expect(sl.mseLoss(x, y, { reduction: 'none', out: new Float32Array(12) }).data.length).toBe(12);
  });

  it('types: a call with out: Float32Array returns a tensor over that array', () => {
    const out = new Float32Array(3);
    const r = sl.softmax(new Float32Array([1, 2, 3]), { out });
    const data: Float32Array = r.data;
    expect(data).toBe(out);
    const none = sl.mseLoss(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 5]), { reduction: 'none', out });
    const d2: Float32Array = none.data;
    expect(d2).toBe(out);
    expect(Array.from(out)).toEqual([0, 0, 4]);
  });
});

// A result written into the caller's array is a frozen tensor, the same object call after call for
// the same array and shape (PyTorch's out= returns the tensor it was given), whichever path
// (src/lean.ts or the general one) served the call: a training loop reusing its buffers then leaves
// no garbage for them (test/gc.test.ts).
describe('the tensor over an out or gradInto array', () => {
  const logits = { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), shape: [4, 6] };
  const targets = new Int32Array([0, 5, 2, 3]);

  it('is frozen and the same object for the same array and shape, on the lean and general paths', () => {
    const g = new Float32Array(24);
    const a = sl.crossEntropyWithGrad(logits, targets, { gradInto: g });
    const b = sl.crossEntropyWithGrad(logits, targets, { gradInto: g, labelSmoothing: 0.1 }); // general path
    const c = sl.crossEntropyWithGrad(logits, targets, { gradInto: g });
    expect(a.grad.data).toBe(g);
    expect(b.grad).toBe(a.grad);
    expect(c.grad).toBe(a.grad);
    expect(c.grads[0]).toBe(a.grad);
    expect(Object.isFrozen(a.grad) && Object.isFrozen(a.grad.shape)).toBe(true);
    expect(a.grad.shape).toEqual([4, 6]);
    expect(() => { (a.grad.shape as number[])[0] = 1; }).toThrow(TypeError);
    const out = new Float32Array(24);
    const p = sl.softmax(logits, { out });
    expect(sl.softmax(logits, { out, dim: 1 })).toBe(p);
    expect(sl.logSoftmax(logits, { out })).toBe(p);
    expect(p.data).toBe(out);
  });

  it('is a new tensor when the same array holds another shape, and each shape is right', () => {
    const out = new Float32Array(24);
    const p = sl.softmax(logits, { out });
    const q = sl.softmax({ data: logits.data, shape: [2, 12] }, { out });
    const r = sl.softmax({ data: logits.data, shape: [2, 3, 4] }, { out, dim: 1 }); // general path
    expect(q).not.toBe(p);
    expect(q.shape).toEqual([2, 12]);
    expect(r.shape).toEqual([2, 3, 4]);
    expect(sl.softmax({ data: logits.data, shape: [2, 3, 4] }, { out, dim: 2 })).toBe(r);
    const y = new Float32Array(24);
    const m = sl.mseLossWithGrad(logits.data, y, { gradInto: out, reduction: 'sum' });
    expect(m.grad.shape).toEqual([24]);
    expect(sl.mseLossWithGrad(logits.data, y, { gradInto: out }).grad).toBe(m.grad);
  });

  it('is a new tensor over a WasmTensor target each call (its view is re-made when memory grows)', () => {
    const t = sl.allocTensor('float32', [4, 6]);
    try {
      const a = sl.crossEntropyWithGrad(logits, targets, { gradInto: t });
      const b = sl.crossEntropyWithGrad(logits, targets, { gradInto: t });
      expect(b.grad === a.grad).toBe(false); // (not toBe: its diff would read a.grad's view, detached when memory grew)
      expect(Array.from(b.grad.data)).toEqual(Array.from(t.data));
    } finally {
      t.free();
    }
  });
});
