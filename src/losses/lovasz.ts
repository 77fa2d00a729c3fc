// lovaszHingeLoss and lovaszSoftmaxLoss: Kornia 0.7.4's lovasz_hinge_loss and lovasz_softmax_loss
// (docs/semantics.md §18; Berman et al., "The Lovász-Softmax loss", CVPR 2018), the softmax one
// with each class's Lovász gradient from that class's own mask. One image at a time per row of
// the kernel, in f64 (float32 input is widened: docs/accuracy.md); the sort runs in the kernel too.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOption, upstreamOption } from '../options';
import { gradTensor, withGrad, type LossAndGrads } from '../results';
import { lovaszHingeReference, lovaszSoftmaxReference, type LovaszParts } from '../reference/lovasz';
import { callDtype, floatArg, indexArg, roundResult, type IndexTensor } from '../tensor';
import { sameShape } from '../shapes';
import type { FloatArray, FloatInput, GradOptions, IndexInput, ResultArray, WithGrad } from '../types';
import { lovasz_hinge, lovasz_softmax } from '../wasm/modules/lovasz.args';
import { input, output, outputOf, runCall, scratch, whole } from '../wasm/runtime';
import { lovaszModule } from '../wasm/modules';

/**
 * Options of {@link lovaszSoftmaxLoss}.
 * @group Lovász
 */
export interface LovaszSoftmaxLossOptions {
  /** Class weights, shape (C): each class's loss is multiplied by its weight before the mean over the C classes (Kornia's). */
  weight?: FloatInput;
}

/** The target's labels as Int32, each checked to be in [0, classes) (the hinge's: 0 or 1). */
function labelsOf(fn: string, t: IndexTensor, classes: number, hinge: boolean): Int32Array {
  const labels = new Int32Array(t.size);
  const own = t.typed;
  for (let i = 0; i < labels.length; i++) {
    const v = own ? own[i] : t.at(i);
    if (!(v >= 0 && v < classes)) {
      throw rangeError(fn, hinge
        ? `target[${i}] = ${v} is not a binary label: the hinge takes 0 (background) or 1 (foreground)`
        : `Target ${v} is out of bounds: target[${i}] must be a class index in [0, ${classes})`);
    }
    labels[i] = v;
  }
  return labels;
}

/** input (N, C, H, W), target (N, H, W) and options.weight (C), checked; C must be 1 (hinge) or at least 2 (softmax). */
function prepare(fn: string, inputValue: FloatInput, target: IndexInput, opts: Record<string, unknown>, hinge: boolean) {
  // every argument read before any is checked (docs/CONTRACT.md: arguments are read once, up front)
  const x = floatArg(fn, 'input', inputValue, callDtype([inputValue], opts));
  const t = indexArg(fn, 'target', target);
  const weight = floatOption(fn, 'weight', opts.weight, x.dtype);
  const shape = argShape(x, inputValue);
  const layout = hinge ? '(N, 1, H, W)' : '(N, C, H, W) with C > 1';
  if (shape.length !== 4 || (hinge ? shape[1] !== 1 : shape[1] < 2)) throw rangeError(fn, `input must be ${layout}; got shape ${shapeString(shape)}`);
  const [N, C, H, W] = shape;
  if (!sameShape(t.shape, [N, H, W])) throw rangeError(fn, `target must be (N, H, W) = ${shapeString([N, H, W])} for input of shape ${shapeString(shape)}; got ${shapeString(t.shape)}`);
  if (weight && (weight.shape.length !== 1 || weight.size !== C)) {
    throw rangeError(fn, `options.weight must have shape [${C}] (one weight per class); got ${shapeString(weight.shape)}`);
  }
  return { x, shape, N, C, n: H * W, labels: labelsOf(fn, t, hinge ? 2 : C, hinge), weight };
}

/**
 * The kernels' scratch, one image's worth (lovasz_scratch_bytes) per block: an image is sorted on
 * its own, so a block of images needs one image's scratch, and blocks on other threads their own
 * (src/wasm/parallel.ts gives each block its area). With a sort per image the kernels' work per
 * byte is far above a copy's: the calls split among threads ('heavy') even on copied data.
 */
const imageScratch = (bytes: number) => scratch(0, Math.ceil(bytes / 8));

function hingeLoss(fn: string, inputValue: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads<number> {
  const opts = checkOptions(fn, options, [], wantGrad);
  const { x, shape, N, n, labels } = prepare(fn, inputValue, target, opts, true);
  const dtype = x.dtype;
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, null, dtype);
  const gradScale = up.scalar! / N; // the mean over the batch
  let r: LovaszParts;
  const w = wasm(fn, lovaszModule);
  if (w) {
    const { k } = w;
    const grad = wantGrad ? output(n) : null;
    const c = lovasz_hinge(k, dtype, { n, x: input(n, x), labels: input(n, labels), grad, scratch: imageScratch(k.lovasz_scratch_bytes(0, n)), gradScale });
    const o = runCall(w.arena, N, c, 'heavy');
    r = { total: o.total, grad: grad ? (outputOf(c, o, grad) as Float64Array) : null };
  } else {
    r = lovaszHingeReference(x.data, labels, N, n, wantGrad, gradScale);
  }
  return { loss: roundResult(dtype, r.total / N), grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [], opts };
}

function softmaxLoss(fn: string, inputValue: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads<number> {
  const opts = checkOptions(fn, options, ['weight'], wantGrad);
  const { x, shape, N, C, n, labels, weight } = prepare(fn, inputValue, target, opts, false);
  const dtype = x.dtype;
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, null, dtype);
  const gradScale = up.scalar! / (N * C); // the means over the batch and the classes
  let r: LovaszParts;
  const w = wasm(fn, lovaszModule);
  if (w) {
    const { k } = w;
    const grad = wantGrad ? output(C * n) : null;
    const c = lovasz_softmax(k, dtype, {
      C, n, x: input(C * n, x), labels: input(n, labels), weight: weight ? whole(weight) : null, grad, scratch: imageScratch(k.lovasz_scratch_bytes(C, n)), gradScale,
    });
    const o = runCall(w.arena, N, c, 'heavy');
    r = { total: o.total, grad: grad ? (outputOf(c, o, grad) as Float64Array) : null };
  } else {
    r = lovaszSoftmaxReference(x.data, labels, N, C, n, weight?.data ?? null, wantGrad, gradScale);
  }
  return { loss: roundResult(dtype, r.total / (N * C)), grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [], opts };
}

/**
 * kornia.losses.lovasz_hinge_loss: the Lovász hinge, a convex surrogate of 1 - IoU for binary segmentation (Berman et al., "The Lovász-Softmax loss", CVPR 2018).
 *
 * Per image: errors `1 - x·(2·label - 1)` sorted in descending order, and `Σ relu(error)·g` with `g` the Lovász gradient of the labels in that order; the mean over the batch.
 *
 * @param input - Logits, `(N, 1, H, W)`.
 * @param target - Binary labels (0 or 1), `(N, H, W)`.
 * @param options - None of its own (Kornia's function takes none).
 * @typeParam D - The input's array type, which results keep (Float32Array in, Float32Array out).
 * @returns The loss, a number (mean over the batch; NaN for an empty batch, as Kornia's mean).
 * @throws TypeError if an argument is not a tensor of the expected kind, or an option is unknown.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not fit, or a label is not 0 or 1.
 * @example
 * ```ts
 * import { lovaszHingeLoss } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1.5, 0.5, -3]), shape: [1, 1, 2, 2] };
 * const labels = { data: new Int32Array([1, 0, 0, 0]), shape: [1, 2, 2] };
 * lovaszHingeLoss(logits, labels); // = 0.75
 * ```
 * @group Lovász
 */
export function lovaszHingeLoss<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: IndexInput, options?: Record<string, never>): number;
export function lovaszHingeLoss(input: FloatInput, target: IndexInput, options?: unknown): number {
  return hingeLoss('lovaszHingeLoss', input, target, options, false).loss;
}
/**
 * {@link lovaszHingeLoss} and its gradient (dInput), computed in one pass: PyTorch's autograd gradient through the sort (each element's `g` at its place in the order; 0 where the error is at most 0).
 *
 * @param input - As for {@link lovaszHingeLoss}.
 * @param target - As for {@link lovaszHingeLoss}.
 * @param options - {@link GradOptions}: `gradOutput` (the upstream gradient, a number) and `gradInto` (an array to write the gradient into).
 * @typeParam D - The input's array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link lovaszHingeLoss} returns it; `grads` is `[dInput]`, of the input's shape and dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link lovaszHingeLoss} throws.
 * @example
 * ```ts
 * import { lovaszHingeLossWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1.5, 0.5, -3]), shape: [1, 1, 2, 2] };
 * const labels = { data: new Int32Array([1, 0, 0, 0]), shape: [1, 2, 2] };
 * const { grad } = lovaszHingeLossWithGrad(logits, labels);
 * grad.shape; // [1, 1, 2, 2]
 * ```
 * @group Lovász
 */
export function lovaszHingeLossWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: IndexInput, options?: GradOptions): WithGrad<number, ResultArray<D>>;
export function lovaszHingeLossWithGrad(input: FloatInput, target: IndexInput, options?: GradOptions): WithGrad {
  return withGrad(hingeLoss('lovaszHingeLossWithGrad', input, target, options, true), 'lovaszHingeLossWithGrad');
}

/**
 * kornia.losses.lovasz_softmax_loss: the Lovász-softmax loss, a convex surrogate of 1 - IoU per class for multi-class segmentation (Berman et al., CVPR 2018), with each class's Lovász gradient from that class's own mask.
 *
 * Per image and class: `p = softmax(input)` over the classes, errors `|p - fg|` (`fg` = label is the class) sorted in descending order, `Σ error·g` with `g` the Lovász gradient of `fg` in that order; the mean over the batch, times `weight`, then the mean over all C classes (Kornia's). Kornia 0.7.4 builds every class's `g` from the raw labels instead, so its value changes when the classes are renumbered; the two agree where they coincide (docs/semantics.md §18).
 *
 * @param input - Logits, `(N, C, H, W)` with `C > 1`.
 * @param target - Class indices in `[0, C)`, `(N, H, W)`.
 * @param options - `weight` (one weight per class, shape `(C)`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns The loss, a number (NaN for an empty batch, as Kornia's mean).
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not fit, or a label is outside `[0, C)`.
 * @example
 * ```ts
 * import { lovaszSoftmaxLoss } from 'simdloss';
 * const logits = { data: new Float32Array([0, 0.5, 0.8, 0.3]), shape: [1, 2, 1, 2] };
 * lovaszSoftmaxLoss(logits, { data: new Int32Array([0, 1]), shape: [1, 1, 2] }); // = 0.6549
 * ```
 * @group Lovász
 */
export function lovaszSoftmaxLoss<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: IndexInput, options?: LovaszSoftmaxLossOptions): number;
export function lovaszSoftmaxLoss(input: FloatInput, target: IndexInput, options?: LovaszSoftmaxLossOptions): number {
  return softmaxLoss('lovaszSoftmaxLoss', input, target, options, false).loss;
}
/**
 * {@link lovaszSoftmaxLoss} and its gradient (dInput), computed in one pass: PyTorch's autograd gradient through the sort, the absolute value and the softmax.
 *
 * @param input - As for {@link lovaszSoftmaxLoss}.
 * @param target - As for {@link lovaszSoftmaxLoss}.
 * @param options - The options of {@link lovaszSoftmaxLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient, a number) and `gradInto` (an array to write the gradient into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link lovaszSoftmaxLoss} returns it; `grads` is `[dInput]`, of the input's shape and dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link lovaszSoftmaxLoss} throws.
 * @example
 * ```ts
 * import { lovaszSoftmaxLossWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([0, 0.5, 0.8, 0.3]), shape: [1, 2, 1, 2] };
 * const { grad } = lovaszSoftmaxLossWithGrad(logits, { data: new Int32Array([0, 1]), shape: [1, 1, 2] }, { weight: [1, 2] });
 * grad.shape; // [1, 2, 1, 2]
 * ```
 * @group Lovász
 */
export function lovaszSoftmaxLossWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: IndexInput, options?: LovaszSoftmaxLossOptions & GradOptions): WithGrad<number, ResultArray<D>>;
export function lovaszSoftmaxLossWithGrad(input: FloatInput, target: IndexInput, options?: LovaszSoftmaxLossOptions & GradOptions): WithGrad {
  return withGrad(softmaxLoss('lovaszSoftmaxLossWithGrad', input, target, options, true), 'lovaszSoftmaxLossWithGrad');
}
