// multiMarginLoss, multilabelMarginLoss: F.multi_margin_loss, F.multilabel_margin_loss
// (docs/semantics.md §9). Input (C) or (N, C) (a 0-d input is one row of one class);
// one row loss each, reduced over N. Only the input gets a gradient.
import { wasm } from '../backend';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOption, gradScaling, numberOption, reductionOption, upstreamOption } from '../options';
import { gradTensor, lossResult, outTarget, toDtype, withGrad, type LossAndGrads } from '../results';
import { multiMarginReference, multilabelMarginReference, type RowParts } from '../reference/multi-margin';
import { callDtype, floatArg, indexArg, isFloatArray, type FloatTensor } from '../tensor';
import { sameShape } from '../shapes';
import type { FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { input, output, outputOf, runCall, whole, type KernelCall, type Operand } from '../wasm/runtime';
import type { Kernels, multiMarginKernels } from '../wasm/kernels';
import { multiMarginModule } from '../wasm/modules';
import { multi_margin, multilabel_margin } from '../wasm/modules/multi-margin.args';

/**
 * Options of {@link multiMarginLoss}.
 * @group Multi-class margin
 */
export interface MultiMarginLossOptions {
  /** 1 or 2. Default 1. */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** Per-class weight (C), applied by the target class. */
  weight?: FloatInput;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link multilabelMarginLoss}.
 * @group Multi-class margin
 */
export interface MultilabelMarginLossOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/** The input as N rows of C classes, as PyTorch's "vector or matrix with optional 0-dim batch size". */
function rowsOf(fn: string, x: FloatTensor, input: unknown): { N: number; C: number; shape: number[] } {
  const shape = isFloatArray(input) ? [x.size] : x.shape;
  const C = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (shape.length > 2 || C === 0) {
    throw rangeError(fn, `Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${shapeString(shape)}`);
  }
  return { N: shape.length === 2 ? shape[0] : 1, C, shape };
}

/** The row operands both kernels take, under the names both give them. */
interface RowOperands {
  x: Operand;
  target: Operand;
  rowLoss: Operand;
  grad: Operand | null;
  gradRow: Operand | null;
}

/** Row losses, their sum and the input gradient: the kernel chunked by rows, or the reference. */
function runRows(fn: string, x: FloatTensor, N: number, C: number, targets: Int32Array, targetsPerRow: number, gradRow: FloatArray | null, wantGrad: boolean,
  // the kernel's named call over the row operands, given the module
  call: (k: Kernels<typeof multiMarginKernels>, rows: RowOperands) => KernelCall,
  reference: (data: ArrayLike<number>) => RowParts): RowParts {
  const w = N > 0 ? wasm(fn, multiMarginModule) : null;
  if (!w) return reference(x.data);
  const rows: RowOperands = {
    x: input(C, x), target: input(targetsPerRow, targets), rowLoss: output(1), grad: wantGrad ? output(C) : null, gradRow: gradRow ? input(1, gradRow) : null,
  };
  const c = call(w.k, rows);
  const r = runCall(w.arena, N, c);
  return { rowLoss: outputOf(c, r, rows.rowLoss), total: r.total, grad: rows.grad ? outputOf(c, r, rows.grad) : null };
}

function multiMargin(fn: string, input: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['p', 'margin', 'weight', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input], opts));
  const dtype = x.dtype;
  const { N, C, shape } = rowsOf(fn, x, input);
  const p = numberOption(fn, 'p', opts.p, 1, (v) => v === 1 || v === 2, '1 or 2 (only p == 1 and p == 2 supported)') as 1 | 2;
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const weight = floatOption(fn, 'weight', opts.weight, dtype);
  if (weight) {
    const own = isFloatArray(opts.weight) ? [weight.size] : weight.shape;
    if (own.length !== 1) throw rangeError(fn, `options.weight must be one-dimensional; got shape ${shapeString(own)}`);
    if (weight.size !== C) throw rangeError(fn, `inconsistent weight size, expected ${C} but got ${shapeString(own)}`);
  }
  const t = indexArg(fn, 'target', target);
  const tShape = t.shape;
  if (t.size !== N || (shape.length === 2 ? tShape.length !== 1 : tShape.length > 1)) {
    throw rangeError(fn, `inconsistent target size, expected ${N} but got ${shapeString(tShape)}`);
  }
  const targets = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const v = t.at(i);
    if (v < 0 || v >= C) throw rangeError(fn, `target out of range: target[${i}] = ${v}, expected a class index in [0, ${C})`);
    targets[i] = v;
  }
  // 'none': (N) for a matrix; for a vector, the target's own shape (() or (1)).
  const outShape = shape.length === 2 ? [N] : tShape;
  const reduction = reductionOption(fn, opts.reduction);
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, N);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  const r = runRows(fn, x, N, C, targets, 1, gradRow, wantGrad,
    (k, o) => multi_margin(k, dtype, { C, x: o.x, target: o.target, weight: weight ? whole(weight) : null, rowLoss: o.rowLoss, grad: o.grad, gradRow: o.gradRow, p, margin, gradScale }),
    (data) => multiMarginReference(data, N, C, targets, weight ? weight.data : null, p, margin, wantGrad, gradRow, gradScale));
  const loss = lossResult(reduction, () => toDtype(r.rowLoss, dtype), r.total, N, outShape, dtype, out);
  return { loss, grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [], opts };
}

function multilabelMargin(fn: string, input: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input], opts));
  const dtype = x.dtype;
  const { N, C, shape } = rowsOf(fn, x, input);
  const t = indexArg(fn, 'target', target);
  const tShape = t.shape;
  if (!sameShape(tShape, shape)) throw rangeError(fn, `inconsistent size ${shapeString(tShape)} for argument #2 'target' (expected the input's shape ${shapeString(shape)})`);
  const targets = new Int32Array(N * C);
  for (let i = 0; i < targets.length; i++) {
    const v = t.at(i);
    if (v < -1 || v >= C) throw rangeError(fn, `argument #2 'target' is out of range: target[${i}] = ${v}, expected -1 or a class index in [0, ${C})`);
    targets[i] = v;
  }
  // 'none': (N) for a matrix, 0-d for a vector (PyTorch).
  const outShape = shape.length === 2 ? [N] : [];
  const reduction = reductionOption(fn, opts.reduction);
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, N);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  // (its isTarget scratch, a flag per class, is declared on the list entry)
  const r = runRows(fn, x, N, C, targets, C, gradRow, wantGrad,
    (k, o) => multilabel_margin(k, dtype, { C, x: o.x, target: o.target, rowLoss: o.rowLoss, grad: o.grad, gradRow: o.gradRow, gradScale }),
    (data) => multilabelMarginReference(data, N, C, targets, wantGrad, gradRow, gradScale));
  const loss = lossResult(reduction, () => toDtype(r.rowLoss, dtype), r.total, N, outShape, dtype, out);
  return { loss, grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [], opts };
}

/**
 * F.multi_margin_loss: the multi-class hinge loss `w[y]·Σ_{i≠y} max(0, margin - x[y] + x[i])^p / C` per row.
 *
 * @param input - Scores, `(N, C)` or `(C)`.
 * @param target - Class indices, `(N)` (`()` or `(1)` for a `(C)` input).
 * @param options - `p` (1 or 2; default 1), `margin` (default 1), `weight` (per class, `(C)`), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per row. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a class index is outside `[0, C)`, the target does not hold one index per row, `weight` is not `(C)`, or `p` is not 1 or 2.
 * @example
 * ```ts
 * import { multiMarginLoss } from 'simdloss';
 * const scores = { data: new Float32Array([0.1, 0.2, 0.4, 0.8]), shape: [1, 4] };
 * multiMarginLoss(scores, [3]); // (0.3 + 0.4 + 0.6) / 4 = 0.325
 * ```
 * @group Multi-class margin
 */
export function multiMarginLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: MultiMarginLossOptions & { reduction?: R }): Loss<R, D>;
export function multiMarginLoss(input: FloatInput, target: IndexInput, options?: MultiMarginLossOptions): number | Tensor {
  return multiMargin('multiMarginLoss', input, target, options, false).loss;
}
/**
 * {@link multiMarginLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link multiMarginLoss}.
 * @param target - As for {@link multiMarginLoss}.
 * @param options - The options of {@link multiMarginLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link multiMarginLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link multiMarginLoss} throws.
 * @example
 * ```ts
 * import { multiMarginLossWithGrad } from 'simdloss';
 * const scores = { data: new Float32Array([0.1, 0.2, 0.4, 0.8]), shape: [1, 4] };
 * multiMarginLossWithGrad(scores, [3]).grad.data; // Float32Array [0.25, 0.25, 0.25, -0.75]
 * ```
 * @group Multi-class margin
 */
export function multiMarginLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: MultiMarginLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function multiMarginLossWithGrad(input: FloatInput, target: IndexInput, options?: MultiMarginLossOptions & GradOptions): WithGrad {
  return withGrad(multiMargin('multiMarginLossWithGrad', input, target, options, true), 'multiMarginLossWithGrad');
}
/**
 * F.multilabel_margin_loss: `Σ_{j∈targets} Σ_{i∉targets} max(0, 1 - x[j] + x[i]) / C` per row.
 *
 * @param input - Scores, `(N, C)` or `(C)`.
 * @param target - The input's shape: each row's target classes, then -1 (which ends the list).
 * @param options - `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per row. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a target is outside `[-1, C)`, or the target's shape differs from the input's.
 * @example
 * ```ts
 * import { multilabelMarginLoss } from 'simdloss';
 * const scores = { data: new Float32Array([0.1, 0.2, 0.4, 0.8]), shape: [1, 4] };
 * multilabelMarginLoss(scores, { data: [3, 0, -1, 1], shape: [1, 4] }); // 0.85 (targets 3 and 0)
 * ```
 * @group Multi-class margin
 */
export function multilabelMarginLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: MultilabelMarginLossOptions & { reduction?: R }): Loss<R, D>;
export function multilabelMarginLoss(input: FloatInput, target: IndexInput, options?: MultilabelMarginLossOptions): number | Tensor {
  return multilabelMargin('multilabelMarginLoss', input, target, options, false).loss;
}
/**
 * {@link multilabelMarginLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link multilabelMarginLoss}.
 * @param target - As for {@link multilabelMarginLoss}.
 * @param options - The options of {@link multilabelMarginLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link multilabelMarginLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link multilabelMarginLoss} throws.
 * @example
 * ```ts
 * import { multilabelMarginLossWithGrad } from 'simdloss';
 * const scores = { data: new Float32Array([0.1, 0.2, 0.4, 0.8]), shape: [1, 4] };
 * const { grad } = multilabelMarginLossWithGrad(scores, { data: [3, 0, -1, 1], shape: [1, 4] });
 * grad.shape; // [1, 4]
 * ```
 * @group Multi-class margin
 */
export function multilabelMarginLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: MultilabelMarginLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function multilabelMarginLossWithGrad(input: FloatInput, target: IndexInput, options?: MultilabelMarginLossOptions & GradOptions): WithGrad {
  return withGrad(multilabelMargin('multilabelMarginLossWithGrad', input, target, options, true), 'multilabelMarginLossWithGrad');
}
