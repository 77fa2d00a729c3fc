// hingeEmbeddingLoss, softMarginLoss, marginRankingLoss: F.hinge_embedding_loss,
// F.soft_margin_loss, F.margin_ranking_loss (pytorch-loss-spec.md §4.14, §4.15, §4.18).
// Targets may be float (the call's dtype) or integer arrays (±1 labels), as PyTorch accepts both.
import { rangeError, shapeString } from '../errors';
import { argShape, elementwiseLoss, type ElementwiseArg } from '../elementwise-loss';
import { checkOptions, floatOfDtype, numberOption, reductionOption, withGrad, type LossAndGrads } from '../options';
import { hingeEmbeddingReference, marginRankingReference, softMarginReference } from '../reference/margin';
import { broadcastShapes, callDtype, floatArg, indexArg, isFloatArray, newFloat, sameShape, type FloatTensor } from '../tensor';
import type { Dtype, FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';

export interface HingeEmbeddingLossOptions {
  /** Default 1. */
  margin?: number;
  reduction?: Reduction;
}

export interface SoftMarginLossOptions {
  reduction?: Reduction;
}

export interface MarginRankingLossOptions {
  /** Default 0. */
  margin?: number;
  reduction?: Reduction;
}

/** A float argument, or an integer array converted to the call's dtype (labels such as ±1). */
export function floatOrLabels(fn: string, name: string, value: unknown, dtype: Dtype): { t: FloatTensor; shape: number[] } {
  // plain number arrays are floats (of the call's dtype): labels need no integer check
  const inner = typeof value === 'object' && value !== null ? (value as { data?: unknown }).data : undefined;
  const isFloat = isFloatArray(value) || Array.isArray(value) || isFloatArray(inner) || Array.isArray(inner);
  if (isFloat) {
    const t = floatOfDtype(fn, name, value, dtype);
    return { t, shape: argShape(t, value) };
  }
  const idx = indexArg(fn, name, value);
  const data = newFloat(dtype, idx.size);
  for (let i = 0; i < idx.size; i++) data[i] = idx.typed ? idx.typed[i] : idx.at(i);
  const shape = Array.isArray(value) || ArrayBuffer.isView(value) ? [idx.size] : idx.shape;
  return { t: { data, shape, dtype, size: idx.size }, shape };
}

function hinge(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const xArg = { t: x, shape: argShape(x, input) };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const f32 = x.dtype === 'float32';
  return elementwiseLoss({
    fn, args: [xArg, tArg], shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: [xArg.shape],
    kernel: (k, _arena, m, [px, pt], loss, [g = 0], gr, scale) => (f32 ? k.f32_hinge_embedding : k.f64_hinge_embedding)(m, px, pt, loss, g, gr, margin, scale),
    reference: ([xd, td], gr, scale) => hingeEmbeddingReference(xd, td, margin, wantGrad, gr, scale),
  });
}

function soft(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const xArg = { t: x, shape: argShape(x, input) };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  if (!sameShape(shape, xArg.shape)) {
    throw rangeError(fn, `target of shape ${shapeString(tArg.shape)} must broadcast to the input's shape ${shapeString(xArg.shape)}`);
  }
  const f32 = x.dtype === 'float32';
  return elementwiseLoss({
    fn, args: [xArg, tArg], shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: [xArg.shape],
    kernel: (k, _arena, m, [px, pt], loss, [g = 0], gr, scale) => (f32 ? k.f32_soft_margin : k.f64_soft_margin)(m, px, pt, loss, g, gr, scale),
    reference: ([xd, td], gr, scale) => softMarginReference(xd, td, wantGrad, gr, scale),
  });
}

function ranking(fn: string, input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction'], wantGrad);
  const a = floatArg(fn, 'input1', input1, callDtype([input1, input2, target], opts));
  const b = floatOfDtype(fn, 'input2', input2, a.dtype);
  const args: ElementwiseArg[] = [
    { t: a, shape: argShape(a, input1) },
    { t: b, shape: argShape(b, input2) },
    floatOrLabels(fn, 'target', target, a.dtype),
  ];
  if (!args.every((g) => g.shape.length === args[0].shape.length)) {
    throw rangeError(fn, `input1, input2 and target must have the same number of dimensions; got ${args.map((g) => shapeString(g.shape)).join(', ')}`);
  }
  const shape = broadcastShapes(fn, 'target', args[2].shape, 'inputs', broadcastShapes(fn, 'input1', args[0].shape, 'input2', args[1].shape));
  const margin = numberOption(fn, 'margin', opts.margin, 0, Number.isFinite, 'a finite number');
  const f32 = a.dtype === 'float32';
  return elementwiseLoss({
    fn, args, shape, reduction: reductionOption(fn, opts.reduction), opts, wantGrad, gradShapes: args.map((g) => g.shape),
    kernel: (k, _arena, m, [p1, p2, py], loss, [g1 = 0, g2 = 0, g3 = 0], gr, scale) => (f32 ? k.f32_margin_ranking : k.f64_margin_ranking)(m, p1, p2, py, loss, g1, g2, g3, gr, margin, scale),
    reference: ([d1, d2, dy], gr, scale) => marginRankingReference(d1, d2, dy, margin, wantGrad, gr, scale),
  });
}

/** F.hinge_embedding_loss: x where t = 1, max(0, margin - x) where t = -1 (both for other t). */
export function hingeEmbeddingLoss(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions): number | Tensor {
  return hinge('hingeEmbeddingLoss', input, target, options, false).loss;
}
/** hingeEmbeddingLoss and its gradient with respect to input. */
export function hingeEmbeddingLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions & GradOptions): WithGrad {
  return withGrad(hinge('hingeEmbeddingLossWithGrad', input, target, options, true), 'hingeEmbeddingLossWithGrad', options);
}
/** F.soft_margin_loss: log(1 + exp(-t·x)). */
export function softMarginLoss(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions): number | Tensor {
  return soft('softMarginLoss', input, target, options, false).loss;
}
/** softMarginLoss and its gradient with respect to input. */
export function softMarginLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions & GradOptions): WithGrad {
  return withGrad(soft('softMarginLossWithGrad', input, target, options, true), 'softMarginLossWithGrad', options);
}
/** F.margin_ranking_loss: max(0, -y·(x1 - x2) + margin). */
export function marginRankingLoss(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions): number | Tensor {
  return ranking('marginRankingLoss', input1, input2, target, options, false).loss;
}
/** marginRankingLoss and its gradients with respect to input1, input2 and target. */
export function marginRankingLossWithGrad(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions & GradOptions): WithGrad {
  return withGrad(ranking('marginRankingLossWithGrad', input1, input2, target, options, true), 'marginRankingLossWithGrad', options);
}
