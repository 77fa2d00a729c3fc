// cosineSimilarity: F.cosine_similarity (pytorch-loss-spec.md §3.1), PyTorch ≥ 1.12 semantics:
// x1 and x2 broadcast together, `dim` is taken in the broadcast shape and removed from the result.
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError } from '../errors';
import { checkOptions, floatOfDtype, gradForArgument, numberOption, toDtype, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { cosineSimilarityReference } from '../reference/cosine-similarity';
import {
  broadcastShapes, expandTo, floatArg, moveDimBack, moveDimLast, newFloat, normalizeDim, sizeOf,
} from '../tensor';
import type { FloatArray, FloatInput, GradOptions, Tensor, WithGrad } from '../types';
import { forChunks } from '../wasm/chunks';

export interface CosineSimilarityOptions {
  /** The dim to reduce; negative counts from the end. Default 1. */
  dim?: number;
  /** Lower bound on each norm. Default 1e-8. */
  eps?: number;
}

function run(fn: string, x1: FloatInput, x2: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, wantGrad ? ['dim', 'eps', 'gradOutput'] : ['dim', 'eps']);
  const a = floatArg(fn, 'x1', x1);
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
  const up = wantGrad ? upstreamOption(fn, (options as GradOptions | undefined)?.gradOutput, outShape, dtype).tensor! : null;

  // Rows along dim, contiguous: broadcast, then move dim last (copies only when needed).
  const rowsOf = (data: FloatArray, own: number[]): FloatArray => {
    const full = expandTo(data, own, shape, dtype);
    if (inner === 1) return full;
    const t = newFloat(dtype, full.length);
    moveDimLast(full, t, outer, D, inner);
    return t;
  };
  const ra = rowsOf(a.resident ? a.resident.data : a.data, aShape);
  const rb = rowsOf(b.resident ? b.resident.data : b.data, bShape);

  let out: FloatArray;
  let ga: ArrayLike<number> | null = null;
  let gb: ArrayLike<number> | null = null;
  const w = rows > 0 ? wasm() : null;
  if (w) {
    const { k, arena } = w;
    const bytes = dtype === 'float32' ? 4 : 8;
    const run = dtype === 'float32' ? k.f32_cosine_similarity : k.f64_cosine_similarity;
    out = newFloat(dtype, rows);
    const gaAll = up ? newFloat(dtype, rows * D) : null;
    const gbAll = up ? newFloat(dtype, rows * D) : null;
    forChunks(arena, rows, bytes * (D * (up ? 4 : 2) + 2), (r0, count) => {
      const m = count * D;
      const pa = arena.floats(dtype, m);
      const pb = arena.floats(dtype, m);
      const po = arena.floats(dtype, count);
      const pga = up ? arena.floats(dtype, m) : 0;
      const pgb = up ? arena.floats(dtype, m) : 0;
      const pg = up ? arena.floats(dtype, count) : 0;
      arena.view(dtype, pa, m).set(ra.subarray(r0 * D, r0 * D + m));
      arena.view(dtype, pb, m).set(rb.subarray(r0 * D, r0 * D + m));
      if (up) arena.view(dtype, pg, count).set(up.subarray(r0, r0 + count));
      run(count, D, pa, pb, po, pga, pgb, pg, eps);
      out.set(arena.view(dtype, po, count), r0);
      if (gaAll && gbAll) {
        gaAll.set(arena.view(dtype, pga, m), r0 * D);
        gbAll.set(arena.view(dtype, pgb, m), r0 * D);
      }
    });
    ga = gaAll;
    gb = gbAll;
  } else {
    const r = cosineSimilarityReference(ra, rb, rows, D, eps, up);
    out = toDtype(r.out, dtype);
    ga = r.ga;
    gb = r.gb;
  }
  const loss: Tensor = { data: out, shape: outShape };
  if (!ga || !gb) return { loss, grads: [] };
  // Back to the broadcast layout, then summed over each argument's broadcast dims.
  const back = (g: ArrayLike<number>, own: number[]): Tensor => {
    let full: ArrayLike<number> = g;
    if (inner !== 1) {
      const t = newFloat(dtype, rows * D);
      moveDimBack(g, t, outer, D, inner);
      full = t;
    }
    return gradForArgument(full, shape, own, dtype);
  };
  const d1 = back(ga, aShape);
  const d2 = back(gb, bShape);
  return { loss, grads: [d1, d2] };
}

/** F.cosine_similarity(x1, x2, dim, eps): Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)) along dim. */
export function cosineSimilarity(x1: FloatInput, x2: FloatInput, options?: CosineSimilarityOptions): Tensor {
  return run('cosineSimilarity', x1, x2, options, false).loss;
}

/** cosineSimilarity and the gradients of Σ gradOutput·result with respect to x1 and x2. */
export function cosineSimilarityWithGrad(x1: FloatInput, x2: FloatInput, options?: CosineSimilarityOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(run('cosineSimilarityWithGrad', x1, x2, options, true));
}
