// The path every elementwise loss takes (kl-div, regression, margin, likelihood): broadcast the
// arguments to one shape, run the chunked wasm kernel (or the float64 reference on the 'js'
// backend), reduce, and sum each gradient back to its argument's shape.
import { wasm } from './backend';
import { directTarget, gradForArgument, gradScaling, gradTargets, lossResult, toDtype, upstreamOption, type LossAndGrads, type CheckedOptions } from './options';
import { current, isFloatArray, sameShape, sizeOf, type FloatTensor } from './tensor';
import type { Reduction } from './types';
import { broadcastOperand, runElementwise } from './wasm/chunks';
import type { Arena } from './wasm/arena';
import type { Kernels } from './wasm/instance';

/** A checked float argument and the shape it has (a bare typed array is 1-D). */
export interface ElementwiseArg {
  t: FloatTensor;
  shape: number[];
}

/** The argument's shape: [length] for a bare typed array, else its tensor shape. */
export function argShape(t: FloatTensor, value: unknown): number[] {
  return isFloatArray(value) ? [t.size] : t.shape;
}

/** Per-element losses, their sum and the gradients (one array per gradient output). */
export interface ElementwiseParts {
  elementLoss: ArrayLike<number>;
  total: number;
  grads: ArrayLike<number>[];
}

export interface ElementwiseLoss {
  fn: string;
  args: ElementwiseArg[];
  /** The broadcast shape of the per-element losses. */
  shape: number[];
  /** 'mean' divides by `denominator` (default: the number of elements). */
  reduction: Reduction;
  denominator?: number;
  /** The call's options snapshot (checkOptions): gradOutput and gradInto are read from it. */
  opts: CheckedOptions;
  wantGrad: boolean;
  /** One shape per gradient the kernel writes, in order (each gradient is summed back to it). */
  gradShapes: number[][];
  /** Runs the kernel on one chunk: operand pointers, loss pointer, gradient pointers, upstream pointer. */
  kernel: (k: Kernels, arena: Arena, m: number, ptrs: number[], loss: number, grads: number[], gradRow: number, gradScale: number) => number;
  /** The float64 reference on the broadcast operands. */
  reference: (data: ArrayLike<number>[], gradRow: ArrayLike<number> | null, gradScale: number) => ElementwiseParts;
  /** A constant added to every element's loss after the kernel (gaussianNllLoss's `full`); the reference adds it itself. */
  constant?: number;
}

export function elementwiseLoss(s: ElementwiseLoss): LossAndGrads {
  const dtype = s.args[0].t.dtype;
  const n = sizeOf(s.shape);
  const denominator = s.denominator ?? n;
  const up = upstreamOption(s.fn, s.wantGrad ? s.opts.gradOutput : undefined, s.reduction === 'none' ? s.shape : null, dtype);
  const { gradRow, gradScale } = gradScaling(s.reduction, up, denominator);
  const ops = s.args.map((a) => broadcastOperand(a.t, a.shape, s.shape, dtype));
  let parts: ElementwiseParts;
  const w = wasm(s.fn);
  if (w) {
    // gradients of the broadcast shape itself can go straight into their options.gradInto targets
    const targets = s.wantGrad ? gradTargets(s.fn, s.opts, dtype, s.gradShapes.map(sizeOf)) : [];
    const into = s.gradShapes.map((own, i) => (sameShape(own, s.shape) ? directTarget(targets, i, n, [...s.args.map((a) => a.t.data), gradRow]) : null));
    const r = runElementwise(w.arena, dtype, n, ops, { loss: s.reduction === 'none', grads: s.wantGrad ? s.gradShapes.length : 0, gradRow, into },
      (m, ptrs, loss, gs, gr) => s.kernel(w.k, w.arena, m, ptrs, loss, gs, gr, gradScale));
    parts = { elementLoss: r.elementLoss ?? new Float64Array(0), total: r.total, grads: r.grads };
    if (s.constant) {
      if (r.elementLoss) for (let i = 0; i < n; i++) r.elementLoss[i] += s.constant;
      parts.total += s.constant * n;
    }
  } else {
    // Resident operands are read through a fresh view (see current()).
    parts = s.reference(ops.map((o, i) => (o.resident ? current(s.args[i].t) : o.data)), gradRow, gradScale);
  }
  const loss = lossResult(s.reduction, () => toDtype(parts.elementLoss, dtype), parts.total, denominator, s.shape, dtype);
  if (!s.wantGrad) return { loss, grads: [], opts: s.opts };
  return { loss, grads: s.gradShapes.map((own, i) => gradForArgument(parts.grads[i], s.shape, own, dtype)), opts: s.opts };
}
