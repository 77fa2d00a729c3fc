// hingeEmbeddingLoss, softMarginLoss, marginRankingLoss: F.hinge_embedding_loss,
// F.soft_margin_loss, F.margin_ranking_loss (pytorch-loss-spec.md §4.14, §4.15, §4.18).
// Targets may be float (the call's dtype) or integer arrays (±1 labels), as PyTorch accepts both.
import { wasm } from '../backend';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOfDtype, gradForArgument, gradScaling, lossResult, numberOption, reductionOption, toDtype, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { hingeEmbeddingReference, marginRankingReference, softMarginReference, type MarginParts } from '../reference/margin';
import { broadcastShapes, current, floatArg, indexArg, isFloatArray, newFloat, sameShape, sizeOf, type FloatTensor } from '../tensor';
import type { Dtype, FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import { broadcastOperand, runElementwise } from '../wasm/chunks';

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
function floatOrLabels(fn: string, name: string, value: unknown, dtype: Dtype): { t: FloatTensor; shape: number[] } {
  const isFloat = isFloatArray(value) || (typeof value === 'object' && value !== null && isFloatArray((value as { data?: unknown }).data));
  if (isFloat) {
    const t = floatOfDtype(fn, name, value, dtype);
    return { t, shape: isFloatArray(value) ? [t.size] : t.shape };
  }
  const idx = indexArg(fn, name, value);
  const data = newFloat(dtype, idx.size);
  for (let i = 0; i < idx.size; i++) data[i] = idx.typed ? idx.typed[i] : idx.at(i);
  const shape = Array.isArray(value) || ArrayBuffer.isView(value) ? [idx.size] : idx.shape;
  return { t: { data, shape, dtype, size: idx.size }, shape };
}

interface Arg {
  t: FloatTensor;
  shape: number[];
}

/**
 * The shared path: broadcast the arguments to `shape`, run the kernel (or the reference) with
 * nGrads gradient outputs, reduce, and return each gradient summed back to its argument's shape.
 */
function run(
  fn: string, args: Arg[], shape: number[], options: Record<string, unknown>, wantGrad: boolean, nGrads: number,
  kernel: (k: ReturnType<typeof wasm> & object, m: number, ptrs: number[], loss: number, grads: number[], gradRow: number, gradScale: number) => number,
  reference: (data: ArrayLike<number>[], gradRow: ArrayLike<number> | null, gradScale: number) => MarginParts,
): LossAndGrads {
  const dtype = args[0].t.dtype;
  const reduction = reductionOption(fn, options.reduction);
  const n = sizeOf(shape);
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions).gradOutput : undefined, reduction === 'none' ? shape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, n);
  const ops = args.map((a) => broadcastOperand(a.t, a.shape, shape, dtype));
  let elementLoss: ArrayLike<number> = new Float64Array(0);
  let total: number;
  let grads: ArrayLike<number>[];
  const w = wasm();
  if (w) {
    const r = runElementwise(w.arena, dtype, n, ops, { loss: reduction === 'none', grads: wantGrad ? nGrads : 0, gradRow },
      (m, ptrs, loss, gs, gr) => kernel(w, m, ptrs, loss, gs, gr, gradScale));
    elementLoss = r.elementLoss ?? elementLoss;
    total = r.total;
    grads = r.grads;
  } else {
    const r = reference(ops.map((o, i) => (o.resident ? current(args[i].t) : o.data)), gradRow, gradScale);
    ({ elementLoss, total, grads } = r);
  }
  const loss = lossResult(reduction, () => toDtype(elementLoss, dtype), total, n, shape, dtype);
  if (!wantGrad) return { loss, grads: [] };
  return {
    loss,
    grads: grads.map((g, i) => gradForArgument(g, shape, args[i].shape, dtype)),
  };
}

function hinge(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const xArg = { t: x, shape: isFloatArray(input) ? [x.size] : x.shape };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const f32 = x.dtype === 'float32';
  return run(fn, [xArg, tArg], shape, opts, wantGrad, 1,
    (w, m, [px, pt], loss, [g = 0], gr, scale) => (f32 ? w.k.f32_hinge_embedding : w.k.f64_hinge_embedding)(m, px, pt, loss, g, gr, margin, scale),
    ([xd, td], gr, scale) => hingeEmbeddingReference(xd, td, margin, wantGrad, gr, scale));
}

function soft(fn: string, input: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const xArg = { t: x, shape: isFloatArray(input) ? [x.size] : x.shape };
  const tArg = floatOrLabels(fn, 'target', target, x.dtype);
  const shape = broadcastShapes(fn, 'input', xArg.shape, 'target', tArg.shape);
  if (!sameShape(shape, xArg.shape)) {
    throw rangeError(fn, `target of shape ${shapeString(tArg.shape)} must broadcast to the input's shape ${shapeString(xArg.shape)}`);
  }
  const f32 = x.dtype === 'float32';
  return run(fn, [xArg, tArg], shape, opts, wantGrad, 1,
    (w, m, [px, pt], loss, [g = 0], gr, scale) => (f32 ? w.k.f32_soft_margin : w.k.f64_soft_margin)(m, px, pt, loss, g, gr, scale),
    ([xd, td], gr, scale) => softMarginReference(xd, td, wantGrad, gr, scale));
}

function ranking(fn: string, input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction', 'gradOutput']);
  const a = floatArg(fn, 'input1', input1);
  const b = floatOfDtype(fn, 'input2', input2, a.dtype);
  const args: Arg[] = [
    { t: a, shape: isFloatArray(input1) ? [a.size] : a.shape },
    { t: b, shape: isFloatArray(input2) ? [b.size] : b.shape },
    floatOrLabels(fn, 'target', target, a.dtype),
  ];
  if (!args.every((g) => g.shape.length === args[0].shape.length)) {
    throw rangeError(fn, `input1, input2 and target must have the same number of dimensions; got ${args.map((g) => shapeString(g.shape)).join(', ')}`);
  }
  const shape = broadcastShapes(fn, 'target', args[2].shape, 'inputs', broadcastShapes(fn, 'input1', args[0].shape, 'input2', args[1].shape));
  const margin = numberOption(fn, 'margin', opts.margin, 0, Number.isFinite, 'a finite number');
  const f32 = a.dtype === 'float32';
  return run(fn, args, shape, opts, wantGrad, 3,
    (w, m, [p1, p2, py], loss, [g1 = 0, g2 = 0, g3 = 0], gr, scale) => (f32 ? w.k.f32_margin_ranking : w.k.f64_margin_ranking)(m, p1, p2, py, loss, g1, g2, g3, gr, margin, scale),
    ([d1, d2, dy], gr, scale) => marginRankingReference(d1, d2, dy, margin, wantGrad, gr, scale));
}

/** F.hinge_embedding_loss: x where t = 1, max(0, margin - x) where t = -1 (both for other t). */
export function hingeEmbeddingLoss(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions): number | Tensor {
  return hinge('hingeEmbeddingLoss', input, target, options, false).loss;
}
/** hingeEmbeddingLoss and its gradient with respect to input. */
export function hingeEmbeddingLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: HingeEmbeddingLossOptions & GradOptions): WithGrad {
  return withGrad(hinge('hingeEmbeddingLossWithGrad', input, target, options, true));
}
/** F.soft_margin_loss: log(1 + exp(-t·x)). */
export function softMarginLoss(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions): number | Tensor {
  return soft('softMarginLoss', input, target, options, false).loss;
}
/** softMarginLoss and its gradient with respect to input. */
export function softMarginLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: SoftMarginLossOptions & GradOptions): WithGrad {
  return withGrad(soft('softMarginLossWithGrad', input, target, options, true));
}
/** F.margin_ranking_loss: max(0, -y·(x1 - x2) + margin). */
export function marginRankingLoss(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions): number | Tensor {
  return ranking('marginRankingLoss', input1, input2, target, options, false).loss;
}
/** marginRankingLoss and its gradients with respect to input1, input2 and target. */
export function marginRankingLossWithGrad(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: MarginRankingLossOptions & GradOptions): WithGrad {
  return withGrad(ranking('marginRankingLossWithGrad', input1, input2, target, options, true));
}
