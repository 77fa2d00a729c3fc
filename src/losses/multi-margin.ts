// multiMarginLoss, multilabelMarginLoss: F.multi_margin_loss, F.multilabel_margin_loss
// (pytorch-loss-spec.md §4.19, §4.13). Input (C) or (N, C) (a 0-d input is one row of one class);
// one row loss each, reduced over N. Only the input gets a gradient.
import { wasm } from '../backend';
import { rangeError, shapeString } from '../errors';
import {
  checkOptions, floatOption, gradScaling, gradTensor, lossResult, numberOption, reductionOption, toDtype, upstreamOption, withGrad,
  type LossAndGrads,
} from '../options';
import { multiMarginReference, multilabelMarginReference, type RowParts } from '../reference/multi-margin';
import { current, floatArg, indexArg, isFloatArray, sameShape, type FloatTensor } from '../tensor';
import type { FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import type { Arena } from '../wasm/arena';
import { forChunks } from '../wasm/chunks';
import type { Kernels } from '../wasm/instance';

export interface MultiMarginLossOptions {
  /** 1 or 2. Default 1. */
  p?: number;
  /** Default 1. */
  margin?: number;
  /** Per-class weight (C), applied by the target class. */
  weight?: FloatInput;
  reduction?: Reduction;
}

export interface MultilabelMarginLossOptions {
  reduction?: Reduction;
}

/** The input as N rows of C classes, as PyTorch's "vector or matrix with optional 0-dim batch size". */
function rowsOf(fn: string, x: FloatTensor, input: unknown): { N: number; C: number; shape: number[] } {
  const shape = isFloatArray(input) ? [x.size] : x.shape;
  const C = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (shape.length > 2 || C === 0) {
    throw rangeError(fn, `Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${shapeString(shape)}`);
  }
  return { N: shape.length === 2 ? shape[0] : 1, C, shape };
}

/** Row losses, their sum and the input gradient: the kernel chunked by rows, or the reference. */
function runRows(fn: string, x: FloatTensor, N: number, C: number, targets: Int32Array, targetsPerRow: number, gradRow: Float32Array | Float64Array | null, wantGrad: boolean,
  // Given the module, allocates what every chunk shares and returns the per-chunk kernel call.
  kernel: (k: Kernels, arena: Arena) => (count: number, px: number, pt: number, rowLoss: number, grad: number, gradRow: number) => number,
  reference: (data: ArrayLike<number>) => RowParts): RowParts {
  const w = N > 0 ? wasm(fn) : null;
  if (!w) return reference(current(x));
  const { arena } = w;
  const run = kernel(w.k, arena);
  const dtype = x.dtype;
  const bytes = dtype === 'float32' ? 4 : 8;
  const r: RowParts = { rowLoss: new Float64Array(N), total: 0, grad: wantGrad ? new Float64Array(N * C) : null };
  forChunks(arena, N, bytes * (C * (wantGrad ? 2 : 1) + 2) + 4 * targetsPerRow, (r0, count) => {
    const px = arena.floats(dtype, count * C);
    const pt = arena.copyInInt32(targets.subarray(r0 * targetsPerRow, (r0 + count) * targetsPerRow));
    const pl = arena.floats(dtype, count);
    const pg = wantGrad ? arena.floats(dtype, count * C) : 0;
    const pu = gradRow ? arena.copyIn(dtype, gradRow.subarray(r0, r0 + count)) : 0;
    arena.view(dtype, px, count * C).set(current(x).subarray(r0 * C, (r0 + count) * C));
    r.total += run(count, px, pt, pl, pg, pu);
    r.rowLoss.set(arena.view(dtype, pl, count), r0);
    if (r.grad) r.grad.set(arena.view(dtype, pg, count * C), r0 * C);
  });
  return r;
}

function multiMargin(fn: string, input: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['p', 'margin', 'weight', 'reduction', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const { N, C, shape } = rowsOf(fn, x, input);
  const p = numberOption(fn, 'p', opts.p, 1, (v) => v === 1 || v === 2, '1 or 2 (only p == 1 and p == 2 supported)') as 1 | 2;
  const margin = numberOption(fn, 'margin', opts.margin, 1, Number.isFinite, 'a finite number');
  const weight = floatOption(fn, 'weight', opts.weight, dtype);
  if (weight) {
    const own = isFloatArray(opts.weight) ? [weight.size] : weight.shape;
    if (own.length !== 1) throw rangeError(fn, `options.weight must be one-dimensional; got shape ${shapeString(own)}`);
    if (weight.size !== C) throw rangeError(fn, `inconsistent weight size, expected ${C} but got ${shapeString(own)}`);
  }
  const t = indexArg(fn, 'target', target);
  const tShape = Array.isArray(target) || ArrayBuffer.isView(target) ? [t.size] : t.shape;
  if (t.size !== N || (shape.length === 2 ? tShape.length !== 1 : tShape.length > 1)) {
    throw rangeError(fn, `inconsistent target size, expected ${N} but got ${shapeString(tShape)}`);
  }
  const targets = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const v = t.at(i);
    if (v < 0 || v >= C) throw rangeError(fn, `target out of range: target[${i}] = ${v}, expected a class index in [0, ${C})`);
    targets[i] = v;
  }
  // 'none': (N) for a matrix; for a vector, the target's own shape (() or (1)).
  const outShape = shape.length === 2 ? [N] : tShape;
  const reduction = reductionOption(fn, opts.reduction);
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, N);
  const f32 = dtype === 'float32';
  const r = runRows(fn, x, N, C, targets, 1, gradRow, wantGrad,
    (k, arena) => {
      const pw = weight ? arena.input(weight) : 0;
      const run = f32 ? k.f32_multi_margin : k.f64_multi_margin;
      return (count, px, pt, pl, pg, pu) => run(count, C, px, pt, pw, pl, pg, pu, p, margin, gradScale);
    },
    (data) => multiMarginReference(data, N, C, targets, weight ? current(weight) : null, p, margin, wantGrad, gradRow, gradScale));
  const loss = lossResult(reduction, () => toDtype(r.rowLoss, dtype), r.total, N, outShape, dtype);
  return { loss, grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [] };
}

function multilabelMargin(fn: string, input: FloatInput, target: IndexInput, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['reduction', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const { N, C, shape } = rowsOf(fn, x, input);
  const t = indexArg(fn, 'target', target);
  const tShape = Array.isArray(target) || ArrayBuffer.isView(target) ? [t.size] : t.shape;
  if (!sameShape(tShape, shape)) throw rangeError(fn, `inconsistent size ${shapeString(tShape)} for argument #2 'target' (expected the input's shape ${shapeString(shape)})`);
  const targets = new Int32Array(N * C);
  for (let i = 0; i < targets.length; i++) {
    const v = t.at(i);
    if (v < -1 || v >= C) throw rangeError(fn, `argument #2 'target' is out of range: target[${i}] = ${v}, expected -1 or a class index in [0, ${C})`);
    targets[i] = v;
  }
  // 'none': (N) for a matrix, 0-d for a vector (PyTorch).
  const outShape = shape.length === 2 ? [N] : [];
  const reduction = reductionOption(fn, opts.reduction);
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, N);
  const f32 = dtype === 'float32';
  const r = runRows(fn, x, N, C, targets, C, gradRow, wantGrad,
    (k, arena) => {
      const isTarget = arena.floats(dtype, C);
      const run = f32 ? k.f32_multilabel_margin : k.f64_multilabel_margin;
      return (count, px, pt, pl, pg, pu) => run(count, C, px, pt, isTarget, pl, pg, pu, gradScale);
    },
    (data) => multilabelMarginReference(data, N, C, targets, wantGrad, gradRow, gradScale));
  const loss = lossResult(reduction, () => toDtype(r.rowLoss, dtype), r.total, N, outShape, dtype);
  return { loss, grads: r.grad ? [gradTensor(r.grad, shape, dtype)] : [] };
}

/** F.multi_margin_loss: w[y]·Σ_{i≠y} max(0, margin - x_y + x_i)^p / C per row (p = 1 or 2). */
export function multiMarginLoss(input: FloatInput, target: IndexInput, options?: MultiMarginLossOptions): number | Tensor {
  return multiMargin('multiMarginLoss', input, target, options, false).loss;
}
/** multiMarginLoss and its gradient with respect to input. */
export function multiMarginLossWithGrad(input: FloatInput, target: IndexInput, options?: MultiMarginLossOptions & GradOptions): WithGrad {
  return withGrad(multiMargin('multiMarginLossWithGrad', input, target, options, true), 'multiMarginLossWithGrad', options);
}
/** F.multilabel_margin_loss: Σ_{j∈targets} Σ_{i∉targets} max(0, 1 - x_j + x_i) / C per row; targets end at the first -1. */
export function multilabelMarginLoss(input: FloatInput, target: IndexInput, options?: MultilabelMarginLossOptions): number | Tensor {
  return multilabelMargin('multilabelMarginLoss', input, target, options, false).loss;
}
/** multilabelMarginLoss and its gradient with respect to input. */
export function multilabelMarginLossWithGrad(input: FloatInput, target: IndexInput, options?: MultilabelMarginLossOptions & GradOptions): WithGrad {
  return withGrad(multilabelMargin('multilabelMarginLossWithGrad', input, target, options, true), 'multilabelMarginLossWithGrad', options);
}
