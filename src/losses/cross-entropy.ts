// crossEntropy and nllLoss: F.cross_entropy and F.nll_loss (docs/semantics.md §3).
import { callArena, wasm, wasmKernels } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import { checkOptions, floatOfDtype, floatOption, gradScaling, integerOption, numberOption, reductionOption, upstreamOption, type CheckedOptions } from '../options';
import { directTarget, gradTargets, gradTensor, lossResult, outTarget, toDtype, withGrad, writtenTensorOf } from '../results';
import { crossEntropyReference, nllReference, type ClassProblem, type LossParts } from '../reference/cross-entropy';
import { callDtype, floatArg, halfOutput, indexArg, isFloatArray, readArg, roundTo, type FloatTensor, type IndexTensor } from '../tensor';
import { newFloat, sameShape, sizeOf } from '../shapes';
import { classRows } from '../wasm/class-rows';
import { fitsOneItem, input, output, outputOf, runCall, whole, type Target } from '../wasm/runtime';
import { copyIn, copyOut, heap, heapI32, place, PTRS, release } from '../wasm/direct';
import { generalInput, generalOptions, leanCommit, GRAD_INTO, LEAN_2D, LEAN_OPTIONS, leanInt32, leanMatrix, leanOptions, leanReduction, leanTarget, REDUCTION } from '../lean';
import { lengthOf } from '../wasm/views';
import type { FloatArray, FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad, Dtype } from '../types';
import type { GradTarget } from '../types';
import type { Loss, ResultArray } from '../types';
import { crossEntropyScratch, kernel } from '../wasm/kernels';
import { cross_entropy, nll } from '../wasm/modules/cross-entropy.args';
import { crossEntropyModule } from '../wasm/modules';

/**
 * Options of {@link nllLoss}.
 * @group Cross-entropy
 */
export interface NllLossOptions {
  /** Class weights, shape (C). */
  weight?: FloatInput;
  /** Targets equal to this are skipped (loss 0, no weight in the mean). Default -100. */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (no reduction: a tensor). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link crossEntropy}.
 * @group Cross-entropy
 */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: mixes the target with the uniform distribution. Default 0. */
  labelSmoothing?: number;
}

const NLL_OPTIONS = ['weight', 'ignoreIndex', 'reduction'] as const;
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
  opts: CheckedOptions;
}

/** Checks input, target and options; converts index targets to Int32 with -1 for ignored. */
function prepare(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: boolean): Prepared {
  const opts = checkOptions(fn, options, isCE ? CE_OPTIONS : NLL_OPTIONS, wantGrad);
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
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

  // looking at a revoked Proxy throws: readArg names the function and the argument
  if (isCE && readArg(fn, 'target', () => isFloatArrayInput(target) || isPlainProbabilities(target, x.shape))) {
    // Class probabilities: a float target of exactly the input's shape.
    const q = floatOfDtype(fn, 'target', target, dtype);
    const qShape = argShape(q, target);
    if (!sameShape(qShape, x.shape)) {
      throw rangeError(fn, `a float target holds class probabilities and must have the input's shape ${shapeString(x.shape)}; got ${shapeString(qShape)} (class indices need an integer array)`);
    }
    if (ignoreIndex >= 0) throw rangeError(fn, `options.ignoreIndex is not supported for probability targets (got ${ignoreIndex}); leave it negative`);
    problem.probs = q.data;
    return { problem, x, weight, probs: q, dtype, reduction, outShape: batched ? [N, ...spatial] : [], inputShape: x.shape, denominator: N * inner, opts };
  }

  const t = indexArg(fn, 'target', target);
  const expected = batched ? [N, ...spatial] : [];
  const tShape = t.shape;
  if (!sameShape(tShape, expected)) {
    if (batched && tShape[0] !== N) throw rangeError(fn, `Expected input batch_size (${N}) to match target batch_size (${tShape[0]}); target shape ${shapeString(tShape)}`);
    throw rangeError(fn, `target must have shape ${shapeString(expected)} for input of shape ${shapeString(x.shape)}; got ${shapeString(tShape)}${batched ? '' : " (an unbatched input takes a 0-d target: { data: [k], shape: [] })"}`);
  }
  const { targets, denominator } = classTargets(fn, t, C, ignoreIndex, weight?.data ?? null);
  problem.targets = targets;
  return { problem, x, weight, probs: undefined, dtype, reduction, outShape: expected, inputShape: x.shape, denominator, opts };
}

/**
 * The targets as Int32 class indices, -1 where ignored, each checked against [0, C); and the
 * 'mean' denominator, Σ weight[target] (or the count) over the used targets.
 */
function classTargets(fn: string, t: IndexTensor, C: number, ignoreIndex: number, weight: FloatArray | null): { targets: Int32Array; denominator: number } {
  const n = t.size;
  const outOfBounds = (i: number, v: number) => rangeError(fn, `Target ${v} is out of bounds: target[${i}] must be in [0, ${C}) or equal options.ignoreIndex (${ignoreIndex})`);
  let targets: Int32Array;
  let used = 0;
  const own = t.typed;
  if (own instanceof Int32Array && ignoreIndex < 0 && !(typeof SharedArrayBuffer !== 'undefined' && own.buffer instanceof SharedArrayBuffer)) {
    // the common case: checked in one tight loop and passed on as it is (the kernels ignore any
    // negative class, and a negative one other than ignoreIndex is refused here). Sound because
    // no code of the caller's runs between this check and the copy into wasm memory (`own` is
    // the library's own view, src/wasm/views.ts), and the buffer is not shared (another thread
    // could change it). A view of wasm memory was copied when read (indexArg).
    for (let i = 0; i < n; i++) {
      const v = own[i];
      if (v >>> 0 < C) used++;
      else if (v !== ignoreIndex) throw outOfBounds(i, v);
    }
    targets = own;
  } else {
    targets = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = own ? own[i] : t.at(i);
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

/**
 * A plain-array target (number[], nested, or the data of a tensor-like) holds class probabilities
 * when it has the input's shape: class indices never do (their shape lacks the class dim).
 */
function isPlainProbabilities(v: unknown, inputShape: readonly number[]): boolean {
  const plain = Array.isArray(v) || (isTensorInput(v) && Array.isArray((v as { data?: unknown }).data));
  if (!plain) return false;
  try {
    return sameShape(floatArg('', '', v).shape, inputShape);
  } catch {
    return false; // not a float array of some shape: indexArg says what is wrong
  }
}

/** The per-row losses of a call that reduces them (never read). */
const NO_LOSSES = new Float64Array(0);

/**
 * cross_entropy (isCE) or nll over the problem's rows. K-dim inputs (inner > 1) are gathered into
 * rows of C classes and scattered back (src/wasm/class-rows.ts). NLL's items are batch elements
 * while one fits: its kernel reads (C, inner) slices with its own strides, as they are (4-5x faster
 * at 8x21x64x64 than rows gathered in JS, where NLL's own work is small); a larger one (a
 * segmentation map) takes rows of C classes too (e = 1): any size fits. Float32 with probability
 * targets or label smoothing runs the float32 kernel too: its cancelling gradient takes e^(z-m)
 * and Σ e in f64 lanes (soft_row_f32, docs/accuracy.md).
 */
function classWasm(fn: string, prep: Prepared, isCE: boolean, wantGrad: boolean, gradRow: FloatArray | null, gradScale: number, into: Target | null): LossParts | null {
  const w = wasm(fn, crossEntropyModule);
  if (!w) return null;
  const { k, arena } = w;
  const { problem: p, x, dtype } = prep;
  const { N, C, inner } = p;
  // e: the inner positions an item holds (1: an item is a row of C classes)
  for (let e = isCE ? 1 : inner; ; e = 1) {
    const { gather, scatter } = classRows(C, e === 1 ? inner : 1);
    const rowLoss = isCE && prep.reduction !== 'none' ? null : output(e);
    const grad = wantGrad ? output(C * e, into, scatter) : null;
    const weight = prep.weight ? whole(prep.weight) : null;
    const upstream = gradRow ? input(e, gradRow) : null;
    const c = isCE
      ? cross_entropy(k, dtype, {
        C, logits: input(C, x, gather), targets: p.targets ? input(1, p.targets) : null, probs: prep.probs ? input(C, prep.probs, gather) : null,
        weight, rowLoss, grad, gradRow: upstream, smoothing: p.smoothing, gradScale,
      })
      : nll(k, dtype, { C, inner: e, input: input(C * e, x, gather), targets: input(e, p.targets!), weight, rowLoss, grad, gradRow: upstream, gradScale });
    if (e > 1 && !fitsOneItem(arena, c.dtype, c.operands)) continue;
    const r = runCall(arena, N * inner / e, c);
    return { elementLoss: rowLoss ? outputOf(c, r, rowLoss) : NO_LOSSES, total: r.total, grad: grad ? outputOf(c, r, grad) : null };
  }
}

/**
 * crossEntropy's lean form (src/lean.ts): (N, C) logits, Int32Array class indices all in [0, C),
 * 'mean' or 'sum', gradInto a bare array; one runtime block. Undefined when the call is not in it.
 */
function crossEntropyLean(fn: string, input: unknown, target: unknown, options: unknown, wantGrad: boolean): number | WithGrad | undefined {
  if (!leanOptions(options, wantGrad ? REDUCTION | GRAD_INTO : REDUCTION)) return undefined;
  const sum = leanReduction(LEAN_OPTIONS.reduction);
  if (sum < 0) return undefined; // before the input is read: a declined call hands on what was read
  const dtype = leanMatrix(input);
  if (dtype === null) return undefined;
  const x = LEAN_2D.data, N = LEAN_2D.rows, C = LEAN_2D.cols;
  const into = LEAN_OPTIONS.gradInto;
  if (!leanInt32(target) || lengthOf(target) !== N || (into !== undefined && !leanTarget(into, dtype, N * C, x, LEAN_2D.buffer, null, null))) return undefined;
  const k = wasmKernels(fn, crossEntropyModule);
  if (!k) return undefined;
  const arena = callArena();
  const bytes = dtype === 'float32' ? 4 : 8;
  // logits, targets, the gradient and the short rows' scratch, as the general path's single block
  if (!place(arena, N * C * bytes, N * 4, wantGrad ? N * C * bytes : 0, 0, crossEntropyScratch(C))) return undefined;
  try {
    const px = PTRS[0], pt = PTRS[1], pg = PTRS[2], ps = PTRS[4];
    const h = heap(dtype), hi = heapI32();
    copyIn(h, px, x, N * C);
    copyIn(hi, pt, target, N);
    // checked in our copy, which no other thread can change: an ignored or bad index takes the general path
    for (let i = pt >> 2, end = i + N; i < end; i++) if (hi[i] >>> 0 >= C) return undefined;
    leanCommit();
    const total = kernel(k, 'cross_entropy', dtype)(N, C, px, pt, 0, 0, 0, pg, 0, ps, 0, sum ? 1 : 1 / N);
    const loss = roundTo(dtype, sum ? total : total / N);
    if (!wantGrad) return loss;
    if (into === undefined) {
      const g = newFloat(dtype, N * C);
      copyOut(h, pg, N * C, g);
      const grad = { data: g, shape: [N, C] };
      return { loss, grad, grads: [grad] };
    }
    copyOut(h, pg, N * C, into as FloatArray);
    const grad = writtenTensorOf(into as FloatArray, N, C);
    return { loss, grad, grads: [grad] };
  } finally {
    release(arena);
  }
}

function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: true): WithGrad;
function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: false): { loss: number | Tensor };
function run(fn: string, input: FloatInput, target: IndexInput | FloatInput, options: unknown, isCE: boolean, wantGrad: boolean): WithGrad | { loss: number | Tensor } {
  const prep = prepare(fn, input, target, options, isCE, wantGrad);
  const { problem, dtype, reduction, outShape, denominator, opts } = prep;
  // the values as of now, every argument read: a getter of a later argument may have freed a
  // resident one (its data getter then throws, naming the call)
  problem.input = prep.x.data;
  if (prep.weight) problem.weight = prep.weight.data;
  if (prep.probs) problem.probs = prep.probs.data;
  const upstream = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, upstream, denominator);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  // the gradient goes straight into its options.gradInto target when it can (see directTarget), or a float16 call's new result
  const into = wantGrad ? directTarget(gradTargets(fn, opts, dtype, [prep.x.size]), 0, prep.x.size, [prep.x.data, prep.probs?.data, prep.weight?.data, gradRow]) ?? halfOutput(dtype, prep.x.size) : null;
  const parts = classWasm(fn, prep, isCE, wantGrad, gradRow, gradScale, into)
    ?? (isCE ? crossEntropyReference : nllReference)(problem, wantGrad, gradRow, gradScale);
  // PyTorch divides the nll sum and the smoothing sum by the weight sum apart: over a zero weight
  // sum (1-ε)·0/0 is NaN, even where the smoothing sum alone gives ±∞
  const total = reduction === 'mean' && denominator === 0 && problem.smoothing > 0 ? NaN : parts.total;
  const loss = lossResult(reduction, () => toDtype(parts.elementLoss, dtype), total, denominator, outShape, dtype, out);
  if (!wantGrad) return { loss };
  return withGrad({ loss, grads: [gradTensor(parts.grad!, prep.inputShape, dtype)], opts }, fn);
}

/**
 * F.cross_entropy: log-softmax over the class dimension, then the negative log-likelihood of the target class (or the cross-entropy with a target distribution), with PyTorch's `weight`, `ignoreIndex` and `labelSmoothing`.
 *
 * @param input - Logits, `(C)`, `(N, C)` or `(N, C, d1, …, dk)`.
 * @param target - Class indices (an integer array, `number[]`, or a tensor of one) of shape `()`, `(N)` or `(N, d1, …, dk)`; or class probabilities, a float tensor of the input's shape.
 * @param options - `weight` (per class, `(C)`), `ignoreIndex` (default -100), `labelSmoothing` (in [0, 1], default 0), `reduction` (default `'mean'`: weighted by the used targets' weights).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per sample (the target's shape). The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a class index is outside `[0, C)` and not `ignoreIndex`, the target's shape does not fit the input's, or an option's value is out of range.
 * @example
 * ```ts
 * import { crossEntropy } from 'simdloss';
 * const logits = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
 * const loss = crossEntropy(logits, [0, 1]); // 0.3974, a number
 * const perSample = crossEntropy(logits, [0, 1], { reduction: 'none' }).data; // Float32Array(2)
 * ```
 * @group Cross-entropy
 */
export function crossEntropy<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput | FloatInput<D>, options?: CrossEntropyOptions & { reduction?: R }): Loss<R, D>;
export function crossEntropy(input: FloatInput, target: IndexInput | FloatInput, options?: CrossEntropyOptions): number | Tensor {
  return (crossEntropyLean('crossEntropy', input, target, options, false) as number | undefined)
    ?? run('crossEntropy', generalInput(input) as FloatInput, target, generalOptions(options), true, false).loss;
}

/**
 * {@link crossEntropy} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link crossEntropy}.
 * @param target - As for {@link crossEntropy}.
 * @param options - The options of {@link crossEntropy}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link crossEntropy} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link crossEntropy} throws.
 * @example
 * ```ts
 * import { crossEntropyWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] };
 * const { loss, grad } = crossEntropyWithGrad(logits, new Int32Array([0, 1]));
 * grad.data; // (softmax(logits) - onehot(target)) / 2, a Float32Array(6)
 * ```
 * @group Cross-entropy
 */
export function crossEntropyWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput | FloatInput<D>, options?: CrossEntropyOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function crossEntropyWithGrad(input: FloatInput, target: IndexInput | FloatInput, options?: CrossEntropyOptions & GradOptions): WithGrad {
  return (crossEntropyLean('crossEntropyWithGrad', input, target, options, true) as WithGrad | undefined)
    ?? run('crossEntropyWithGrad', generalInput(input) as FloatInput, target, generalOptions(options), true, true);
}

/**
 * F.nll_loss: minus the log-probability of the target class, with PyTorch's `weight` and `ignoreIndex`.
 *
 * @param input - Log-probabilities (e.g. from {@link logSoftmax}), `(C)`, `(N, C)` or `(N, C, d1, …, dk)`.
 * @param target - Class indices (an integer array, `number[]`, or a tensor of one) of shape `()`, `(N)` or `(N, d1, …, dk)`.
 * @param options - `weight` (per class, `(C)`), `ignoreIndex` (default -100), `reduction` (default `'mean'`: weighted by the used targets' weights).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per sample (the target's shape). The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a class index is outside `[0, C)` and not `ignoreIndex`, or the target's shape does not fit the input's.
 * @example
 * ```ts
 * import { logSoftmax, nllLoss } from 'simdloss';
 * const logProbs = logSoftmax({ data: new Float64Array([2, 0.5, -1, 0.1, 1.2, 0.3]), shape: [2, 3] });
 * nllLoss(logProbs, [0, 1]); // 0.3974, as crossEntropy on the logits
 * ```
 * @group Cross-entropy
 */
export function nllLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: NllLossOptions & { reduction?: R }): Loss<R, D>;
export function nllLoss(input: FloatInput, target: IndexInput, options?: NllLossOptions): number | Tensor {
  return run('nllLoss', input, target, options, false, false).loss;
}

/**
 * {@link nllLoss} and its gradient (dInput), computed in one pass.
 *
 * @param input - As for {@link nllLoss}.
 * @param target - As for {@link nllLoss}.
 * @param options - The options of {@link nllLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link nllLoss} returns it; `grads` is `[dInput]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link nllLoss} throws.
 * @example
 * ```ts
 * import { nllLossWithGrad } from 'simdloss';
 * const logProbs = { data: new Float64Array([-0.2, -1.7, -3.2, -1.6, -0.5, -1.4]), shape: [2, 3] };
 * nllLossWithGrad(logProbs, [0, 1]).grad.data; // Float64Array [-0.5, 0, 0, 0, -0.5, 0]
 * ```
 * @group Cross-entropy
 */
export function nllLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: IndexInput, options?: NllLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function nllLossWithGrad(input: FloatInput, target: IndexInput, options?: NllLossOptions & GradOptions): WithGrad {
  return run('nllLossWithGrad', input, target, options, false, true);
}

