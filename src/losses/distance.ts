// pairwiseDistance, tripletMarginLoss, tripletMarginWithDistanceLoss: F.pairwise_distance,
// F.triplet_margin_loss, F.triplet_margin_with_distance_loss (docs/semantics.md §11). Arguments
// broadcast; distances run along the last dim, one per row.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, typeError } from '../errors';
import { checkOptions, floatOfDtype, gradScaling, numberOption, reductionOption, upstreamOption, type CheckedOptions } from '../options';
import { gradForArgument, lossResult, outTarget, placed, toDtype, withGrad, type LossAndGrads } from '../results';
import { pairwiseDistanceReference } from '../reference/distance';
import { cosineRows } from './cosine-similarity';
import { callDtype, floatArg, negated, valuesOver, type FloatTensor } from '../tensor';
import { broadcastShapes, newFloat, sizeOf } from '../shapes';
import type { FloatArray, FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { Loss, ResultArray } from '../types';
import { runRowPairs } from '../wasm/chunks';
import { distanceModule } from '../wasm/modules';
import { pairwise_distance } from '../wasm/modules/distance.args';

/**
 * Options of {@link pairwiseDistance}.
 * @group Distance and triplet
 */
export interface PairwiseDistanceOptions {
  /** The norm's order: any p >= 0, Infinity included. Default 2. */
  p?: number;
  /** Added to every component of x1 - x2. Default 1e-6. */
  eps?: number;
  /** Keep the reduced last dim (size 1). Default false. */
  keepdim?: boolean;
  /** A Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link tripletMarginLoss}.
 * @group Distance and triplet
 */
export interface TripletMarginLossOptions {
  /** Default 1. */
  margin?: number;
  /** Default 2. */
  p?: number;
  /** Default 1e-6. */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance. Default false. */
  swap?: boolean;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link tripletMarginWithDistanceLoss}.
 * @group Distance and triplet
 */
export interface TripletMarginWithDistanceLossOptions {
  /** 'pairwise': pairwiseDistance (p = 2, eps = 1e-6); 'cosine': 1 - cosineSimilarity along the last dim. Default 'pairwise'. */
  distance?: 'pairwise' | 'cosine';
  /** Default 1. */
  margin?: number;
  /** Default false. */
  swap?: boolean;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

type Distance = { p: number; eps: number } | 'cosine';

/** Distances between rows (rows, D) of a and b, and their gradients ∂d/∂a, ∂d/∂b when asked. */
interface RowDistances {
  d: ArrayLike<number>;
  ga: ArrayLike<number> | null;
  gb: ArrayLike<number> | null;
}

function rowDistances(fn: string, kind: Distance, a: FloatArray, b: FloatArray, rows: number, D: number, wantGrad: boolean): RowDistances {
  if (kind === 'cosine') {
    // d = 1 - cos: the cosine gradients with an upstream of -1
    const r = cosineRows(fn, a, b, rows, D, 1e-8, false, wantGrad ? new Float64Array(rows).fill(-1) : null);
    const d = new Float64Array(rows);
    for (let i = 0; i < rows; i++) d[i] = 1 - r.out[i];
    return { d, ga: r.ga, gb: r.gb };
  }
  const w = rows > 0 ? wasm(fn, distanceModule) : null;
  if (!w) {
    const r = pairwiseDistanceReference(a, b, rows, D, kind.p, kind.eps, wantGrad);
    return { d: r.d, ga: r.dir, gb: r.dir && negated(r.dir) };
  }
  // float32 rows too: distances and directions in float64, rounded once by the caller (docs/accuracy.md)
  const r = runRowPairs(w.arena, a, b, rows, D, { grads: wantGrad ? 1 : 0, gradRow: null },
    (x1, x2, out, [dir = null]) => pairwise_distance(w.k, 'float64', { D, x1, x2, out, dir, p: kind.p, eps: kind.eps }));
  const ga = r.grads[0] ?? null;
  return { d: r.out, ga, gb: ga && negated(ga) };
}

/** The arguments as rows (rows, D) of their broadcast shape, D the last dim (a 0-d shape is one row of 1). */
function asRows(fn: string, names: string[], values: unknown[], opts: CheckedOptions): { ts: FloatTensor[]; shapes: number[][]; shape: number[]; rows: number; D: number; data: FloatArray[] } {
  const first = floatArg(fn, names[0], values[0], callDtype(values, opts));
  const ts = values.map((v, i) => (i === 0 ? first : floatOfDtype(fn, names[i], v, first.dtype)));
  const shapes = ts.map((t, i) => argShape(t, values[i]));
  let shape = shapes[0];
  for (let i = 1; i < shapes.length; i++) shape = broadcastShapes(fn, names.slice(0, i).join(' and '), shape, names[i], shapes[i]);
  const D = shape.length ? shape[shape.length - 1] : 1;
  const rows = D === 0 ? sizeOf(shape.slice(0, -1)) : sizeOf(shape) / D;
  const data = ts.map((t, i) => valuesOver(t, shapes[i], shape));
  return { ts, shapes, shape, rows, D, data };
}

function booleanOption(fn: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw typeError(fn, `options.${name}`, 'a boolean', value);
  return value;
}

function pairwise(fn: string, x1: FloatInput, x2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, ['p', 'eps', 'keepdim', 'out'], wantGrad);
  const { ts, shapes, shape, rows, D, data } = asRows(fn, ['x1', 'x2'], [x1, x2], opts);
  const dtype = ts[0].dtype;
  const p = numberOption(fn, 'p', opts.p, 2, (v) => v >= 0, 'a number >= 0 (Infinity allowed)');
  const eps = numberOption(fn, 'eps', opts.eps, 1e-6, Number.isFinite, 'a finite number');
  const keepdim = booleanOption(fn, 'keepdim', opts.keepdim);
  const lead = shape.slice(0, -1);
  const outShape = shape.length === 0 ? [] : keepdim ? [...lead, 1] : lead;
  const up = wantGrad ? upstreamOption(fn, opts.gradOutput, outShape, dtype).tensor! : null;
  const out = outTarget(fn, opts, dtype, outShape);
  // empty rows: one row's distance fills the result (no float64 copy of a (1e8, 0) input's rows)
  const r = rowDistances(fn, { p, eps }, data[0], data[1], D === 0 ? Math.min(rows, 1) : rows, D, wantGrad);
  const loss: Tensor = placed(out, D === 0 ? newFloat(dtype, rows).fill(r.d[0] ?? 0) : toDtype(r.d, dtype), outShape);
  if (!up || !r.ga) return { loss, grads: [], opts };
  const g1 = new Float64Array(rows * D);
  for (let i = 0; i < g1.length; i++) g1[i] = up[Math.floor(i / D)] * r.ga[i];
  return { loss, grads: [gradForArgument(g1, shape, shapes[0], dtype), gradForArgument(negated(g1), shape, shapes[1], dtype)], opts };
}

function triplet(fn: string, anchor: FloatInput, positive: FloatInput, negative: FloatInput, distance: Distance, margin: number, swap: boolean,
  reduction: Reduction, opts: CheckedOptions, wantGrad: boolean): LossAndGrads {
  const names = ['anchor', 'positive', 'negative'];
  const { ts, shapes, shape, rows, D, data } = asRows(fn, names, [anchor, positive, negative], opts);
  const dtype = ts[0].dtype;
  if (!shapes.every((s) => s.length === shapes[0].length)) {
    throw rangeError(fn, `The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor ${shapes[0].length}D, positive ${shapes[1].length}D, and negative ${shapes[2].length}D inputs`);
  }
  if (shape.length === 0) throw rangeError(fn, 'anchor, positive and negative must have at least one dimension (the vectors)');
  const outShape = shape.slice(0, -1);
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, rows);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  const [a, p, n] = data;
  if (D === 0 && rows > 1) {
    // empty vectors: every row has the same distances, so one row's loss (no per-row work for a
    // (1e8, 0) input; its gradients have no elements)
    const d = rowDistances(fn, distance, a, p, 1, 0, false).d[0];
    const z = margin + d - d;
    const v = z > 0 || Number.isNaN(z) ? z : 0;
    const loss = lossResult(reduction, () => newFloat(dtype, rows).fill(v), v * rows, rows, outShape, dtype);
    return { loss, grads: wantGrad ? shapes.map((s) => gradForArgument(new Float64Array(0), shape, s, dtype)) : [], opts };
  }
  const ap = rowDistances(fn, distance, a, p, rows, D, wantGrad);
  const an = rowDistances(fn, distance, a, n, rows, D, wantGrad);
  const pn = swap ? rowDistances(fn, distance, p, n, rows, D, wantGrad) : null;
  const rowLoss = new Float64Array(rows);
  let total = 0;
  const grads = wantGrad ? [new Float64Array(rows * D), new Float64Array(rows * D), new Float64Array(rows * D)] : null;
  for (let r = 0; r < rows; r++) {
    // The negative distance: d(a, n), or with swap the smaller of d(a, n) and d(p, n) (a tie splits the gradient).
    let dn = an.d[r];
    let wAN = 1;
    let wPN = 0;
    if (pn) {
      if (pn.d[r] < dn) [dn, wAN, wPN] = [pn.d[r], 0, 1];
      else if (pn.d[r] === dn) [wAN, wPN] = [0.5, 0.5];
    }
    const z = margin + ap.d[r] - dn;
    rowLoss[r] = z > 0 || Number.isNaN(z) ? z : 0;
    total += rowLoss[r];
    if (!grads || !(z >= 0)) continue;
    const c = gradScale * (gradRow ? gradRow[r] : 1);
    for (let i = r * D; i < (r + 1) * D; i++) {
      grads[0][i] = c * (ap.ga![i] - wAN * an.ga![i]);
      grads[1][i] = c * (ap.gb![i] - (pn ? wPN * pn.ga![i] : 0));
      grads[2][i] = -c * (wAN * an.gb![i] + (pn ? wPN * pn.gb![i] : 0));
    }
  }
  const loss = lossResult(reduction, () => toDtype(rowLoss, dtype), total, rows, outShape, dtype, out);
  return { loss, grads: grads ? grads.map((g, i) => gradForArgument(g, shape, shapes[i], dtype)) : [], opts };
}

function tripletMargin(fn: string, anchor: FloatInput, positive: FloatInput, negative: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'p', 'eps', 'swap', 'reduction'], wantGrad);
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const p = numberOption(fn, 'p', opts.p, 2, (v) => v >= 0, 'a number >= 0 (Infinity allowed)');
  const eps = numberOption(fn, 'eps', opts.eps, 1e-6, Number.isFinite, 'a finite number');
  return triplet(fn, anchor, positive, negative, { p, eps }, margin, booleanOption(fn, 'swap', opts.swap), reductionOption(fn, opts.reduction), opts, wantGrad);
}

function tripletWithDistance(fn: string, anchor: FloatInput, positive: FloatInput, negative: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['distance', 'margin', 'swap', 'reduction'], wantGrad);
  const name = opts.distance ?? 'pairwise';
  if (name !== 'pairwise' && name !== 'cosine') {
    throw typeof name === 'string'
      ? rangeError(fn, `options.distance must be 'pairwise' or 'cosine'; got '${name}' (a JS function cannot give gradients)`)
      : typeError(fn, 'options.distance', "'pairwise' or 'cosine' (a JS function cannot give gradients)", name);
  }
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const distance: Distance = name === 'cosine' ? 'cosine' : { p: 2, eps: 1e-6 };
  return triplet(fn, anchor, positive, negative, distance, margin, booleanOption(fn, 'swap', opts.swap), reductionOption(fn, opts.reduction), opts, wantGrad);
}

/**
 * F.pairwise_distance: `‖x1 - x2 + eps‖_p` along the last dimension.
 *
 * @param x1 - Vectors along the last dimension, any shape.
 * @param x2 - Broadcasts against `x1`.
 * @param options - `p` (the norm's order, ≥ 0, `Infinity` allowed; default 2), `eps` (default 1e-6), `keepdim` (default false).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns A tensor of the broadcast shape without its last dimension (kept, of size 1, with `keepdim`).
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not broadcast, or `p` is negative.
 * @example
 * ```ts
 * import { pairwiseDistance } from 'simdloss';
 * const a = { data: new Float64Array([0, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float64Array([3, 4, 1, 1]), shape: [2, 2] };
 * pairwiseDistance(a, b).data; // Float64Array [≈5, ≈1.4e-6] (eps is added to each difference)
 * ```
 * @group Distance and triplet
 */
export function pairwiseDistance<D extends FloatArray = Float32Array>(x1: FloatInput<D>, x2: FloatInput<D>, options?: PairwiseDistanceOptions): Tensor<ResultArray<D>>;
export function pairwiseDistance(x1: FloatInput, x2: FloatInput, options?: PairwiseDistanceOptions): Tensor {
  return pairwise('pairwiseDistance', x1, x2, options, false).loss;
}
/**
 * {@link pairwiseDistance} and the gradients of Σ gradOutput·result with respect to `x1` and `x2`, computed in one pass.
 *
 * @param x1 - As for {@link pairwiseDistance}.
 * @param x2 - As for {@link pairwiseDistance}.
 * @param options - The options of {@link pairwiseDistance}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link pairwiseDistance} returns it; `grads` is `[dX1, dX2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link pairwiseDistance} throws.
 * @example
 * ```ts
 * import { pairwiseDistanceWithGrad } from 'simdloss';
 * const a = { data: new Float64Array([0, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float64Array([3, 4, 1, 1]), shape: [2, 2] };
 * const { grads: [da, db] } = pairwiseDistanceWithGrad(a, b);
 * da.data; // the unit vectors (a - b)/‖a - b‖ per row
 * ```
 * @group Distance and triplet
 */
export function pairwiseDistanceWithGrad<D extends FloatArray = Float32Array>(x1: FloatInput<D>, x2: FloatInput<D>, options?: PairwiseDistanceOptions & GradOptions): WithGrad<Tensor<ResultArray<D>>, ResultArray<D>>;
export function pairwiseDistanceWithGrad(x1: FloatInput, x2: FloatInput, options?: PairwiseDistanceOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(pairwise('pairwiseDistanceWithGrad', x1, x2, options, true), 'pairwiseDistanceWithGrad');
}
/**
 * F.triplet_margin_loss: `max(0, margin + d(a, p) - d(a, n))` per row, `d` the {@link pairwiseDistance}.
 *
 * @param anchor - Vectors along the last dimension: `(N, D)` or `(D)`.
 * @param positive - `anchor`'s number of dimensions; broadcasts against it.
 * @param negative - `anchor`'s number of dimensions; broadcasts against it.
 * @param options - `margin` (default 1), `p` (default 2), `eps` (default 1e-6), `swap` (use `min(d(a, n), d(p, n))`; default false), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per row. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the arguments' numbers of dimensions differ, they do not broadcast, or `p` is negative.
 * @example
 * ```ts
 * import { tripletMarginLoss } from 'simdloss';
 * const anchor = { data: new Float32Array([0, 0, 1, 1]), shape: [2, 2] };
 * const positive = { data: new Float32Array([0, 1, 1, 1]), shape: [2, 2] };
 * const negative = { data: new Float32Array([3, 0, 1, 2]), shape: [2, 2] };
 * tripletMarginLoss(anchor, positive, negative); // a number
 * ```
 * @group Distance and triplet
 */
export function tripletMarginLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(anchor: FloatInput<D>, positive: FloatInput<D>, negative: FloatInput<D>, options?: TripletMarginLossOptions & { reduction?: R }): Loss<R, D>;
export function tripletMarginLoss(anchor: FloatInput, positive: FloatInput, negative: FloatInput, options?: TripletMarginLossOptions): number | Tensor {
  return tripletMargin('tripletMarginLoss', anchor, positive, negative, options, false).loss;
}
/**
 * {@link tripletMarginLoss} and its gradients (dAnchor, dPositive, dNegative), computed in one pass.
 *
 * @param anchor - As for {@link tripletMarginLoss}.
 * @param positive - As for {@link tripletMarginLoss}.
 * @param negative - As for {@link tripletMarginLoss}.
 * @param options - The options of {@link tripletMarginLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link tripletMarginLoss} returns it; `grads` is `[dAnchor, dPositive, dNegative]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link tripletMarginLoss} throws.
 * @example
 * ```ts
 * import { tripletMarginLossWithGrad } from 'simdloss';
 * const anchor = { data: new Float32Array([0, 0, 1, 1]), shape: [2, 2] };
 * const positive = { data: new Float32Array([0, 1, 1, 1]), shape: [2, 2] };
 * const negative = { data: new Float32Array([3, 0, 1, 2]), shape: [2, 2] };
 * const { grads } = tripletMarginLossWithGrad(anchor, positive, negative);
 * grads.length; // 3: dAnchor, dPositive, dNegative
 * ```
 * @group Distance and triplet
 */
export function tripletMarginLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(anchor: FloatInput<D>, positive: FloatInput<D>, negative: FloatInput<D>, options?: TripletMarginLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function tripletMarginLossWithGrad(anchor: FloatInput, positive: FloatInput, negative: FloatInput, options?: TripletMarginLossOptions & GradOptions): WithGrad {
  return withGrad(tripletMargin('tripletMarginLossWithGrad', anchor, positive, negative, options, true), 'tripletMarginLossWithGrad');
}
/**
 * F.triplet_margin_with_distance_loss with a named distance: `'pairwise'` ({@link pairwiseDistance}) or `'cosine'` (`1 -` {@link cosineSimilarity} along the last dimension).
 *
 * @param anchor - Vectors along the last dimension: `(N, D)` or `(D)`.
 * @param positive - `anchor`'s number of dimensions; broadcasts against it.
 * @param negative - `anchor`'s number of dimensions; broadcasts against it.
 * @param options - `distance` (default `'pairwise'`; a function is refused, since it could not give gradients), `margin` (default 1), `swap` (default false), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per row. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, `distance` is another string, the arguments' numbers of dimensions differ, or they do not broadcast.
 * @example
 * ```ts
 * import { tripletMarginWithDistanceLoss } from 'simdloss';
 * const anchor = { data: new Float32Array([0, 0, 1, 1]), shape: [2, 2] };
 * const positive = { data: new Float32Array([0, 1, 1, 1]), shape: [2, 2] };
 * const negative = { data: new Float32Array([3, 0, 1, 2]), shape: [2, 2] };
 * tripletMarginWithDistanceLoss(anchor, positive, negative, { distance: 'cosine', margin: 0.5 }); // a number
 * ```
 * @group Distance and triplet
 */
export function tripletMarginWithDistanceLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(anchor: FloatInput<D>, positive: FloatInput<D>, negative: FloatInput<D>, options?: TripletMarginWithDistanceLossOptions & { reduction?: R }): Loss<R, D>;
export function tripletMarginWithDistanceLoss(anchor: FloatInput, positive: FloatInput, negative: FloatInput, options?: TripletMarginWithDistanceLossOptions): number | Tensor {
  return tripletWithDistance('tripletMarginWithDistanceLoss', anchor, positive, negative, options, false).loss;
}
/**
 * {@link tripletMarginWithDistanceLoss} and its gradients (dAnchor, dPositive, dNegative), computed in one pass.
 *
 * @param anchor - As for {@link tripletMarginWithDistanceLoss}.
 * @param positive - As for {@link tripletMarginWithDistanceLoss}.
 * @param negative - As for {@link tripletMarginWithDistanceLoss}.
 * @param options - The options of {@link tripletMarginWithDistanceLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link tripletMarginWithDistanceLoss} returns it; `grads` is `[dAnchor, dPositive, dNegative]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link tripletMarginWithDistanceLoss} throws.
 * @example
 * ```ts
 * import { tripletMarginWithDistanceLossWithGrad } from 'simdloss';
 * const anchor = { data: new Float32Array([0, 0, 1, 1]), shape: [2, 2] };
 * const positive = { data: new Float32Array([0, 1, 1, 1]), shape: [2, 2] };
 * const negative = { data: new Float32Array([3, 0, 1, 2]), shape: [2, 2] };
 * const { grad } = tripletMarginWithDistanceLossWithGrad(anchor, positive, negative, { distance: 'cosine' });
 * grad.shape; // [2, 2]
 * ```
 * @group Distance and triplet
 */
export function tripletMarginWithDistanceLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(anchor: FloatInput<D>, positive: FloatInput<D>, negative: FloatInput<D>, options?: TripletMarginWithDistanceLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function tripletMarginWithDistanceLossWithGrad(anchor: FloatInput, positive: FloatInput, negative: FloatInput,
  options?: TripletMarginWithDistanceLossOptions & GradOptions): WithGrad {
  return withGrad(tripletWithDistance('tripletMarginWithDistanceLossWithGrad', anchor, positive, negative, options, true), 'tripletMarginWithDistanceLossWithGrad');
}
