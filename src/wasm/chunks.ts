// Processing inputs larger than the scratch under the memory limit: in chunks of items (rows or
// elements), each chunk's scratch allocated after a mark and released before the next.
import { expandTo, sameShape } from '../tensor';
import type { Dtype, FloatArray } from '../types';
import type { Arena } from './arena';

/** Alignment slack per allocation, for up to this many allocations per chunk. */
const SLACK = 16 * 16;

/** How many items of `perItem` bytes fit in one chunk now. */
export function chunkCapacity(arena: Arena, perItem: number): number {
  return Math.floor((arena.available() - SLACK) / Math.max(perItem, 1));
}

/**
 * Calls body(start, count) over [0, total) in chunks whose scratch fits: `perItem` bytes per item,
 * after what is already allocated. Throws a RangeError naming the limit if not one item fits.
 */

export function forChunks(arena: Arena, total: number, perItem: number, body: (start: number, count: number) => void): void {
  if (total === 0) return;
  const fit = chunkCapacity(arena, perItem);
  if (fit < 1) {
    throw new RangeError(`${arena.fn}: one item needs ${perItem} bytes of wasm scratch memory but the limit leaves ${arena.available()}; raise it with setMemoryLimit()`);
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

/**
 * An argument as an elementwise operand over `shape`: itself (in place when resident) when it has
 * that shape, else materialized by broadcasting.
 */
export function broadcastOperand(t: { data: FloatArray; resident?: { ptr: number; data: FloatArray } }, own: readonly number[], shape: readonly number[], dtype: Dtype): Operand {
  if (!sameShape(own, shape)) return { data: expandTo(t.data, own, shape, dtype) };
  return t.resident ? { data: t.data, resident: t.resident } : { data: t.data };
}

export interface ElementwiseResult {
  elementLoss: FloatArray | null;
  total: number;
  /** One array per gradient output the kernel wrote (want.grads of them). */
  grads: FloatArray[];
}

/**
 * Runs an elementwise kernel over n values in chunks under the memory limit. `operands` are
 * copied in (or read in place when resident), each allocation padded by one vector because the
 * kernels compute their last partial vector whole. `call` gets the chunk length, the operands'
 * pointers (0 for null), the loss pointer (0 unless want.loss), want.grads gradient pointers and
 * the upstream pointer (0 without want.gradRow), and returns the chunk's loss sum. want.into:
 * arrays of n values to write gradients into instead of new ones (see directTarget).
 */
export function runElementwise(
  arena: Arena,
  dtype: Dtype,
  n: number,
  operands: ReadonlyArray<Operand | null>,
  want: { loss: boolean; grads: number; gradRow: FloatArray | null; into?: ReadonlyArray<FloatArray | null> },
  call: (count: number, ptrs: number[], loss: number, grads: number[], gradRow: number) => number,
): ElementwiseResult {
  const bytes = dtype === 'float32' ? 4 : 8;
  const copies = operands.filter((o) => o && !o.resident).length;
  const outs = (want.loss ? 1 : 0) + want.grads + (want.gradRow ? 1 : 0);
  // Outputs: copied out per chunk; a single chunk's are sliced straight out (no zero-filled array).
  const single = n <= chunkCapacity(arena, bytes * (copies + outs));
  let elementLoss = want.loss ? newArray(dtype, single ? 0 : n) : null;
  // A gradient with a target (options.gradInto, n values) is written straight into it.
  const into = (i: number) => want.into?.[i] ?? null;
  let grads = Array.from({ length: want.grads }, (_, i) => into(i) ?? newArray(dtype, single ? 0 : n));
  let total = 0;
  forChunks(arena, n, bytes * (copies + outs), (start, count) => {
    const padded = count * bytes + 16;
    const ptrs = operands.map((o) => (o ? (o.resident ? o.resident.ptr + start * bytes : arena.alloc(padded)) : 0));
    const loss = want.loss ? arena.alloc(padded) : 0;
    const gs = grads.map(() => arena.alloc(padded));
    const gr = want.gradRow ? arena.alloc(padded) : 0;
    // Views only now that this chunk's allocations are done.
    operands.forEach((o, i) => {
      if (o && !o.resident) arena.view(dtype, ptrs[i], count).set(o.data.subarray(start, start + count));
    });
    if (want.gradRow) arena.view(dtype, gr, count).set(want.gradRow.subarray(start, start + count));
    total += call(count, ptrs, loss, gs, gr);
    if (single) {
      if (want.loss) elementLoss = arena.copyOut(dtype, loss, count);
      grads = gs.map((g, i) => {
        const t = into(i);
        if (!t) return arena.copyOut(dtype, g, count);
        t.set(arena.view(dtype, g, count));
        return t;
      });
      return;
    }
    if (elementLoss) elementLoss.set(arena.view(dtype, loss, count), start);
    grads.forEach((g, i) => g.set(arena.view(dtype, gs[i], count), start));
  });
  return { elementLoss, total, grads };
}

function newArray(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** One value per row, and the gradients a row kernel writes for a and b (as many as asked). */
export interface RowPairResult {
  out: FloatArray;
  grads: FloatArray[];
}

/**
 * Rows (rows, D) of a and b through a row kernel, chunked under the memory limit. `call` gets the
 * chunk's row count, the pointers of its a and b rows, the output pointer, `grads` gradient
 * pointers (rows × D each) and the upstream pointer (0 without gradRow).
 */
export function runRowPairs(
  arena: Arena, dtype: Dtype, a: FloatArray, b: FloatArray, rows: number, D: number,
  want: { grads: number; gradRow: FloatArray | null },
  call: (count: number, pa: number, pb: number, out: number, grads: number[], gradRow: number) => void,
): RowPairResult {
  const bytes = dtype === 'float32' ? 4 : 8;
  const out = newArray(dtype, rows);
  const grads = Array.from({ length: want.grads }, () => newArray(dtype, rows * D));
  forChunks(arena, rows, bytes * (D * (2 + want.grads) + 1 + (want.gradRow ? 1 : 0)), (r0, count) => {
    const m = count * D;
    const pa = arena.copyIn(dtype, a.subarray(r0 * D, r0 * D + m));
    const pb = arena.copyIn(dtype, b.subarray(r0 * D, r0 * D + m));
    const po = arena.floats(dtype, count);
    const pg = grads.map(() => arena.floats(dtype, m));
    const pu = want.gradRow ? arena.copyIn(dtype, want.gradRow.subarray(r0, r0 + count)) : 0;
    call(count, pa, pb, po, pg, pu);
    out.set(arena.view(dtype, po, count), r0);
    grads.forEach((g, i) => g.set(arena.view(dtype, pg[i], m), r0 * D));
  });
  return { out, grads };
}

