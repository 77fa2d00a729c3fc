// The elementwise and row-pair paths, on the runtime (runtime.ts): operands broadcast to one shape,
// kernels run block by block under the memory limit.
import { expandTo, sameShape } from '../tensor';
import type { Dtype, FloatArray } from '../types';
import type { Arena } from './arena';
import type { WasmTensor } from './resident';
import { run, type Operand as RuntimeOperand } from './runtime';

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
 * Runs an elementwise kernel over n values (through the runtime: cache-sized blocks under the
 * memory limit). `operands` are staged (or read in place when resident). `call` gets the block
 * length, the operands' pointers (0 for null), the loss pointer (0 unless want.loss), want.grads
 * gradient pointers and the upstream pointer (0 without want.gradRow), and returns the block's loss
 * sum. want.into: arrays of n values to write gradients into instead of new ones (see directTarget).
 */
export function runElementwise(
  arena: Arena,
  dtype: Dtype,
  n: number,
  operands: ReadonlyArray<Operand | null>,
  want: { loss: boolean; grads: number; gradRow: FloatArray | null; into?: ReadonlyArray<FloatArray | WasmTensor | null> },
  call: (count: number, ptrs: number[], loss: number, grads: number[], gradRow: number) => number,
): ElementwiseResult {
  const m = operands.length;
  const ops: RuntimeOperand[] = [
    // a resident operand's view is re-read (a float64 kernel stages float32 data, after allocating)
    ...operands.map((o): RuntimeOperand => (o ? { role: 'in', per: 1, get data() { return o.resident ? o.resident.data : o.data; }, ptr: o.resident?.ptr } : null)),
    want.loss ? { role: 'out', per: 1 } : null,
    ...Array.from({ length: want.grads }, (_, i): RuntimeOperand => ({ role: 'out', per: 1, into: want.into?.[i] ?? null })),
    want.gradRow ? { role: 'in', per: 1, data: want.gradRow } : null,
  ];
  const r = run(arena, dtype, n, ops, (count, p) => call(count, p.slice(0, m), p[m], p.slice(m + 1, m + 1 + want.grads), p[m + 1 + want.grads]));
  return { elementLoss: want.loss ? r.outputs[0] : null, total: r.total, grads: r.outputs.slice(want.loss ? 1 : 0) };
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
  const ops: RuntimeOperand[] = [
    { role: 'in', per: D, data: a }, { role: 'in', per: D, data: b }, { role: 'out', per: 1 },
    ...Array.from({ length: want.grads }, (): RuntimeOperand => ({ role: 'out', per: D })),
    want.gradRow ? { role: 'in', per: 1, data: want.gradRow } : null,
  ];
  const r = run(arena, dtype, rows, ops, (count, p) => {
    call(count, p[0], p[1], p[2], p.slice(3, 3 + want.grads), p[3 + want.grads]);
    return 0;
  });
  return { out: r.outputs[0], grads: r.outputs.slice(1) };
}
