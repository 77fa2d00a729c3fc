// Normalizing and checking arguments: float tensors, class-index tensors, shapes, broadcasting.
import { describe, rangeError, shapeString, typeError } from './errors';
import type { Dtype, FloatArray, FloatInput, IndexInput, IntegerArray, Tensor } from './types';
import { WasmTensor } from './wasm/resident';

/** A checked float argument. `data` is the caller's array: never written to. */
export interface FloatTensor {
  data: FloatArray;
  shape: number[];
  dtype: Dtype;
  size: number;
  /** Set when the argument lives in wasm memory: kernels read it in place (no copy). */
  resident?: WasmTensor;
}

/**
 * The data of t as of now. A resident tensor's view is detached when wasm memory grows, so code
 * that allocates scratch and then reads an argument's values must read them through this.
 */
export function current(t: FloatTensor): FloatArray {
  return t.resident ? t.resident.data : t.data;
}

/** A checked class-index argument; `at(i)` reads element i as a number. */
export interface IndexTensor {
  shape: number[];
  size: number;
  at(i: number): number;
  /** The values directly when they are a non-BigInt integer typed array (already integers). */
  typed: ArrayLike<number> | null;
}

const FLOAT_EXPECTED = 'a Float32Array or Float64Array, or a { data, shape } tensor of one';
const INDEX_EXPECTED = 'an integer typed array, BigInt64Array, number[], or a { data, shape } tensor of one';

export function isFloatArray(x: unknown): x is FloatArray {
  // ArrayBuffer.isView first: a Proxy of a typed array passes instanceof, then its methods throw.
  return ArrayBuffer.isView(x) && (x instanceof Float32Array || x instanceof Float64Array);
}

function isIntegerArray(x: unknown): x is IntegerArray {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView) && !isFloatArray(x));
}

function isTensorLike(x: unknown): x is Tensor<unknown> {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && !Array.isArray(x) && 'data' in x && 'shape' in x;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function dtypeOf(data: FloatArray): Dtype {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/** The most elements a tensor (or any tensor derived from it) may have: the typed-array limit. */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * Checks `shape` (read once, copied) and that it holds `length` elements. Empty dims make a
 * tensor empty but still size what derives from it (a [1e12, 0] input has 1e12 rows), so the
 * product of the non-zero dims is bounded too.
 */
function checkShape(fn: string, name: string, shape: unknown, length: number): number[] {
  if (!Array.isArray(shape)) throw typeError(fn, `${name}.shape`, 'an array of non-negative integers', shape);
  const copy = Array.from(shape as unknown[]);
  let span = 1;
  copy.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw rangeError(fn, `${name}.shape[${i}] must be a non-negative integer; got ${describe(d)}`);
    }
    if (d > 0) span *= d;
  });
  const dims = copy as number[];
  if (span > MAX_ELEMENTS) {
    throw rangeError(fn, `${name}.shape ${shapeString(dims)} is too large: its non-empty dims multiply to ${span}, more than the ${MAX_ELEMENTS} elements a typed array can hold`);
  }
  const size = sizeOf(dims);
  if (size !== length) {
    throw rangeError(fn, `${name}.shape ${shapeString(dims)} holds ${size} elements but ${name}.data has ${length}`);
  }
  return dims;
}

/**
 * Reads the parts of a caller's object once, turning what the engine would throw (a revoked
 * Proxy, a getter that throws) into a TypeError that names the function and the argument.
 */
function readArg<T>(fn: string, name: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof RangeError || (e instanceof TypeError && e.message.startsWith(`${fn}:`))) throw e;
    throw new TypeError(`${fn}: ${name} could not be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

/** A float argument as a FloatTensor (a bare typed array is 1-D). */
export function floatArg(fn: string, name: string, value: FloatInput | unknown): FloatTensor {
  return readArg(fn, name, () => floatArgOnce(fn, name, value));
}

function floatArgOnce(fn: string, name: string, value: unknown): FloatTensor {
  if (value instanceof WasmTensor) {
    if (value.freed) throw new TypeError(`${fn}: ${name} is a WasmTensor that was freed; allocate a new one with allocTensor()`);
    // `data` is re-read on every access: wasm memory growth during the call detaches older views.
    return { get data() { return value.data; }, shape: value.shape.slice(), dtype: value.dtype, size: value.size, resident: value };
  }
  if (isFloatArray(value)) return { data: value, shape: [value.length], dtype: dtypeOf(value), size: value.length };
  if (isTensorLike(value)) {
    const data = value.data;
    if (!isFloatArray(data)) throw typeError(fn, `${name}.data`, 'a Float32Array or Float64Array', data);
    const shape = checkShape(fn, name, value.shape, data.length);
    return { data, shape, dtype: dtypeOf(data), size: data.length };
  }
  if (value instanceof Float32Array || value instanceof Float64Array) {
    throw new TypeError(`${fn}: ${name} is a Proxy or other wrapper of a ${describe(value)}, which WebAssembly cannot read; pass the typed array itself`);
  }
  throw typeError(fn, name, FLOAT_EXPECTED, value);
}

/** A class-index argument. Values are checked by the loss (bounds, ignoreIndex). */
export function indexArg(fn: string, name: string, value: IndexInput | unknown): IndexTensor {
  return readArg(fn, name, () => indexArgOnce(fn, name, value));
}

function indexArgOnce(fn: string, name: string, value: unknown): IndexTensor {
  let data: unknown = value;
  let shape: number[];
  if (isTensorLike(value)) {
    data = value.data;
    if (!isIntegerArray(data)) throw typeError(fn, `${name}.data`, 'an integer typed array, BigInt64Array or number[]', data);
    shape = checkShape(fn, name, value.shape, (data as IntegerArray).length);
  } else if (isIntegerArray(value)) {
    shape = [value.length];
  } else {
    throw typeError(fn, name, INDEX_EXPECTED, value);
  }
  // A plain array (or a Proxy of one) is read once here, so a getter cannot act up later.
  const arr = (ArrayBuffer.isView(data) ? data : Array.from(data as ArrayLike<unknown>)) as IntegerArray;
  const at = (i: number): number => {
    const v = arr[i];
    if (typeof v === 'bigint') return Number(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw rangeError(fn, `${name}[${i}] must be an integer class index; got ${describe(v)}`);
    }
    return v;
  };
  const typed = ArrayBuffer.isView(arr) && !(arr instanceof BigInt64Array) && !(arr instanceof BigUint64Array) ? (arr as ArrayLike<number>) : null;
  return { shape, size: arr.length, at, typed };
}

/** Checks that every given float argument has the dtype of the first; returns it. */
export function sameDtype(fn: string, args: ReadonlyArray<readonly [string, FloatTensor | undefined]>): Dtype {
  const [firstName, first] = args[0];
  const dtype = first!.dtype;
  for (const [name, t] of args) {
    if (t && t.dtype !== dtype) {
      throw new TypeError(
        `${fn}: all float arguments must share one dtype; ${firstName} is ${first!.data.constructor.name} but ${name} is ${t.data.constructor.name}`,
      );
    }
  }
  return dtype;
}

/** A new zeroed array of n values of the dtype: the one place a Float32Array or Float64Array is chosen. */
export function newFloat(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** Rounds a float64 result to the dtype a call computes in. */
export function roundTo(dtype: Dtype, x: number): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}

/** A dim in [-ndim, ndim) made non-negative. ndim 0 accepts -1 and 0, as PyTorch does. */
export function normalizeDim(fn: string, dim: unknown, ndim: number, what = 'options.dim'): number {
  const span = Math.max(ndim, 1);
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < -span || dim >= span) {
    throw rangeError(fn, `${what} must be an integer in [${-span}, ${span - 1}] for a ${ndim}-D input; got ${describe(dim)}`);
  }
  return dim < 0 ? dim + span : dim;
}

/** Broadcast shape of a and b (NumPy rules), or a RangeError naming both. */
export function broadcastShapes(fn: string, aName: string, a: readonly number[], bName: string, b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw rangeError(fn, `${aName} of shape ${shapeString(a)} and ${bName} of shape ${shapeString(b)} do not broadcast (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * For each flat index of `outShape`, the flat index of the element of `inShape` broadcast there.
 * `inShape` must broadcast to `outShape`.
 */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = outShape.length;
  const size = sizeOf(outShape);
  const strides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const o = n - inShape.length + i;
    strides[o] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i];
  }
  const map = new Int32Array(size);
  const idx = new Array<number>(n).fill(0);
  let at = 0;
  for (let k = 0; k < size; k++) {
    map[k] = at;
    for (let d = n - 1; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < outShape[d]) break;
      at -= strides[d] * idx[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** `src` (of `inShape`) broadcast to `outShape`, materialized in a new array of `dtype`. */
export function expandTo(src: FloatArray, inShape: readonly number[], outShape: readonly number[], dtype: Dtype): FloatArray {
  const out = newFloat(dtype, sizeOf(outShape));
  if (sameShape(inShape, outShape)) {
    out.set(src);
    return out;
  }
  const map = broadcastIndex(inShape, outShape);
  for (let k = 0; k < map.length; k++) out[k] = src[map[k]];
  return out;
}

/** The gradient for an argument of `inShape` that was broadcast to `outShape`: sums over the copies. */
export function sumToShape(grad: ArrayLike<number>, outShape: readonly number[], inShape: readonly number[], dtype: Dtype): FloatArray {
  const out = newFloat(dtype, sizeOf(inShape));
  if (sameShape(inShape, outShape)) {
    for (let k = 0; k < out.length; k++) out[k] = grad[k];
    return out;
  }
  const acc = new Float64Array(out.length);
  const map = broadcastIndex(inShape, outShape);
  for (let k = 0; k < map.length; k++) acc[map[k]] += grad[k];
  out.set(acc);
  return out;
}

/** Moves the middle dim of (outer, n, inner) last: (outer·inner, n), so rows along it are contiguous. */
export function moveDimLast(src: ArrayLike<number>, dst: FloatArray, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++)
      for (let s = 0; s < inner; s++) dst[(o * inner + s) * n + i] = src[(o * n + i) * inner + s];
}

/** The inverse of moveDimLast: (outer·inner, n) back to (outer, n, inner). */
export function moveDimBack(src: ArrayLike<number>, dst: FloatArray, outer: number, n: number, inner: number): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < n; i++)
      for (let s = 0; s < inner; s++) dst[(o * n + i) * inner + s] = src[(o * inner + s) * n + i];
}
