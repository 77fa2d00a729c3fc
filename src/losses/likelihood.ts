// poissonNllLoss, gaussianNllLoss: F.poisson_nll_loss, F.gaussian_nll_loss
// (docs/semantics.md §14). Arguments broadcast; every float argument gets a gradient.
import { rangeError, shapeString, typeError } from '../errors';
import { argShape, elementwiseLoss, type ElementwiseArg } from '../elementwise-loss';
import { checkOptions, floatOfDtype, numberOption, reductionOption } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { gaussianNllReference, poissonNllReference } from '../reference/likelihood';
import { callDtype, floatArg, floatTensor } from '../tensor';
import { broadcastShapes, newFloat, sameShape, sizeOf } from '../shapes';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { likelihoodModule } from '../wasm/modules';
import { gaussian_nll, poisson_nll } from '../wasm/modules/likelihood.args';

/**
 * Options of {@link poissonNllLoss}.
 * @group Likelihood
 */
export interface PoissonNllLossOptions {
  /** The input holds log-rates (ℓ = e^x - t·x). Default true. */
  logInput?: boolean;
  /** Adds Stirling's approximation of log(t!) where t > 1. Default false. */
  full?: boolean;
  /** Added to the input before its log when logInput is false. Default 1e-8. */
  eps?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link gaussianNllLoss}.
 * @group Likelihood
 */
export interface GaussianNllLossOptions {
  /** Adds the constant 0.5·log(2π) per element. Default false. */
  full?: boolean;
  /** Lower clamp of the variance. Default 1e-6. */
  eps?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

function booleanOption(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(fn, `options.${name}`, 'a boolean', value);
  return value;
}

function poisson(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['logInput', 'full', 'eps', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const t = floatOfDtype(fn, 'target', target, x.dtype);
  const args = [{ t: x, shape: argShape(x, input) }, { t, shape: argShape(t, target) }];
  const shape = broadcastShapes(fn, 'input', args[0].shape, 'target', args[1].shape);
  const logInput = booleanOption(fn, 'logInput', opts.logInput, true);
  const full = booleanOption(fn, 'full', opts.full, false);
  const eps = numberOption(fn, 'eps', opts.eps, 1e-8, (e) => e >= 0 && Number.isFinite(e), 'a finite number >= 0');
  const reduction = reductionOption(fn, opts.reduction);
  return elementwiseLoss({
    module: likelihoodModule,
    fn, args, shape, reduction, opts, wantGrad, gradShapes: args.map((a) => a.shape),
    // float32 too is computed in float64: the list builds poisson_nll for f64 only (docs/accuracy.md)
    call: (k, d, [x, t], loss, [gx = null, gt = null], gradRow, gradScale) =>
      poisson_nll(k, d, { x, t, loss, gx, gt, gradRow, logInput: logInput ? 1 : 0, full: full ? 1 : 0, eps, gradScale }),
    reference: ([xd, td], gr, scale) => poissonNllReference(xd, td, logInput, full, eps, wantGrad, gr, scale),
  });
}

function gaussian(fn: string, input: FloatInput, target: FloatInput, variance: FloatInput | number, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['full', 'eps', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target, variance], opts));
  const dtype = x.dtype;
  const t = floatOfDtype(fn, 'target', target, dtype);
  const xShape = argShape(x, input);
  const args: ElementwiseArg[] = [{ t: x, shape: xShape }, { t, shape: argShape(t, target) }];
  const gradShapes = [xShape, args[1].shape];
  // var: a number (PyTorch 2.x) becomes a tensor of the input's shape without a gradient; a
  // tensor must have the input's shape, or it without the last dim, or that with a last dim of 1.
  let v: ElementwiseArg;
  let varShape: number[] = xShape; // var's own shape, for its gradient
  if (typeof variance === 'number') {
    if (!(variance >= 0)) throw rangeError(fn, `var has negative entry/entries (got ${variance})`);
    const data = newFloat(dtype, sizeOf(xShape));
    data.fill(variance);
    v = { t: floatTensor(data, xShape), shape: xShape };
    gradShapes.push(xShape); // computed by the kernel, dropped below: a number has no gradient
  } else {
    const vt = floatOfDtype(fn, 'var', variance, dtype);
    const vShape = argShape(vt, variance);
    varShape = vShape;
    let used = vShape;
    if (!sameShape(vShape, xShape)) {
      const lead = xShape.slice(0, -1);
      if (sameShape(vShape, lead)) used = [...lead, 1];
      else if (!(sameShape(vShape.slice(0, -1), lead) && vShape[vShape.length - 1] === 1 && vShape.length === xShape.length)) {
        throw rangeError(fn, `var is of incorrect size: expected the input's shape ${shapeString(xShape)}, or it without the last dim, or with a last dim of 1; got ${shapeString(vShape)}`);
      }
    }
    for (let i = 0; i < vt.size; i++) if (vt.data[i] < 0) throw rangeError(fn, `var has negative entry/entries (var[${i}] = ${vt.data[i]})`);
    v = { t: vt, shape: used };
    gradShapes.push(used);
  }
  args.push(v);
  const shape = broadcastShapes(fn, 'var', v.shape, 'input and target', broadcastShapes(fn, 'input', xShape, 'target', args[1].shape));
  const full = booleanOption(fn, 'full', opts.full, false);
  const eps = numberOption(fn, 'eps', opts.eps, 1e-6, (e) => e >= 0 && Number.isFinite(e), 'a finite number >= 0');
  const reduction = reductionOption(fn, opts.reduction);
  const r = elementwiseLoss({
    module: likelihoodModule,
    fn, args, shape, reduction, opts, wantGrad, gradShapes,
    // float32 too is computed in float64: the list builds gaussian_nll for f64 only (docs/accuracy.md)
    call: (k, d, [x, t, variance], loss, [gx = null, gt = null, gv = null], gradRow, gradScale) =>
      gaussian_nll(k, d, { x, t, variance, loss, gx, gt, gv, gradRow, eps, gradScale }),
    reference: ([xd, td, vd], gr, scale) => gaussianNllReference(xd, td, vd, full, eps, wantGrad, gr, scale),
    constant: full ? 0.5 * Math.log(2 * Math.PI) : 0,
  });
  if (wantGrad && typeof variance === 'number') r.grads.pop();
  // A var given with its last dim squeezed gets its gradient in its own shape.
  // (its shape as read the first time: the argument is never read twice)
  if (wantGrad && typeof variance !== 'number') r.grads[2] = { data: r.grads[2].data, shape: varShape };
  return r;
}

/**
 * F.poisson_nll_loss: `e^x - t·x` (with `logInput`, the default) or `x - t·log(x + eps)`, plus Stirling's approximation of `log(t!)` with `full`.
 *
 * @param input - The rate's log (the rate itself with `logInput: false`), any shape.
 * @param target - Counts; broadcasts against `input`.
 * @param options - `logInput` (default true), `full` (adds Stirling's term where t > 1; default false), `eps` (default 1e-8), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the broadcast shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the shapes do not broadcast.
 * @example
 * ```ts
 * import { poissonNllLoss } from 'simdloss';
 * poissonNllLoss(new Float32Array([0, 1]), new Float32Array([1, 2])); // (1 + (e - 2)) / 2 = 0.8591
 * ```
 * @group Likelihood
 */
export function poissonNllLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: PoissonNllLossOptions & { reduction?: R }): Loss<R, D>;
export function poissonNllLoss(input: FloatInput, target: FloatInput, options?: PoissonNllLossOptions): number | Tensor {
  return poisson('poissonNllLoss', input, target, options, false).loss;
}
/**
 * {@link poissonNllLoss} and its gradients (dInput, dTarget), computed in one pass.
 *
 * @param input - As for {@link poissonNllLoss}.
 * @param target - As for {@link poissonNllLoss}.
 * @param options - The options of {@link poissonNllLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link poissonNllLoss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link poissonNllLoss} throws.
 * @example
 * ```ts
 * import { poissonNllLossWithGrad } from 'simdloss';
 * const { grad } = poissonNllLossWithGrad(new Float32Array([0, 1]), new Float32Array([1, 2]), { reduction: 'sum' });
 * grad.data; // e^x - t: Float32Array [0, 0.718]
 * ```
 * @group Likelihood
 */
export function poissonNllLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: PoissonNllLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function poissonNllLossWithGrad(input: FloatInput, target: FloatInput, options?: PoissonNllLossOptions & GradOptions): WithGrad {
  return withGrad(poisson('poissonNllLossWithGrad', input, target, options, true), 'poissonNllLossWithGrad');
}
/**
 * F.gaussian_nll_loss: `0.5·(log max(var, eps) + (x - t)² / max(var, eps))` per element.
 *
 * @param input - The predicted mean, any shape.
 * @param target - Broadcasts against `input`.
 * @param variance - The predicted variance, with no negative entry: the input's shape, that shape without its last dimension or with a last dimension of 1, or a number.
 * @param options - `full` (adds `0.5·log(2π)`; default false), `eps` (default 1e-6), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape (broadcast with the target's). The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the variance has a negative entry or a shape other than those three, or the shapes do not broadcast.
 * @example
 * ```ts
 * import { gaussianNllLoss } from 'simdloss';
 * gaussianNllLoss(new Float32Array([0, 1]), new Float32Array([0, 3]), 1); // (0 + 2) / 2 = 1
 * ```
 * @group Likelihood
 */
export function gaussianNllLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, variance: FloatInput<D> | number, options?: GaussianNllLossOptions & { reduction?: R }): Loss<R, D>;
export function gaussianNllLoss(input: FloatInput, target: FloatInput, variance: FloatInput | number, options?: GaussianNllLossOptions): number | Tensor {
  return gaussian('gaussianNllLoss', input, target, variance, options, false).loss;
}
/**
 * {@link gaussianNllLoss} and its gradients (dInput, dTarget, dVariance (no dVariance for a number)), computed in one pass.
 *
 * @param input - As for {@link gaussianNllLoss}.
 * @param target - As for {@link gaussianNllLoss}.
 * @param variance - As for {@link gaussianNllLoss}.
 * @param options - The options of {@link gaussianNllLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link gaussianNllLoss} returns it; `grads` is `[dInput, dTarget, dVariance (no dVariance for a number)]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link gaussianNllLoss} throws.
 * @example
 * ```ts
 * import { gaussianNllLossWithGrad } from 'simdloss';
 * const variance = new Float32Array([1, 2]);
 * const { grads } = gaussianNllLossWithGrad(new Float32Array([0, 1]), new Float32Array([0, 3]), variance);
 * grads.length; // 3: dInput, dTarget, dVariance (2 for a number variance)
 * ```
 * @group Likelihood
 */
export function gaussianNllLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, variance: FloatInput<D> | number, options?: GaussianNllLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function gaussianNllLossWithGrad(input: FloatInput, target: FloatInput, variance: FloatInput | number, options?: GaussianNllLossOptions & GradOptions): WithGrad {
  return withGrad(gaussian('gaussianNllLossWithGrad', input, target, variance, options, true), 'gaussianNllLossWithGrad');
}
