// Shapes and plain arrays: sizes, broadcasting, sums back to a shape, moving a dim. Nothing here
// knows of wasm memory or of how an argument was read (src/tensor.ts does that).
import { describe, rangeError, shapeString } from './errors';
import type { Dtype, FloatArray } from './dtypes';

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A new zeroed array of n values of the dtype: the one place a Float32Array or Float64Array is chosen. */
export function newFloat(dtype: Dtype, n: number): Float32Array | Float64Array {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
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
