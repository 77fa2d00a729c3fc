// A class (or feature) dimension that is not last: PyTorch's (N, C, d1, …) layouts, softmax's and
// cosine similarity's `dim`. The row kernels read rows of C contiguous values, so the runtime
// stages each block's rows gathered from the strided layout and writes results back scattered,
// block by block, while the block is in cache: no transposed copy of the whole tensor is made. The
// one way the families handle such a dimension (cross-entropy, softmax, cosine similarity); the
// float64 references, which take contiguous rows, transpose (src/shapes.ts moveDimLast).
import type { FloatArray } from '../dtypes';
import type { Gather, Scatter } from './runtime';

/**
 * The gather and scatter of rows along a dimension of size C with `inner` values after it (its
 * stride): row r is (outer index ⌊r / inner⌋, inner index r mod inner). Null for inner = 1 (the
 * rows are contiguous already).
 */
export function classRows(C: number, inner: number): { gather: Gather | null; scatter: Scatter | null } {
  if (inner === 1) return { gather: null, scatter: null };
  return {
    gather: (dst, src, r0, count) => gatherRows(src, dst, C, inner, r0, count),
    scatter: (src, dst, r0, count) => scatterRows(src, dst, C, inner, r0, count),
  };
}

/** Rows [r0, r0 + count) of (outer, C, inner) as (count, C), each row's values contiguous. */
function gatherRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const r = r0 + i;
    const n = Math.floor(r / inner);
    const base = n * C * inner + (r - n * inner);
    for (let c = 0; c < C; c++) dst[i * C + c] = src[base + c * inner];
  }
}

/** The inverse of gatherRows: (count, C) back into rows [r0, r0 + count) of (outer, C, inner). */
function scatterRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const r = r0 + i;
    const n = Math.floor(r / inner);
    const base = n * C * inner + (r - n * inner);
    for (let c = 0; c < C; c++) dst[base + c * inner] = src[i * C + c];
  }
}
