// crossEntropy and nllLoss: F.cross_entropy and F.nll_loss (pytorch-loss-spec.md §4.5, §4.6).
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import {
  checkOptions, directTarget, floatOfDtype, floatOption, gradScaling, gradTargets, gradTensor, integerOption, lossResult,
  numberOption, reductionOption, toDtype, upstreamOption, withGrad,
} from '../options';
import { crossEntropyReference, nllReference, type ClassProblem, type LossParts } from '../reference/cross-entropy';
import { current, floatArg, indexArg, isFloatArray, newFloat, sameShape, sizeOf, type FloatTensor, type IndexTensor } from '../tensor';
import { chunkCapacity, forChunks } from '../wasm/chunks';
import type { FloatArray, FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad, Dtype } from '../types';

export interface NllLossOptions {
  /** Class weights, shape (C). */
  weight?: FloatInput;
  /** Targets equal to this are skipped (loss 0, no weight in the mean). Default -100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: mixes the target with the uniform distribution. Default 0. */
  labelSmoothing?: number;
}

const NLL_OPTIONS = ['weight', 'ignoreIndex', 'reduction', 'gradOutput'] as const;
const CE_OPTIONS = [...NLL_OPTIONS, 'labelSmoothing'] as const;

interface Prepared {
  problem: ClassProblem;
  x: FloatTensor;
  weight?: FloatTensor;
  probs?: FloatTensor;
  dtype: Dtype;
  reduction: Reduction;
  /** Shape of the 'none' result: the target's (index) or the input's without the class dim. */
  outShape: number[];
  inputShape: number[];
  /** Denominator of 'mean': Σ w[t] over used targets (index) or N·d1·…·dk (probabilities). */
  denominator: number;
}

/** Checks input, target and options; converts index targets to Int32 with -1 for ignored. */
function prepare(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean): Prepared {
  const opts = checkOptions(fn, options, isCE ? CE_OPTIONS : NLL_OPTIONS);
  const x = floatArg(fn, 'input', input);
  if (x.shape.length === 0) throw rangeError(fn, `input must have 1 or more dimensions, (C), (N, C) or (N, C, d1, ..., dk); got shape []`);
  const dtype = x.dtype;
  const batched = x.shape.length >= 2;
  const C = batched ? x.shape[1] : x.shape[0];
  const N = batched ? x.shape[0] : 1;
  const spatial = batched ? x.shape.slice(2) : [];
  const inner = sizeOf(spatial);
  const reduction = reductionOption(fn, opts.reduction);
  const ignoreIndex = integerOption(fn, 'ignoreIndex', opts.ignoreIndex, -100);
  const smoothing = isCE
    ? numberOption(fn, 'labelSmoothing', opts.labelSmoothing, 0, (e) => e >= 0 && e <= 1, 'a number in [0, 1]')
    : 0;
  const weight = floatOption(fn, 'weight', opts.weight, dtype);
  if (weight && (weight.shape.length !== 1 || weight.size !== C)) {
    throw rangeError(fn, `options.weight must have shape [${C}] (one weight per class); got ${shapeString(weight.shape)}`);
  }
  const problem: ClassProblem = { N, C, inner, input: x.data, targets: null, probs: null, weight: weight?.data ?? null, smoothing };

  if (isCE && isFloatArrayInput(target)) {
    // Class probabilities: a float target of exactly the input's shape.
    const q = floatOfDtype(fn, 'target', target, dtype);
    const qShape = argShape(q, target);
    if (!sameShape(qShape, x.shape)) {
      throw rangeError(fn, `a float target holds class probabilities and must have the input's shape ${shapeString(x.shape)}; got ${shapeString(qShape)} (class indices need an integer array)`);
    }
    if (ignoreIndex >= 0) throw rangeError(fn, `options.ignoreIndex is not supported for probability targets (got ${ignoreIndex}); leave it negative`);
    problem.probs = q.data;
    return { problem, x, weight, probs: q, dtype, reduction, outShape: batched ? [N, ...spatial] : [], inputShape: x.shape, denominator: N * inner };
  }

  const t = indexArg(fn, 'target', target);
  const expected = batched ? [N, ...spatial] : [];
  const tShape = isTensorInput(target) ? t.shape : [t.size];
  if (!sameShape(tShape, expected)) {
    if (batched && tShape[0] !== N) throw rangeError(fn, `Expected input batch_size (${N}) to match target batch_size (${tShape[0]}); target shape ${shapeString(tShape)}`);
    throw rangeError(fn, `target must have shape ${shapeString(expected)} for input of shape ${shapeString(x.shape)}; got ${shapeString(tShape)}${batched ? '' : " (an unbatched input takes a 0-d target: { data: [k], shape: [] })"}`);
  }
  const { targets, denominator } = classTargets(fn, t, C, ignoreIndex, weight?.data ?? null);
  problem.targets = targets;
  return { problem, x, weight, dtype, reduction, outShape: expected, inputShape: x.shape, denominator };
}

/**
 * The targets as Int32 class indices, -1 where ignored, each checked against [0, C); and the
 * 'mean' denominator, Σ weight[target] (or the count) over the used targets.
 */
function classTargets(fn: string, t: IndexTensor, C: number, ignoreIndex: number, weight: FloatArray | null): { targets: Int32Array; denominator: number } {
  const n = t.size;
  const targets = new Int32Array(n);
  const outOfBounds = (i: number, v: number) => rangeError(fn, `Target ${v} is out of bounds: target[${i}] must be in [0, ${C}) or equal options.ignoreIndex (${ignoreIndex})`);
  let used = 0;
  if (t.typed instanceof Int32Array) {
    // the common case: copied whole, then checked in one tight loop (about twice as fast)
    targets.set(t.typed);
    for (let i = 0; i < n; i++) {
      const v = targets[i];
      if (v === ignoreIndex) targets[i] = -1;
      else if (v >>> 0 >= C) throw outOfBounds(i, v);
      else used++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = t.typed ? t.typed[i] : t.at(i);
      if (v === ignoreIndex) targets[i] = -1;
      else if (!(v >= 0 && v < C)) throw outOfBounds(i, v);
      else {
        targets[i] = v;
        used++;
      }
    }
  }
  if (!weight) return { targets, denominator: used };
  let denominator = 0;
  for (let i = 0; i < n; i++) if (targets[i] >= 0) denominator += weight[targets[i]];
  return { targets, denominator };
}

function isTensorInput(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v);
}

function isFloatArrayInput(v: unknown): boolean {
  return isFloatArray(v) || (isTensorInput(v) && isFloatArray((v as { data?: unknown }).data));
}

/** Rows [r0, r0 + count) of (N, C, inner) as (count, C), each row's classes contiguous. */
function gatherRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const r = r0 + i;
    const n = Math.floor(r / inner);
    const base = n * C * inner + (r - n * inner);
    for (let c = 0; c < C; c++) dst[i * C + c] = src[base + c * inner];
  }
}

/** The inverse of gatherRows: (count, C) back into rows [r0, r0 + count) of (N, C, inner). */
function scatterRows(src: ArrayLike<number>, dst: FloatArray, C: number, inner: number, r0: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const r = r0 + i;
    const n = Math.floor(r / inner);
    const base = n * C * inner + (r - n * inner);
    for (let c = 0; c < C; c++) dst[base + c * inner] = src[i * C + c];
  }
}

/** Rows shorter than this use the kernel's across-rows path, which needs scratch (assembly SMALL_C). */
const SMALL_C = 32;

function crossEntropyWasm(fn: string, prep: Prepared, wantGrad: boolean, gradRow: FloatArray | null, gradScale: number, into: FloatArray | null): LossParts | null {
  const wantRows = prep.reduction === 'none';
  const w = wasm(fn);
  if (!w) return null;
  const { k, arena } = w;
  const { problem: p, x, dtype } = prep;
  const { N, C, inner } = p;
  const rows = N * inner;
  const bytes = dtype === 'float32' ? 4 : 8;
  const run = dtype === 'float32' ? k.f32_cross_entropy : k.f64_cross_entropy;
  const weight = prep.weight ? arena.input(prep.weight) : 0;
  const scratch = C < SMALL_C ? arena.alloc((C + 4) * 16) : 0;
  // Logits already in wasm memory with contiguous rows are read in place.
  const inPlace = x.resident !== undefined && inner === 1;
  const perRow = bytes * (C * ((inPlace ? 0 : 1) + (p.probs ? 1 : 0) + (wantGrad ? 1 : 0)) + 1 + (gradRow ? 1 : 0)) + 4 + 32;
  // A single chunk's outputs are sliced straight out of wasm memory (no zero-filled array first).
  const single = rows <= chunkCapacity(arena, perRow) && inner === 1;
  let elementLoss = newFloat(dtype, wantRows && !single ? rows : 0);
  let grad = wantGrad && !single ? into ?? newFloat(dtype, rows * C) : null;
  let total = 0;
  forChunks(arena, rows, perRow, (r0, count) => {
    const size = count * C;
    // Short rows are read and written one vector past the last row: pad (assembly gather_block).
    const pad = C < SMALL_C ? 16 : 0;
    const logits = inPlace ? x.resident!.ptr + r0 * C * bytes : arena.alloc(size * bytes + pad);
    const probs = p.probs ? arena.floats(dtype, size) : 0;
    const targets = p.targets ? arena.copyInInt32(p.targets.subarray(r0, r0 + count)) : 0;
    const rowLoss = wantRows ? arena.floats(dtype, count) : 0;
    const g = wantGrad ? arena.alloc(size * bytes + pad) : 0;
    const upstream = gradRow ? arena.copyIn(dtype, gradRow.subarray(r0, r0 + count)) : 0;
    // Read the arguments only now: this chunk's allocations may have moved resident views.
    const input = current(x);
    const q = prep.probs ? current(prep.probs) : null;
    if (inner === 1) {
      if (!inPlace) arena.view(dtype, logits, size).set(input.subarray(r0 * C, r0 * C + size));
      if (q) arena.view(dtype, probs, size).set(q.subarray(r0 * C, r0 * C + size));
    } else {
      gatherRows(input, arena.view(dtype, logits, size), C, inner, r0, count);
      if (q) gatherRows(q, arena.view(dtype, probs, size), C, inner, r0, count);
    }
    total += run(count, C, logits, targets, probs, weight, rowLoss, g, upstream, scratch, p.smoothing, gradScale);
    if (single) {
      if (wantRows) elementLoss = arena.copyOut(dtype, rowLoss, count);
      if (wantGrad) {
        if (into) into.set(arena.view(dtype, g, size));
        grad = into ?? arena.copyOut(dtype, g, size);
      }
      return;
    }
    if (wantRows) elementLoss.set(arena.view(dtype, rowLoss, count), r0);
    if (grad) {
      if (inner === 1) grad.set(arena.view(dtype, g, size), r0 * C);
      else scatterRows(arena.view(dtype, g, size), grad, C, inner, r0, count);
    }
  });
  if (rows === 0 && wantGrad) grad = into ?? newFloat(dtype, 0);
  return { elementLoss, total, grad };
}

function nllWasm(fn: string, prep: Prepared, wantGrad: boolean, gradRow: FloatArray | null, gradScale: number, into: FloatArray | null): LossParts | null {
  const w = wasm(fn);
  if (!w) return null;
  const { k, arena } = w;
  const { problem: p, x, dtype } = prep;
  const { N, C, inner } = p;
  const bytes = dtype === 'float32' ? 4 : 8;
  const run = dtype === 'float32' ? k.f32_nll : k.f64_nll;
  const weight = prep.weight ? arena.input(prep.weight) : 0;
  const slice = C * inner; // one batch element of the input
  const inPlace = x.resident !== undefined;
  const perItem = bytes * (slice * ((inPlace ? 0 : 1) + (wantGrad ? 1 : 0)) + inner * (1 + (gradRow ? 1 : 0))) + 4 * inner;
  const elementLoss = newFloat(dtype, N * inner);
  const grad = wantGrad ? into ?? newFloat(dtype, N * slice) : null;
  let total = 0;
  forChunks(arena, N, perItem, (n0, count) => {
    const input = inPlace ? x.resident!.ptr + n0 * slice * bytes : arena.copyIn(dtype, p.input.subarray(n0 * slice, (n0 + count) * slice));
    const targets = arena.copyInInt32(p.targets!.subarray(n0 * inner, (n0 + count) * inner));
    const rowLoss = arena.floats(dtype, count * inner);
    const g = grad ? arena.floats(dtype, count * slice) : 0;
    const upstream = gradRow ? arena.copyIn(dtype, gradRow.subarray(n0 * inner, (n0 + count) * inner)) : 0;
    total += run(count, C, inner, input, targets, weight, rowLoss, g, upstream, gradScale);
    elementLoss.set(arena.view(dtype, rowLoss, count * inner), n0 * inner);
    if (grad) grad.set(arena.view(dtype, g, count * slice), n0 * slice);
  });
  return { elementLoss, total, grad };
}

function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: true): WithGrad;
function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: false): { loss: number | Tensor };
function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: boolean): WithGrad | { loss: number | Tensor } {
  const prep = prepare(fn, input, target, options, isCE);
  const { problem, dtype, reduction, outShape, denominator } = prep;
  const opts = (options ?? {}) as GradOptions;
  const upstream = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, upstream, denominator);
  // the gradient goes straight into its options.gradInto target when it can (see directTarget)
  const into = wantGrad ? directTarget(gradTargets(fn, options, dtype, [prep.x.size]), 0, prep.x.size, [prep.x.data, prep.probs?.data, prep.weight?.data, gradRow]) : null;
  const parts = isCE
    ? crossEntropyWasm(fn, prep, wantGrad, gradRow, gradScale, into) ?? crossEntropyReference(problem, wantGrad, gradRow, gradScale)
    : nllWasm(fn, prep, wantGrad, gradRow, gradScale, into) ?? nllReference(problem, wantGrad, gradRow, gradScale);
  const loss = lossResult(reduction, () => toDtype(parts.elementLoss, dtype), parts.total, denominator, outShape, dtype);
  if (!wantGrad) return { loss };
  return withGrad({ loss, grads: [gradTensor(parts.grad!, prep.inputShape, dtype)] }, fn, options);
}

/**
 * F.cross_entropy: log-softmax over the class dim, then NLL. `input` is (C), (N, C) or
 * (N, C, d1, …, dk) logits; `target` class indices of shape (), (N) or (N, d1, …, dk), or class
 * probabilities of the input's shape (a float target).
 */
export function crossEntropy(input: FloatInput, target: IndexInput | FloatInput, options?: CrossEntropyOptions): number | Tensor {
  return run('crossEntropy', input, target, options, true, false).loss;
}

/** crossEntropy and its gradient with respect to `input`. */
export function crossEntropyWithGrad(input: FloatInput, target: IndexInput | FloatInput, options?: CrossEntropyOptions & GradOptions): WithGrad {
  return run('crossEntropyWithGrad', input, target, options, true, true);
}

/** F.nll_loss: `input` holds log-probabilities, (C), (N, C) or (N, C, d1, …, dk). */
export function nllLoss(input: FloatInput, target: IndexInput, options?: NllLossOptions): number | Tensor {
  return run('nllLoss', input, target, options, false, false).loss;
}

/** nllLoss and its gradient with respect to `input`. */
export function nllLossWithGrad(input: FloatInput, target: IndexInput, options?: NllLossOptions & GradOptions): WithGrad {
  return run('nllLossWithGrad', input, target, options, false, true);
}

