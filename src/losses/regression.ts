// mseLoss, l1Loss, smoothL1Loss, huberLoss: F.mse_loss, F.l1_loss, F.smooth_l1_loss,
// F.huber_loss (pytorch-loss-spec.md §4.1–4.4). input and target broadcast against each other
// (PyTorch only warns); 'mean' divides by the broadcast numel; both receive gradients.
import { argShape, elementwiseLoss } from '../elementwise-loss';
import { checkOptions, floatOfDtype, numberOption, reductionOption, withGrad, type LossAndGrads } from '../options';
import { regressionReference, type RegressionKind } from '../reference/regression';
import { broadcastShapes, callDtype, floatArg } from '../tensor';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';

export interface RegressionOptions {
  reduction?: Reduction;
}

export interface SmoothL1LossOptions extends RegressionOptions {
  /** Where the loss turns from quadratic to linear; >= 0, default 1. β = 0 is l1Loss (PyTorch 2.x). */
  beta?: number;
}

export interface HuberLossOptions extends RegressionOptions {
  /** Where the loss turns from quadratic to linear; > 0, default 1. */
  delta?: number;
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
  const f32 = dtype === 'float32';
  return elementwiseLoss({
    fn, args: [{ t: x, shape: xShape }, { t: y, shape: yShape }], shape, reduction, opts, wantGrad,
    gradShapes: [xShape, yShape],
    kernel: (k, _arena, m, [px, py], loss, [g = 0, gt = 0], gr, scale) => {
      switch (kind) {
        case 'mse': return (f32 ? k.f32_mse : k.f64_mse)(m, px, py, loss, g, gt, gr, scale);
        case 'l1': return (f32 ? k.f32_l1 : k.f64_l1)(m, px, py, loss, g, gt, gr, scale);
        case 'smoothL1': return (f32 ? k.f32_smooth_l1 : k.f64_smooth_l1)(m, px, py, loss, g, gt, gr, param, scale);
        case 'huber': return (f32 ? k.f32_huber : k.f64_huber)(m, px, py, loss, g, gt, gr, param, scale);
      }
    },
    reference: ([xd, yd], gr, scale) => {
      const r = regressionReference(kind, xd, yd, param, wantGrad, gr, scale);
      // The target's gradient is the input's, negated.
      return { elementLoss: r.elementLoss, total: r.total, grads: r.grad ? [r.grad, Float64Array.from(r.grad, (v) => -v)] : [] };
    },
  });
}

/** F.mse_loss: (x - y)². */
export function mseLoss(input: FloatInput, target: FloatInput, options?: RegressionOptions): number | Tensor {
  return run('mseLoss', 'mse', input, target, options, false).loss;
}
/** mseLoss and its gradients with respect to input and target. */
export function mseLossWithGrad(input: FloatInput, target: FloatInput, options?: RegressionOptions & GradOptions): WithGrad {
  return withGrad(run('mseLossWithGrad', 'mse', input, target, options, true), 'mseLossWithGrad', options);
}
/** F.l1_loss: |x - y|. */
export function l1Loss(input: FloatInput, target: FloatInput, options?: RegressionOptions): number | Tensor {
  return run('l1Loss', 'l1', input, target, options, false).loss;
}
/** l1Loss and its gradients with respect to input and target. */
export function l1LossWithGrad(input: FloatInput, target: FloatInput, options?: RegressionOptions & GradOptions): WithGrad {
  return withGrad(run('l1LossWithGrad', 'l1', input, target, options, true), 'l1LossWithGrad', options);
}
/** F.smooth_l1_loss: 0.5·d²/β below β, |d| - 0.5·β above. */
export function smoothL1Loss(input: FloatInput, target: FloatInput, options?: SmoothL1LossOptions): number | Tensor {
  return run('smoothL1Loss', 'smoothL1', input, target, options, false).loss;
}
/** smoothL1Loss and its gradients with respect to input and target. */
export function smoothL1LossWithGrad(input: FloatInput, target: FloatInput, options?: SmoothL1LossOptions & GradOptions): WithGrad {
  return withGrad(run('smoothL1LossWithGrad', 'smoothL1', input, target, options, true), 'smoothL1LossWithGrad', options);
}
/** F.huber_loss: 0.5·d² below δ, δ·(|d| - 0.5·δ) above. */
export function huberLoss(input: FloatInput, target: FloatInput, options?: HuberLossOptions): number | Tensor {
  return run('huberLoss', 'huber', input, target, options, false).loss;
}
/** huberLoss and its gradients with respect to input and target. */
export function huberLossWithGrad(input: FloatInput, target: FloatInput, options?: HuberLossOptions & GradOptions): WithGrad {
  return withGrad(run('huberLossWithGrad', 'huber', input, target, options, true), 'huberLossWithGrad', options);
}
