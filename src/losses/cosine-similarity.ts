// cosineSimilarity: F.cosine_similarity (docs/semantics.md §6.1), PyTorch ≥ 1.12 semantics:
// x1 and x2 broadcast together, `dim` is taken in the broadcast shape and removed from the result.
// cosineEmbeddingLoss: F.cosine_embedding_loss (§6.2), on the same row kernel with its own norms.
import { wasm } from '../backend';
import { argShape, floatOrLabels } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOfDtype, gradScaling, numberOption, reductionOption, upstreamOption } from '../options';
import { gradForArgument, lossResult, outTarget, placed, toDtype, withGrad, type LossAndGrads } from '../results';
import { cosineSimilarityReference } from '../reference/cosine-similarity';
import { callDtype, floatArg, valuesOver } from '../tensor';
import { broadcastShapes, expandTo, moveDimBack, moveDimLast, newFloat, normalizeDim, sizeOf } from '../shapes';
import { classRows } from '../wasm/class-rows';
import type { FloatArray, FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { Loss, ResultArray } from '../types';
import { runRowPairs } from '../wasm/chunks';
import { cosineSimilarityModule } from '../wasm/modules';
import { cosine_similarity } from '../wasm/modules/cosine-similarity.args';

/**
 * Options of {@link cosineSimilarity}.
 * @group Cosine similarity
 */
export interface CosineSimilarityOptions {
  /** The dim to reduce; negative counts from the end. Default 1. */
  dim?: number;
  /** Lower bound on each norm. Default 1e-8. */
  eps?: number;
  /** A Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

function run(fn: string, x1: FloatInput, x2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, ['dim', 'eps', 'out'], wantGrad);
  const a = floatArg(fn, 'x1', x1, callDtype([x1, x2], opts));
  const dtype = a.dtype;
  const b = floatOfDtype(fn, 'x2', x2, dtype);
  const aShape = argShape(a, x1);
  const bShape = argShape(b, x2);
  const shape = broadcastShapes(fn, 'x1', aShape, 'x2', bShape);
  if (shape.length === 0) throw rangeError(fn, 'x1 and x2 must have at least one dimension');
  const dim = normalizeDim(fn, opts.dim ?? 1, shape.length);
  const eps = numberOption(fn, 'eps', opts.eps, 1e-8, (e) => e >= 0 && Number.isFinite(e), 'a finite number >= 0');
  const D = shape[dim];
  const outer = sizeOf(shape.slice(0, dim));
  const inner = sizeOf(shape.slice(dim + 1));
  const rows = outer * inner;
  const outShape = [...shape.slice(0, dim), ...shape.slice(dim + 1)];
  const up = wantGrad ? upstreamOption(fn, opts.gradOutput, outShape, dtype).tensor! : null;
  const target = outTarget(fn, opts, dtype, outShape);

  // Broadcast (copies only when needed); the rows along dim are read strided (cosineRows' inner).
  const ra = expandTo(a.data, aShape, shape, dtype);
  const rb = expandTo(b.data, bShape, shape, dtype);

  // empty rows: one row's cosine fills the result (no float64 copy of a (1e8, 0) input's rows)
  const { out: cos, ga, gb } = D === 0
    ? cosineRows(fn, ra, rb, Math.min(rows, 1), D, eps, false, up && up.subarray(0, 1))
    : cosineRows(fn, ra, rb, rows, D, eps, false, up, inner);
  const loss: Tensor = placed(target, D === 0 ? newFloat(dtype, rows).fill(cos[0] ?? 0) : toDtype(cos, dtype), outShape);
  if (!ga || !gb) return { loss, grads: [], opts };
  // In the broadcast layout; summed over each argument's broadcast dims (rounded once there).
  const d1 = gradForArgument(ga, shape, aShape, dtype);
  const d2 = gradForArgument(gb, shape, bShape, dtype);
  return { loss, grads: [d1, d2], opts };
}

/**
 * Cosines of rows (rows, D) of a and b, and with an upstream per row the gradients for a and b (float64: the callers round once).
 * @group Cosine similarity
 */
export interface CosineRows {
  out: Float64Array;
  ga: ArrayLike<number> | null;
  gb: ArrayLike<number> | null;
}

/**
 * The row kernel (chunked under the memory cap) or the float64 reference. addEps: norms
 * sqrt(Σa² + eps) (cosine_embedding_loss) instead of max(‖a‖, eps) (cosine_similarity). `inner`:
 * the rows run along a dimension with `inner` values after it, (outer, D, inner) (the kernel's
 * rows gathered, the gradients scattered back: src/wasm/class-rows.ts); 1 for contiguous rows.
 * float32 rows too run the float64 kernel (docs/accuracy.md, "float32 computed in float64").
 * @group Cosine similarity
 */
export function cosineRows(fn: string, ra: FloatArray, rb: FloatArray, rows: number, D: number, eps: number, addEps: boolean, up: FloatArray | null, inner = 1): CosineRows {
  if (D === 0 && rows > 1) {
    // empty rows all have one row's cosine: computed once, not per row; no gradient elements
    const one = cosineRows(fn, ra, rb, 1, 0, eps, addEps, null).out[0];
    return { out: new Float64Array(rows).fill(one), ga: up ? new Float64Array(0) : null, gb: up ? new Float64Array(0) : null };
  }
  const w = rows > 0 ? wasm(fn, cosineSimilarityModule) : null;
  if (!w) {
    if (inner !== 1) {
      // the reference takes contiguous rows: dim moved last, and the gradients back
      const outer = rows / inner;
      const last = (v: FloatArray) => {
        const t = newFloat(v instanceof Float64Array ? 'float64' : 'float32', v.length);
        moveDimLast(v, t, outer, D, inner);
        return t;
      };
      const back = (g: ArrayLike<number> | null) => {
        if (!g) return null;
        const t = new Float64Array(rows * D);
        moveDimBack(g, t, outer, D, inner);
        return t;
      };
      const r = cosineSimilarityReference(last(ra), last(rb), rows, D, eps, addEps, up);
      return { out: Float64Array.from(r.out), ga: back(r.ga), gb: back(r.gb) };
    }
    const r = cosineSimilarityReference(ra, rb, rows, D, eps, addEps, up);
    return { out: Float64Array.from(r.out), ga: r.ga, gb: r.gb };
  }
  // float64 for float32 rows too: the list builds cosine_similarity for f64 only
  const r = runRowPairs(w.arena, ra, rb, rows, D, { grads: up ? 2 : 0, gradRow: up },
    (a, b, out, [ga = null, gb = null], gradRow) => cosine_similarity(w.k, 'float64', { D, a, b, out, ga, gb, gradRow, eps, addEps }), classRows(D, inner));
  return { out: r.out as Float64Array, ga: r.grads[0] ?? null, gb: r.grads[1] ?? null };
}

/**
 * Options of {@link cosineEmbeddingLoss}.
 * @group Cosine similarity
 */
export interface CosineEmbeddingLossOptions {
  /** Default 0. */
  margin?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/** cosine_embedding_loss's EPSILON: the norms are sqrt(Σa² + 1e-12f), a float32 constant in float64 too (as BCE's clamp). */
const EMBEDDING_EPS = Math.fround(1e-12);

function embedding(fn: string, input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['margin', 'reduction'], wantGrad);
  const a = floatArg(fn, 'input1', input1, callDtype([input1, input2, target], opts));
  const dtype = a.dtype;
  const b = floatOfDtype(fn, 'input2', input2, dtype);
  const aShape = argShape(a, input1);
  const bShape = argShape(b, input2);
  const y = floatOrLabels(fn, 'target', target, dtype);
  const tShape = y.shape;
  if (tShape.length > 1) throw rangeError(fn, `0D or 1D target tensor expected, multi-target not supported; got target shape ${shapeString(tShape)}`);
  const want = tShape.length === 1 ? 2 : 1;
  if (aShape.length !== want || bShape.length !== want) {
    throw rangeError(fn, `${tShape.length}D target tensor expects ${want}D input tensors, but found inputs with sizes ${shapeString(aShape)} and ${shapeString(bShape)}.`);
  }
  const shape = broadcastShapes(fn, 'input1', aShape, 'input2', bShape);
  const rows = want === 2 ? shape[0] : 1;
  const D = shape[shape.length - 1];
  if (y.t.size !== rows) throw rangeError(fn, `target must hold one label per row: expected shape [${rows}], got ${shapeString(tShape)}`);
  const margin = numberOption(fn, 'margin', opts.margin, 0, Number.isFinite, 'a finite number');
  const reduction = reductionOption(fn, opts.reduction);
  const outShape = tShape.slice();
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, rows);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  const ra = valuesOver(a, aShape, shape);
  const rb = valuesOver(b, bShape, shape);

  // ℓ = 1 - cos where t = 1, max(0, cos - margin) where t = -1, 0 for any other label.
  const cos = cosineRows(fn, ra, rb, rows, D, EMBEDDING_EPS, true, null).out;
  const labels = y.t.data; // read after the kernel's allocations: a resident label tensor's view is made now
  const rowLoss = new Float64Array(rows);
  const coef = wantGrad ? new Float64Array(rows) : null; // the gradient pass's upstream, unrounded
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const t = labels[r];
    const z = cos[r] - margin;
    rowLoss[r] = t === 1 ? 1 - cos[r] : t === -1 ? (z > 0 || Number.isNaN(z) ? z : 0) : 0;
    total += rowLoss[r];
    if (coef) coef[r] = gradScale * (gradRow ? gradRow[r] : 1) * (t === 1 ? -1 : t === -1 && z >= 0 ? 1 : 0);
  }
  const loss = lossResult(reduction, () => toDtype(rowLoss, dtype), total, rows, outShape, dtype, out);
  if (!coef) return { loss, grads: [], opts };
  // The gradient pass: the cosine gradients scaled per row by ∂ℓ/∂cos.
  const g = cosineRows(fn, ra, rb, rows, D, EMBEDDING_EPS, true, coef);
  return { loss, grads: [gradForArgument(g.ga!, shape, aShape, dtype), gradForArgument(g.gb!, shape, bShape, dtype)], opts };
}

/**
 * F.cosine_embedding_loss: `1 - cos(x1, x2)` where the label is 1, `max(0, cos(x1, x2) - margin)` where it is -1.
 *
 * @param input1 - `(N, D)`, or `(D)` for one pair.
 * @param input2 - `input1`'s shape.
 * @param target - Labels ±1 (an integer or float array): `(N)`, or `()` for one pair.
 * @param options - `margin` (default 0), `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per pair, `(N)`. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or the shapes do not fit (a 1-D target for 2-D inputs, a 0-d one for 1-D inputs).
 * @example
 * ```ts
 * import { cosineEmbeddingLoss } from 'simdloss';
 * const a = { data: new Float32Array([1, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float32Array([1, 0, 0, 1]), shape: [2, 2] };
 * cosineEmbeddingLoss(a, b, [1, -1]); // (0 + 0.7071) / 2 = 0.3536
 * ```
 * @group Cosine similarity
 */
export function cosineEmbeddingLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input1: FloatInput<D>, input2: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: CosineEmbeddingLossOptions & { reduction?: R }): Loss<R, D>;
export function cosineEmbeddingLoss(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: CosineEmbeddingLossOptions): number | Tensor {
  return embedding('cosineEmbeddingLoss', input1, input2, target, options, false).loss;
}

/**
 * {@link cosineEmbeddingLoss} and its gradients (dInput1, dInput2), computed in one pass.
 *
 * @param input1 - As for {@link cosineEmbeddingLoss}.
 * @param input2 - As for {@link cosineEmbeddingLoss}.
 * @param target - As for {@link cosineEmbeddingLoss}.
 * @param options - The options of {@link cosineEmbeddingLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link cosineEmbeddingLoss} returns it; `grads` is `[dInput1, dInput2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link cosineEmbeddingLoss} throws.
 * @example
 * ```ts
 * import { cosineEmbeddingLossWithGrad } from 'simdloss';
 * const a = { data: new Float32Array([1, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float32Array([1, 0, 0, 1]), shape: [2, 2] };
 * const { grads: [d1, d2] } = cosineEmbeddingLossWithGrad(a, b, new Int32Array([1, -1]));
 * d2.shape; // [2, 2]
 * ```
 * @group Cosine similarity
 */
export function cosineEmbeddingLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input1: FloatInput<D>, input2: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: CosineEmbeddingLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function cosineEmbeddingLossWithGrad(input1: FloatInput, input2: FloatInput, target: FloatInput | IndexInput, options?: CosineEmbeddingLossOptions & GradOptions): WithGrad {
  return withGrad(embedding('cosineEmbeddingLossWithGrad', input1, input2, target, options, true), 'cosineEmbeddingLossWithGrad');
}

/**
 * F.cosine_similarity: `Σ x1·x2 / (max(‖x1‖, eps)·max(‖x2‖, eps))` along `dim` (PyTorch ≥ 1.12: the arguments broadcast first).
 *
 * @param x1 - Any shape with at least one dimension.
 * @param x2 - Broadcasts against `x1`.
 * @param options - `dim` (in the broadcast shape; default 1, negative counts from the end), `eps` (default 1e-8).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns A tensor of the broadcast shape without `dim`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, the shapes do not broadcast, or `dim` is outside them.
 * @example
 * ```ts
 * import { cosineSimilarity } from 'simdloss';
 * const a = { data: new Float32Array([1, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float32Array([1, 0, 0, 1]), shape: [2, 2] };
 * cosineSimilarity(a, b).data; // Float32Array [1, 0.7071]
 * ```
 * @group Cosine similarity
 */
export function cosineSimilarity<D extends FloatArray = Float32Array>(x1: FloatInput<D>, x2: FloatInput<D>, options?: CosineSimilarityOptions): Tensor<ResultArray<D>>;
export function cosineSimilarity(x1: FloatInput, x2: FloatInput, options?: CosineSimilarityOptions): Tensor {
  return run('cosineSimilarity', x1, x2, options, false).loss;
}

/**
 * {@link cosineSimilarity} and the gradients of Σ gradOutput·result with respect to `x1` and `x2`, computed in one pass.
 *
 * @param x1 - As for {@link cosineSimilarity}.
 * @param x2 - As for {@link cosineSimilarity}.
 * @param options - The options of {@link cosineSimilarity}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link cosineSimilarity} returns it; `grads` is `[dX1, dX2]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link cosineSimilarity} throws.
 * @example
 * ```ts
 * import { cosineSimilarityWithGrad } from 'simdloss';
 * const a = { data: new Float32Array([1, 0, 1, 1]), shape: [2, 2] };
 * const b = { data: new Float32Array([1, 0, 0, 1]), shape: [2, 2] };
 * const { grads: [da, db] } = cosineSimilarityWithGrad(a, b);
 * da.shape; // [2, 2]
 * ```
 * @group Cosine similarity
 */
export function cosineSimilarityWithGrad<D extends FloatArray = Float32Array>(x1: FloatInput<D>, x2: FloatInput<D>, options?: CosineSimilarityOptions & GradOptions): WithGrad<Tensor<ResultArray<D>>, ResultArray<D>>;
export function cosineSimilarityWithGrad(x1: FloatInput, x2: FloatInput, options?: CosineSimilarityOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(run('cosineSimilarityWithGrad', x1, x2, options, true), 'cosineSimilarityWithGrad');
}
