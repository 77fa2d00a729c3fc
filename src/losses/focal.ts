// sigmoidFocalLoss: torchvision.ops.sigmoid_focal_loss (docs/semantics.md §10; Lin et al.,
// "Focal Loss for Dense Object Detection", ICCV 2017). Its default reduction is 'none'.
import { argShape, elementwiseLoss } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOfDtype, numberOption, reductionOption } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { sigmoidFocalReference } from '../reference/focal';
import { callDtype, floatArg } from '../tensor';
import { sameShape } from '../shapes';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { focalModule } from '../wasm/modules';
import { sigmoid_focal } from '../wasm/modules/focal.args';

/**
 * Options of {@link sigmoidFocalLoss}.
 * @group Focal
 */
export interface SigmoidFocalLossOptions {
  /** Weight of the positive class, 1 - alpha of the negative; negative: no weighting. Default 0.25. */
  alpha?: number;
  /** Focusing exponent on (1 - p_t). Default 2. */
  gamma?: number;
  /** Default 'none' (torchvision). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

function focal(fn: string, inputs: FloatInput, targets: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['alpha', 'gamma', 'reduction'], wantGrad);
  const x = floatArg(fn, 'inputs', inputs, callDtype([inputs, targets], opts));
  const t = floatOfDtype(fn, 'targets', targets, x.dtype);
  const shape = argShape(x, inputs);
  const tShape = argShape(t, targets);
  if (!sameShape(tShape, shape)) throw rangeError(fn, `targets must have the inputs' shape ${shapeString(shape)}; got ${shapeString(tShape)}`);
  const alpha = numberOption(fn, 'alpha', opts.alpha, 0.25, Number.isFinite, 'a finite number (negative: no weighting)');
  const gamma = numberOption(fn, 'gamma', opts.gamma, 2, Number.isFinite, 'a finite number');
  return elementwiseLoss({
    module: focalModule,
    fn, args: [{ t: x, shape }, { t, shape }], shape, reduction: reductionOption(fn, opts.reduction, undefined, 'none'), opts, wantGrad, gradShapes: [shape],
    // float32 too is computed in float64: the list builds sigmoid_focal for f64 only (docs/accuracy.md)
    call: (k, d, [x, t], loss, [grad = null], gradRow, gradScale) => sigmoid_focal(k, d, { x, t, loss, grad, gradRow, alpha, gamma, gradScale }),
    reference: ([xd, td], gr, scale) => sigmoidFocalReference(xd, td, alpha, gamma, wantGrad, gr, scale),
  });
}

/**
 * torchvision.ops.sigmoid_focal_loss: `α_t·BCE-with-logits·(1 - p_t)^γ` per element (Lin et al., "Focal Loss for Dense Object Detection", 2017).
 *
 * @param inputs - Logits, any shape.
 * @param targets - 0/1 labels (or soft targets in [0, 1]), the inputs' shape.
 * @param options - `alpha` (the positive class's weight, `1 - alpha` the negative's; negative: no weighting; default 0.25), `gamma` (default 2), `reduction` (default `'none'`, as torchvision's).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the inputs' shape. The default reduction is `'none'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the shapes differ.
 * @example
 * ```ts
 * import { sigmoidFocalLoss } from 'simdloss';
 * const logits = new Float32Array([2, -1, 0.5]);
 * const labels = new Float32Array([1, 0, 0]);
 * sigmoidFocalLoss(logits, labels).data; // Float32Array(3): the default reduction is 'none'
 * sigmoidFocalLoss(logits, labels, { reduction: 'sum' }); // a number
 * ```
 * @group Focal
 */
export function sigmoidFocalLoss<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(inputs: FloatInput<D>, targets: FloatInput<D>, options?: SigmoidFocalLossOptions & { reduction?: R }): Loss<R, D>;
export function sigmoidFocalLoss(inputs: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions): number | Tensor {
  return focal('sigmoidFocalLoss', inputs, targets, options, false).loss;
}
/**
 * {@link sigmoidFocalLoss} and its gradient (dInputs), computed in one pass.
 *
 * @param inputs - As for {@link sigmoidFocalLoss}.
 * @param targets - As for {@link sigmoidFocalLoss}.
 * @param options - The options of {@link sigmoidFocalLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link sigmoidFocalLoss} returns it; `grads` is `[dInputs]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link sigmoidFocalLoss} throws.
 * @example
 * ```ts
 * import { sigmoidFocalLossWithGrad } from 'simdloss';
 * const logits = new Float32Array([2, -1, 0.5]);
 * const labels = new Float32Array([1, 0, 0]);
 * const { loss, grad } = sigmoidFocalLossWithGrad(logits, labels, { reduction: 'mean' });
 * grad.data; // Float32Array(3)
 * ```
 * @group Focal
 */
export function sigmoidFocalLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(inputs: FloatInput<D>, targets: FloatInput<D>, options?: SigmoidFocalLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function sigmoidFocalLossWithGrad(inputs: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions & GradOptions): WithGrad {
  return withGrad(focal('sigmoidFocalLossWithGrad', inputs, targets, options, true), 'sigmoidFocalLossWithGrad');
}
