// binaryCrossEntropy, binaryCrossEntropyWithLogits, multilabelSoftMarginLoss:
// F.binary_cross_entropy, F.binary_cross_entropy_with_logits, F.multilabel_soft_margin_loss
// (docs/semantics.md §4).
import { argShape, elementwiseLoss, leanElementwise, type ElementwiseArg, type LeanKernel } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { generalOptions } from '../lean';
import { checkOptions, floatOfDtype, floatOption, reductionOption, type CheckedOptions } from '../options';
import { withGrad, type LossAndGrads } from '../results';
import { bceReference, bceWithLogitsReference } from '../reference/binary-cross-entropy';
import { callDtype, floatArg, type FloatTensor } from '../tensor';
import { broadcastShapes, sameShape } from '../shapes';
import type { Dtype, FloatArray, FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { Loss, ResultArray } from '../types';
import { kernel, type binaryCrossEntropyKernels } from '../wasm/kernels';
import { binaryCrossEntropyModule } from '../wasm/modules';
import { bce, bce_logits } from '../wasm/modules/binary-cross-entropy.args';

/**
 * Options of {@link binaryCrossEntropy} and {@link multilabelSoftMarginLoss}.
 * @group Binary cross-entropy
 */
export interface BinaryCrossEntropyOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: FloatInput;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link binaryCrossEntropyWithLogits}.
 * @group Binary cross-entropy
 */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term; broadcasts to the input's shape (usually (C), the last dim). */
  posWeight?: FloatInput;
}

/** An optional tensor that must broadcast to `shape`, materialized to it (as an Operand). */
/**
 * A weight option (weight, posWeight) as an optional elementwise operand: checked to broadcast to
 * the input's shape (the broadcast itself is the elementwise path's).
 */
function weightOption(fn: string, name: string, value: unknown, shape: number[], dtype: Dtype): ElementwiseArg | null {
  const t = floatOption(fn, name, value, dtype);
  if (!t) return null;
  const own = argShape(t, value);
  let out: number[];
  try {
    out = broadcastShapes(fn, `options.${name}`, own, 'input', shape);
  } catch {
    out = [];
  }
  if (!sameShape(out, shape)) {
    throw rangeError(fn, `options.${name} of shape ${shapeString(own)} must broadcast to the input's shape ${shapeString(shape)}`);
  }
  return { t, shape: own };
}

interface Prepared {
  x: FloatTensor;
  t: FloatTensor;
  shape: number[];
  dtype: Dtype;
  reduction: Reduction;
  weight: ElementwiseArg | null;
  posWeight: ElementwiseArg | null;
  opts: CheckedOptions;
}

function prepare(fn: string, input: FloatInput, target: FloatInput, options: unknown, logits: boolean, wantGrad: boolean, multilabel = false): Prepared {
  // posWeight is binary_cross_entropy_with_logits' alone (multilabel_soft_margin_loss has none)
  const opts = checkOptions(fn, options, logits && !multilabel ? ['weight', 'posWeight', 'reduction'] : ['weight', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const dtype = x.dtype;
  const t = floatOfDtype(fn, 'target', target, dtype);
  const shape = argShape(x, input);
  if (!sameShape(argShape(t, target), shape)) {
    throw rangeError(fn, `target must have the input's shape ${shapeString(shape)}; got ${shapeString(argShape(t, target))}`);
  }
  const reduction = reductionOption(fn, opts.reduction);
  const weight = weightOption(fn, 'weight', opts.weight, shape, dtype);
  const posWeight = logits ? weightOption(fn, 'posWeight', opts.posWeight, shape, dtype) : null;
  if (!logits) {
    // PyTorch raises for inputs outside [0, 1] (NaN included) and, since 2.x, for such targets.
    const xs = x.data;
    for (let i = 0; i < xs.length; i++) {
      if (!(xs[i] >= 0 && xs[i] <= 1)) throw rangeError(fn, `all elements of input should be between 0 and 1; input[${i}] = ${xs[i]}`);
    }
    const ts = t.data;
    for (let i = 0; i < ts.length; i++) {
      if (!(ts[i] >= 0 && ts[i] <= 1)) throw rangeError(fn, `all elements of target should be between 0 and 1; target[${i}] = ${ts[i]}`);
    }
  }
  return { x, t, shape, dtype, reduction, weight, posWeight, opts };
}

/**
 * BCE (with logits or not) on the elementwise path; multilabel: multilabelSoftMarginLoss, the mean
 * over the last (class) dim before the reduction (and no posWeight).
 */
/** BCE with logits' lean form's kernel call (src/lean.ts): no weight, no posWeight. */
const LEAN_BCE_LOGITS: LeanKernel<typeof binaryCrossEntropyKernels> = (k, d, n, px, py, pg, _pgt, scale) => kernel(k, 'bce_logits', d)(n, px, py, 0, 0, 0, pg, 0, scale);

function runBce(fn: string, input: FloatInput, target: FloatInput, options: unknown, logits: boolean, wantGrad: boolean, multilabel = false): LossAndGrads {
  const p = prepare(fn, input, target, options, logits, wantGrad, multilabel);
  const groupMean = multilabel ? (p.shape.length === 0 ? 1 : p.shape[p.shape.length - 1]) : undefined;
  // probability-input BCE (bce: f64 only in the list) and multilabelSoftMarginLoss (`compute`)
  // compute float32 in float64 too (docs/accuracy.md); BCE with logits, the speed benchmark's, in its own dtype
  return elementwiseLoss({
    fn, module: binaryCrossEntropyModule, args: [{ t: p.x, shape: p.shape }, { t: p.t, shape: p.shape }], optional: [p.weight, p.posWeight], shape: p.shape,
    reduction: p.reduction, groupMean, opts: p.opts, wantGrad, gradShapes: [p.shape],
    compute: multilabel ? 'float64' : undefined,
    call: (k, d, [x, t, w, pw], loss, [grad = null], gradRow, gradScale) => logits
      ? bce_logits(k, d, { x, t, w, pw, loss, grad, gradRow, gradScale })
      : bce(k, d, { x, t, w, loss, grad, gradRow, gradScale }),
    reference: ([x, t], gr, scale, [wt, pw]) => {
      const r = logits ? bceWithLogitsReference(x, t, wt, pw, wantGrad, gr, scale) : bceReference(x, t, wt, wantGrad, gr, scale);
      return { elementLoss: r.elementLoss, total: r.total, grads: r.grad ? [r.grad] : [] };
    },
  });
}

/**
 * F.binary_cross_entropy: `-(t·log x + (1 - t)·log(1 - x))` per element, each log clamped at -100.
 *
 * @param input - Probabilities in [0, 1], any shape.
 * @param target - Targets in [0, 1], the input's shape.
 * @param options - `weight` (rescales each element's loss; broadcasts to the input's shape), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, an input or target is outside [0, 1], the shapes differ, or `weight` does not broadcast to the input's shape.
 * @example
 * ```ts
 * import { binaryCrossEntropy } from 'simdloss';
 * binaryCrossEntropy(new Float32Array([0.9, 0.2]), new Float32Array([1, 0])); // 0.1643
 * ```
 * @group Binary cross-entropy
 */
export function binaryCrossEntropy<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyOptions & { reduction?: R }): Loss<R, D>;
export function binaryCrossEntropy(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions): number | Tensor {
  return runBce('binaryCrossEntropy', input, target, options, false, false).loss;
}

/**
 * {@link binaryCrossEntropy} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link binaryCrossEntropy}.
 * @param target - As for {@link binaryCrossEntropy}.
 * @param options - The options of {@link binaryCrossEntropy}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link binaryCrossEntropy} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link binaryCrossEntropy} throws.
 * @example
 * ```ts
 * import { binaryCrossEntropyWithGrad } from 'simdloss';
 * const { grad } = binaryCrossEntropyWithGrad(new Float32Array([0.9, 0.2]), new Float32Array([1, 0]));
 * grad.data; // (x - t) / (x·(1 - x)) / 2: Float32Array [-0.556, 0.625]
 * ```
 * @group Binary cross-entropy
 */
export function binaryCrossEntropyWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function binaryCrossEntropyWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions & GradOptions): WithGrad {
  return withGrad(runBce('binaryCrossEntropyWithGrad', input, target, options, false, true), 'binaryCrossEntropyWithGrad');
}

/**
 * F.binary_cross_entropy_with_logits: the sigmoid and binary cross-entropy in one numerically stable step.
 *
 * @param input - Logits, any shape.
 * @param target - Targets (usually in [0, 1]), the input's shape.
 * @param options - `weight` and `posWeight` (the positive term's weight, usually `(C)` along the last dimension), both broadcasting to the input's shape; `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes differ, or `weight` or `posWeight` does not broadcast to the input's shape.
 * @example
 * ```ts
 * import { binaryCrossEntropyWithLogits } from 'simdloss';
 * binaryCrossEntropyWithLogits(new Float32Array([2, -1]), new Float32Array([1, 0])); // 0.2201
 * ```
 * @group Binary cross-entropy
 */
export function binaryCrossEntropyWithLogits<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyWithLogitsOptions & { reduction?: R }): Loss<R, D>;
export function binaryCrossEntropyWithLogits(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyWithLogitsOptions): number | Tensor {
  return (leanElementwise('binaryCrossEntropyWithLogits', binaryCrossEntropyModule, LEAN_BCE_LOGITS, input, target, options, false, 1) as number | undefined)
    ?? runBce('binaryCrossEntropyWithLogits', input, target, generalOptions(options), true, false).loss;
}

/**
 * {@link binaryCrossEntropyWithLogits} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link binaryCrossEntropyWithLogits}.
 * @param target - As for {@link binaryCrossEntropyWithLogits}.
 * @param options - The options of {@link binaryCrossEntropyWithLogits}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link binaryCrossEntropyWithLogits} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link binaryCrossEntropyWithLogits} throws.
 * @example
 * ```ts
 * import { binaryCrossEntropyWithLogitsWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1, 0, 3]), shape: [2, 2] };
 * const targets = { data: new Float32Array([1, 0, 1, 1]), shape: [2, 2] };
 * const { grad } = binaryCrossEntropyWithLogitsWithGrad(logits, targets, { posWeight: new Float32Array([1, 2]) });
 * grad.shape; // [2, 2]
 * ```
 * @group Binary cross-entropy
 */
export function binaryCrossEntropyWithLogitsWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyWithLogitsOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function binaryCrossEntropyWithLogitsWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyWithLogitsOptions & GradOptions): WithGrad {
  return (leanElementwise('binaryCrossEntropyWithLogitsWithGrad', binaryCrossEntropyModule, LEAN_BCE_LOGITS, input, target, options, true, 1) as WithGrad | undefined)
    ?? withGrad(runBce('binaryCrossEntropyWithLogitsWithGrad', input, target, generalOptions(options), true, true), 'binaryCrossEntropyWithLogitsWithGrad');
}

function runMultilabel(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  // Per element BCE-with-logits (weighted), averaged over the last (class) dim, then reduced over rows.
  return runBce(fn, input, target, options, true, wantGrad, true);
}

/**
 * F.multilabel_soft_margin_loss: binary cross-entropy with logits, averaged over the classes (the last dimension): one loss per row.
 *
 * @param input - Logits, `(N, C)` or `(C)`: the last dimension holds the classes.
 * @param target - 0/1 labels, the input's shape.
 * @param options - `weight` (per class; broadcasts to the input's shape), `reduction` (default `'mean'`, over the rows).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per row (the input's shape without its last dimension). The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes differ, or `weight` does not broadcast to the input's shape.
 * @example
 * ```ts
 * import { multilabelSoftMarginLoss } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1, 0.5, -3, 1, 1]), shape: [2, 3] };
 * const labels = { data: new Float32Array([1, 0, 1, 0, 1, 0]), shape: [2, 3] };
 * multilabelSoftMarginLoss(logits, labels); // a number
 * multilabelSoftMarginLoss(logits, labels, { reduction: 'none' }).shape; // [2]
 * ```
 * @group Binary cross-entropy
 */
export function multilabelSoftMarginLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyOptions & { reduction?: R }): Loss<R, D>;
export function multilabelSoftMarginLoss(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions): number | Tensor {
  return runMultilabel('multilabelSoftMarginLoss', input, target, options, false).loss;
}

/**
 * {@link multilabelSoftMarginLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link multilabelSoftMarginLoss}.
 * @param target - As for {@link multilabelSoftMarginLoss}.
 * @param options - The options of {@link multilabelSoftMarginLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link multilabelSoftMarginLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link multilabelSoftMarginLoss} throws.
 * @example
 * ```ts
 * import { multilabelSoftMarginLossWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1, 0.5, -3, 1, 1]), shape: [2, 3] };
 * const labels = { data: new Float32Array([1, 0, 1, 0, 1, 0]), shape: [2, 3] };
 * multilabelSoftMarginLossWithGrad(logits, labels).grad.shape; // [2, 3]
 * ```
 * @group Binary cross-entropy
 */
export function multilabelSoftMarginLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D>, options?: BinaryCrossEntropyOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function multilabelSoftMarginLossWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions & GradOptions): WithGrad {
  return withGrad(runMultilabel('multilabelSoftMarginLossWithGrad', input, target, options, true), 'multilabelSoftMarginLossWithGrad');
}
