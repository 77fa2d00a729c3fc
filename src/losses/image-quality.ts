// psnrLoss and ssimLoss: Kornia 0.7.4's kornia.losses.psnr_loss and kornia.losses.ssim_loss
// (kornia/losses/psnr.py, kornia/losses/ssim.py, and the metrics they call; docs/semantics.md §16).
// One family: both compare two images pixel by pixel and share the image-argument checks; their
// kernels sit in one small module that only these two losses import.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, floatOfDtype, gradScaling, numberOption, reductionOption, upstreamOption, type CheckedOptions } from '../options';
import { directTarget, gradTargets, gradTensor, lossResult, outTarget, toDtype, withGrad, type LossAndGrads } from '../results';
import { gaussianWindow, sqDiffReference, ssimOutSize, ssimReference } from '../reference/image-quality';
import { callDtype, floatArg, roundResult, type FloatTensor } from '../tensor';
import { sameShape, sizeOf } from '../shapes';
import type { FloatArray, FloatInput, GradOptions, GradTarget, Loss, Reduction, ResultArray, Tensor, WithGrad } from '../types';
import { runElementwise } from '../wasm/chunks';
import { fitsOneItem, input, output, outputOf, runCall, whole } from '../wasm/runtime';
import { imageQualityModule } from '../wasm/modules';
import { sq_diff, ssim as ssimKernel } from '../wasm/modules/image-quality.args';

/**
 * Options of {@link psnrLoss}.
 * @group Image quality
 */
export interface PsnrLossOptions {
  /** Required, as in Kornia: the largest value a pixel can take (1 for images in [0, 1], 255 for bytes). */
  maxVal: number;
}

/**
 * Options of {@link ssimLoss}.
 * @group Image quality
 */
export interface SsimLossOptions {
  /** Required, as in Kornia: the side of the Gaussian window (σ = 1.5), an odd integer > 0. */
  windowSize: number;
  /** The images' dynamic range L (c1 = (0.01·L)², c2 = (0.03·L)²). Default 1. */
  maxVal?: number;
  /** Added to SSIM's denominator. Default 1e-12. */
  eps?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (the loss map, a tensor). */
  reduction?: Reduction;
  /** `'same'` (default: every pixel, the maps reflect-padded) or `'valid'` (only where the window fits: ⌊windowSize/2⌋ cropped from each side). */
  padding?: 'same' | 'valid';
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into; the result's `data` is then that array. */
  out?: GradTarget;
}

/** The two images: float tensors of one dtype and one shape. */
function images(fn: string, names: [string, string], a: FloatInput, b: FloatInput, opts: CheckedOptions): { x: FloatTensor; y: FloatTensor; shape: number[] } {
  const x = floatArg(fn, names[0], a, callDtype([a, b], opts));
  const y = floatOfDtype(fn, names[1], b, x.dtype);
  const shape = argShape(x, a);
  const yShape = argShape(y, b);
  if (!sameShape(shape, yShape)) throw rangeError(fn, `${names[1]} must have ${names[0]}'s shape ${shapeString(shape)}; got ${shapeString(yShape)}`);
  return { x, y, shape };
}

/** A required option: Kornia's positional argument without a default. */
function required(fn: string, opts: CheckedOptions, name: string, expected: string): void {
  if (opts[name] === undefined) throw typeError(fn, `options.${name}`, `${expected} (required: Kornia has no default)`, undefined);
}

function psnr(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<number> {
  const opts = checkOptions(fn, options, ['maxVal'], wantGrad);
  const { x, y, shape } = images(fn, ['input', 'target'], input, target, opts);
  required(fn, opts, 'maxVal', 'a finite number');
  const maxVal = numberOption(fn, 'maxVal', opts.maxVal, 1, Number.isFinite, 'a finite number');
  const dtype = x.dtype;
  const n = x.size;
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, null, dtype);
  const targets = wantGrad ? gradTargets(fn, opts, dtype, [n, n]) : [];
  const w = wasm(fn, imageQualityModule);
  const sum = (grads: boolean, scale: number) => {
    if (!w) return sqDiffReference(x.data, y.data, grads, scale);
    const into = grads ? [0, 1].map((i) => directTarget(targets, i, n, [x.data, y.data])) : [];
    const r = runElementwise(w.arena, n, [x, y], { loss: false, lossInto: null, grads: grads ? 2 : 0, gradRow: null, into },
      ([px, py], _loss, [gx = null, gy = null]) => sq_diff(w.k, dtype, { x: px, y: py, gx, gy, scale }));
    return { total: r.total, grads: r.grads };
  };
  // 10·log10(max² / mse), as Kornia: max² times mse's reciprocal (PyTorch's scalar / tensor)
  const max2 = maxVal * maxVal;
  const mse = sum(false, 0).total / n;
  const inv = 1 / mse;
  const ratio = max2 * inv;
  const loss = roundResult(dtype, -10 * Math.log10(ratio));
  if (!wantGrad) return { loss, grads: [], opts };
  // PyTorch's chain, step by step, so that its corners come out the same: mse = 0 gives
  // 0·∞ = NaN gradients (and the loss -∞)
  const gRatio = (-up.scalar! * 10) / (ratio * Math.LN10);
  const gMse = gRatio * max2 * -(inv * inv);
  const { grads } = sum(true, (gMse * 2) / n);
  return { loss, grads: grads.map((g) => gradTensor(g, shape, dtype)), opts };
}

function ssim(fn: string, img1: FloatInput, img2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['windowSize', 'maxVal', 'eps', 'reduction', 'padding'], wantGrad);
  const { x, y, shape } = images(fn, ['img1', 'img2'], img1, img2, opts);
  if (shape.length !== 4) throw rangeError(fn, `img1 and img2 must have shape (B, C, H, W); got ${shapeString(shape)}`);
  required(fn, opts, 'windowSize', 'an odd integer > 0');
  const k = numberOption(fn, 'windowSize', opts.windowSize, 0, (v) => Number.isInteger(v) && v > 0 && v % 2 === 1, 'an odd integer > 0');
  const maxVal = numberOption(fn, 'maxVal', opts.maxVal, 1, Number.isFinite, 'a finite number');
  const eps = numberOption(fn, 'eps', opts.eps, 1e-12, Number.isFinite, 'a finite number');
  const reduction = reductionOption(fn, opts.reduction);
  const padding = opts.padding ?? 'same';
  if (padding !== 'same' && padding !== 'valid') throw rangeError(fn, `options.padding must be 'same' or 'valid'; got ${JSON.stringify(padding)}`);
  const [B, C, H, W] = shape;
  const half = (k - 1) / 2;
  // the maps are filtered with reflect padding of ⌊k/2⌋ first (PyTorch's reflect pad needs less than the side)
  if (half >= H || half >= W) throw rangeError(fn, `windowSize ${k} needs images larger than ${half} pixels on each side (reflect padding of ${half}); got H = ${H}, W = ${W}`);
  const valid = padding === 'valid';
  const [Ho, Wo] = ssimOutSize({ H, W, valid }, k);
  if (Ho < 0 || Wo < 0) throw rangeError(fn, `padding 'valid' crops ${half} pixels from each side: windowSize ${k} needs H and W of at least ${k - 1}; got H = ${H}, W = ${W}`);
  const dtype = x.dtype;
  const outShape = [B, C, Ho, Wo];
  const m = sizeOf(outShape);
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, m);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  const targets = wantGrad ? gradTargets(fn, opts, dtype, [x.size, x.size]) : [];
  const window = gaussianWindow(k);
  const c1 = (0.01 * maxVal) ** 2;
  const c2 = (0.03 * maxVal) ** 2;
  let parts: { elementLoss: ArrayLike<number>; total: number; grads: ArrayLike<number>[] } | null = null;
  const w = wasm(fn, imageQualityModule);
  if (w) {
    // one plane (an image channel) per item; float32 is computed in float64 too (the f64 kernel)
    const HW = H * W;
    const into = [0, 1].map((i) => (wantGrad ? directTarget(targets, i, x.size, [x.data, y.data, gradRow]) : null));
    const loss = reduction === 'none' ? output(Ho * Wo) : null;
    const g1 = wantGrad ? output(HW, into[0]) : null, g2 = wantGrad ? output(HW, into[1]) : null;
    const c = ssimKernel(w.k, dtype, {
      H, W, k, x: input(HW, x), y: input(HW, y), window: whole(window), loss, g1, g2, gradRow: gradRow ? input(Ho * Wo, gradRow) : null,
      valid: valid ? 1 : 0, c1, c2, eps, gradScale,
    });
    // a plane too large for the memory limit with its scratch maps is left to the reference (which needs no wasm memory)
    if (fitsOneItem(w.arena, c.dtype, c.operands)) {
      const r = runCall(w.arena, B * C, c, 'heavy');
      parts = { elementLoss: loss ? outputOf(c, r, loss) : new Float64Array(0), total: r.total, grads: g1 && g2 ? [outputOf(c, r, g1), outputOf(c, r, g2)] : [] };
    }
  }
  parts ??= ssimReference({ planes: B * C, H, W, img1: x.data, img2: y.data, window, maxVal, eps, valid }, wantGrad, gradRow, gradScale);
  const loss = lossResult(reduction, () => toDtype(parts.elementLoss, dtype), parts.total, m, outShape, dtype, out);
  return { loss, grads: parts.grads.map((g) => gradTensor(g, shape, dtype)), opts };
}

/**
 * Kornia's PSNR loss, `kornia.losses.psnr_loss` (0.7.4): minus the peak signal-to-noise ratio, `-10·log10(maxVal² / MSE)`, the MSE taken over every element of the whole batch (one number, as Kornia).
 *
 * @param input - An image (or batch of them), any shape.
 * @param target - The reference image, the input's shape.
 * @param options - `maxVal` (required: the largest pixel value, e.g. 1 or 255).
 * @typeParam D - The float arguments' array type.
 * @returns A number: -PSNR in dB (`-Infinity` for identical images, as Kornia).
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, `maxVal` is missing, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes differ, or `maxVal` is not finite.
 * @example
 * ```ts
 * import { psnrLoss } from 'simdloss';
 * psnrLoss(new Float32Array([1]), new Float32Array([1.2]), { maxVal: 2 }); // -20, i.e. 10·log10(4 / 0.2²) dB
 * ```
 * @group Image quality
 */
export function psnrLoss<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: FloatInput<D>, options: PsnrLossOptions): number;
export function psnrLoss(input: FloatInput, target: FloatInput, options: PsnrLossOptions): number {
  return psnr('psnrLoss', input, target, options, false).loss;
}

/**
 * {@link psnrLoss} and its gradients (dInput, dTarget).
 *
 * @param input - As for {@link psnrLoss}.
 * @param target - As for {@link psnrLoss}.
 * @param options - The options of {@link psnrLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient, a number) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link psnrLoss} returns it; `grads` is `[dInput, dTarget]`, each of its argument's shape and the call's dtype (NaN for identical images, as PyTorch's autograd); `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link psnrLoss} throws.
 * @example
 * ```ts
 * import { psnrLossWithGrad } from 'simdloss';
 * const { loss, grads } = psnrLossWithGrad(new Float64Array([0.5, 0.2]), new Float64Array([0.4, 0.2]), { maxVal: 1 });
 * grads[0].data; // Float64Array(2): 20/(n·MSE·ln 10)·(x - y)
 * ```
 * @group Image quality
 */
export function psnrLossWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, target: FloatInput<D>, options: PsnrLossOptions & GradOptions): WithGrad<number, ResultArray<D>>;
export function psnrLossWithGrad(input: FloatInput, target: FloatInput, options: PsnrLossOptions & GradOptions): WithGrad {
  return withGrad(psnr('psnrLossWithGrad', input, target, options, true), 'psnrLossWithGrad');
}

/**
 * Kornia's SSIM loss, `kornia.losses.ssim_loss` (0.7.4): the structural dissimilarity `clamp((1 - SSIM)/2, 0, 1)` per pixel, SSIM from means, variances and covariance under a Gaussian window (σ = 1.5) with reflect padding.
 *
 * @param img1 - Images, `(B, C, H, W)`.
 * @param img2 - Images of img1's shape.
 * @param options - `windowSize` (required: odd), `maxVal` (default 1), `eps` (default 1e-12), `reduction` (default `'mean'`), `padding` (`'same'`, the default, or `'valid'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, the loss map `(B, C, H, W)` (`'valid'`: `(B, C, H - windowSize + 1, W - windowSize + 1)`).
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, `windowSize` is missing, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the images are not 4-D or differ in shape, the window does not fit them, or an option's value is out of range.
 * @example
 * ```ts
 * import { ssimLoss } from 'simdloss';
 * const a = { data: new Float32Array(2 * 6 * 6).map((_, i) => (i % 7) / 7), shape: [1, 2, 6, 6] };
 * ssimLoss(a, a, { windowSize: 3 }); // 0 (to 1e-11): identical images
 * ssimLoss(a, a, { windowSize: 5, reduction: 'none', padding: 'valid' }).shape; // [1, 2, 2, 2]
 * ```
 * @group Image quality
 */
export function ssimLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(img1: FloatInput<D>, img2: FloatInput<D>, options: SsimLossOptions & { reduction?: R }): Loss<R, D>;
export function ssimLoss(img1: FloatInput, img2: FloatInput, options: SsimLossOptions): number | Tensor {
  return ssim('ssimLoss', img1, img2, options, false).loss;
}

/**
 * {@link ssimLoss} and its gradients (dImg1, dImg2).
 *
 * @param img1 - As for {@link ssimLoss}.
 * @param img2 - As for {@link ssimLoss}.
 * @param options - The options of {@link ssimLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link ssimLoss} returns it; `grads` is `[dImg1, dImg2]`, each of the images' shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link ssimLoss} throws.
 * @example
 * ```ts
 * import { ssimLossWithGrad } from 'simdloss';
 * const a = { data: new Float64Array(16).map((_, i) => i / 16), shape: [1, 1, 4, 4] };
 * const b = { data: new Float64Array(16).map((_, i) => (i % 5) / 5), shape: [1, 1, 4, 4] };
 * const { loss, grads } = ssimLossWithGrad(a, b, { windowSize: 3 });
 * grads[1].shape; // [1, 1, 4, 4]
 * ```
 * @group Image quality
 */
export function ssimLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(img1: FloatInput<D>, img2: FloatInput<D>, options: SsimLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function ssimLossWithGrad(img1: FloatInput, img2: FloatInput, options: SsimLossOptions & GradOptions): WithGrad {
  return withGrad(ssim('ssimLossWithGrad', img1, img2, options, true), 'ssimLossWithGrad');
}
