// The path every elementwise loss takes (kl-div, regression, margin, likelihood, focal, the
// binary-cross-entropy family): broadcast the
// arguments to one shape, run the chunked wasm kernel (or the float64 reference on the 'js'
// backend), reduce, and sum each gradient back to its argument's shape.
import { callArena, wasm, wasmKernels } from './backend';
import { floatOfDtype, gradScaling, upstreamOption, type CheckedOptions } from './options';
import { directTarget, gradForArgument, gradTargets, lossResult, outTarget, toDtype, writtenTensorOf, type LossAndGrads } from './results';
import { field, FloatTensor, halfOutput, indexArg, isFloatArray, readArg, roundTo } from './tensor';
import { newFloat, sameShape, sizeOf } from './shapes';
import type { Dtype, FloatArray, Reduction, WithGrad } from './types';
import type { ElementwiseParts } from './reference/parts';
import { leanCommit, GRAD_INTO, LEAN_BUFFER, LEAN_OPTIONS, leanFloat, leanOptions, leanReduction, leanTarget, REDUCTION } from './lean';
import { copyIn, copyOut, heap, place, PTRS, release } from './wasm/direct';
import { lengthOf } from './wasm/views';
import { broadcastOperand, runElementwise } from './wasm/chunks';
import type { KernelCall, Operand } from './wasm/runtime';
import type { WasmModule } from './wasm/instance';
import type { FamilySpec, Kernels } from './wasm/kernels';

/** A checked float argument and the shape it has (a bare typed array is 1-D). */
export interface ElementwiseArg {
  t: FloatTensor;
  shape: number[];
}

/** The argument's shape: [length] for a bare typed array, else its tensor shape. */
export function argShape(t: FloatTensor, value: unknown): number[] {
  return isFloatArray(value) ? [t.size] : t.shape;
}

/** A float argument, or an integer array converted to the call's dtype (labels such as ±1). */
export function floatOrLabels(fn: string, name: string, value: unknown, dtype: Dtype): ElementwiseArg {
  // plain number arrays are floats (of the call's dtype): labels need no integer check
  // looking at a revoked Proxy throws: readArg names the function and the argument
  const isFloat = readArg(fn, name, () => {
    const inner = typeof value === 'object' && value !== null ? field(value, 'data') : undefined;
    return isFloatArray(value) || Array.isArray(value) || isFloatArray(inner) || Array.isArray(inner);
  });
  if (isFloat) {
    const t = floatOfDtype(fn, name, value, dtype);
    return { t, shape: argShape(t, value) };
  }
  const idx = indexArg(fn, name, value);
  const data = newFloat(dtype, idx.size);
  for (let i = 0; i < idx.size; i++) data[i] = idx.typed ? idx.typed[i] : idx.at(i);
  const shape = Array.isArray(value) || ArrayBuffer.isView(value) ? [idx.size] : idx.shape;
  return { t: new FloatTensor(shape, dtype, idx.size, data), shape };
}

export type { ElementwiseParts } from './reference/parts';

export interface ElementwiseLoss<F extends FamilySpec> {
  fn: string;
  /** The family's module (src/wasm/modules/), whose kernels `kernel` calls. */
  module: WasmModule<F>;
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
  /**
   * The kernel's named call (src/wasm/modules/<family>.args.ts) over the path's operands: `args`
   * then `optional` (null when absent), the per-element loss (null unless 'none'), the gradients
   * asked for (one per gradShapes, or none), the upstream (null without one), and gradScale.
   * `dtype` is the data's (or `compute`); the call's kernel takes its compute dtype from the list.
   */
  call: (k: Kernels<F>, dtype: Dtype, inputs: ReadonlyArray<Operand | null>, loss: Operand | null, grads: ReadonlyArray<Operand>, gradRow: Operand | null, gradScale: number) => KernelCall;
  /** The float64 reference on the broadcast operands (`optional` ones last, null when absent). */
  reference: (data: ArrayLike<number>[], gradRow: ArrayLike<number> | null, gradScale: number, optional: (ArrayLike<number> | null)[]) => ElementwiseParts;
  /**
   * Operands after `args` that may be absent and are not differentiated (BCE's weight and
   * posWeight): broadcast like `args`; an absent one's pointer is 0.
   */
  optional?: ReadonlyArray<ElementwiseArg | null>;
  /**
   * The per-element losses are averaged over groups of this many consecutive elements (the last
   * dim) before the reduction (multilabelSoftMarginLoss's mean over classes): the result, the
   * upstream gradient and 'mean' are over the shape without its last dim.
   */
  groupMean?: number;
  /** A constant added to every element's loss after the kernel (gaussianNllLoss's `full`); the reference adds it itself. */
  constant?: number;
  /**
   * 'float64' runs a kernel the list also builds for f32 in float64 for float32 arguments, each
   * result rounded to float32 once (multilabelSoftMarginLoss; docs/accuracy.md, "float32 computed
   * in float64"). A kernel the list builds for f64 only computes in float64 without it.
   */
  compute?: 'float64';
}

export function elementwiseLoss<F extends FamilySpec>(spec: ElementwiseLoss<F>): LossAndGrads {
  const s = spec;
  // the spec's optional fields, never read from Object.prototype
  const specDenominator = field(spec, 'denominator') as number | undefined;
  const optional = field(spec, 'optional') as ElementwiseLoss<F>['optional'];
  const groupMean = field(spec, 'groupMean') as number | undefined;
  const constant = field(spec, 'constant') as number | undefined;
  const compute = field(spec, 'compute') as 'float64' | undefined;
  const dtype = s.args[0].t.dtype;
  const n = sizeOf(s.shape);
  const C = groupMean ?? 1;
  const outShape = groupMean === undefined ? s.shape : s.shape.slice(0, -1);
  const rows = sizeOf(outShape);
  const denominator = specDenominator ?? rows;
  const up = upstreamOption(s.fn, s.wantGrad ? s.opts.gradOutput : undefined, s.reduction === 'none' ? outShape : null, dtype);
  const out = outTarget(s.fn, s.opts, dtype, s.reduction === 'none' ? outShape : null);
  let { gradRow, gradScale } = gradScaling(s.reduction, up, denominator);
  if (groupMean !== undefined) {
    // the upstream of group r reaches each of its C elements divided by C
    if (gradRow) {
      const spread = newFloat(dtype, n);
      for (let r = 0; r < rows; r++) spread.fill(gradRow[r], r * C, (r + 1) * C);
      gradRow = spread;
      gradScale = 1 / C;
    } else {
      gradScale = (up.scalar! / C) * (s.reduction === 'mean' ? 1 / denominator : 1);
    }
  }
  const args = [...s.args, ...(optional ?? [])];
  const ops = args.map((a) => (a ? broadcastOperand(a.t, a.shape, s.shape, dtype) : null));
  let parts: ElementwiseParts;
  const w = wasm(s.fn, s.module);
  if (w) {
    // gradients of the broadcast shape itself can go straight into their options.gradInto targets
    const targets = s.wantGrad ? gradTargets(s.fn, s.opts, dtype, s.gradShapes.map(sizeOf)) : [];
    // (or, in a float16 call, into new Float16Arrays the runtime narrows into)
    const into = s.wantGrad ? s.gradShapes.map((own, i) => (sameShape(own, s.shape) ? directTarget(targets, i, n, [...args.map((a) => a?.t.data), gradRow]) ?? halfOutput(dtype, n) : null)) : [];
    // per-element losses straight into options.out when they are the result (no group means)
    const lossInto = s.reduction === 'none' && groupMean === undefined && !constant ? (out ? out.target : halfOutput(dtype, n)) : null; // (a constant is added after rounding otherwise)
    const r = runElementwise(w.arena, n, ops, { loss: s.reduction === 'none', lossInto, grads: s.wantGrad ? s.gradShapes.length : 0, gradRow, into },
      (ins, loss, gs, gr) => s.call(w.k, compute ?? dtype, ins, loss, gs, gr, gradScale));
    parts = { elementLoss: r.elementLoss ?? new Float64Array(0), total: r.total, grads: r.grads };
    if (constant) {
      if (r.elementLoss) for (let i = 0; i < n; i++) r.elementLoss[i] += constant;
      parts.total += constant * n;
    }
  } else {
    const data = ops.map((o) => (o ? o.data : null));
    const m = s.args.length;
    parts = s.reference(data.slice(0, m) as ArrayLike<number>[], gradRow, gradScale, data.slice(m));
  }
  const loss = lossResult(s.reduction, () => groupMeans(parts.elementLoss, C, rows, dtype), parts.total / C, denominator, outShape, dtype, out);
  if (!s.wantGrad) return { loss, grads: [], opts: s.opts };
  return { loss, grads: s.gradShapes.map((own, i) => gradForArgument(parts.grads[i], s.shape, own, dtype)), opts: s.opts };
}

/** The per-element losses as a tensor's data, each group of C averaged (C = 1: as they are). */
function groupMeans(e: ArrayLike<number>, C: number, rows: number, dtype: Dtype): FloatArray {
  if (C === 1) return toDtype(e, dtype);
  const out = newFloat(dtype, rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += e[r * C + c];
    out[r] = sum / C;
  }
  return out;
}

/**
 * Runs an elementwise kernel in the lean form: `(k, dtype, n, x, y, grad, gradTarget, gradScale)`
 * with byte pointers (0 when absent), returning the loss sum. A module-level function per kernel,
 * so that a lean call makes no closure.
 */
export type LeanKernel<F extends FamilySpec> = (k: Kernels<F>, dtype: Dtype, n: number, px: number, py: number, pg: number, pgt: number, scale: number) => number;

/**
 * An elementwise loss's lean form (src/lean.ts): two bare arrays of one dtype and length, 'mean' or
 * 'sum', gradInto a bare array (the first gradient's); one runtime block, the general path's
 * kernel call. `grads`: how many gradients the WithGrad twin returns (input, and target when 2).
 * Undefined when the call is not in the form.
 */
export function leanElementwise<F extends FamilySpec>(
  fn: string, module: WasmModule<F>, call: LeanKernel<F>, x: unknown, y: unknown, options: unknown, wantGrad: boolean, grads: 1 | 2,
): number | WithGrad | undefined {
  if (!leanOptions(options, wantGrad ? REDUCTION | GRAD_INTO : REDUCTION)) return undefined;
  const sum = leanReduction(LEAN_OPTIONS.reduction);
  const dtype = leanFloat(x);
  const xb = LEAN_BUFFER.last;
  if (sum < 0 || dtype === null || leanFloat(y) !== dtype) return undefined;
  const yb = LEAN_BUFFER.last;
  const n = lengthOf(x as FloatArray);
  const into = LEAN_OPTIONS.gradInto;
  if (lengthOf(y as FloatArray) !== n || (into !== undefined && !leanTarget(into, dtype, n, x as FloatArray, xb, y as FloatArray, yb))) return undefined;
  const k = wasmKernels(fn, module);
  if (!k) return undefined;
  const arena = callArena();
  const bytes = dtype === 'float32' ? 4 : 8;
  const outs = wantGrad ? grads : 0;
  // x, y and the gradients, as the general path's single block
  if (!place(arena, n * bytes, n * bytes, outs > 0 ? n * bytes : 0, outs > 1 ? n * bytes : 0, 0)) return undefined;
  try {
    const px = PTRS[0], py = PTRS[1], pg = PTRS[2], pgt = PTRS[3];
    const h = heap(dtype);
    copyIn(h, px, x as FloatArray, n);
    copyIn(h, py, y as FloatArray, n);
    leanCommit();
    const total = call(k, dtype, n, px, py, pg, pgt, sum ? 1 : 1 / n);
    const loss = roundTo(dtype, sum ? total : total / n);
    if (!wantGrad) return loss;
    const g = (into as FloatArray | undefined) ?? newFloat(dtype, n);
    copyOut(h, pg, n, g);
    const grad = into === undefined ? { data: g, shape: [n] } : writtenTensorOf(g, n, -1);
    if (grads === 1) return { loss, grad, grads: [grad] };
    const gt = newFloat(dtype, n);
    copyOut(h, pgt, n, gt);
    return { loss, grad, grads: [grad, { data: gt, shape: [n] }] };
  } finally {
    release(arena);
  }
}
