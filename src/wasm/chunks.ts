// Processing inputs larger than the scratch under the memory limit: in chunks of items (rows or
// elements), each chunk's scratch allocated after a mark and released before the next.
import type { Dtype, FloatArray } from '../types';
import type { Arena } from './arena';

/** Alignment slack per allocation, for up to this many allocations per chunk. */
const SLACK = 16 * 16;

/**
 * Calls body(start, count) over [0, total) in chunks whose scratch fits: `perItem` bytes per item,
 * after `fixed` bytes already taken. Throws a RangeError naming the limit if not one item fits.
 */
/** How many items of `perItem` bytes fit in one chunk now. */
export function chunkCapacity(arena: Arena, perItem: number): number {
  return Math.floor((arena.available() - SLACK) / Math.max(perItem, 1));
}

export function forChunks(arena: Arena, total: number, perItem: number, body: (start: number, count: number) => void): void {
  if (total === 0) return;
  const fit = chunkCapacity(arena, perItem);
  if (fit < 1) {
    throw new RangeError(`simdloss: one item needs ${perItem} bytes of wasm scratch memory but the limit leaves ${arena.available()}; raise it with setMemoryLimit()`);
  }
  const size = Math.min(total, fit);
  const mark = arena.mark();
  for (let start = 0; start < total; start += size) {
    arena.rewind(mark);
    body(start, Math.min(size, total - start));
  }
  arena.rewind(mark);
}

/** An elementwise operand: n values (a plain array, or a resident tensor read in place). */
export interface Operand {
  data: FloatArray;
  resident?: { ptr: number; data: FloatArray };
}

export interface ElementwiseResult {
  elementLoss: FloatArray | null;
  total: number;
  grad: FloatArray | null;
  gradTarget: FloatArray | null;
}

/**
 * Runs an elementwise kernel over n values in chunks under the memory limit. `operands` are
 * copied in (or read in place when resident), each allocation padded by one vector because the
 * kernels compute their last partial vector whole. `call` gets the chunk length, the operands'
 * pointers (0 for null) and the output pointers, and returns the chunk's loss sum.
 */
export function runElementwise(
  arena: Arena,
  dtype: Dtype,
  n: number,
  operands: ReadonlyArray<Operand | null>,
  want: { loss: boolean; grad: boolean; gradTarget: boolean; gradRow: FloatArray | null },
  call: (count: number, ptrs: number[], loss: number, grad: number, gradTarget: number, gradRow: number) => number,
): ElementwiseResult {
  const bytes = dtype === 'float32' ? 4 : 8;
  const copies = operands.filter((o) => o && !o.resident).length;
  const outs = [want.loss, want.grad, want.gradTarget, want.gradRow !== null].filter(Boolean).length;
  // Outputs: copied out per chunk; a single chunk's are sliced straight out (no zero-filled array).
  const single = n <= chunkCapacity(arena, bytes * (copies + outs));
  let elementLoss = want.loss && !single ? newArray(dtype, n) : null;
  let grad = want.grad && !single ? newArray(dtype, n) : null;
  let gradTarget = want.gradTarget && !single ? newArray(dtype, n) : null;
  let total = 0;
  forChunks(arena, n, bytes * (copies + outs), (start, count) => {
    const padded = count * bytes + 16;
    const ptrs = operands.map((o) => (o ? (o.resident ? o.resident.ptr + start * bytes : arena.alloc(padded)) : 0));
    const loss = want.loss ? arena.alloc(padded) : 0;
    const g = want.grad ? arena.alloc(padded) : 0;
    const gt = want.gradTarget ? arena.alloc(padded) : 0;
    const gr = want.gradRow ? arena.alloc(padded) : 0;
    // Views only now that this chunk's allocations are done.
    operands.forEach((o, i) => {
      if (o && !o.resident) arena.view(dtype, ptrs[i], count).set(o.data.subarray(start, start + count));
    });
    if (want.gradRow) arena.view(dtype, gr, count).set(want.gradRow.subarray(start, start + count));
    total += call(count, ptrs, loss, g, gt, gr);
    if (single) {
      if (want.loss) elementLoss = arena.copyOut(dtype, loss, count);
      if (want.grad) grad = arena.copyOut(dtype, g, count);
      if (want.gradTarget) gradTarget = arena.copyOut(dtype, gt, count);
      return;
    }
    if (elementLoss) elementLoss.set(arena.view(dtype, loss, count), start);
    if (grad) grad.set(arena.view(dtype, g, count), start);
    if (gradTarget) gradTarget.set(arena.view(dtype, gt, count), start);
  });
  if (n === 0) {
    elementLoss = want.loss ? newArray(dtype, 0) : null;
    grad = want.grad ? newArray(dtype, 0) : null;
    gradTarget = want.gradTarget ? newArray(dtype, 0) : null;
  }
  return { elementLoss, total, grad, gradTarget };
}

function newArray(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}
