// softmax, logSoftmax, sigmoid: F.softmax, F.log_softmax, torch.sigmoid (pytorch-loss-spec.md §2).
import { wasm } from '../backend';
import { checkOptions, gradTensor, toDtype, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { sigmoidBackwardReference, sigmoidReference, softmaxBackwardReference, softmaxReference } from '../reference/softmax';
import { current, floatArg, moveDimBack, moveDimLast, normalizeDim, sizeOf } from '../tensor';
import { forChunks } from '../wasm/chunks';
import type { Dtype, FloatArray, FloatInput, GradOptions, Tensor, WithGrad } from '../types';

export interface SoftmaxOptions {
  /** The dim to normalize over; negative counts from the end. Default -1. */
  dim?: number;
}

function newOf(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

function softmaxRun(fn: string, input: FloatInput, options: unknown, log: boolean, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, wantGrad ? ['dim', 'gradOutput'] : ['dim']);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const dim = normalizeDim(fn, opts.dim ?? -1, x.shape.length);
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  const rows = outer * inner;
  const size = x.size;
  const g = wantGrad ? upstreamOption(fn, opts.gradOutput, x.shape, dtype).tensor! : null;
  // Nothing to compute: no loop may run over the other dims (a [1e9, 0] input is instant).
  if (size === 0) return { loss: { data: newOf(dtype, 0), shape: x.shape.slice() }, grads: g ? [gradTensor(newOf(dtype, 0), x.shape, dtype)] : [] };

  // Rows contiguous along dim (a copy only when dim is not last).
  let rowsX: FloatArray = x.data;
  let rowsG: FloatArray | null = g;
  if (inner !== 1) {
    const t = newOf(dtype, size);
    moveDimLast(x.data, t, outer, n, inner);
    rowsX = t;
    if (g) {
      const tg = newOf(dtype, size);
      moveDimLast(g, tg, outer, n, inner);
      rowsG = tg;
    }
  }

  let y: FloatArray;
  let dx: FloatArray | null = null;
  const w = size > 0 ? wasm(fn) : null;
  if (w) {
    const { k, arena } = w;
    const bytes = dtype === 'float32' ? 4 : 8;
    const fwd = dtype === 'float32' ? k.f32_softmax_fwd : k.f64_softmax_fwd;
    const bwd = dtype === 'float32' ? k.f32_softmax_bwd : k.f64_softmax_bwd;
    const inPlace = x.resident !== undefined && inner === 1;
    const out = newOf(dtype, size);
    const grad = rowsG ? newOf(dtype, size) : null;
    forChunks(arena, rows, bytes * n * ((inPlace ? 0 : 1) + 1 + (rowsG ? 2 : 0)), (r0, count) => {
      const m = count * n;
      const px = inPlace ? x.resident!.ptr + r0 * n * bytes : arena.floats(dtype, m);
      const py = arena.floats(dtype, m);
      const pg = rowsG ? arena.floats(dtype, m) : 0;
      const pdx = rowsG ? arena.floats(dtype, m) : 0;
      // Read the arguments only now: this chunk's allocations may have moved resident views.
      const src = inner === 1 ? current(x) : rowsX;
      if (!inPlace) arena.view(dtype, px, m).set(src.subarray(r0 * n, r0 * n + m));
      if (rowsG) arena.view(dtype, pg, m).set(rowsG.subarray(r0 * n, r0 * n + m));
      fwd(count, n, px, py, log ? 1 : 0);
      out.set(arena.view(dtype, py, m), r0 * n);
      if (grad) {
        bwd(count, n, py, pg, pdx, log ? 1 : 0);
        grad.set(arena.view(dtype, pdx, m), r0 * n);
      }
    });
    y = out;
    dx = grad;
  } else {
    y = toDtype(softmaxReference(rowsX, rows, n, log), dtype);
    // The backward uses the dtype-rounded output, as PyTorch's does.
    if (rowsG) dx = toDtype(softmaxBackwardReference(y, rowsG, rows, n, log), dtype);
  }
  if (inner !== 1) {
    const t = newOf(dtype, size);
    moveDimBack(y, t, outer, n, inner);
    y = t;
    if (dx) {
      const td = newOf(dtype, size);
      moveDimBack(dx, td, outer, n, inner);
      dx = td;
    }
  }
  const loss: Tensor = { data: y, shape: x.shape.slice() };
  return { loss, grads: dx ? [gradTensor(dx, x.shape, dtype)] : [] };
}

function sigmoidRun(fn: string, input: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, wantGrad ? ['gradOutput'] : []);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const size = x.size;
  const g = wantGrad ? upstreamOption(fn, opts.gradOutput, x.shape, dtype).tensor! : null;
  let y: FloatArray;
  let dx: FloatArray | null = null;
  const w = size > 0 ? wasm(fn) : null;
  if (w) {
    const { k, arena } = w;
    const bytes = dtype === 'float32' ? 4 : 8;
    const fwd = dtype === 'float32' ? k.f32_sigmoid_fwd : k.f64_sigmoid_fwd;
    const bwd = dtype === 'float32' ? k.f32_sigmoid_bwd : k.f64_sigmoid_bwd;
    const out = newOf(dtype, size);
    const grad = g ? newOf(dtype, size) : null;
    forChunks(arena, size, bytes * ((x.resident ? 0 : 1) + 1 + (g ? 2 : 0)), (i0, m) => {
      const px = x.resident ? x.resident.ptr + i0 * bytes : arena.floats(dtype, m);
      const py = arena.floats(dtype, m);
      const pg = g ? arena.floats(dtype, m) : 0;
      const pdx = g ? arena.floats(dtype, m) : 0;
      if (!x.resident) arena.view(dtype, px, m).set(x.data.subarray(i0, i0 + m));
      if (g) arena.view(dtype, pg, m).set(g.subarray(i0, i0 + m));
      fwd(m, px, py);
      out.set(arena.view(dtype, py, m), i0);
      if (grad) {
        bwd(m, py, pg, pdx);
        grad.set(arena.view(dtype, pdx, m), i0);
      }
    });
    y = out;
    dx = grad;
  } else {
    y = toDtype(sigmoidReference(x.data), dtype);
    if (g) dx = toDtype(sigmoidBackwardReference(y, g), dtype);
  }
  const loss: Tensor = { data: y, shape: x.shape.slice() };
  return { loss, grads: dx ? [gradTensor(dx, x.shape, dtype)] : [] };
}

/** F.softmax(input, dim). */
export function softmax(input: FloatInput, options?: SoftmaxOptions): Tensor {
  return softmaxRun('softmax', input, options, false, false).loss;
}

/** softmax and the gradient of Σ gradOutput·softmax(input) with respect to input. */
export function softmaxWithGrad(input: FloatInput, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(softmaxRun('softmaxWithGrad', input, options, false, true), 'softmaxWithGrad', options);
}

/** F.log_softmax(input, dim). */
export function logSoftmax(input: FloatInput, options?: SoftmaxOptions): Tensor {
  return softmaxRun('logSoftmax', input, options, true, false).loss;
}

/** logSoftmax and its gradient. */
export function logSoftmaxWithGrad(input: FloatInput, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(softmaxRun('logSoftmaxWithGrad', input, options, true, true), 'logSoftmaxWithGrad', options);
}

/** torch.sigmoid(input), elementwise. */
export function sigmoid(input: FloatInput): Tensor {
  return sigmoidRun('sigmoid', input, undefined, false).loss;
}

/** sigmoid and its gradient. */
export function sigmoidWithGrad(input: FloatInput, options?: GradOptions): WithGrad<Tensor> {
  return withGrad(sigmoidRun('sigmoidWithGrad', input, options, true), 'sigmoidWithGrad', options);
}
