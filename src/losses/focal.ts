// sigmoidFocalLoss: torchvision.ops.sigmoid_focal_loss (pytorch-loss-spec.md §5.4; Lin et al.,
// "Focal Loss for Dense Object Detection", ICCV 2017). Its default reduction is 'none'.
import { argShape, elementwiseLoss } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOfDtype, numberOption, reductionOption, withGrad, type LossAndGrads } from '../options';
import { sigmoidFocalReference } from '../reference/focal';
import { callDtype, floatArg, sameShape } from '../tensor';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';

export interface SigmoidFocalLossOptions {
  /** Weight of the positive class, 1 - alpha of the negative; negative: no weighting. Default 0.25. */
  alpha?: number;
  /** Focusing exponent on (1 - p_t). Default 2. */
  gamma?: number;
  /** Default 'none' (torchvision). */
  reduction?: Reduction;
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
  const f32 = x.dtype === 'float32';
  return elementwiseLoss({
    fn, args: [{ t: x, shape }, { t, shape }], shape, reduction: reductionOption(fn, opts.reduction, undefined, 'none'), opts, wantGrad, gradShapes: [shape],
    kernel: (k, _arena, m, [px, pt], loss, [g = 0], gr, scale) => (f32 ? k.f32_sigmoid_focal : k.f64_sigmoid_focal)(m, px, pt, loss, g, gr, alpha, gamma, scale),
    reference: ([xd, td], gr, scale) => sigmoidFocalReference(xd, td, alpha, gamma, wantGrad, gr, scale),
  });
}

/** torchvision.ops.sigmoid_focal_loss: α_t·BCE-with-logits·(1 - p_t)^γ per element. */
export function sigmoidFocalLoss(inputs: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions): number | Tensor {
  return focal('sigmoidFocalLoss', inputs, targets, options, false).loss;
}
/** sigmoidFocalLoss and its gradient with respect to inputs. */
export function sigmoidFocalLossWithGrad(inputs: FloatInput, targets: FloatInput, options?: SigmoidFocalLossOptions & GradOptions): WithGrad {
  return withGrad(focal('sigmoidFocalLossWithGrad', inputs, targets, options, true), 'sigmoidFocalLossWithGrad', options);
}
