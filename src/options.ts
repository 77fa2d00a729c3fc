// Option checking shared by every function, and turning per-element losses into the result.
import { describe, rangeError, shapeString, typeError } from './errors';
import { asResult, callSpans, callState, callStorage, dtypeOf, floatArg, isFloatArray, newFloat, readArg, roundResult, sameShape, sizeOf, spanOf, storageOf, sumToShape, type FloatTensor, type Span } from './tensor';
import type { Dtype, FloatArray, Reduction, Tensor, WithGrad } from './types';
import { WasmTensor } from './wasm/resident';
import { Float16, ownView } from './wasm/views';

/**
 * The call's options as read once: a copy of the own enumerable properties on a prototype chain
 * that holds nothing (see Snapshot), so nothing inherited (`Object.prototype.reduction = 'none'`)
 * and no later change reaches the call. Every option is read from it, gradOutput and gradInto included.
 */
export type CheckedOptions = Record<string, unknown>;

/**
 * Snapshots are made by `new Snapshot()`: their prototype has no properties and no prototype, so
 * a missing option reads undefined whatever Object.prototype holds (and V8 keeps such objects
 * fast, unlike Object.create(null)'s dictionaries).
 */
const Snapshot = function Snapshot() {} as unknown as new () => CheckedOptions;
Snapshot.prototype = Object.create(null);

/** The options only `…WithGrad` calls take. */
const GRAD_OPTIONS = ['gradOutput', 'gradInto'] as const;

/** A plain object: an object literal, Object.create(null), or one from another realm (not an array, a typed array, a Map or a class instance). */
function isPlainObject(x: unknown): x is object {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Checks the options object and snapshots it (see CheckedOptions). `allowed` are the function's own
 * options; a `WithGrad` call (`wantGrad`) takes gradOutput and gradInto too. Unknown names (a
 * snake_case spelling, a gradient option on a forward call) are a TypeError listing exactly the
 * options the call takes.
 */
export function checkOptions(fn: string, options: unknown, allowed0: readonly string[], wantGrad = false): CheckedOptions {
  callSpans.length = 0; // a new call (see callSpans, callState)
  callState.half = false;
  // every function with a tensor result takes options.out: those with a reduction, and the ones listing it
  const allowed = allowed0.includes('reduction') && !allowed0.includes('out') ? [...allowed0, 'out'] : allowed0;
  // a revoked Proxy throws when looked at: readArg names the function
  return readArg(fn, 'options', () => snapshotOptions(fn, options, allowed, wantGrad));
}

function snapshotOptions(fn: string, options: unknown, allowed: readonly string[], wantGrad: boolean): CheckedOptions {
  const snapshot = new Snapshot();
  if (options === undefined) return snapshot;
  if (!isPlainObject(options)) {
    const hint = ArrayBuffer.isView(options) || Array.isArray(options)
      ? ` (${Array.isArray(options) ? 'an array' : 'a tensor'} where the options go: they are the last argument)`
      : options instanceof Map ? ' (use an object literal, not a Map)'
        : typeof options === 'object' && options !== null ? ' (copy the fields into an object literal: class instances and inherited fields are not read)' : '';
    throw new TypeError(`${fn}: options must be a plain object such as { reduction: 'sum' }; got ${describe(options)}${hint}`);
  }
  const accepted = (key: string) => allowed.includes(key) || (wantGrad && (GRAD_OPTIONS as readonly string[]).includes(key));
  for (const key of Object.keys(options)) {
    if (!accepted(key)) {
      const all = wantGrad ? [...allowed, ...GRAD_OPTIONS] : allowed;
      const list = all.length ? `the options of ${fn} are ${all.join(', ')}` : `${fn} takes no options`;
      if ((GRAD_OPTIONS as readonly string[]).includes(key)) {
        throw new TypeError(`${fn}: options.${key} is a gradient option, taken only by ${fn}WithGrad (${fn} computes no gradient); ${list}`);
      }
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = camel !== key && accepted(camel) ? ` (did you mean '${camel}'?)` : '';
      throw new TypeError(`${fn}: unknown option '${key}'${hint}; ${list}`);
    }
    snapshot[key] = (options as Record<string, unknown>)[key];
  }
  return snapshot;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

export function reductionOption<R extends string = Reduction>(fn: string, value: unknown, allowed: readonly R[] = REDUCTIONS as unknown as R[], fallback: R = 'mean' as R): R {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as R)) {
    const list = allowed.map((r) => `'${r}'`).join(', ');
    throw rangeError(fn, `options.reduction must be one of ${list}; got ${describe(value)}`);
  }
  return value as R;
}

/** A finite number option satisfying `ok`, described by `expected` in the error. */
export function numberOption(fn: string, name: string, value: unknown, fallback: number, ok: (x: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError(fn, `options.${name}`, expected, value);
  if (Number.isNaN(value) || !ok(value)) {
    throw rangeError(fn, `options.${name} must be ${expected}; got ${describe(value)}`);
  }
  return value;
}

export function integerOption(fn: string, name: string, value: unknown, fallback: number): number {
  return numberOption(fn, name, value, fallback, Number.isInteger, 'an integer');
}

/**
 * A float argument that must have the call's dtype (a plain number array is made one);
 * `name` as the user sees it ('options.weight').
 */
export function floatOfDtype(fn: string, name: string, value: unknown, dtype: Dtype): FloatTensor {
  const t = floatArg(fn, name, value, dtype);
  const want = callStorage(dtype), got = t.half ? 'float16' : t.dtype;
  if (got !== want) {
    throw new TypeError(`${fn}: all float arguments must share one dtype; the call's is ${ARRAY_NAMES[want]} (its first typed argument's) but ${name} is ${ARRAY_NAMES[got]}`);
  }
  return t;
}

const ARRAY_NAMES = { float32: 'Float32Array', float64: 'Float64Array', float16: 'Float16Array' } as const;

/** An optional float tensor option (e.g. weight), checked for dtype against the call's. */
export function floatOption(fn: string, name: string, value: unknown, dtype: Dtype): FloatTensor | undefined {
  return value === undefined ? undefined : floatOfDtype(fn, `options.${name}`, value, dtype);
}

/** The upstream gradient: a number for a scalar result, or a tensor of the result's shape. */
export type Upstream = { scalar: number; tensor?: undefined } | { scalar?: undefined; tensor: FloatArray };

export function upstreamOption(fn: string, value: unknown, outShape: readonly number[] | null, dtype: Dtype): Upstream {
  if (outShape === null) {
    if (value === undefined) return { scalar: 1 };
    if (typeof value !== 'number') throw typeError(fn, 'options.gradOutput', 'a number for a scalar result', value);
    return { scalar: value };
  }
  if (value === undefined) {
    const ones = newFloat(dtype, sizeOf(outShape));
    ones.fill(1);
    return { tensor: ones };
  }
  const g = floatOption(fn, 'gradOutput', value, dtype)!;
  // A bare (typed or flat plain) array only has to hold the right number of elements; a tensor must match the shape.
  const bare = isFloatArray(value) || (Array.isArray(value) && !value.some(Array.isArray));
  const fits = bare ? g.size === sizeOf(outShape) : sameShape(g.shape, outShape);
  if (!fits) {
    throw rangeError(fn, `options.gradOutput must have the result's shape ${shapeString(outShape)}; got ${shapeString(g.shape)}`);
  }
  // A resident gradOutput is copied: a view of wasm memory detaches when the call grows memory.
  return { tensor: g.resident ? g.data.slice() : g.data };
}

/**
 * The public result from per-element losses: 'none' gives the tensor (rounded to dtype), 'sum'
 * the total, 'mean' total / denominator (0/0 = NaN, as PyTorch).
 */
export function lossResult(reduction: Reduction, elementLoss: () => ArrayLike<number>, total: number, denominator: number, outShape: readonly number[], dtype: Dtype, out: WriteTarget | null = null): number | Tensor {
  if (reduction === 'none') return placed(out, asResult(elementLoss(), dtype), outShape);
  return roundResult(dtype, reduction === 'sum' ? total : total / denominator);
}

/** How the reduction scales the gradient: per-element upstream for 'none', g or g/denominator otherwise. */
export function gradScaling(reduction: Reduction, upstream: Upstream, denominator: number): { gradRow: FloatArray | null; gradScale: number } {
  if (reduction === 'none') return { gradRow: upstream.tensor!, gradScale: 1 };
  return { gradRow: null, gradScale: reduction === 'sum' ? upstream.scalar! : upstream.scalar! / denominator };
}

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
 * The tensor result `{ data, shape }`, in options.out when given (already there when the call
 * wrote it directly): then `data` is the caller's own array (or the WasmTensor's current view).
 */
export function placed(out: WriteTarget | null, data: FloatArray, shape: readonly number[]): Tensor {
  // a float16 call's results are Float16Array, whatever array the loss computed them in
  if (callState.half) data = asResult(data, 'float32');
  if (!out) return { data, shape: shape.slice() };
  const dst = out.array;
  if (dst !== data) dst.set(data);
  return { data: out.caller instanceof WasmTensor ? out.caller.data : out.caller, shape: shape.slice() };
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
    grads[i] = { data: t.caller instanceof WasmTensor ? t.caller.data : t.caller, shape: grads[i].shape };
  });
  return { loss: r.loss, grad: grads[0], grads };
}
