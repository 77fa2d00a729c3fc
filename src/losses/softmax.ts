// softmax, logSoftmax, sigmoid: F.softmax, F.log_softmax, torch.sigmoid (docs/semantics.md §2).
import { callArena, wasm, wasmKernels } from '../backend';
import { checkOptions, upstreamOption } from '../options';
import { gradTensor, outTarget, placed, toDtype, withGrad, writtenTensorOf, type LossAndGrads } from '../results';
import { sigmoidBackwardReference, sigmoidReference, softmaxBackwardReference, softmaxReference } from '../reference/softmax';
import { callDtype, floatArg } from '../tensor';
import { moveDimBack, moveDimLast, newFloat, normalizeDim, sizeOf } from '../shapes';
import { classRows } from '../wasm/class-rows';
import { input as operandIn, output, outputOf, runCall } from '../wasm/runtime';
import { sigmoid_fwd, sigmoid_fwd_sigmoid_bwd, softmax_fwd, softmax_fwd_softmax_bwd } from '../wasm/modules/softmax.args';
import { copyIn, copyOut, heap, place, PTRS, release } from '../wasm/direct';
import { generalInput, generalOptions, leanCommit, DIM, LEAN_2D, LEAN_BUFFER, LEAN_OPTIONS, leanFloat, leanMatrix, leanOptions, leanTarget, OUT } from '../lean';
import { lengthOf } from '../wasm/views';
import type { FloatArray, FloatInput, GradOptions, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { ResultArray } from '../types';
import { kernel } from '../wasm/kernels';
import { softmaxModule } from '../wasm/modules';

/**
 * Options of {@link softmax} and {@link logSoftmax}.
 * @group Softmax and sigmoid
 */
export interface SoftmaxOptions {
  /** The dim to normalize over; negative counts from the end. Default -1. */
  dim?: number;
  /** A Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * softmax, logSoftmax and sigmoid in the lean form (src/lean.ts): a bare array, or (for the
 * softmaxes) an (N, C) tensor-like, over the last dim; `out` a bare array. One runtime block, the
 * general path's kernel call. Undefined when the call is not in the form.
 */
function lean(fn: string, input: unknown, options: unknown, op: 'softmax' | 'logSoftmax' | 'sigmoid'): Tensor | undefined {
  if (!leanOptions(options, op === 'sigmoid' ? OUT : OUT | DIM)) return undefined;
  let dtype = leanFloat(input);
  let x: FloatArray, rows: number, n: number, xb: ArrayBufferLike | null;
  const dim = LEAN_OPTIONS.dim;
  if (dtype !== null) {
    x = input as FloatArray;
    xb = LEAN_BUFFER.last;
    rows = 1;
    n = lengthOf(x);
    if (!(dim === undefined || dim === -1 || dim === 0)) return undefined;
  } else {
    dtype = op === 'sigmoid' ? null : leanMatrix(input);
    if (dtype === null || !(dim === undefined || dim === -1 || dim === 1)) return undefined;
    x = LEAN_2D.data;
    xb = LEAN_2D.buffer;
    rows = LEAN_2D.rows;
    n = LEAN_2D.cols;
  }
  const size = rows * n;
  const out = LEAN_OPTIONS.out;
  if (out !== undefined && !leanTarget(out, dtype, size, x, xb, null, null)) return undefined;
  const k = wasmKernels(fn, softmaxModule);
  if (!k) return undefined;
  const arena = callArena();
  const bytes = dtype === 'float32' ? 4 : 8;
  // the input and the result, as the general path's single block
  if (!place(arena, size * bytes, size * bytes, 0, 0, 0)) return undefined;
  try {
    const px = PTRS[0], py = PTRS[1];
    const h = heap(dtype);
    copyIn(h, px, x, size);
    leanCommit();
    if (op === 'sigmoid') kernel(k, 'sigmoid_fwd', dtype)(size, px, py);
    else kernel(k, 'softmax_fwd', dtype)(rows, n, px, py, op === 'logSoftmax' ? 1 : 0);
    if (out !== undefined) {
      copyOut(h, py, size, out as FloatArray);
      return writtenTensorOf(out as FloatArray, x === input ? n : rows, x === input ? -1 : n);
    }
    const y = newFloat(dtype, size);
    copyOut(h, py, size, y);
    return { data: y, shape: x === input ? [n] : [rows, n] };
  } finally {
    release(arena);
  }
}

function softmaxRun(fn: string, input: FloatInput, options: unknown, log: boolean, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, ['dim', 'out'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input], opts));
  const dtype = x.dtype;
  const dim = normalizeDim(fn, opts.dim ?? -1, x.shape.length);
  const n = x.shape.length === 0 ? 1 : x.shape[dim];
  const outer = sizeOf(x.shape.slice(0, dim));
  const inner = sizeOf(x.shape.slice(dim + 1));
  const rows = outer * inner;
  const size = x.size;
  const g = wantGrad ? upstreamOption(fn, opts.gradOutput, x.shape, dtype).tensor! : null;
  const out = outTarget(fn, opts, dtype, x.shape);
  // Nothing to compute: no loop may run over the other dims (a [1e9, 0] input is instant).
  if (size === 0) return { loss: placed(out, newFloat(dtype, 0), x.shape), grads: g ? [gradTensor(newFloat(dtype, 0), x.shape, dtype)] : [], opts };

  let y: FloatArray;
  let dx: FloatArray | null = null;
  const w = size > 0 ? wasm(fn, softmaxModule) : null;
  if (w) {
    const { k, arena } = w;
    // Softmax then its backward on each block while it is in cache, on rows along dim: gathered
    // and scattered back when dim is not last (src/wasm/class-rows.ts). The result goes straight
    // into options.out.
    const { gather, scatter } = classRows(n, inner);
    const X = operandIn(n, x, gather), Y = output(n, out ? out.target : null, scatter);
    const DX = g ? output(n, null, scatter) : null;
    const lg = log ? 1 : 0;
    const fwd = { n, x: X, out: Y, log: lg };
    const c = g ? softmax_fwd_softmax_bwd(k, dtype, fwd, { n, x: X, y: Y, g: operandIn(n, g, gather), dx: DX, log: lg }) : softmax_fwd(k, dtype, fwd);
    const r = runCall(arena, rows, c);
    y = outputOf(c, r, Y);
    dx = DX ? outputOf(c, r, DX) : null;
  } else {
    // the reference takes contiguous rows: dim moved last, and back
    const rowsX = inner === 1 ? x.data : newFloat(dtype, size);
    const rowsG = inner === 1 || !g ? g : newFloat(dtype, size);
    if (inner !== 1) {
      moveDimLast(x.data, rowsX, outer, n, inner);
      if (g) moveDimLast(g, rowsG!, outer, n, inner);
    }
    y = toDtype(softmaxReference(rowsX, rows, n, log), dtype);
    // The backward uses the dtype-rounded output, as PyTorch's does.
    if (rowsG) dx = toDtype(softmaxBackwardReference(y, rowsG, rows, n, log), dtype);
    if (inner !== 1) {
      const t = newFloat(dtype, size);
      moveDimBack(y, t, outer, n, inner);
      y = t;
      if (dx) {
        const td = newFloat(dtype, size);
        moveDimBack(dx, td, outer, n, inner);
        dx = td;
      }
    }
  }
  const loss = placed(out, y, x.shape);
  return { loss, grads: dx ? [gradTensor(dx, x.shape, dtype)] : [], opts };
}

/**
 * Options of {@link sigmoid}.
 * @group Softmax and sigmoid
 */
export interface SigmoidOptions {
  /** A Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

function sigmoidRun(fn: string, input: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads<Tensor> {
  const opts = checkOptions(fn, options, ['out'], wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input], opts));
  const dtype = x.dtype;
  const size = x.size;
  const g = wantGrad ? upstreamOption(fn, opts.gradOutput, x.shape, dtype).tensor! : null;
  const out = outTarget(fn, opts, dtype, x.shape);
  let y: FloatArray;
  let dx: FloatArray | null = null;
  const w = size > 0 ? wasm(fn, softmaxModule) : null;
  if (w) {
    const { k, arena } = w;
    const X = operandIn(1, x), Y = output(1, out ? out.target : null);
    const DX = g ? output(1) : null;
    const fwd = { x: X, out: Y };
    const c = g ? sigmoid_fwd_sigmoid_bwd(k, dtype, fwd, { y: Y, g: operandIn(1, g), dx: DX }) : sigmoid_fwd(k, dtype, fwd);
    const r = runCall(arena, size, c);
    y = outputOf(c, r, Y);
    dx = DX ? outputOf(c, r, DX) : null;
  } else {
    y = toDtype(sigmoidReference(x.data), dtype);
    if (g) dx = toDtype(sigmoidBackwardReference(y, g), dtype);
  }
  const loss = placed(out, y, x.shape);
  return { loss, grads: dx ? [gradTensor(dx, x.shape, dtype)] : [], opts };
}

/**
 * F.softmax: `exp(x)` normalized to sum to 1 along `dim`.
 *
 * @param input - Any shape (a 0-d tensor included).
 * @param options - `dim`, the dimension to normalize over (default -1, the last; negative counts from the end).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns A tensor of the input's shape and dtype.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or `dim` is outside the input's dimensions.
 * @example
 * ```ts
 * import { softmax } from 'simdloss';
 * const p = softmax({ data: new Float32Array([1, 2, 3, 1, 1, 1]), shape: [2, 3] });
 * p.data; // Float32Array [0.090, 0.245, 0.665, 0.333, 0.333, 0.333]
 * ```
 * @group Softmax and sigmoid
 */
export function softmax<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SoftmaxOptions): Tensor<ResultArray<D>>;
export function softmax(input: FloatInput, options?: SoftmaxOptions): Tensor {
  return lean('softmax', input, options, 'softmax') ?? softmaxRun('softmax', generalInput(input) as FloatInput, generalOptions(options), false, false).loss;
}

/**
 * {@link softmax} and the gradient of Σ gradOutput·softmax(input) with respect to `input`, computed in one pass.
 *
 * @param input - As for {@link softmax}.
 * @param options - The options of {@link softmax}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link softmax} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link softmax} throws.
 * @example
 * ```ts
 * import { softmaxWithGrad } from 'simdloss';
 * const { loss: p, grad } = softmaxWithGrad(new Float32Array([1, 2, 3]), { gradOutput: new Float32Array([1, 0, 0]) });
 * grad.data; // ∂p[0]/∂x, a Float32Array(3)
 * ```
 * @group Softmax and sigmoid
 */
export function softmaxWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor<ResultArray<D>>, ResultArray<D>>;
export function softmaxWithGrad(input: FloatInput, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(softmaxRun('softmaxWithGrad', input, options, false, true), 'softmaxWithGrad');
}

/**
 * F.log_softmax: `x - logsumexp(x)` along `dim`, computed stably.
 *
 * @param input - Any shape (a 0-d tensor included).
 * @param options - `dim`, the dimension to normalize over (default -1, the last; negative counts from the end).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns A tensor of the input's shape and dtype.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, or `dim` is outside the input's dimensions.
 * @example
 * ```ts
 * import { logSoftmax } from 'simdloss';
 * const logProbs = logSoftmax({ data: new Float64Array([1, 2, 3, 1, 1, 1]), shape: [2, 3] });
 * logProbs.data; // Float64Array [-2.408, -1.408, -0.408, -1.099, -1.099, -1.099]
 * ```
 * @group Softmax and sigmoid
 */
export function logSoftmax<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SoftmaxOptions): Tensor<ResultArray<D>>;
export function logSoftmax(input: FloatInput, options?: SoftmaxOptions): Tensor {
  return lean('logSoftmax', input, options, 'logSoftmax') ?? softmaxRun('logSoftmax', generalInput(input) as FloatInput, generalOptions(options), true, false).loss;
}

/**
 * {@link logSoftmax} and the gradient of Σ gradOutput·logSoftmax(input) with respect to `input`, computed in one pass.
 *
 * @param input - As for {@link logSoftmax}.
 * @param options - The options of {@link logSoftmax}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link logSoftmax} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link logSoftmax} throws.
 * @example
 * ```ts
 * import { logSoftmaxWithGrad } from 'simdloss';
 * const { grad } = logSoftmaxWithGrad(new Float32Array([1, 2, 3]), { gradOutput: new Float32Array([1, 0, 0]) });
 * grad.data; // ∂logp[0]/∂x = onehot(0) - softmax(x)
 * ```
 * @group Softmax and sigmoid
 */
export function logSoftmaxWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor<ResultArray<D>>, ResultArray<D>>;
export function logSoftmaxWithGrad(input: FloatInput, options?: SoftmaxOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(softmaxRun('logSoftmaxWithGrad', input, options, true, true), 'logSoftmaxWithGrad');
}

/**
 * torch.sigmoid: `1 / (1 + e^-x)`, elementwise.
 *
 * @param input - Any shape.
 * @param options - `out`: an array or WasmTensor to write the result into.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns A tensor of the input's shape and dtype.
 * @throws TypeError if `input` is not a Float32Array, Float64Array or `{ data, shape }` tensor of one.
 * @throws RangeError if `input.shape` does not match `input.data.length`.
 * @example
 * ```ts
 * import { sigmoid } from 'simdloss';
 * sigmoid(new Float32Array([0, 2])).data; // Float32Array [0.5, 0.881]
 * ```
 * @group Softmax and sigmoid
 */
export function sigmoid<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SigmoidOptions): Tensor<ResultArray<D>>;
export function sigmoid(input: FloatInput, options?: SigmoidOptions): Tensor {
  return lean('sigmoid', input, options, 'sigmoid') ?? sigmoidRun('sigmoid', generalInput(input) as FloatInput, generalOptions(options), false).loss;
}

/**
 * {@link sigmoid} and the gradient of Σ gradOutput·sigmoid(input) with respect to `input`, computed in one pass.
 *
 * @param input - As for {@link sigmoid}.
 * @param options - {@link GradOptions}: `gradOutput` (the upstream gradient, a tensor of the result's shape; default ones) and `gradInto`.
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @returns `{ loss, grad, grads }`: `loss` as {@link sigmoid} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link sigmoid} throws.
 * @example
 * ```ts
 * import { sigmoidWithGrad } from 'simdloss';
 * const { loss: s, grad } = sigmoidWithGrad(new Float32Array([0, 2]));
 * grad.data; // s·(1 - s): Float32Array [0.25, 0.105]
 * ```
 * @group Softmax and sigmoid
 */
export function sigmoidWithGrad<D extends FloatArray = Float32Array>(input: FloatInput<D>, options?: SigmoidOptions & GradOptions): WithGrad<Tensor<ResultArray<D>>, ResultArray<D>>;
export function sigmoidWithGrad(input: FloatInput, options?: SigmoidOptions & GradOptions): WithGrad<Tensor> {
  return withGrad(sigmoidRun('sigmoidWithGrad', input, options, true), 'sigmoidWithGrad');
}
