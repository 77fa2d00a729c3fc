// focalLoss: Kornia 0.7.4's multi-class (softmax) focal loss, kornia.losses.focal_loss
// (kornia/losses/focal.py; docs/semantics.md §15; Lin et al., "Focal Loss for Dense Object
// Detection", 2017). Not torchvision's sigmoidFocalLoss (src/losses/focal.ts): a loss per class of
// each sample, over a softmax. Its default reduction is 'none' (a result of the input's shape).
import { wasm } from '../backend';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, floatOption, gradScaling, integerOption, numberOption, reductionOption, upstreamOption } from '../options';
import { directTarget, gradTargets, gradTensor, lossResult, outTarget, toDtype, withGrad, type LossAndGrads } from '../results';
import { softmaxFocalReference, type FocalProblem } from '../reference/softmax-focal';
import { callDtype, floatArg, indexArg } from '../tensor';
import { sameShape, sizeOf } from '../shapes';
import type { FloatArray, FloatInput, GradOptions, GradTarget, IndexInput, Loss, Reduction, ResultArray, Tensor, WithGrad } from '../types';
import { softmax_focal } from '../wasm/modules/softmax-focal.args';
import { softmaxFocalModule } from '../wasm/modules';
import { input, output, outputOf, runCall, whole, type Gather, type Scatter } from '../wasm/runtime';

/**
 * Options of {@link focalLoss}.
 * @group Focal
 */
export interface FocalLossOptions {
  /** Required, as in Kornia: α ∈ [0, 1] weighs class 0 by 1 - α and every other class by α; `null`: no α weighting. */
  alpha: number | null;
  /** Focusing exponent on (1 - p). Default 2. */
  gamma?: number;
  /** Class weights, shape (C). */
  weight?: FloatInput;
  /** Targets equal to this are ignored (loss 0 in every class, still counted by 'mean'); `null`: none is. Default -100. */
  ignoreIndex?: number | null;
  /** `'none'` (default, as Kornia: a tensor of the input's shape), `'mean'` or `'sum'`. */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into; the result's `data` is then that array. */
  out?: GradTarget;
}

const OPTIONS = ['alpha', 'gamma', 'weight', 'ignoreIndex', 'reduction'] as const;

/**
 * Calls f(i, base, len) for the runs of rows [r0, r0 + count) within one batch element: rows
 * r0 + i .. r0 + i + len - 1, whose class c lies at base + c·inner + (0 .. len - 1) in (N, C, inner).
 */
function runs(C: number, inner: number, r0: number, count: number, f: (i: number, base: number, len: number) => void): void {
  for (let i = 0; i < count;) {
    const r = r0 + i;
    const n = Math.floor(r / inner);
    const s = r - n * inner;
    const len = Math.min(inner - s, count - i);
    f(i, n * C * inner + s, len);
    i += len;
  }
}

/** Rows [r0, r0 + count) of (N, C, inner) planar: class c of row i at c·count + i (the kernel's layout). */
function planar(C: number, inner: number): Gather {
  return (dst, src, r0, count) => runs(C, inner, r0, count, (i, base, len) => {
    // (N, C, d…): a class's run of rows is contiguous in both layouts; (N, C): a transposition
    if (len > 1) for (let c = 0; c < C; c++) dst.set(src.subarray(base + c * inner, base + c * inner + len), c * count + i);
    else for (let c = 0; c < C; c++) dst[c * count + i] = src[base + c * inner];
  });
}

/** The inverse of planar: a block's planar values back into (N, C, inner). */
function unplanar(C: number, inner: number): Scatter {
  return (src, dst, r0, count) => runs(C, inner, r0, count, (i, base, len) => {
    if (len > 1) for (let c = 0; c < C; c++) dst.set(src.subarray(c * count + i, c * count + i + len), base + c * inner);
    else for (let c = 0; c < C; c++) dst[base + c * inner] = src[c * count + i];
  });
}

function focal(fn: string, inputArg: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, OPTIONS, wantGrad);
  const x = floatArg(fn, 'input', inputArg, callDtype([inputArg], opts));
  const dtype = x.dtype;
  if (x.shape.length < 2) throw rangeError(fn, `input must have shape (N, C) or (N, C, d1, ..., dk); got ${shapeString(x.shape)}`);
  const [N, C] = x.shape;
  const spatial = x.shape.slice(2);
  const inner = sizeOf(spatial);
  if (C < 1) throw rangeError(fn, `input must have at least one class (C >= 1); got shape ${shapeString(x.shape)}`);
  // alpha has no default in Kornia (focal_loss's positional argument): null is "no α weighting"
  if (opts.alpha === undefined) throw typeError(fn, 'options.alpha', 'a number, or null for no α weighting (Kornia has no default)', undefined);
  const alpha = opts.alpha === null ? null : numberOption(fn, 'alpha', opts.alpha, 0, Number.isFinite, 'a finite number (or null)');
  const gamma = numberOption(fn, 'gamma', opts.gamma, 2, Number.isFinite, 'a finite number');
  const ignoreIndex = opts.ignoreIndex === null ? null : integerOption(fn, 'ignoreIndex', opts.ignoreIndex, -100);
  const reduction = reductionOption(fn, opts.reduction, undefined, 'none');
  const w = floatOption(fn, 'weight', opts.weight, dtype);
  if (w && (w.shape.length !== 1 || w.size !== C)) throw rangeError(fn, `options.weight must have shape [${C}] (one weight per class); got ${shapeString(w.shape)}`);
  const t = indexArg(fn, 'target', target);
  const expected = [N, ...spatial];
  if (!sameShape(t.shape, expected)) throw rangeError(fn, `target must have shape ${shapeString(expected)} for input of shape ${shapeString(x.shape)}; got ${shapeString(t.shape)}`);
  const targets = new Int32Array(t.size);
  for (let i = 0; i < t.size; i++) {
    const v = t.typed ? t.typed[i] : t.at(i);
    if (ignoreIndex !== null && v === ignoreIndex) targets[i] = -1;
    else if (v >= 0 && v < C) targets[i] = v;
    else throw rangeError(fn, `Target ${v} is out of bounds: target[${i}] must be in [0, ${C})${ignoreIndex === null ? '' : ` or equal options.ignoreIndex (${ignoreIndex})`}`);
  }
  // α's factor and the class weight, one number per class (Kornia multiplies the loss by each)
  let weight: Float64Array | null = null;
  if (alpha !== null || w) {
    weight = new Float64Array(C);
    const wd = w?.data;
    for (let c = 0; c < C; c++) weight[c] = (alpha === null ? 1 : c === 0 ? 1 - alpha : alpha) * (wd ? wd[c] : 1);
  }
  const size = x.size;
  const upstream = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? x.shape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, upstream, size);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? x.shape : null);
  const into = wantGrad ? directTarget(gradTargets(fn, opts, dtype, [size]), 0, size, [x.data, w?.data, gradRow]) : null;
  let parts: { elementLoss: ArrayLike<number>; total: number; grads: ArrayLike<number>[] };
  const wm = wasm(fn, softmaxFocalModule);
  if (wm) {
    // float32 is computed in float64 (the list builds softmax_focal for f64 only) and rounded once
    // (docs/accuracy.md, "float32 computed in float64")
    const rows = N * inner;
    const loss = reduction === 'none' ? output(C, null, unplanar(C, inner)) : null;
    const grad = wantGrad ? output(C, into, unplanar(C, inner)) : null;
    const c = softmax_focal(wm.k, dtype, {
      C, x: input(C, x, planar(C, inner)), targets: input(1, targets), weight: weight ? whole(weight) : null, loss, grad,
      gradRow: gradRow ? input(C, gradRow, planar(C, inner)) : null, gamma, gradScale,
    });
    const r = runCall(wm.arena, rows, c);
    parts = { elementLoss: loss ? outputOf(c, r, loss) : new Float64Array(0), total: r.total, grads: grad ? [outputOf(c, r, grad)] : [] };
  } else {
    const problem: FocalProblem = { N, C, inner, input: x.data, targets, weight, gamma };
    parts = softmaxFocalReference(problem, wantGrad, gradRow, gradScale);
  }
  const loss = lossResult(reduction, () => toDtype(parts.elementLoss, dtype), parts.total, size, x.shape, dtype, out);
  return { loss, grads: wantGrad ? [gradTensor(parts.grads[0], x.shape, dtype)] : [], opts };
}

/**
 * Kornia's multi-class focal loss, `kornia.losses.focal_loss` (0.7.4): `-α_c·w_c·(1 - p_c)^γ·log p_c·onehot_c` for every class c of every sample, p = softmax over the class dim (Lin et al., "Focal Loss for Dense Object Detection", 2017). As Kornia, the one-hot target has 1e-6 added to every class, α weighs class 0 by `1 - α` and the others by `α`, and the result keeps the class dim.
 *
 * @param input - Logits, `(N, C)` or `(N, C, d1, …, dk)`.
 * @param target - Class indices (an integer array, `number[]`, or a tensor of one) of shape `(N)` or `(N, d1, …, dk)`, each in `[0, C)` or `ignoreIndex`.
 * @param options - `alpha` (required: a number, or `null` for no α weighting), `gamma` (default 2), `weight` (per class, `(C)`), `ignoreIndex` (default -100; `null`: none), `reduction` (default `'none'`; `'mean'` divides by N·C·d1·…·dk, ignored samples included).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of the input's shape (one loss per class of each sample). The default reduction is `'none'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, `alpha` is missing, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the input has fewer than 2 dimensions, a class index is outside `[0, C)` and not `ignoreIndex`, the target's shape does not fit the input's, or an option's value is out of range.
 * @example
 * ```ts
 * import { focalLoss } from 'simdloss';
 * const logits = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
 * focalLoss(logits, [0, 1], { alpha: 0.25, reduction: 'sum' }); // 0.0333, a number
 * focalLoss(logits, [0, 1], { alpha: null }).shape; // [2, 3]: the default reduction is 'none'
 * ```
 * @group Focal
 */
export function focalLoss<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(input: FloatInput<D>, target: IndexInput, options: FocalLossOptions & { reduction?: R }): Loss<R, D>;
export function focalLoss(input: FloatInput, target: IndexInput, options: FocalLossOptions): number | Tensor {
  return focal('focalLoss', input, target, options, false).loss;
}

/**
 * {@link focalLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link focalLoss}.
 * @param target - As for {@link focalLoss}.
 * @param options - The options of {@link focalLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link focalLoss} returns it; `grads` is `[dInput]`, of the input's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link focalLoss} throws.
 * @example
 * ```ts
 * import { focalLossWithGrad } from 'simdloss';
 * const logits = { data: new Float64Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
 * const { loss, grad } = focalLossWithGrad(logits, [0, 1], { alpha: 0.25, reduction: 'mean' });
 * grad.shape; // [2, 3]
 * ```
 * @group Focal
 */
export function focalLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(input: FloatInput<D>, target: IndexInput, options: FocalLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function focalLossWithGrad(input: FloatInput, target: IndexInput, options: FocalLossOptions & GradOptions): WithGrad {
  return withGrad(focal('focalLossWithGrad', input, target, options, true), 'focalLossWithGrad');
}
