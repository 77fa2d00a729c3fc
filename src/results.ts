// A call's results: the loss (a number, or a tensor in options.out), its gradients (in
// options.gradInto's arrays or WasmTensors) and the { loss, grad, grads } of a WithGrad call.
// Where a result is written into the caller's memory, this module checks the target (dtype, size,
// freed, overlaps) before anything is written; option values themselves are checked in
// src/options.ts, which knows nothing of wasm memory.
/**
 * The public result from per-element losses: 'none' gives the tensor (rounded to dtype), 'sum'
 * the total, 'mean' total / denominator (0/0 = NaN, as PyTorch).
 */
export function lossResult(reduction: Reduction, elementLoss: () => ArrayLike<number>, total: number, denominator: number, outShape: readonly number[], dtype: Dtype, out: WriteTarget | null = null): number | Tensor {
  if (reduction === 'none') return placed(out, asResult(elementLoss(), dtype), outShape);
  return roundResult(dtype, reduction === 'sum' ? total : total / denominator);
}

import { rangeError, typeError } from './errors';
import type { CheckedOptions } from './options';
import { asResult, callSpans, callState, callStorage, dtypeOf, isFloatArray, roundResult, spanOf, storageOf, type Span } from './tensor';
import { sameShape, sizeOf, sumToShape } from './shapes';
import type { Dtype, FloatArray, Reduction, Tensor, WithGrad } from './types';
import { WasmTensor } from './wasm/resident';
import { Float16, ownView } from './wasm/views';

/** Converts a float64 (or dtype) gradient to a tensor of the call's result dtype (asResult) and the argument's shape. */
export function gradTensor(grad: ArrayLike<number>, shape: readonly number[], dtype: Dtype): Tensor {
  return { data: asResult(grad, dtype), shape: shape.slice() };
}

/** The gradient for an argument of shape `own` computed over the broadcast `shape`: summed over the copies. */
export function gradForArgument(grad: ArrayLike<number>, shape: readonly number[], own: readonly number[], dtype: Dtype): Tensor {
  return sameShape(own, shape) ? gradTensor(grad, own, dtype) : { data: asResult(sumToShape(grad, shape, own, dtype), dtype), shape: own.slice() };
}

/** Per-element losses as a tensor of the call's result dtype (rounding float64 reference output; asResult). */
export function toDtype(values: ArrayLike<number>, dtype: Dtype): FloatArray {
  return asResult(values, dtype);
}

/** What the internal runners return: the loss, and the gradients when they were asked for. */
export interface LossAndGrads<L = number | Tensor> {
  loss: L;
  grads: Tensor[];
  /** The call's options snapshot (checkOptions): withGrad reads gradInto from it. */
  opts: CheckedOptions;
}

/**
 * A gradInto entry: the caller's array or WasmTensor (returned as the gradient's data), and what
 * the library writes through (its own view of the caller's array, or the WasmTensor).
 */
export class WriteTarget {
  constructor(readonly caller: FloatArray | WasmTensor, readonly target: FloatArray | WasmTensor) {}

  /** The values as an array now (a WasmTensor's current view). */
  get array(): FloatArray {
    return this.target instanceof WasmTensor ? this.target.data : this.target;
  }
}

const overlaps = (a: Span, b: Span) => a.buffer === b.buffer && a.start < b.end && b.start < a.end;

/** options.gradInto as a list, read once per call (a Proxy of a list answers only once). */
const GRAD_INTO = Symbol('gradInto list');

function gradIntoList(opts: CheckedOptions): unknown[] {
  const known = (opts as Record<symbol, unknown>)[GRAD_INTO] as unknown[] | undefined;
  if (known) return known;
  const value = opts.gradInto;
  const list = Array.isArray(value) ? Array.from(value as unknown[]) : value === undefined ? [] : [value];
  (opts as Record<symbol, unknown>)[GRAD_INTO] = list;
  return list;
}

/**
 * A Float32Array, Float64Array or WasmTensor that a call writes a result into (options.gradInto's
 * entries, options.out): of the call's dtype, holding `size` values, not freed, not a view of wasm
 * memory (such a view detaches when the memory grows: the WasmTensor itself is passed instead).
 */
function checkedTarget(fn: string, name: string, t: unknown, dtype: Dtype, size: number, what: string): WriteTarget {
  if (!isFloatArray(t) && !(t instanceof WasmTensor)) throw typeError(fn, name, `a Float32Array, Float64Array${Float16 ? ', Float16Array' : ''} or WasmTensor`, t);
  if (isFloatArray(t) && spanOf(t).buffer === 'wasm') {
    throw new TypeError(`${fn}: ${name} is a view of wasm memory; pass the WasmTensor itself (allocTensor) instead of its .data`);
  }
  const own = storageOf(t), want = callStorage(dtype);
  if (own !== want) throw new TypeError(`${fn}: ${name} must have the call's dtype (${want}); got ${own}`);
  if (t instanceof WasmTensor && t.freed) throw new TypeError(`${fn}: ${name} is a WasmTensor that was freed`);
  const target = t instanceof WasmTensor ? t : ownView(t);
  const holds = target instanceof WasmTensor ? target.size : target.length;
  if (holds !== size) throw rangeError(fn, `${name} holds ${holds} values; ${what} has ${size}`);
  return new WriteTarget(t, target);
}

/**
 * options.out: where a tensor result goes (PyTorch's `out=`), checked before anything is computed
 * or written: a target of the result's size and the call's dtype (checkedTarget) sharing no memory
 * with the call's arguments or with options.gradInto. `outShape` is the result's shape, or null when
 * the call gives a number (then `out` is a RangeError saying so). Null when out is not given.
 */
export function outTarget(fn: string, opts: CheckedOptions, dtype: Dtype, outShape: readonly number[] | null): WriteTarget | null {
  const value = opts.out;
  if (value === undefined || value === null) return null;
  if (outShape === null) {
    throw rangeError(fn, `options.out takes a tensor result, and this call's reduction '${String(opts.reduction ?? 'mean')}' gives a number; use reduction: 'none'`);
  }
  const t = checkedTarget(fn, 'options.out', value, dtype, sizeOf(outShape), 'the result');
  const span = spanOf(t.target);
  if (callSpans.some((a) => overlaps(a, span))) throw rangeError(fn, 'options.out shares memory with an argument of the call; the result needs its own array');
  for (const g of gradIntoList(opts)) {
    if ((isFloatArray(g) || g instanceof WasmTensor) && overlaps(spanOf(g), span)) throw rangeError(fn, 'options.out and options.gradInto share memory; each result needs its own array');
  }
  return t;
}

/**
 * The tensors over callers' arrays that calls wrote a result into (options.out, gradInto entries):
 * frozen, and the same object call after call for the same array and shape, as PyTorch's `out=`
 * returns the tensor it was given. A training loop that reuses its buffers then leaves no garbage
 * for them (issue 17). Weak: a cached tensor keeps no array alive.
 */
const written = new WeakMap<FloatArray, Tensor>();

/** The frozen `{ data, shape }` over the caller's array `data` (see `written`). */
export function writtenTensor(data: FloatArray, shape: readonly number[]): Tensor {
  const t = written.get(data);
  if (t !== undefined && sameShape(t.shape, shape)) return t;
  const made: Tensor = Object.freeze({ data, shape: Object.freeze(shape.slice()) });
  written.set(data, made);
  return made;
}

/** writtenTensor for the lean path's shapes, without making one first: [n0] when n1 < 0, else [n0, n1]. */
export function writtenTensorOf(data: FloatArray, n0: number, n1: number): Tensor {
  const t = written.get(data);
  if (t !== undefined && t.shape[0] === n0 && (n1 < 0 ? t.shape.length === 1 : t.shape.length === 2 && t.shape[1] === n1)) return t;
  return writtenTensor(data, n1 < 0 ? [n0] : [n0, n1]);
}

/**
 * The tensor result `{ data, shape }`, in options.out when given (already there when the call
 * wrote it directly): then `data` is the caller's own array (or the WasmTensor's current view).
 */
export function placed(out: WriteTarget | null, data: FloatArray, shape: readonly number[]): Tensor {
  // a float16 call's results are Float16Array, whatever array the loss computed them in
  if (callState.half) data = asResult(data, 'float32');
  if (!out) return { data, shape: shape.slice() };
  const dst = out.array;
  if (dst !== data) dst.set(data);
  return out.caller instanceof WasmTensor ? { data: out.caller.data, shape: shape.slice() } : writtenTensor(out.caller, shape);
}

/** Where gradTargets keeps its answer on the call's options snapshot (checked once per call, whoever
 *  asks): a symbol, so no option name can collide with it. */
const TARGETS = Symbol('gradTargets');

/**
 * options.gradInto: where a WithGrad call writes its gradients, one entry per gradient (null:
 * a new array). Each is a Float32Array/Float64Array or a WasmTensor of the call's dtype, holding
 * sizes[i] values, and no two overlap. All of it is checked before anything is written, so a call
 * that throws leaves every target untouched.
 */
export function gradTargets(fn: string, opts: CheckedOptions, dtype: Dtype, sizes: readonly number[]): Array<WriteTarget | null> {
  const known = (opts as Record<symbol, unknown>)[TARGETS] as Array<WriteTarget | null> | undefined;
  if (known) return known;
  const value = opts.gradInto;
  if (value === undefined) return [];
  const listed = Array.isArray(value);
  const list = gradIntoList(opts);
  const nameOf = (i: number) => (listed ? `options.gradInto[${i}]` : 'options.gradInto');
  if (list.length > sizes.length) throw rangeError(fn, `options.gradInto has ${list.length} entries but ${fn} returns ${sizes.length} gradient(s)`);
  const targets = list.map((t, i) => (t === null || t === undefined ? null : checkedTarget(fn, nameOf(i), t, dtype, sizes[i], `gradient ${i}`)));
  // Two targets sharing memory would overwrite each other's gradient.
  targets.forEach((a, i) => targets.forEach((b, j) => {
    if (!a || !b || j <= i) return;
    if (overlaps(spanOf(a.target), spanOf(b.target))) {
      throw rangeError(fn, `${nameOf(i)} and ${nameOf(j)} share memory; each gradient needs its own array`);
    }
  }));
  (opts as Record<symbol, unknown>)[TARGETS] = targets;
  return targets;
}

/**
 * The gradient target to write into directly while computing gradient i, or null (then
 * withGrad copies at the end): a plain typed array or a WasmTensor of the right size that shares
 * no memory with the call's float arguments (a blocked computation could otherwise overwrite
 * input it still needs). A WasmTensor is written in place by the kernel (src/wasm/runtime.ts).
 */
export function directTarget(targets: Array<WriteTarget | null>, i: number, size: number, inputs: ReadonlyArray<ArrayLike<number> | null | undefined>): FloatArray | WasmTensor | null {
  const t = targets[i];
  if (!t) return null;
  const view = t.array;
  if (view.length !== size) return null;
  const shares = inputs.some((a) => ArrayBuffer.isView(a) && a.buffer === view.buffer
    && a.byteOffset < view.byteOffset + view.byteLength && view.byteOffset < a.byteOffset + a.byteLength);
  return shares ? null : t.target;
}

/**
 * The public { loss, grad, grads } of a runner's result (grad: the first float argument's), with
 * each gradient in its options.gradInto target when one is given (already there when the runner
 * wrote it directly), returned as the caller's own array (or the WasmTensor's view).
 */
export function withGrad<L>(r: LossAndGrads<L>, fn: string): WithGrad<L> {
  const grads = r.grads.slice();
  // every target is checked (gradTargets) before any is written
  const targets = grads.length ? gradTargets(fn, r.opts, dtypeOf(grads[0].data), grads.map((g) => g.data.length)) : [];
  if (callState.half) grads.forEach((g, i) => (grads[i] = { data: asResult(g.data, 'float32'), shape: g.shape }));
  targets.forEach((t, i) => {
    if (!t) return;
    const data = t.array;
    if (data !== grads[i].data) data.set(grads[i].data);
    grads[i] = t.caller instanceof WasmTensor ? { data: t.caller.data, shape: grads[i].shape } : writtenTensor(t.caller, grads[i].shape);
  });
  return { loss: r.loss, grad: grads[0], grads };
}
