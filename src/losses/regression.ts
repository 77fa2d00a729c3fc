// mseLoss, l1Loss, smoothL1Loss, huberLoss: F.mse_loss, F.l1_loss, F.smooth_l1_loss,
// F.huber_loss (docs/semantics.md §5). input and target broadcast against each other
// (PyTorch only warns); 'mean' divides by the broadcast numel; both receive gradients.
import { argShape, elementwiseLoss, leanElementwise, type LeanKernel } from '../elementwise-loss';
import { generalOptions } from '../lean';
import { checkOptions, floatOfDtype, numberOption, reductionOption } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { regressionReference, type RegressionKind } from '../reference/regression';
import { callDtype, floatArg, negated } from '../tensor';
import { broadcastShapes } from '../shapes';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { kernel, type regressionKernels } from '../wasm/kernels';
import { regressionModule } from '../wasm/modules';
import { huber, l1, mse, smooth_l1 } from '../wasm/modules/regression.args';

/**
 * Options of {@link mseLoss} and {@link l1Loss} (and the base of the other regression losses' options).
 * @group Regression
 */
export interface RegressionOptions {
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link smoothL1Loss}.
 * @group Regression
 */
export interface SmoothL1LossOptions extends RegressionOptions {
  /** Where the loss turns from quadratic to linear; >= 0, default 1. β = 0 is l1Loss (PyTorch 2.x). */
  beta?: number;
}

/**
 * Options of {@link huberLoss}.
 * @group Regression
 */
export interface HuberLossOptions extends RegressionOptions {
  /** Where the loss turns from quadratic to linear; > 0, default 1. */
  delta?: number;
}

// The lean form's kernel calls (src/lean.ts): beta and delta at their defaults (1).
const LEAN: Record<RegressionKind, LeanKernel<typeof regressionKernels>> = {
  mse: (k, d, n, px, py, pg, pgt, scale) => kernel(k, 'mse', d)(n, px, py, 0, pg, pgt, 0, scale),
  l1: (k, d, n, px, py, pg, pgt, scale) => kernel(k, 'l1', d)(n, px, py, 0, pg, pgt, 0, scale),
  smoothL1: (k, d, n, px, py, pg, pgt, scale) => kernel(k, 'smooth_l1', d)(n, px, py, 0, pg, pgt, 0, 1, scale),
  huber: (k, d, n, px, py, pg, pgt, scale) => kernel(k, 'huber', d)(n, px, py, 0, pg, pgt, 0, 1, scale),
};

function lean(fn: string, kind: RegressionKind, input: unknown, target: unknown, options: unknown, wantGrad: boolean): number | WithGrad | undefined {
  return leanElementwise(fn, regressionModule, LEAN[kind], input, target, options, wantGrad, 2);
}

function run(fn: string, kind: RegressionKind, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const extra = kind === 'smoothL1' ? ['beta'] : kind === 'huber' ? ['delta'] : [];
  const opts = checkOptions(fn, options, ['reduction', ...extra], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const dtype = x.dtype;
  const y = floatOfDtype(fn, 'target', target, dtype);
  const xShape = argShape(x, input);
  const yShape = argShape(y, target);
  const shape = broadcastShapes(fn, 'input', xShape, 'target', yShape);
  const reduction = reductionOption(fn, opts.reduction);
  let param = 0;
  if (kind === 'smoothL1') {
    param = numberOption(fn, 'beta', opts.beta, 1, (b) => b >= 0 && Number.isFinite(b), 'a finite number >= 0 (smooth_l1_loss does not support negative values for beta)');
    if (param === 0) kind = 'l1'; // PyTorch 2.x: beta = 0 is l1_loss, gradient 0 at zero residual
  } else if (kind === 'huber') {
    param = numberOption(fn, 'delta', opts.delta, 1, (d) => d > 0 && Number.isFinite(d), 'a finite number > 0 (huber_loss does not support non-positive values for delta)');
  }
  return elementwiseLoss({
    module: regressionModule,
    fn, args: [{ t: x, shape: xShape }, { t: y, shape: yShape }], shape, reduction, opts, wantGrad,
    gradShapes: [xShape, yShape],
    call: (k, d, [x, y], loss, [grad = null, gradTarget = null], gradRow, gradScale) => {
      switch (kind) {
        case 'mse': return mse(k, d, { x, y, loss, grad, gradTarget, gradRow, gradScale });
        case 'l1': return l1(k, d, { x, y, loss, grad, gradTarget, gradRow, gradScale });
        case 'smoothL1': return smooth_l1(k, d, { x, y, loss, grad, gradTarget, gradRow, beta: param, gradScale });
        case 'huber': return huber(k, d, { x, y, loss, grad, gradTarget, gradRow, delta: param, gradScale });
      }
    },
    reference: ([xd, yd], gr, scale) => {
      const r = regressionReference(kind, xd, yd, param, wantGrad, gr, scale);
      // The target's gradient is the input's, negated.
      return { elementLoss: r.elementLoss, total: r.total, grads: r.grad ? [r.grad, negated(r.grad)] : [] };
    },
  });
}

/**
 * F.mse_loss: the squared error `(x - y)²` per element.
 *
 * @param input - The prediction, any shape.
 * @param target - The target; broadcasts against `input` (PyTorch warns when the shapes differ; simdloss does not).
 * @param options - `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the shapes do not broadcast.
 * @example
 * ```ts
 * import { mseLoss } from 'simdloss';
 * const x = new Float32Array([1, 2, 3]), y = new Float32Array([1, 2, 5]);
 * const loss: number = mseLoss(x, y); // 1.3333
 * const perElement: Float32Array = mseLoss(x, y, { reduction: 'none' }).data; // [0, 0, 4]
 * ```
 * @group Regression
 */
export function mseLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: RegressionOptions & { reduction?: R }): Loss<R, D>;
export function mseLoss(input: FloatInput, target: FloatInput, options?: RegressionOptions): number | Tensor {
  return (lean('mseLoss', 'mse', input, target, options, false) as number | undefined) ?? run('mseLoss', 'mse', input, target, generalOptions(options), false).loss;
}
/**
 * {@link mseLoss} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link mseLoss}.
 * @param target - As for {@link mseLoss}.
 * @param options - The options of {@link mseLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link mseLoss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link mseLoss} throws.
 * @example
 * ```ts
 * import { mseLossWithGrad } from 'simdloss';
 * const { loss, grads: [dInput, dTarget] } = mseLossWithGrad(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 5]));
 * dInput.data; // 2·(x - y) / 3: Float32Array [0, 0, -1.333]
 * ```
 * @group Regression
 */
export function mseLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: RegressionOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function mseLossWithGrad(input: FloatInput, target: FloatInput, options?: RegressionOptions & GradOptions): WithGrad {
  return (lean('mseLossWithGrad', 'mse', input, target, options, true) as WithGrad | undefined) ?? withGrad(run('mseLossWithGrad', 'mse', input, target, generalOptions(options), true), 'mseLossWithGrad');
}
/**
 * F.l1_loss: the absolute error `|x - y|` per element.
 *
 * @param input - The prediction, any shape.
 * @param target - The target; broadcasts against `input` (PyTorch warns when the shapes differ; simdloss does not).
 * @param options - `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the shapes do not broadcast.
 * @example
 * ```ts
 * import { l1Loss } from 'simdloss';
 * l1Loss(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 5])); // 0.6667
 * ```
 * @group Regression
 */
export function l1Loss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: RegressionOptions & { reduction?: R }): Loss<R, D>;
export function l1Loss(input: FloatInput, target: FloatInput, options?: RegressionOptions): number | Tensor {
  return (lean('l1Loss', 'l1', input, target, options, false) as number | undefined) ?? run('l1Loss', 'l1', input, target, generalOptions(options), false).loss;
}
/**
 * {@link l1Loss} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link l1Loss}.
 * @param target - As for {@link l1Loss}.
 * @param options - The options of {@link l1Loss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link l1Loss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link l1Loss} throws.
 * @example
 * ```ts
 * import { l1LossWithGrad } from 'simdloss';
 * const { grad } = l1LossWithGrad(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 5]));
 * grad.data; // sign(x - y) / 3: Float32Array [0, 0, -0.333]
 * ```
 * @group Regression
 */
export function l1LossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: RegressionOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function l1LossWithGrad(input: FloatInput, target: FloatInput, options?: RegressionOptions & GradOptions): WithGrad {
  return (lean('l1LossWithGrad', 'l1', input, target, options, true) as WithGrad | undefined) ?? withGrad(run('l1LossWithGrad', 'l1', input, target, generalOptions(options), true), 'l1LossWithGrad');
}
/**
 * F.smooth_l1_loss: `0.5·d²/β` where `|d| < β`, `|d| - 0.5·β` elsewhere (`d = x - y`); `β = 0` is {@link l1Loss}.
 *
 * @param input - The prediction, any shape.
 * @param target - The target; broadcasts against `input` (PyTorch warns when the shapes differ; simdloss does not).
 * @param options - `beta` (≥ 0, default 1), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not broadcast, or `beta` is negative or not finite.
 * @example
 * ```ts
 * import { smoothL1Loss } from 'simdloss';
 * smoothL1Loss(new Float32Array([0, 2]), new Float32Array([0.5, 0])); // (0.125 + 1.5) / 2 = 0.8125
 * ```
 * @group Regression
 */
export function smoothL1Loss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: SmoothL1LossOptions & { reduction?: R }): Loss<R, D>;
export function smoothL1Loss(input: FloatInput, target: FloatInput, options?: SmoothL1LossOptions): number | Tensor {
  return (lean('smoothL1Loss', 'smoothL1', input, target, options, false) as number | undefined) ?? run('smoothL1Loss', 'smoothL1', input, target, generalOptions(options), false).loss;
}
/**
 * {@link smoothL1Loss} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link smoothL1Loss}.
 * @param target - As for {@link smoothL1Loss}.
 * @param options - The options of {@link smoothL1Loss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link smoothL1Loss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link smoothL1Loss} throws.
 * @example
 * ```ts
 * import { smoothL1LossWithGrad } from 'simdloss';
 * const { grad } = smoothL1LossWithGrad(new Float32Array([0, 2]), new Float32Array([0.5, 0]), { reduction: 'sum' });
 * grad.data; // Float32Array [-0.5, 1]
 * ```
 * @group Regression
 */
export function smoothL1LossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: SmoothL1LossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function smoothL1LossWithGrad(input: FloatInput, target: FloatInput, options?: SmoothL1LossOptions & GradOptions): WithGrad {
  return (lean('smoothL1LossWithGrad', 'smoothL1', input, target, options, true) as WithGrad | undefined) ?? withGrad(run('smoothL1LossWithGrad', 'smoothL1', input, target, generalOptions(options), true), 'smoothL1LossWithGrad');
}
/**
 * F.huber_loss: `0.5·d²` where `|d| < δ`, `δ·(|d| - 0.5·δ)` elsewhere (`d = x - y`).
 *
 * @param input - The prediction, any shape.
 * @param target - The target; broadcasts against `input` (PyTorch warns when the shapes differ; simdloss does not).
 * @param options - `delta` (> 0, default 1), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not broadcast, or `delta` is not a finite number > 0.
 * @example
 * ```ts
 * import { huberLoss } from 'simdloss';
 * huberLoss(new Float32Array([0, 2]), new Float32Array([0.5, 0]), { delta: 2 }); // (0.125 + 2) / 2 = 1.0625
 * ```
 * @group Regression
 */
export function huberLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: HuberLossOptions & { reduction?: R }): Loss<R, D>;
export function huberLoss(input: FloatInput, target: FloatInput, options?: HuberLossOptions): number | Tensor {
  return (lean('huberLoss', 'huber', input, target, options, false) as number | undefined) ?? run('huberLoss', 'huber', input, target, generalOptions(options), false).loss;
}
/**
 * {@link huberLoss} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link huberLoss}.
 * @param target - As for {@link huberLoss}.
 * @param options - The options of {@link huberLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link huberLoss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link huberLoss} throws.
 * @example
 * ```ts
 * import { huberLossWithGrad } from 'simdloss';
 * const { grad } = huberLossWithGrad(new Float32Array([0, 2]), new Float32Array([0.5, 0]), { reduction: 'sum' });
 * grad.data; // Float32Array [-0.5, 1]
 * ```
 * @group Regression
 */
export function huberLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: HuberLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function huberLossWithGrad(input: FloatInput, target: FloatInput, options?: HuberLossOptions & GradOptions): WithGrad {
  return (lean('huberLossWithGrad', 'huber', input, target, options, true) as WithGrad | undefined) ?? withGrad(run('huberLossWithGrad', 'huber', input, target, generalOptions(options), true), 'huberLossWithGrad');
}
