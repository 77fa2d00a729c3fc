// klDiv: F.kl_div (docs/semantics.md §7). `input` holds log-probabilities, `target`
// probabilities (or log-probabilities with logTarget); they broadcast against each other.
// 'batchmean' divides the sum by the first dim (the KL divergence per sample); 'mean' divides by
// every element, as PyTorch does (PyTorch also warns there; we do not).
import { argShape, elementwiseLoss } from '../elementwise-loss';
import { checkOptions, floatOfDtype, reductionOption } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { klDivReference } from '../reference/kl-div';
import { callDtype, floatArg } from '../tensor';
import { broadcastShapes } from '../shapes';
import type { FloatInput, GradOptions, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { klDivModule } from '../wasm/modules';
import { kl_div } from '../wasm/modules/kl-div.args';

/**
 * klDiv's reductions: PyTorch's three and `'batchmean'`, the sum divided by the first dimension.
 * @group KL divergence
 */
export type KlDivReduction = 'mean' | 'batchmean' | 'sum' | 'none';

/**
 * Options of {@link klDiv}.
 * @group KL divergence
 */
export interface KlDivOptions {
  /** Default 'mean' (PyTorch's default; 'batchmean' is the KL divergence per sample). */
  reduction?: KlDivReduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
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
  // 'batchmean' divides by the input's size(0), as F.kl_div does (not the broadcast shape's: an
  // input that broadcasts against a batch of targets divides by its own first dim; no division
  // for a 0-d input); 'mean' by numel.
  const batchmean = reduction === 'batchmean';
  return elementwiseLoss({
    module: klDivModule,
    fn, args: [{ t: x, shape: xShape }, { t, shape: tShape }], shape, opts, wantGrad,
    reduction: batchmean ? 'mean' : reduction,
    denominator: batchmean ? (xShape.length ? xShape[0] : 1) : undefined,
    gradShapes: [xShape, tShape],
    // float32 too is computed in float64: the list builds kl_div for f64 only (docs/accuracy.md)
    call: (k, d, [x, t], loss, [gradInput = null, gradTarget = null], gradRow, gradScale) =>
      kl_div(k, d, { x, t, loss, gradInput, gradTarget, gradRow, logTarget: logTarget ? 1 : 0, gradScale }),
    reference: ([xd, td], gr, scale) => {
      const r = klDivReference(xd, td, logTarget, wantGrad, gr, scale);
      return { elementLoss: r.elementLoss, total: r.total, grads: r.grad && r.gradTarget ? [r.grad, r.gradTarget] : [] };
    },
  });
}

/**
 * F.kl_div: `target·(log target - input)` per element (the KL divergence of the input's distribution from the target's), with PyTorch's reductions, `'batchmean'` included.
 *
 * @param input - Log-probabilities, any shape.
 * @param target - Probabilities (log-probabilities with `logTarget`); broadcasts against `input`.
 * @param options - `reduction` (default `'mean'`, over every element as PyTorch's; `'batchmean'` divides the sum by the first dimension: the KL divergence per sample), `logTarget` (default false).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'`, `'batchmean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not broadcast, or `reduction` is not one of the four.
 * @example
 * ```ts
 * import { klDiv, logSoftmax, softmax } from 'simdloss';
 * const q = logSoftmax({ data: new Float32Array([1, 2, 3, 3, 2, 1]), shape: [2, 3] });
 * const p = softmax({ data: new Float32Array([1, 2, 3, 1, 2, 3]), shape: [2, 3] });
 * klDiv(q, p, { reduction: 'batchmean' }); // KL(p ‖ q) per sample, averaged: a number
 * ```
 * @group KL divergence
 */
export function klDiv<D extends FloatArray = Float32Array, R extends KlDivReduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: KlDivOptions & { reduction?: R }): Loss<R, D>;
export function klDiv(input: FloatInput, target: FloatInput, options?: KlDivOptions): number | Tensor {
  return run('klDiv', input, target, options, false).loss;
}

/**
 * {@link klDiv} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link klDiv}.
 * @param target - As for {@link klDiv}.
 * @param options - The options of {@link klDiv}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link klDiv} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link klDiv} throws.
 * @example
 * ```ts
 * import { klDivWithGrad } from 'simdloss';
 * const q = { data: new Float32Array([-1, -0.5]), shape: [2] };
 * const { grads: [dInput, dTarget] } = klDivWithGrad(q, new Float32Array([0.3, 0.7]), { reduction: 'sum' });
 * dInput.data; // -target: Float32Array [-0.3, -0.7]
 * ```
 * @group KL divergence
 */
export function klDivWithGrad<D extends FloatArray = Float32Array, R extends KlDivReduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: KlDivOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function klDivWithGrad(input: FloatInput, target: FloatInput, options?: KlDivOptions & GradOptions): WithGrad {
  return withGrad(run('klDivWithGrad', input, target, options, true), 'klDivWithGrad');
}
