// The elementwise and row-pair paths, on the runtime (runtime.ts): operands broadcast to one shape,
// kernels run block by block under the memory limit.
import { FloatTensor, floatTensor } from '../tensor';
import { expandTo, sameShape } from '../shapes';
import type { Dtype, FloatArray } from '../dtypes';
import type { Arena } from './arena';
import { input, output, run, type Gather, type Operand as RuntimeOperand, type Scatter, type Target, type Values } from './runtime';

/**
 * An argument as an elementwise operand over `shape`: itself (read in place when resident) when
 * it has that shape, else materialized by broadcasting.
 */
export function broadcastOperand(t: FloatTensor, own: readonly number[], shape: readonly number[], dtype: Dtype): FloatTensor {
  return sameShape(own, shape) ? t : floatTensor(expandTo(t.data, own, shape, dtype), shape.slice());
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
  operands: ReadonlyArray<FloatTensor | null>,
  want: { loss: boolean; lossInto: Target | null; grads: number; gradRow: FloatArray | null; into: ReadonlyArray<Target | null> },
  call: (count: number, ptrs: number[], loss: number, grads: number[], gradRow: number) => number,
): ElementwiseResult {
  const m = operands.length;
  const ops: Array<RuntimeOperand | null> = [
    ...operands.map((o) => (o ? input(1, o) : null)),
    want.loss ? output(1, want.lossInto) : null,
    ...Array.from({ length: want.grads }, (_, i) => output(1, want.into[i] ?? null)),
    want.gradRow ? input(1, want.gradRow) : null,
  ];
  const r = run(arena, dtype, n, ops, (count, p) => call(count, p.slice(0, m), p[m], p.slice(m + 1, m + 1 + want.grads), p[m + 1 + want.grads]), Infinity, false, true);
  return { elementLoss: want.loss ? r.outputs[0] : null, total: r.total, grads: r.outputs.slice(want.loss ? 1 : 0) };
}

const NOT_STRIDED = { gather: null, scatter: null };

/** One value per row, and the gradients a row kernel writes for a and b (as many as asked). */
export interface RowPairResult {
  out: FloatArray;
  grads: FloatArray[];
}

/**
 * Rows (rows, D) of a and b through a row kernel, chunked under the memory limit. `call` gets the
 * chunk's row count, the pointers of its a and b rows, the output pointer, `grads` gradient
 * pointers (rows × D each) and the upstream pointer (0 without gradRow). `strided`: the rows are
 * strided in a and b, and in the gradients (src/wasm/class-rows.ts's classRows).
 */
export function runRowPairs(
  arena: Arena, dtype: Dtype, a: Values, b: Values, rows: number, D: number,
  want: { grads: number; gradRow: FloatArray | null },
  call: (count: number, pa: number, pb: number, out: number, grads: number[], gradRow: number) => void,
  strided: { gather: Gather | null; scatter: Scatter | null } = NOT_STRIDED,
): RowPairResult {
  const ops: Array<RuntimeOperand | null> = [
    input(D, a, strided.gather), input(D, b, strided.gather), output(1),
    ...Array.from({ length: want.grads }, () => output(D, null, strided.scatter)),
    want.gradRow ? input(1, want.gradRow) : null,
  ];
  const r = run(arena, dtype, rows, ops, (count, p) => {
    call(count, p[0], p[1], p[2], p.slice(3, 3 + want.grads), p[3 + want.grads]);
    return 0;
  }, Infinity, false, true);
  return { out: r.outputs[0], grads: r.outputs.slice(1) };
}
