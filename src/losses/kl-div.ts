// klDiv: F.kl_div (pytorch-loss-spec.md §4.10). `input` holds log-probabilities, `target`
// probabilities (or log-probabilities with logTarget); they broadcast against each other.
// 'batchmean' divides the sum by the first dim (the KL divergence per sample); 'mean' divides by
// every element, as PyTorch does (PyTorch also warns there; we do not).
import { wasm } from '../backend';
import { checkOptions, floatOfDtype, gradForArgument, gradScaling, lossResult, reductionOption, toDtype, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { klDivReference } from '../reference/kl-div';
import { broadcastShapes, current, floatArg, isFloatArray, sizeOf } from '../tensor';
import type { FloatInput, GradOptions, Tensor, WithGrad } from '../types';
import { broadcastOperand, runElementwise } from '../wasm/chunks';

export type KlDivReduction = 'mean' | 'batchmean' | 'sum' | 'none';

export interface KlDivOptions {
  /** Default 'mean' (PyTorch's default; 'batchmean' is the KL divergence per sample). */
  reduction?: KlDivReduction;
  /** The target holds log-probabilities. Default false. */
  logTarget?: boolean;
}

function run(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction', 'logTarget', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const t = floatOfDtype(fn, 'target', target, dtype);
  const xShape = isFloatArray(input) ? [x.size] : x.shape;
  const tShape = isFloatArray(target) ? [t.size] : t.shape;
  const shape = broadcastShapes(fn, 'input', xShape, 'target', tShape);
  const reduction = reductionOption<KlDivReduction>(fn, opts.reduction, ['mean', 'batchmean', 'sum', 'none']);
  if (opts.logTarget !== undefined && typeof opts.logTarget !== 'boolean') {
    throw new TypeError(`${fn}: options.logTarget must be a boolean; got ${typeof opts.logTarget}`);
  }
  const logTarget = opts.logTarget === true;
  const n = sizeOf(shape);
  // 'batchmean' divides by size(0) (no division for a 0-d result), 'mean' by numel.
  const denominator = reduction === 'batchmean' ? (shape.length ? shape[0] : 1) : n;
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, reduction === 'none' ? shape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction === 'batchmean' ? 'mean' : reduction, up, denominator);
  const xs = broadcastOperand(x, xShape, shape, dtype);
  const ts = broadcastOperand(t, tShape, shape, dtype);

  let elementLoss: ArrayLike<number> = new Float64Array(0);
  let total: number;
  let grad: ArrayLike<number> | null = null;
  let gradTarget: ArrayLike<number> | null = null;
  const w = wasm();
  if (w) {
    const { k, arena } = w;
    const kernel = dtype === 'float32' ? k.f32_kl_div : k.f64_kl_div;
    const r = runElementwise(arena, dtype, n, [xs, ts], { loss: reduction === 'none', grads: wantGrad ? 2 : 0, gradRow },
      (m, [px, pt], loss, [g = 0, gt = 0], gr) => kernel(m, px, pt, loss, g, gt, gr, logTarget ? 1 : 0, gradScale));
    elementLoss = r.elementLoss ?? elementLoss;
    total = r.total;
    grad = r.grads[0] ?? null;
    gradTarget = r.grads[1] ?? null;
  } else {
    const r = klDivReference(xs.resident ? current(x) : xs.data, ts.resident ? current(t) : ts.data, logTarget, wantGrad, gradRow, gradScale);
    ({ elementLoss, total, grad, gradTarget } = r);
  }
  const loss = lossResult(reduction === 'batchmean' ? 'mean' : reduction, () => toDtype(elementLoss, dtype), total, denominator, shape, dtype);
  if (!wantGrad) return { loss, grads: [] };
  return { loss, grads: [gradForArgument(grad!, shape, xShape, dtype), gradForArgument(gradTarget!, shape, tShape, dtype)] };
}

/** F.kl_div(input, target): Σ target·(log target - input), PyTorch's reductions including 'batchmean'. */
export function klDiv(input: FloatInput, target: FloatInput, options?: KlDivOptions): number | Tensor {
  return run('klDiv', input, target, options, false).loss;
}

/** klDiv and its gradients with respect to input and target. */
export function klDivWithGrad(input: FloatInput, target: FloatInput, options?: KlDivOptions & GradOptions): WithGrad {
  return withGrad(run('klDivWithGrad', input, target, options, true));
}
