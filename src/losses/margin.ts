// hingeEmbeddingLoss, softMarginLoss, marginRankingLoss: F.hinge_embedding_loss,
// F.soft_margin_loss, F.margin_ranking_loss (docs/semantics.md §8).
// Targets may be float (the call's dtype) or integer arrays (±1 labels), as PyTorch accepts both.
import { rangeError, shapeString } from '../errors';
import { argShape, elementwiseLoss, floatOrLabels, type ElementwiseArg } from '../elementwise-loss';
import { checkOptions, floatOfDtype, numberOption, reductionOption } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { hingeEmbeddingReference, marginRankingReference, softMarginReference } from '../reference/margin';
import { callDtype, floatArg } from '../tensor';
import { broadcastShapes, sameShape } from '../shapes';
import type { FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { marginModule } from '../wasm/modules';
import { hinge_embedding, margin_ranking, soft_margin } from '../wasm/modules/margin.args';

/**
 * Options of {@link hingeEmbeddingLoss}.
 * @group Margin
 */
export interface HingeEmbeddingLossOptions {
  /** Default 1. */
  margin?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link softMarginLoss}.
 * @group Margin
 */
export interface SoftMarginLossOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link marginRankingLoss}.
 * @group Margin
 */
export interface MarginRankingLossOptions {
  /** Default 0. */
  margin?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

function hinge(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const xArg = { t: x, shape: argShape(x, input) };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  return elementwiseLoss({
    module: marginModule,
    fn, args: [xArg, tArg], shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: [xArg.shape],
    call: (k, d, [x, t], loss, [grad = null], gradRow, gradScale) => hinge_embedding(k, d, { x, t, loss, grad, gradRow, margin, gradScale }),
    reference: ([xd, td], gr, scale) => hingeEmbeddingReference(xd, td, margin, wantGrad, gr, scale),
  });
}

function soft(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const xArg = { t: x, shape: argShape(x, input) };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  if (!sameShape(shape, xArg.shape)) {
    throw rangeError(fn, `target of shape ${shapeString(tArg.shape)} must broadcast to the input's shape ${shapeString(xArg.shape)}`);
  }
  return elementwiseLoss({
    module: marginModule,
    fn, args: [xArg, tArg], shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: [xArg.shape],
    call: (k, d, [x, t], loss, [grad = null], gradRow, gradScale) => soft_margin(k, d, { x, t, loss, grad, gradRow, gradScale }),
    reference: ([xd, td], gr, scale) => softMarginReference(xd, td, wantGrad, gr, scale),
  });
}

function ranking(fn: string, input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction'], wantGrad);
  const a = floatArg(fn, 'input1', input1, callDtype([input1, input2, target], opts));
  const b = floatOfDtype(fn, 'input2', input2, a.dtype);
  const args: ElementwiseArg[] = [
    { t: a, shape: argShape(a, input1) },
    { t: b, shape: argShape(b, input2) },
    floatOrLabels(fn, 'target', target, a.dtype),
  ];
  if (!args.every((g) => g.shape.length === args[0].shape.length)) {
    throw rangeError(fn, `input1, input2 and target must have the same number of dimensions; got ${args.map((g) => shapeString(g.shape)).join(', ')}`);
  }
  const shape = broadcastShapes(fn, 'target', args[2].shape, 'inputs', broadcastShapes(fn, 'input1', args[0].shape, 'input2', args[1].shape));
  const margin = numberOption(fn, 'margin', opts.margin, 0, Number.isFinite, 'a finite number');
  return elementwiseLoss({
    module: marginModule,
    fn, args, shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: args.map((g) => g.shape),
    call: (k, d, [x1, x2, y], loss, [g1 = null, g2 = null, g3 = null], gradRow, gradScale) => margin_ranking(k, d, { x1, x2, y, loss, g1, g2, g3, gradRow, margin, gradScale }),
    reference: ([d1, d2, dy], gr, scale) => marginRankingReference(d1, d2, dy, margin, wantGrad, gr, scale),
  });
}

/**
 * F.hinge_embedding_loss: `x` where the label is 1, `max(0, margin - x)` where it is -1.
 *
 * @param input - Distances (or other scores), any shape.
 * @param target - Labels ±1 (an integer or float array); broadcasts to the input's shape.
 * @param options - `margin` (default 1), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the target does not broadcast to the input's shape.
 * @example
 * ```ts
 * import { hingeEmbeddingLoss } from 'simdloss';
 * hingeEmbeddingLoss(new Float32Array([0.3, 2]), new Int8Array([1, -1])); // (0.3 + 0) / 2 = 0.15
 * ```
 * @group Margin
 */
export function hingeEmbeddingLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: HingeEmbeddingLossOptions & { reduction?: R }): Loss<R, D>;
export function hingeEmbeddingLoss(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions): number | Tensor {
  return hinge('hingeEmbeddingLoss', input, target, options, false).loss;
}
/**
 * {@link hingeEmbeddingLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link hingeEmbeddingLoss}.
 * @param target - As for {@link hingeEmbeddingLoss}.
 * @param options - The options of {@link hingeEmbeddingLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link hingeEmbeddingLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link hingeEmbeddingLoss} throws.
 * @example
 * ```ts
 * import { hingeEmbeddingLossWithGrad } from 'simdloss';
 * const { grad } = hingeEmbeddingLossWithGrad(new Float32Array([0.3, 0.5]), new Int8Array([1, -1]), { reduction: 'sum' });
 * grad.data; // Float32Array [1, -1]
 * ```
 * @group Margin
 */
export function hingeEmbeddingLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: HingeEmbeddingLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function hingeEmbeddingLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions & GradOptions): WithGrad {
  return withGrad(hinge('hingeEmbeddingLossWithGrad', input, target, options, true), 'hingeEmbeddingLossWithGrad');
}
/**
 * F.soft_margin_loss: `log(1 + e^(-t·x))` per element, computed without overflow.
 *
 * @param input - Scores, any shape.
 * @param target - Labels ±1 (an integer or float array); broadcasts to the input's shape.
 * @param options - `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the target does not broadcast to the input's shape.
 * @example
 * ```ts
 * import { softMarginLoss } from 'simdloss';
 * softMarginLoss(new Float32Array([2, -1]), new Int8Array([1, -1])); // 0.2201
 * ```
 * @group Margin
 */
export function softMarginLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: SoftMarginLossOptions & { reduction?: R }): Loss<R, D>;
export function softMarginLoss(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions): number | Tensor {
  return soft('softMarginLoss', input, target, options, false).loss;
}
/**
 * {@link softMarginLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link softMarginLoss}.
 * @param target - As for {@link softMarginLoss}.
 * @param options - The options of {@link softMarginLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link softMarginLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link softMarginLoss} throws.
 * @example
 * ```ts
 * import { softMarginLossWithGrad } from 'simdloss';
 * const { grad } = softMarginLossWithGrad(new Float32Array([2, -1]), new Int8Array([1, -1]));
 * grad.data; // -t·sigmoid(-t·x) / 2: Float32Array [-0.0596, 0.1345]
 * ```
 * @group Margin
 */
export function softMarginLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: SoftMarginLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function softMarginLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions & GradOptions): WithGrad {
  return withGrad(soft('softMarginLossWithGrad', input, target, options, true), 'softMarginLossWithGrad');
}
/**
 * F.margin_ranking_loss: `max(0, -y·(x1 - x2) + margin)`: `input1` should rank above `input2` where the label is 1, below where it is -1.
 *
 * @param input1 - Scores, any shape.
 * @param input2 - Scores: `input1`'s number of dimensions, broadcasting against it.
 * @param target - Labels ±1 (an integer or float array): the same number of dimensions.
 * @param options - `margin` (default 0), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the three do not have the same number of dimensions, or they do not broadcast.
 * @example
 * ```ts
 * import { marginRankingLoss } from 'simdloss';
 * marginRankingLoss(new Float32Array([1, 0]), new Float32Array([0, 1]), new Int8Array([1, 1])); // (0 + 1) / 2 = 0.5
 * ```
 * @group Margin
 */
export function marginRankingLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input1: FloatInput<D>, input2: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: MarginRankingLossOptions & { reduction?: R }): Loss<R, D>;
export function marginRankingLoss(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions): number | Tensor {
  return ranking('marginRankingLoss', input1, input2, target, options, false).loss;
}
/**
 * {@link marginRankingLoss} and its gradients (dInput1, dInput2, dTarget), computed in one pass.
 *
 * @param input1 - As for {@link marginRankingLoss}.
 * @param input2 - As for {@link marginRankingLoss}.
 * @param target - As for {@link marginRankingLoss}.
 * @param options - The options of {@link marginRankingLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link marginRankingLoss} returns it; `grads` is `[dInput1, dInput2, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link marginRankingLoss} throws.
 * @example
 * ```ts
 * import { marginRankingLossWithGrad } from 'simdloss';
 * const { grads } = marginRankingLossWithGrad(new Float32Array([1, 0]), new Float32Array([0, 1]), new Float32Array([1, 1]));
 * grads[0].data; // Float32Array [0, -0.5]
 * ```
 * @group Margin
 */
export function marginRankingLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input1: FloatInput<D>, input2: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: MarginRankingLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function marginRankingLossWithGrad(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions & GradOptions): WithGrad {
  return withGrad(ranking('marginRankingLossWithGrad', input1, input2, target, options, true), 'marginRankingLossWithGrad');
}
