// klDiv: F.kl_div (pytorch-loss-spec.md §4.10). `input` holds log-probabilities, `target`
// probabilities (or log-probabilities with logTarget); they broadcast against each other.
// 'batchmean' divides the sum by the first dim (the KL divergence per sample); 'mean' divides by
// every element, as PyTorch does (PyTorch also warns there; we do not).
import { argShape, elementwiseLoss } from '../elementwise-loss';
import { checkOptions, floatOfDtype, reductionOption, withGrad, type LossAndGrads } from '../options';
import { klDivReference } from '../reference/kl-div';
import { broadcastShapes, callDtype, floatArg } from '../tensor';
import type { FloatInput, GradOptions, Tensor, WithGrad } from '../types';

export type KlDivReduction = 'mean' | 'batchmean' | 'sum' | 'none';

export interface KlDivOptions {
  /** Default 'mean' (PyTorch's default; 'batchmean' is the KL divergence per sample). */
  reduction?: KlDivReduction;
  /** The target holds log-probabilities. Default false. */
  logTarget?: boolean;
}

function run(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction', 'logTarget'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const dtype = x.dtype;
  const t = floatOfDtype(fn, 'target', target, dtype);
  const xShape = argShape(x, input);
  const tShape = argShape(t, target);
  const shape = broadcastShapes(fn, 'input', xShape, 'target', tShape);
  const reduction = reductionOption<KlDivReduction>(fn, opts.reduction, ['mean', 'batchmean', 'sum', 'none']);
  if (opts.logTarget !== undefined && typeof opts.logTarget !== 'boolean') {
    throw new TypeError(`${fn}: options.logTarget must be a boolean; got ${typeof opts.logTarget}`);
  }
  const logTarget = opts.logTarget === true;
  // 'batchmean' divides by size(0) (no division for a 0-d result), 'mean' by numel.
  const batchmean = reduction === 'batchmean';
  return elementwiseLoss({
    fn, args: [{ t: x, shape: xShape }, { t, shape: tShape }], shape, opts, wantGrad,
    reduction: batchmean ? 'mean' : reduction,
    denominator: batchmean ? (shape.length ? shape[0] : 1) : undefined,
    gradShapes: [xShape, tShape],
    kernel: (k, _arena, m, [px, pt], loss, [g = 0, gt = 0], gr, scale) => (dtype === 'float32' ? k.f32_kl_div : k.f64_kl_div)(m, px, pt, loss, g, gt, gr, logTarget ? 1 : 0, scale),
    reference: ([xd, td], gr, scale) => {
      const r = klDivReference(xd, td, logTarget, wantGrad, gr, scale);
      return { elementLoss: r.elementLoss, total: r.total, grads: r.grad && r.gradTarget ? [r.grad, r.gradTarget] : [] };
    },
  });
}

/** F.kl_div(input, target): Σ target·(log target - input), PyTorch's reductions including 'batchmean'. */
export function klDiv(input: FloatInput, target: FloatInput, options?: KlDivOptions): number | Tensor {
  return run('klDiv', input, target, options, false).loss;
}

/** klDiv and its gradients with respect to input and target. */
export function klDivWithGrad(input: FloatInput, target: FloatInput, options?: KlDivOptions & GradOptions): WithGrad {
  return withGrad(run('klDivWithGrad', input, target, options, true), 'klDivWithGrad', options);
}
