// Box-regression losses over pairs of boxes (x1, y1, x2, y2): torchvision's
// generalized_box_iou_loss, distance_box_iou_loss, complete_box_iou_loss (docs/semantics.md
// §13.2–13.4) and the IoU family from the papers (§13.5–13.8): IoU, EIoU, Focal-EIoU, α-IoU, SIoU,
// Wise-IoU.
// boxes1 is the prediction, boxes2 the target; both (..., 4), broadcast; every loss differentiates
// both. The default reduction is 'none', as torchvision's.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, floatOfDtype, gradScaling, numberOption, reductionOption, upstreamOption, type CheckedOptions } from '../options';
import { gradForArgument, outTarget, placed, toDtype, withGrad, type LossAndGrads, type WriteTarget } from '../results';
import { boxLossReference, boxLossSpec, type BoxLossKind, type BoxLossSpec } from '../reference/box-iou';

/**
 * The base loss of {@link alphaIouLoss}: `'iou'`, `'giou'`, `'diou'` or `'ciou'`.
 * @group Box IoU
 */
export type AlphaIouForm = 'iou' | 'giou' | 'diou' | 'ciou';
import { callDtype, field, floatArg, roundResult, valuesOver } from '../tensor';
import { broadcastShapes, sizeOf } from '../shapes';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { input, output, outputOf, runCall } from '../wasm/runtime';
import { boxIouKernels } from '../wasm/kernels';
import { boxIouModule } from '../wasm/modules';
import { box_loss } from '../wasm/modules/box-iou.args';

/**
 * Options every box loss takes ({@link generalizedBoxIouLoss} and the others).
 * @group Box IoU
 */
export interface BoxLossOptions {
  /** Default 'none' (torchvision). 'mean' of no boxes is 0, as torchvision's. */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
  /** Keeps the divisions finite. Default 1e-7. */
  eps?: number;
}
/**
 * Options of {@link focalEiouLoss}.
 * @group Box IoU
 */
export interface FocalEiouLossOptions extends BoxLossOptions {
  /** The IoU^γ weight's exponent. Default 0.5 (the paper). */
  gamma?: number;
}
/**
 * Options of {@link alphaIouLoss}.
 * @group Box IoU
 */
export interface AlphaIouLossOptions extends BoxLossOptions {
  /** The power. Default 3 (the paper's recommendation); 1 gives the base loss. */
  alpha?: number;
  /** The base loss whose IoU and penalty are raised to α. Default 'iou'. */
  form?: AlphaIouForm;
}
/**
 * Options of {@link siouLoss}.
 * @group Box IoU
 */
export interface SiouLossOptions extends BoxLossOptions {
  /** The shape cost's exponent θ. Default 4. */
  theta?: number;
}
/**
 * Options of {@link wiseIouLoss}: v1, or v3 with its running mean.
 * @group Box IoU
 */
export interface WiseIouLossOptions extends BoxLossOptions {
  /** Default 'v1'. */
  version?: 'v1' | 'v3';
  /** v3: the running mean of 1 - IoU from the previous call (start with 1). Required for v3. */
  iouMean?: number;
  /** v3: the running mean's momentum m, mean ← (1 - m)·mean + m·batch mean; 0 keeps it (evaluation). Required for v3. */
  momentum?: number;
  /** v3: α of r = β/(δ·α^(β-δ)). Default 1.9. */
  alpha?: number;
  /** v3: δ. Default 3. */
  delta?: number;
}

/**
 * What {@link wiseIouLossWithGrad} v3 returns besides the loss and gradients.
 * @group Box IoU
 */
export interface WiseIouMean {
  /** The running mean of 1 - IoU after this batch: pass it as `options.iouMean` next time. */
  iouMean: number;
}

/**
 * wiseIouLoss v3's result: the loss and the updated running mean to pass to the next call.
 * @typeParam L - The loss's type: a number, or a tensor for `reduction: 'none'`.
 * @group Box IoU
 */
export interface WiseIouV3Result<L = number | Tensor> {
  /** The loss, as v1 returns it. */
  loss: L;
  /** The running mean of 1 - IoU after this batch: pass it as `options.iouMean` next time. */
  iouMean: number;
}

interface Pairs {
  b1: FloatArray;
  b2: FloatArray;
  n: number;
  shape: number[];
  shapes: [number[], number[]];
  dtype: 'float32' | 'float64';
}

/** Both box arguments broadcast to (..., 4), as contiguous pairs. */
function pairsOf(fn: string, boxes1: FloatInput, boxes2: FloatInput, opts: CheckedOptions): Pairs {
  const a = floatArg(fn, 'boxes1', boxes1, callDtype([boxes1, boxes2], opts));
  const b = floatOfDtype(fn, 'boxes2', boxes2, a.dtype);
  const shapes: [number[], number[]] = [argShape(a, boxes1), argShape(b, boxes2)];
  shapes.forEach((s, i) => {
    if (s[s.length - 1] !== 4) throw rangeError(fn, `boxes${i + 1} must have shape (..., 4) (x1, y1, x2, y2); got ${shapeString(s)}`);
  });
  const shape = broadcastShapes(fn, 'boxes1', shapes[0], 'boxes2', shapes[1]);
  return {
    b1: valuesOver(a, shapes[0], shape), b2: valuesOver(b, shapes[1], shape),
    n: sizeOf(shape) / 4, shape, shapes, dtype: a.dtype,
  };
}

/** Per-pair losses, reduced; gradients for both boxes. */
function run(fn: string, p: Pairs, spec: BoxLossSpec, reduction: Reduction, opts: CheckedOptions, wantGrad: boolean, out: WriteTarget | null): LossAndGrads {
  const { n, dtype } = p;
  const outShape = p.shape.slice(0, -1);
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, Math.max(n, 1));
  let elementLoss: ArrayLike<number>;
  let total = 0;
  let grads: ArrayLike<number>[] = [];
  const w = n > 0 ? wasm(fn, boxIouModule) : null;
  if (w) {
    const { k, arena } = w;
    // float32 boxes too are computed in float64 (the list builds box_loss for f64 only) and each
    // result rounded once (docs/accuracy.md); its SoA scratch is declared on the list entry
    const [p1, p2, p3] = kernelParams(spec);
    const loss = output(1), g1 = wantGrad ? output(4) : null, g2 = wantGrad ? output(4) : null;
    const c = box_loss(k, dtype, {
      kind: boxIouKernels.constants.KIND.indexOf(spec.kind), b1: input(4, p.b1), b2: input(4, p.b2), loss, g1, g2,
      gradRow: gradRow ? input(1, gradRow) : null, gradScale, eps: spec.eps, p1, p2, p3,
    });
    const r = runCall(arena, n, c);
    total = r.total;
    elementLoss = outputOf(c, r, loss);
    if (g1 && g2) grads = [outputOf(c, r, g1), outputOf(c, r, g2)];
  } else {
    const r = boxLossReference(p.b1, p.b2, n, spec, wantGrad, gradRow, gradScale);
    elementLoss = r.elementLoss;
    total = r.total;
    grads = r.grads;
  }
  // torchvision's 'mean' of no boxes is 0.0·sum() = 0
  const value = reduction === 'none' ? placed(out, toDtype(elementLoss, dtype), outShape) : roundResult(dtype, reduction === 'sum' || n === 0 ? total : total / n);
  return { loss: value, grads: grads.map((g, i) => gradForArgument(g, p.shape, p.shapes[i], dtype)), opts };
}

/** The options every box loss shares, and the pairs. */
function common(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, extra: readonly string[], wantGrad: boolean) {
  const opts = checkOptions(fn, options, ['reduction', 'eps', ...extra], wantGrad);
  return {
    opts,
    pairs: pairsOf(fn, boxes1, boxes2, opts),
    reduction: reductionOption(fn, opts.reduction, undefined, 'none'),
    eps: numberOption(fn, 'eps', opts.eps, 1e-7, (e) => e >= 0 && Number.isFinite(e), 'a finite number >= 0'),
  };
}

/** options.out of a box loss (checked before anything runs). */
function boxOut(fn: string, c: ReturnType<typeof common>): WriteTarget | null {
  return outTarget(fn, c.opts, c.pairs.dtype, c.reduction === 'none' ? c.pairs.shape.slice(0, -1) : null);
}

/**
 * The kernel's packing of a spec's parameters (box_loss's p1, p2, p3: src/wasm/kernels.ts):
 * focal-eiou γ; alpha-iou α and the form's index in FORM; siou θ; wiou-v3 the mean, α and δ.
 */
function kernelParams(s: BoxLossSpec): [number, number, number] {
  switch (s.kind) {
    case 'focal-eiou': return [s.gamma, 0, 0];
    case 'alpha-iou': return [s.alpha, boxIouKernels.constants.FORM.indexOf(s.form), 0];
    case 'siou': return [s.theta, 0, 0];
    case 'wiou-v3': return [s.iouMean, s.alpha, s.delta];
    default: return [0, 0, 0];
  }
}

/** A box loss: its kernel kind, its own options, and their checked values by name. */
interface BoxLossDef {
  kind: BoxLossKind;
  options?: readonly string[];
  params?: (fn: string, opts: CheckedOptions) => Partial<BoxLossSpec>;
}

/** The box losses, by public name (its WithGrad twin is `${name}WithGrad`). */
const BOX_LOSSES = {
  generalizedBoxIouLoss: { kind: 'giou' },
  distanceBoxIouLoss: { kind: 'diou' },
  completeBoxIouLoss: { kind: 'ciou' },
  iouLoss: { kind: 'iou' },
  eiouLoss: { kind: 'eiou' },
  focalEiouLoss: {
    kind: 'focal-eiou', options: ['gamma'],
    params: (fn, o) => ({ gamma: numberOption(fn, 'gamma', o.gamma, 0.5, (g) => g >= 0 && Number.isFinite(g), 'a finite number >= 0') }),
  },
  alphaIouLoss: {
    kind: 'alpha-iou', options: ['alpha', 'form'],
    params: (fn, o) => {
      const alpha = numberOption(fn, 'alpha', o.alpha, 3, (a) => a > 0 && Number.isFinite(a), 'a finite number > 0');
      const form = o.form ?? 'iou';
      if (!(boxIouKernels.constants.FORM as readonly unknown[]).includes(form)) throw rangeError(fn, `options.form must be one of 'iou', 'giou', 'diou', 'ciou'; got ${JSON.stringify(form)}`);
      return { alpha, form: form as AlphaIouForm };
    },
  },
  siouLoss: {
    kind: 'siou', options: ['theta'],
    params: (fn, o) => ({ theta: numberOption(fn, 'theta', o.theta, 4, (t) => t >= 1 && Number.isFinite(t), 'a finite number >= 1') }),
  },
} satisfies Record<string, BoxLossDef>;

function boxLoss(def: BoxLossDef, fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const c = common(fn, boxes1, boxes2, options, (field(def, 'options') as readonly string[] | undefined ?? []), wantGrad);
  const params = field(def, 'params') as BoxLossDef['params']; // never from Object.prototype
  return run(fn, c.pairs, boxLossSpec(def.kind, c.eps, params ? params(fn, c.opts) : {}), c.reduction, c.opts, wantGrad, boxOut(fn, c));
}

/**
 * A box loss's public signature, O its options: the documentation of its parameters, result and
 * errors, which TypeDoc and editors show for each loss made from the table (whose own comment
 * gives its summary and example).
 */
interface BoxLoss<O> {
  /**
   * @param boxes1 - Predicted boxes `(..., 4)`: x1, y1, x2, y2.
   * @param boxes2 - Target boxes `(..., 4)`; broadcasts against `boxes1`.
   * @param options - `reduction` (default `'none'`, as torchvision's; `'mean'` of no boxes is 0), `eps` (keeps the divisions finite; default 1e-7), and the loss's own options (its options type).
   * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
   * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
   * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per box pair (the broadcast shape without its last dimension). The default reduction is `'none'`.
   * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
   * @throws RangeError if a tensor's `shape` does not match its data's length, a last dimension is not 4, the shapes do not broadcast, or an option is out of its range.
   */
  <D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: O & { reduction?: R }): Loss<R, D>;
}
/** Its WithGrad twin's. */
interface BoxLossWithGrad<O> {
  /**
   * @param boxes1 - As for the loss.
   * @param boxes2 - As for the loss.
   * @param options - The options of the loss, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
   * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
   * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
   * @returns `{ loss, grad, grads }`: `loss` as the loss returns it; `grads` is `[dBoxes1, dBoxes2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
   * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever the loss throws.
   */
  <D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: O & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
}

/** The public function of the table's entry `name` (named so, for stack traces). */
function lossOf<O>(name: keyof typeof BOX_LOSSES): BoxLoss<O> {
  const def: BoxLossDef = BOX_LOSSES[name];
  const f = (boxes1: FloatInput, boxes2: FloatInput, options?: unknown) => boxLoss(def, name, boxes1, boxes2, options, false).loss;
  return Object.defineProperty(f, 'name', { value: name }) as unknown as BoxLoss<O>;
}

/** The WithGrad twin of the table's entry `name`. */
function withGradOf<O>(name: keyof typeof BOX_LOSSES): BoxLossWithGrad<O> {
  const def: BoxLossDef = BOX_LOSSES[name];
  const fn = `${name}WithGrad`;
  const f = (boxes1: FloatInput, boxes2: FloatInput, options?: GradOptions) => withGrad(boxLoss(def, fn, boxes1, boxes2, options, true), fn);
  return Object.defineProperty(f, 'name', { value: fn }) as unknown as BoxLossWithGrad<O>;
}

function wiseIou(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads & { iouMean?: number } {
  const c = common(fn, boxes1, boxes2, options, ['version', 'iouMean', 'momentum', 'alpha', 'delta'], wantGrad);
  const version = c.opts.version ?? 'v1';
  if (version !== 'v1' && version !== 'v3') throw rangeError(fn, `options.version must be 'v1' or 'v3'; got ${JSON.stringify(version)}`);
  // iouMean is an own property either way (the public function tests it; nothing inherited may answer)
  if (version === 'v1') return { ...run(fn, c.pairs, boxLossSpec('wiou-v1', c.eps), c.reduction, c.opts, wantGrad, boxOut(fn, c)), iouMean: undefined };
  for (const name of ['iouMean', 'momentum']) {
    if (c.opts[name] === undefined) throw typeError(fn, `options.${name}`, "a number (v3's running mean is state the caller keeps: start with iouMean 1)", undefined);
  }
  const mean = numberOption(fn, 'iouMean', c.opts.iouMean, 1, (m) => m > 0 && Number.isFinite(m), 'a finite number > 0');
  const momentum = numberOption(fn, 'momentum', c.opts.momentum, 0, (m) => m >= 0 && m <= 1, 'a number in [0, 1]');
  const alpha = numberOption(fn, 'alpha', c.opts.alpha, 1.9, (a) => a > 0 && Number.isFinite(a), 'a finite number > 0');
  const delta = numberOption(fn, 'delta', c.opts.delta, 3, (d) => d > 0 && Number.isFinite(d), 'a finite number > 0');
  // The mean is updated with this batch's mean of 1 - IoU first, then used (the authors' order).
  const out = boxOut(fn, c);
  const n = c.pairs.n;
  const batch = n > 0 ? (run(fn, c.pairs, boxLossSpec('iou', c.eps), 'sum', c.opts, false, null).loss as number) / n : 0;
  const iouMean = n > 0 ? (1 - momentum) * mean + momentum * batch : mean;
  return { ...run(fn, c.pairs, boxLossSpec('wiou-v3', c.eps, { iouMean, alpha, delta }), c.reduction, c.opts, wantGrad, out), iouMean };
}

type Options<O> = O & GradOptions;

/**
 * torchvision.ops.generalized_box_iou_loss: `1 - IoU + (C - U)/C`, C the smallest enclosing box's area and U the union's (Rezatofighi et al. 2019).
 *
 * @example
 * ```ts
 * import { generalizedBoxIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * generalizedBoxIouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * generalizedBoxIouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const generalizedBoxIouLoss = /* @__PURE__ */ lossOf<BoxLossOptions>('generalizedBoxIouLoss');
/**
 * {@link generalizedBoxIouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { generalizedBoxIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = generalizedBoxIouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const generalizedBoxIouLossWithGrad = /* @__PURE__ */ withGradOf<BoxLossOptions>('generalizedBoxIouLoss');
/**
 * torchvision.ops.distance_box_iou_loss: `1 - IoU + ρ²/c²`, ρ the distance between the centers and c the enclosing box's diagonal (Zheng et al. 2020).
 *
 * @example
 * ```ts
 * import { distanceBoxIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * distanceBoxIouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * distanceBoxIouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const distanceBoxIouLoss = /* @__PURE__ */ lossOf<BoxLossOptions>('distanceBoxIouLoss');
/**
 * {@link distanceBoxIouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { distanceBoxIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = distanceBoxIouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const distanceBoxIouLossWithGrad = /* @__PURE__ */ withGradOf<BoxLossOptions>('distanceBoxIouLoss');
/**
 * torchvision.ops.complete_box_iou_loss: the DIoU loss plus `α·v`, v the aspect-ratio term and `α = v / (1 - IoU + v)` held constant (Zheng et al. 2020).
 *
 * @example
 * ```ts
 * import { completeBoxIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * completeBoxIouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * completeBoxIouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const completeBoxIouLoss = /* @__PURE__ */ lossOf<BoxLossOptions>('completeBoxIouLoss');
/**
 * {@link completeBoxIouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { completeBoxIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = completeBoxIouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const completeBoxIouLossWithGrad = /* @__PURE__ */ withGradOf<BoxLossOptions>('completeBoxIouLoss');
/**
 * The linear IoU loss, `1 - IoU` (Yu et al. 2016).
 *
 * @example
 * ```ts
 * import { iouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * iouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * iouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const iouLoss = /* @__PURE__ */ lossOf<BoxLossOptions>('iouLoss');
/**
 * {@link iouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { iouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = iouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const iouLossWithGrad = /* @__PURE__ */ withGradOf<BoxLossOptions>('iouLoss');
/**
 * EIoU (Zhang et al. 2022): `1 - IoU + ρ²/c² + (w - w_gt)²/C_w² + (h - h_gt)²/C_h²`, C_w and C_h the enclosing box's width and height.
 *
 * @example
 * ```ts
 * import { eiouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * eiouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * eiouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const eiouLoss = /* @__PURE__ */ lossOf<BoxLossOptions>('eiouLoss');
/**
 * {@link eiouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { eiouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = eiouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const eiouLossWithGrad = /* @__PURE__ */ withGradOf<BoxLossOptions>('eiouLoss');
/**
 * Focal-EIoU (Zhang et al. 2022): `IoU^γ·EIoU`, the weight `IoU^γ` held constant (no gradient through it).
 *
 * Its own option: `gamma` (default 0.5).
 *
 * @example
 * ```ts
 * import { focalEiouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * focalEiouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * focalEiouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const focalEiouLoss = /* @__PURE__ */ lossOf<FocalEiouLossOptions>('focalEiouLoss');
/**
 * {@link focalEiouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { focalEiouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = focalEiouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const focalEiouLossWithGrad = /* @__PURE__ */ withGradOf<FocalEiouLossOptions>('focalEiouLoss');
/**
 * α-IoU (He et al. 2021): `1 - IoU^α + P^α`, P the penalty of the base loss `form` (none for IoU).
 *
 * Its own options: `alpha` (default 3) and `form` (`'iou'` (default), `'giou'`, `'diou'` or `'ciou'`).
 *
 * @example
 * ```ts
 * import { alphaIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * alphaIouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * alphaIouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const alphaIouLoss = /* @__PURE__ */ lossOf<AlphaIouLossOptions>('alphaIouLoss');
/**
 * {@link alphaIouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { alphaIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = alphaIouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const alphaIouLossWithGrad = /* @__PURE__ */ withGradOf<AlphaIouLossOptions>('alphaIouLoss');
/**
 * SIoU (Gevorgyan 2022): `1 - IoU + (Δ + Ω)/2`, Δ the angle-weighted distance cost and Ω the shape cost.
 *
 * Its own option: `theta` (the shape cost's exponent; default 4).
 *
 * @example
 * ```ts
 * import { siouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * siouLoss(predicted, target).data; // Float32Array(2): one loss per pair ('none' is the default)
 * siouLoss(predicted, target, { reduction: 'mean' }); // a number
 * ```
 * @function
 * @group Box IoU
 */
export const siouLoss = /* @__PURE__ */ lossOf<SiouLossOptions>('siouLoss');
/**
 * {@link siouLoss} and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @example
 * ```ts
 * import { siouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grads: [dPredicted, dTarget] } = siouLossWithGrad(predicted, target, { reduction: 'sum' });
 * dPredicted.shape; // [2, 4]
 * ```
 * @function
 * @group Box IoU
 */
export const siouLossWithGrad = /* @__PURE__ */ withGradOf<SiouLossOptions>('siouLoss');

/**
 * Wise-IoU v3 (Tong et al. 2023): the v1 loss times the focusing factor `r = β/(δ·α^(β-δ))`, `β = (1 - IoU) / mean` held constant; the running mean of `1 - IoU` is state the caller keeps, passed in and returned.
 *
 * @param boxes1 - Predicted boxes `(..., 4)`: x1, y1, x2, y2.
 * @param boxes2 - Target boxes `(..., 4)`; broadcasts against `boxes1`.
 * @param options - `version: 'v3'`; `iouMean` (the running mean of 1 - IoU: 1 at first, then the returned one) and `momentum` (m in mean ← (1 - m)·mean + m·batch mean; 0 keeps it), both required; `alpha` (default 1.9), `delta` (default 3), `reduction` (default `'none'`), `eps` (default 1e-7).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, iouMean }`: the loss (a number for `'mean'` and `'sum'`, a tensor of one loss per pair for `'none'`) and the updated mean to pass to the next call.
 * @throws TypeError if a box argument is not a float tensor, the dtypes differ, an option is unknown or of the wrong type, or v3 lacks `iouMean` or `momentum`.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a last dimension is not 4, the shapes do not broadcast, or `version` is not `'v1'` or `'v3'`.
 * @example
 * ```ts
 * import { wiseIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * let iouMean = 1;
 * const r = wiseIouLoss(predicted, target, { version: 'v3', iouMean, momentum: 0.01, reduction: 'mean' });
 * iouMean = r.iouMean; // for the next batch
 * r.loss; // a number
 * ```
 * @group Box IoU
 */
export function wiseIouLoss<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options: WiseIouLossOptions & { version: 'v3'; reduction?: R }): WiseIouV3Result<Loss<R, D>>;
/**
 * Wise-IoU v1 (Tong et al. 2023): `exp(ρ²/(W_g² + H_g²))·(1 - IoU)`, ρ the distance between the centers and W_g, H_g the enclosing box's size, the denominator held constant.
 *
 * @param boxes1 - Predicted boxes `(..., 4)`: x1, y1, x2, y2.
 * @param boxes2 - Target boxes `(..., 4)`; broadcasts against `boxes1`.
 * @param options - `version` (default `'v1'`), `reduction` (default `'none'`, as torchvision's box losses), `eps` (default 1e-7).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per box pair. The default reduction is `'none'`.
 * @throws TypeError if a box argument is not a float tensor, the dtypes differ, an option is unknown or of the wrong type, or v3 lacks `iouMean` or `momentum`.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a last dimension is not 4, the shapes do not broadcast, or `version` is not `'v1'` or `'v3'`.
 * @example
 * ```ts
 * import { wiseIouLoss } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * wiseIouLoss(predicted, target).data; // Float32Array(2): one loss per pair
 * ```
 * @group Box IoU
 */
export function wiseIouLoss<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: WiseIouLossOptions & { version?: 'v1'; reduction?: R }): Loss<R, D>;
/**
 * Wise-IoU, v1 or v3, when `version` is not known statically: the v1 loss, or v3's `{ loss, iouMean }`.
 *
 * @param boxes1 - Predicted boxes `(..., 4)`: x1, y1, x2, y2.
 * @param boxes2 - Target boxes `(..., 4)`; broadcasts against `boxes1`.
 * @param options - The options of either version (see the other signatures); `version` decides the result's form.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns v1: the loss; v3: `{ loss, iouMean }`.
 * @throws TypeError if a box argument is not a float tensor, the dtypes differ, an option is unknown or of the wrong type, or v3 lacks `iouMean` or `momentum`.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a last dimension is not 4, the shapes do not broadcast, or `version` is not `'v1'` or `'v3'`.
 * @example
 * ```ts
 * import { wiseIouLoss, type WiseIouLossOptions } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const options: WiseIouLossOptions = { version: 'v1' };
 * const r = wiseIouLoss(predicted, target, options);
 * const loss = typeof r === 'object' && 'iouMean' in r ? r.loss : r; // v3 : v1
 * ```
 * @group Box IoU
 */
export function wiseIouLoss<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: WiseIouLossOptions & { reduction?: R }): Loss<R, D> | WiseIouV3Result<Loss<R, D>>;
export function wiseIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: WiseIouLossOptions): number | Tensor | WiseIouV3Result {
  const r = wiseIou('wiseIouLoss', boxes1, boxes2, options, false);
  return r.iouMean === undefined ? r.loss : { loss: r.loss, iouMean: r.iouMean };
}
/**
 * {@link wiseIouLoss} v3 and its gradients (dBoxes1, dBoxes2), computed in one pass, with the updated running mean.
 *
 * @param boxes1 - As for {@link wiseIouLoss}.
 * @param boxes2 - As for {@link wiseIouLoss}.
 * @param options - The options of {@link wiseIouLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto`.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads, iouMean }`: `loss` and `iouMean` as {@link wiseIouLoss} v3 returns them; `grads` is `[dBoxes1, dBoxes2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link wiseIouLoss} throws.
 * @example
 * ```ts
 * import { wiseIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * let state = { iouMean: 1 };
 * const r = wiseIouLossWithGrad(predicted, target, { version: 'v3', momentum: 0.01, ...state, reduction: 'mean' });
 * state = { iouMean: r.iouMean };
 * r.grad.shape; // [2, 4]
 * ```
 * @group Box IoU
 */
export function wiseIouLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options: WiseIouLossOptions & GradOptions & { version: 'v3'; reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>> & WiseIouMean;
/**
 * {@link wiseIouLoss} v1 and its gradients (dBoxes1, dBoxes2), computed in one pass.
 *
 * @param boxes1 - As for {@link wiseIouLoss}.
 * @param boxes2 - As for {@link wiseIouLoss}.
 * @param options - The options of {@link wiseIouLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto`.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link wiseIouLoss} v1 returns it; `grads` is `[dBoxes1, dBoxes2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link wiseIouLoss} throws.
 * @example
 * ```ts
 * import { wiseIouLossWithGrad } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const { loss, grad } = wiseIouLossWithGrad(predicted, target, { reduction: 'sum' });
 * grad.shape; // [2, 4]
 * ```
 * @group Box IoU
 */
export function wiseIouLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: WiseIouLossOptions & GradOptions & { version?: 'v1'; reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
/**
 * {@link wiseIouLoss} and its gradients when `version` is not known statically: `iouMean` is there for v3.
 *
 * @param boxes1 - As for {@link wiseIouLoss}.
 * @param boxes2 - As for {@link wiseIouLoss}.
 * @param options - The options of {@link wiseIouLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto`.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`, and `iouMean` for v3; `grads` is `[dBoxes1, dBoxes2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link wiseIouLoss} throws.
 * @example
 * ```ts
 * import { wiseIouLossWithGrad, type WiseIouLossOptions } from 'simdloss';
 * const predicted = { data: new Float32Array([0, 0, 2, 2, 1, 1, 4, 3]), shape: [2, 4] };
 * const target = { data: new Float32Array([0, 0, 2, 2, 0, 0, 4, 4]), shape: [2, 4] };
 * const options: WiseIouLossOptions = { version: 'v3', iouMean: 1, momentum: 0.01 };
 * const r = wiseIouLossWithGrad(predicted, target, options);
 * r.iouMean; // number | undefined
 * ```
 * @group Box IoU
 */
export function wiseIouLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'none'>(boxes1: FloatInput<D>, boxes2: FloatInput<D>, options?: WiseIouLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>> & Partial<WiseIouMean>;
export function wiseIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<WiseIouLossOptions>): WithGrad & { iouMean?: number } {
  const r = wiseIou('wiseIouLossWithGrad', boxes1, boxes2, options, true);
  const g = withGrad(r, 'wiseIouLossWithGrad');
  return r.iouMean === undefined ? g : { ...g, iouMean: r.iouMean };
}
