// Box-regression losses over pairs of boxes (x1, y1, x2, y2): torchvision's
// generalized_box_iou_loss, distance_box_iou_loss, complete_box_iou_loss (pytorch-loss-spec.md
// §5.1–5.3) and the IoU family from the papers (§6): IoU, EIoU, Focal-EIoU, α-IoU, SIoU, Wise-IoU.
// boxes1 is the prediction, boxes2 the target; both (..., 4), broadcast; every loss differentiates
// both. The default reduction is 'none', as torchvision's.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, floatOfDtype, gradForArgument, gradScaling, numberOption, reductionOption, toDtype, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { ALPHA_IOU_FORMS, boxLossReference, type AlphaIouForm, type BoxLossKind, type BoxLossSpec } from '../reference/box-iou';
import { broadcastShapes, current, expandTo, floatArg, newFloat, roundTo, sizeOf } from '../tensor';
import type { FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import { forChunks } from '../wasm/chunks';

export type { AlphaIouForm } from '../reference/box-iou';

export interface BoxLossOptions {
  /** Default 'none' (torchvision). 'mean' of no boxes is 0, as torchvision's. */
  reduction?: Reduction;
  /** Keeps the divisions finite. Default 1e-7. */
  eps?: number;
}
export interface FocalEiouLossOptions extends BoxLossOptions {
  /** The IoU^γ weight's exponent. Default 0.5 (the paper). */
  gamma?: number;
}
export interface AlphaIouLossOptions extends BoxLossOptions {
  /** The power. Default 3 (the paper's recommendation); 1 gives the base loss. */
  alpha?: number;
  /** The base loss whose IoU and penalty are raised to α. Default 'iou'. */
  form?: AlphaIouForm;
}
export interface SiouLossOptions extends BoxLossOptions {
  /** The shape cost's exponent θ. Default 4. */
  theta?: number;
}
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

/** wiseIouLoss v3's result: the loss and the updated running mean to pass to the next call. */
export interface WiseIouV3Result {
  loss: number | Tensor;
  iouMean: number;
}

const KINDS: BoxLossKind[] = ['iou', 'giou', 'diou', 'ciou', 'eiou', 'focal-eiou', 'alpha-iou', 'siou', 'wiou-v1', 'wiou-v3'];

interface Pairs {
  b1: Float32Array | Float64Array;
  b2: Float32Array | Float64Array;
  n: number;
  shape: number[];
  shapes: [number[], number[]];
  dtype: 'float32' | 'float64';
}

/** Both box arguments broadcast to (..., 4), as contiguous pairs. */
function pairsOf(fn: string, boxes1: FloatInput, boxes2: FloatInput): Pairs {
  const a = floatArg(fn, 'boxes1', boxes1);
  const b = floatOfDtype(fn, 'boxes2', boxes2, a.dtype);
  const shapes: [number[], number[]] = [argShape(a, boxes1), argShape(b, boxes2)];
  shapes.forEach((s, i) => {
    if (s[s.length - 1] !== 4) throw rangeError(fn, `boxes${i + 1} must have shape (..., 4) (x1, y1, x2, y2); got ${shapeString(s)}`);
  });
  const shape = broadcastShapes(fn, 'boxes1', shapes[0], 'boxes2', shapes[1]);
  return {
    b1: expandTo(current(a), shapes[0], shape, a.dtype), b2: expandTo(current(b), shapes[1], shape, a.dtype),
    n: sizeOf(shape) / 4, shape, shapes, dtype: a.dtype,
  };
}

/** Per-pair losses, reduced; gradients for both boxes. */
function run(fn: string, p: Pairs, spec: BoxLossSpec, reduction: Reduction, options: unknown, wantGrad: boolean): LossAndGrads {
  const { n, dtype } = p;
  const outShape = p.shape.slice(0, -1);
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, Math.max(n, 1));
  let elementLoss: ArrayLike<number>;
  let total = 0;
  let grads: ArrayLike<number>[] = [];
  const w = n > 0 ? wasm(fn) : null;
  if (w) {
    const { k, arena } = w;
    const bytes = dtype === 'float32' ? 4 : 8;
    const kernel = dtype === 'float32' ? k.f32_box_loss : k.f64_box_loss;
    const loss = newFloat(dtype, n);
    const g1 = wantGrad ? newFloat(dtype, 4 * n) : null;
    const g2 = wantGrad ? newFloat(dtype, 4 * n) : null;
    // per pair: both boxes, the loss, the upstream, both gradients, the kernel's SoA scratch, and
    // one value more to cover the scratch's 4 padding pairs (64 values) in any chunk of 64+ pairs
    forChunks(arena, n, bytes * (8 + 2 + (wantGrad ? 8 : 0) + 16 + 1), (i0, count) => {
      const pb1 = arena.copyIn(dtype, p.b1.subarray(4 * i0, 4 * (i0 + count)));
      const pb2 = arena.copyIn(dtype, p.b2.subarray(4 * i0, 4 * (i0 + count)));
      const pl = arena.floats(dtype, count);
      const pu = gradRow ? arena.copyIn(dtype, gradRow.subarray(i0, i0 + count)) : 0;
      const pg1 = g1 ? arena.floats(dtype, 4 * count) : 0;
      const pg2 = g2 ? arena.floats(dtype, 4 * count) : 0;
      const scratch = arena.floats(dtype, 16 * (count + 4));
      total += kernel(count, KINDS.indexOf(spec.kind), pb1, pb2, pl, pg1, pg2, pu, gradScale, spec.eps, spec.p1, spec.p2, spec.p3, scratch);
      loss.set(arena.view(dtype, pl, count), i0);
      if (g1 && g2) {
        g1.set(arena.view(dtype, pg1, 4 * count), 4 * i0);
        g2.set(arena.view(dtype, pg2, 4 * count), 4 * i0);
      }
    });
    elementLoss = loss;
    if (g1 && g2) grads = [g1, g2];
  } else {
    const r = boxLossReference(p.b1, p.b2, n, spec, wantGrad, gradRow, gradScale);
    elementLoss = r.elementLoss;
    total = r.total;
    grads = r.grads;
  }
  // torchvision's 'mean' of no boxes is 0.0·sum() = 0
  const value = reduction === 'none' ? { data: toDtype(elementLoss, dtype), shape: outShape } : roundTo(dtype, reduction === 'sum' || n === 0 ? total : total / n);
  return { loss: value, grads: grads.map((g, i) => gradForArgument(g, p.shape, p.shapes[i], dtype)) };
}

/** The options every box loss shares, and the pairs. */
function common(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, extra: string[]) {
  const opts = checkOptions(fn, options, ['reduction', 'eps', 'gradOutput', ...extra]);
  return {
    opts,
    pairs: pairsOf(fn, boxes1, boxes2),
    reduction: reductionOption(fn, opts.reduction, undefined, 'none'),
    eps: numberOption(fn, 'eps', opts.eps, 1e-7, (e) => e >= 0 && Number.isFinite(e), 'a finite number >= 0'),
  };
}

function simple(kind: BoxLossKind) {
  return (fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads => {
    const c = common(fn, boxes1, boxes2, options, []);
    return run(fn, c.pairs, { kind, eps: c.eps, p1: 0, p2: 0, p3: 0 }, c.reduction, options, wantGrad);
  };
}

function focalEiou(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const c = common(fn, boxes1, boxes2, options, ['gamma']);
  const gamma = numberOption(fn, 'gamma', c.opts.gamma, 0.5, (g) => g >= 0 && Number.isFinite(g), 'a finite number >= 0');
  return run(fn, c.pairs, { kind: 'focal-eiou', eps: c.eps, p1: gamma, p2: 0, p3: 0 }, c.reduction, options, wantGrad);
}

function alphaIou(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const c = common(fn, boxes1, boxes2, options, ['alpha', 'form']);
  const alpha = numberOption(fn, 'alpha', c.opts.alpha, 3, (a) => a > 0 && Number.isFinite(a), 'a finite number > 0');
  const form = c.opts.form ?? 'iou';
  const f = ALPHA_IOU_FORMS.indexOf(form as AlphaIouForm);
  if (f < 0) throw rangeError(fn, `options.form must be one of 'iou', 'giou', 'diou', 'ciou'; got ${JSON.stringify(form)}`);
  return run(fn, c.pairs, { kind: 'alpha-iou', eps: c.eps, p1: alpha, p2: f, p3: 0 }, c.reduction, options, wantGrad);
}

function siou(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const c = common(fn, boxes1, boxes2, options, ['theta']);
  const theta = numberOption(fn, 'theta', c.opts.theta, 4, (t) => t >= 1 && Number.isFinite(t), 'a finite number >= 1');
  return run(fn, c.pairs, { kind: 'siou', eps: c.eps, p1: theta, p2: 0, p3: 0 }, c.reduction, options, wantGrad);
}

function wiseIou(fn: string, boxes1: FloatInput, boxes2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads & { iouMean?: number } {
  const c = common(fn, boxes1, boxes2, options, ['version', 'iouMean', 'momentum', 'alpha', 'delta']);
  const version = c.opts.version ?? 'v1';
  if (version !== 'v1' && version !== 'v3') throw rangeError(fn, `options.version must be 'v1' or 'v3'; got ${JSON.stringify(version)}`);
  if (version === 'v1') return run(fn, c.pairs, { kind: 'wiou-v1', eps: c.eps, p1: 0, p2: 0, p3: 0 }, c.reduction, options, wantGrad);
  for (const name of ['iouMean', 'momentum']) {
    if (c.opts[name] === undefined) throw typeError(fn, `options.${name}`, "a number (v3's running mean is state the caller keeps: start with iouMean 1)", undefined);
  }
  const mean = numberOption(fn, 'iouMean', c.opts.iouMean, 1, (m) => m > 0 && Number.isFinite(m), 'a finite number > 0');
  const momentum = numberOption(fn, 'momentum', c.opts.momentum, 0, (m) => m >= 0 && m <= 1, 'a number in [0, 1]');
  const alpha = numberOption(fn, 'alpha', c.opts.alpha, 1.9, (a) => a > 0 && Number.isFinite(a), 'a finite number > 0');
  const delta = numberOption(fn, 'delta', c.opts.delta, 3, (d) => d > 0 && Number.isFinite(d), 'a finite number > 0');
  // The mean is updated with this batch's mean of 1 - IoU first, then used (the authors' order).
  const n = c.pairs.n;
  const batch = n > 0 ? (run(fn, c.pairs, { kind: 'iou', eps: c.eps, p1: 0, p2: 0, p3: 0 }, 'sum', undefined, false).loss as number) / n : 0;
  const iouMean = n > 0 ? (1 - momentum) * mean + momentum * batch : mean;
  return { ...run(fn, c.pairs, { kind: 'wiou-v3', eps: c.eps, p1: iouMean, p2: alpha, p3: delta }, c.reduction, options, wantGrad), iouMean };
}

const giou = simple('giou');
const diou = simple('diou');
const ciou = simple('ciou');
const iou = simple('iou');
const eiou = simple('eiou');

type Options<O> = O & GradOptions;

/** torchvision.ops.generalized_box_iou_loss: 1 - IoU + (C - U)/C, C the enclosing box's area. */
export function generalizedBoxIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: BoxLossOptions): number | Tensor {
  return giou('generalizedBoxIouLoss', boxes1, boxes2, options, false).loss;
}
/** generalizedBoxIouLoss and its gradients with respect to boxes1 and boxes2. */
export function generalizedBoxIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<BoxLossOptions>): WithGrad {
  return withGrad(giou('generalizedBoxIouLossWithGrad', boxes1, boxes2, options, true), 'generalizedBoxIouLossWithGrad', options);
}
/** torchvision.ops.distance_box_iou_loss: 1 - IoU + ρ²(centers)/c², c the enclosing box's diagonal. */
export function distanceBoxIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: BoxLossOptions): number | Tensor {
  return diou('distanceBoxIouLoss', boxes1, boxes2, options, false).loss;
}
/** distanceBoxIouLoss and its gradients with respect to boxes1 and boxes2. */
export function distanceBoxIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<BoxLossOptions>): WithGrad {
  return withGrad(diou('distanceBoxIouLossWithGrad', boxes1, boxes2, options, true), 'distanceBoxIouLossWithGrad', options);
}
/** torchvision.ops.complete_box_iou_loss: DIoU + α·v, v the aspect-ratio term, α = v/(1 - IoU + v) constant. */
export function completeBoxIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: BoxLossOptions): number | Tensor {
  return ciou('completeBoxIouLoss', boxes1, boxes2, options, false).loss;
}
/** completeBoxIouLoss and its gradients with respect to boxes1 and boxes2. */
export function completeBoxIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<BoxLossOptions>): WithGrad {
  return withGrad(ciou('completeBoxIouLossWithGrad', boxes1, boxes2, options, true), 'completeBoxIouLossWithGrad', options);
}
/** 1 - IoU (the linear IoU loss). */
export function iouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: BoxLossOptions): number | Tensor {
  return iou('iouLoss', boxes1, boxes2, options, false).loss;
}
/** iouLoss and its gradients with respect to boxes1 and boxes2. */
export function iouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<BoxLossOptions>): WithGrad {
  return withGrad(iou('iouLossWithGrad', boxes1, boxes2, options, true), 'iouLossWithGrad', options);
}
/** EIoU (Zhang et al. 2022): 1 - IoU + ρ²/c² + (w - w_gt)²/C_w² + (h - h_gt)²/C_h². */
export function eiouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: BoxLossOptions): number | Tensor {
  return eiou('eiouLoss', boxes1, boxes2, options, false).loss;
}
/** eiouLoss and its gradients with respect to boxes1 and boxes2. */
export function eiouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<BoxLossOptions>): WithGrad {
  return withGrad(eiou('eiouLossWithGrad', boxes1, boxes2, options, true), 'eiouLossWithGrad', options);
}
/** Focal-EIoU (Zhang et al. 2022): IoU^γ·EIoU, the weight IoU^γ a constant (no gradient). */
export function focalEiouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: FocalEiouLossOptions): number | Tensor {
  return focalEiou('focalEiouLoss', boxes1, boxes2, options, false).loss;
}
/** focalEiouLoss and its gradients with respect to boxes1 and boxes2. */
export function focalEiouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<FocalEiouLossOptions>): WithGrad {
  return withGrad(focalEiou('focalEiouLossWithGrad', boxes1, boxes2, options, true), 'focalEiouLossWithGrad', options);
}
/** α-IoU (He et al. 2021): 1 - IoU^α + P^α, P the GIoU, DIoU or CIoU penalty of `form`. */
export function alphaIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: AlphaIouLossOptions): number | Tensor {
  return alphaIou('alphaIouLoss', boxes1, boxes2, options, false).loss;
}
/** alphaIouLoss and its gradients with respect to boxes1 and boxes2. */
export function alphaIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<AlphaIouLossOptions>): WithGrad {
  return withGrad(alphaIou('alphaIouLossWithGrad', boxes1, boxes2, options, true), 'alphaIouLossWithGrad', options);
}
/** SIoU (Gevorgyan 2022): 1 - IoU + (Δ + Ω)/2, the angle-weighted distance cost and the shape cost. */
export function siouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: SiouLossOptions): number | Tensor {
  return siou('siouLoss', boxes1, boxes2, options, false).loss;
}
/** siouLoss and its gradients with respect to boxes1 and boxes2. */
export function siouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<SiouLossOptions>): WithGrad {
  return withGrad(siou('siouLossWithGrad', boxes1, boxes2, options, true), 'siouLossWithGrad', options);
}

/**
 * Wise-IoU (Tong et al. 2023). v1: exp(ρ²/(W_g² + H_g²))·(1 - IoU), the denominator a constant. v3: v1 times the focusing
 * factor r = β/(δ·α^(β-δ)), β = (1 - IoU) / mean, a constant; returns the loss and the updated mean.
 */
export function wiseIouLoss(boxes1: FloatInput, boxes2: FloatInput, options: WiseIouLossOptions & { version: 'v3' }): WiseIouV3Result;
export function wiseIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: WiseIouLossOptions): number | Tensor;
export function wiseIouLoss(boxes1: FloatInput, boxes2: FloatInput, options?: WiseIouLossOptions): number | Tensor | WiseIouV3Result {
  const r = wiseIou('wiseIouLoss', boxes1, boxes2, options, false);
  return r.iouMean === undefined ? r.loss : { loss: r.loss, iouMean: r.iouMean };
}
/** wiseIouLoss and its gradients with respect to boxes1 and boxes2 (v3: and the updated mean). */
export function wiseIouLossWithGrad(boxes1: FloatInput, boxes2: FloatInput, options?: Options<WiseIouLossOptions>): WithGrad & { iouMean?: number } {
  const r = wiseIou('wiseIouLossWithGrad', boxes1, boxes2, options, true);
  const g = withGrad(r, 'wiseIouLossWithGrad', options);
  return r.iouMean === undefined ? g : { ...g, iouMean: r.iouMean };
}
