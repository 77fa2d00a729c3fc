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
export function classRows(C: number, inner: number): { readonly gather: Gather | null; readonly scatter: Scatter | null } {
  if (inner === 1) return CONTIGUOUS;
  return {
    gather: (dst, src, r0, count) => gatherRows(src, dst, C, inner, r0, count),
    scatter: (src, dst, r0, count) => scatterRows(src, dst, C, inner, r0, count),
  };
}

/** Rows that are contiguous already: no gather, no scatter. */
export const CONTIGUOUS = { gather: null, scatter: null } as const;

/**
 * Rows [r0, r0 + count) of (outer, C, inner) as (count, C), each row's values contiguous. By runs
 * of rows within one outer index: each class's values for the run are contiguous in src (read in
 * order), written with stride C; no division per row (about twice as fast as row by row).
 */
function gatherRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let r = r0, end = r0 + count; r < end;) {
    const n = Math.floor(r / inner), j0 = r - n * inner, run = Math.min(end - r, inner - j0);
    const base = n * C * inner + j0, at = (r - r0) * C;
    for (let c = 0; c < C; c++) {
      const s = base + c * inner;
      for (let j = 0, d = at + c; j < run; j++, d += C) dst[d] = src[s + j];
    }
    r += run;
  }
}

/** The inverse of gatherRows: (count, C) back into rows [r0, r0 + count) of (outer, C, inner). */
function scatterRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let r = r0, end = r0 + count; r < end;) {
    const n = Math.floor(r / inner), j0 = r - n * inner, run = Math.min(end - r, inner - j0);
    const base = n * C * inner + j0, at = (r - r0) * C;
    for (let c = 0; c < C; c++) {
      const s = base + c * inner;
      for (let j = 0, d = at + c; j < run; j++, d += C) dst[s + j] = src[d];
    }
    r += run;
  }
}
