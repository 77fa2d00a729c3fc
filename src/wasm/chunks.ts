// The elementwise and row-pair paths, on the runtime (runtime.ts): operands broadcast to one shape,
// kernels run block by block under the memory limit.
import { FloatTensor, floatTensor } from '../tensor';
import { expandTo, sameShape } from '../shapes';
import type { Dtype, FloatArray } from '../dtypes';
import type { Arena } from './arena';
import { CONTIGUOUS } from './class-rows';
import { input, output, outputOf, runCall, type Gather, type KernelCall, type Operand, type Scatter, type Target, type Values } from './runtime';

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

/** An elementwise kernel's named call over the path's operands (src/wasm/modules/<family>.args.ts): inputs, the loss (or null), the gradients asked for, the upstream (or null). */
export type ElementwiseCall = (inputs: ReadonlyArray<Operand | null>, loss: Operand | null, grads: ReadonlyArray<Operand>, gradRow: Operand | null) => KernelCall;

/**
 * Runs an elementwise kernel over n values (through the runtime: cache-sized blocks under the
 * memory limit). `operands` are staged (or read in place when resident). `call` names them for the
 * kernel: the inputs (null when absent), the per-element loss (null unless want.loss), want.grads
 * gradients and the upstream (null without want.gradRow). want.into: arrays of n values to write
 * gradients into instead of new ones (see directTarget).
 */
export function runElementwise(
  arena: Arena,
  n: number,
  operands: ReadonlyArray<FloatTensor | null>,
  want: { loss: boolean; lossInto: Target | null; grads: number; gradRow: FloatArray | null; into: ReadonlyArray<Target | null> },
  call: ElementwiseCall,
): ElementwiseResult {
  const loss = want.loss ? output(1, want.lossInto) : null;
  const grads: Operand[] = [];
  for (let i = 0; i < want.grads; i++) grads.push(output(1, want.into[i] ?? null));
  const c = call(operands.map((o) => (o ? input(1, o) : null)), loss, grads, want.gradRow ? input(1, want.gradRow) : null);
  const r = runCall(arena, n, c);
  return { elementLoss: loss ? outputOf(c, r, loss) : null, total: r.total, grads: grads.map((g) => outputOf(c, r, g)) };
}

/** One value per row, and the gradients a row kernel writes for a and b (as many as asked). */
export interface RowPairResult {
  out: FloatArray;
  grads: FloatArray[];
}

/**
 * Rows (rows, D) of a and b through a row kernel, chunked under the memory limit. `call` names the
 * operands for the kernel: the a and b rows, the output (one value a row), `grads` gradients
 * (rows × D each) and the upstream (null without gradRow). `strided`: the rows are strided in a and
 * b, and in the gradients (src/wasm/class-rows.ts's classRows).
 */
export function runRowPairs(
  arena: Arena, a: Values, b: Values, rows: number, D: number,
  want: { grads: number; gradRow: FloatArray | null },
  call: (a: Operand, b: Operand, out: Operand, grads: ReadonlyArray<Operand>, gradRow: Operand | null) => KernelCall,
  strided: { readonly gather: Gather | null; readonly scatter: Scatter | null } = CONTIGUOUS,
): RowPairResult {
  const out = output(1);
  const grads: Operand[] = [];
  for (let i = 0; i < want.grads; i++) grads.push(output(D, null, strided.scatter));
  const c = call(input(D, a, strided.gather), input(D, b, strided.gather), out, grads, want.gradRow ? input(1, want.gradRow) : null);
  const r = runCall(arena, rows, c);
  return { out: outputOf(c, r, out), grads: grads.map((g) => outputOf(c, r, g)) };
}
