// ctcLoss: F.ctc_loss (docs/semantics.md §12). logProbs (T, N, C) or unbatched (T, C); targets
// padded (N, S) or concatenated (Σ targetLengths), (S) unbatched. One sample at a time, in f64
// (float32 input is widened: the α/β sums would otherwise lose float32's digits over long inputs).
import { wasm } from '../backend';
import { input, output, outputOf, run, whole, wholeScratch } from '../wasm/runtime';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, integerOption, reductionOption, upstreamOption } from '../options';
import { withGrad, type LossAndGrads, outTarget, placed } from '../results';
import { ctcReference } from '../reference/ctc';
import { callDtype, floatArg, indexArg, roundResult } from '../tensor';
import { newFloat } from '../shapes';
import type { FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';
import type { GradTarget } from '../types';
import type { FloatArray, Loss, ResultArray } from '../types';
import { ctcModule } from '../wasm/modules';
import { ctc_loss } from '../wasm/modules/ctc.args';

/**
 * Options of {@link ctcLoss}.
 * @group CTC
 */
export interface CtcLossOptions {
  /** The blank class. Default 0. */
  blank?: number;
  /** 'mean' (default) divides each sample's loss by its target length (at least 1), then averages. */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into (PyTorch's `out=`); the result's `data` is then that array. */
  out?: GradTarget;
  /** Infinite losses (impossible alignments) and their gradients become 0. Default false. */
  zeroInfinity?: boolean;
}

/**
 * Lengths: a number or an integer array (a 0-d tensor unbatched), one per sample, each an integer
 * in [0, max]. Checked as numbers before anything is narrowed to 32 bits (2^32 must not wrap to 0).
 */
function lengthsArg(fn: string, name: string, value: unknown, N: number, max: number): Int32Array {
  const values = typeof value === 'number' ? [value] : (() => {
    const t = indexArg(fn, name, value);
    return Array.from({ length: t.size }, (_, i) => t.at(i));
  })();
  if (typeof value === 'number' && !Number.isInteger(value)) throw rangeError(fn, `${name} must be integral; got ${value}`);
  if (values.length !== N) throw rangeError(fn, `${name} must be of size batch_size: expected ${N} lengths, got ${values.length}`);
  for (const v of values) {
    if (v < 0) throw rangeError(fn, `Expected ${name} to have value at least 0, but got value ${v}`);
    if (v > max) throw rangeError(fn, `Expected ${name} to have value at most ${max}, but got value ${v}`);
  }
  return Int32Array.from(values);
}

function ctc(fn: string, logProbs: FloatInput, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number,
  options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, ['blank', 'reduction', 'zeroInfinity'], wantGrad);
  const x = floatArg(fn, 'logProbs', logProbs, callDtype([logProbs], opts));
  const dtype = x.dtype;
  const shape = argShape(x, logProbs);
  if (shape.length !== 2 && shape.length !== 3) throw rangeError(fn, `logProbs must be (T, N, C) or unbatched (T, C); got shape ${shapeString(shape)}`);
  const batched = shape.length === 3;
  const [T, N, C] = batched ? shape : [shape[0], 1, shape[1]];
  const blank = integerOption(fn, 'blank', opts.blank, 0);
  if (blank < 0 || blank >= C) throw rangeError(fn, `blank must be in label range: got ${blank} for ${C} classes`);
  const zeroInfinity = opts.zeroInfinity ?? false;
  if (typeof zeroInfinity !== 'boolean') throw typeError(fn, 'options.zeroInfinity', 'a boolean', zeroInfinity);
  const reduction = reductionOption(fn, opts.reduction);
  const inLen = lengthsArg(fn, 'inputLengths', inputLengths, N, T);

  // Each sample's labels: a row of the padded (N, S) targets, or its span of the concatenation.
  const t = indexArg(fn, 'targets', targets);
  const tShape = t.shape;
  // Unbatched targets are the sample's labels exactly (PyTorch treats them as a concatenation of one).
  const padded = batched && tShape.length === 2;
  if (tShape.length !== (padded ? 2 : 1)) throw rangeError(fn, `targets must be (N, S) padded or concatenated 1-D${batched ? '' : ' (unbatched: the labels, (S))'}; got shape ${shapeString(tShape)}`);
  // No target can be longer than the targets hold (a length of 2^32 is refused, not wrapped).
  const tgLen = lengthsArg(fn, 'targetLengths', targetLengths, N, padded ? tShape[tShape.length - 1] : t.size);
  const maxLen = tgLen.reduce((m, v) => Math.max(m, v), 0);
  const total = tgLen.reduce((s, v) => s + v, 0);
  const S = padded ? tShape[tShape.length - 1] : t.size;
  if (padded && batched && tShape[0] !== N) throw rangeError(fn, `Expected tensor to have size ${N} at dimension 0, but got size ${tShape[0]} for argument #2 'targets'`);
  if (padded && S < maxLen) throw rangeError(fn, `Expected tensor to have size at least ${maxLen} at dimension ${tShape.length - 1}, but got size ${S} for argument #2 'targets'`);
  if (!padded && t.size !== total) throw rangeError(fn, `Expected tensor to have size ${total} at dimension 0, but got size ${t.size} for argument #2 'targets'`);
  const labelsOf: Int32Array[] = [];
  for (let n = 0, offset = 0; n < N; n++) {
    const start = padded ? n * S : offset;
    offset += tgLen[n];
    const labels = new Int32Array(tgLen[n]);
    for (let i = 0; i < labels.length; i++) {
      const v = t.at(start + i);
      // PyTorch reads out of bounds here (undefined result); we refuse.
      if (!(v >= 0 && v < C)) throw rangeError(fn, `targets[${start + i}] = ${v} is not a class index in [0, ${C})`);
      labels[i] = v;
    }
    labelsOf.push(labels);
  }

  const outShape = batched ? [N] : [];
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const target = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);
  // ∂(reduced loss)/∂nll_n
  const scaleOf = (n: number) => reduction === 'none' ? up.tensor![n] : reduction === 'sum' ? up.scalar! : up.scalar! / (N * Math.max(tgLen[n], 1));
  const nll = new Float64Array(N);
  const grad = wantGrad ? newFloat(dtype, T * N * C) : null;
  const w = wasm(fn, ctcModule);
  for (let n = 0; n < N; n++) {
    const Tn = inLen[n];
    const labels = labelsOf[n];
    const g = wantGrad ? scaleOf(n) : 0;
    let rows: Float64Array | null = null; // the gradient rows (Tn × C), when computed
    if (w) {
      const { k } = w;
      // One block of the whole sequence (the recursions run over all of it), widened to f64: the
      // sample's rows gathered from (T, N, C), its labels, the gradient rows and the scratch, whose
      // size the kernel gives in f64 (the runtime refuses, with a RangeError, what the limit cannot hold).
      const out = wantGrad ? output(C) : null;
      const c = ctc_loss(k, 'float64', {
        C, lp: input(C, x, (dst, data, s0, count) => {
          for (let s = 0; s < count; s++) dst.set(data.subarray(((s0 + s) * N + n) * C, ((s0 + s) * N + n + 1) * C), s * C);
        }),
        labels: whole(labels), L: labels.length, blank, grad: out, g,
        scratch: wholeScratch(k.ctc_scratch_bytes(Tn, labels.length, C)),
      });
      // the kernel's value as it returned it (-0 for an empty sequence and target, which run()'s sum would make +0)
      const r = run(w.arena, c.dtype, Tn, c.operands, (count, p) => (nll[n] = c.call(count, p)), Infinity, true);
      if (out) rows = outputOf(c, r, out) as Float64Array;
    } else {
      const data = x.data;
      const r = ctcReference((s, c) => data[(s * N + n) * C + c], Tn, C, labels, blank, wantGrad, g);
      nll[n] = r.nll;
      rows = r.grad;
    }
    if (nll[n] === Infinity && zeroInfinity) {
      nll[n] = 0;
      rows = null;
    }
    if (grad && rows) for (let s = 0; s < Tn; s++) grad.set(rows.subarray(s * C, (s + 1) * C), (s * N + n) * C);
  }

  let loss: number | Tensor;
  if (reduction === 'none') {
    const values = newFloat(dtype, N);
    values.set(nll);
    loss = placed(target, values, outShape);
  } else {
    let sum = 0;
    for (let n = 0; n < N; n++) sum += reduction === 'sum' ? nll[n] : nll[n] / Math.max(tgLen[n], 1);
    loss = roundResult(dtype, reduction === 'sum' ? sum : sum / N);
  }
  return { loss, grads: grad ? [{ data: grad, shape: shape.slice() }] : [], opts };
}

/**
 * F.ctc_loss: the negative log-likelihood of each target sequence under all CTC alignments of `logProbs` (Graves et al. 2006).
 *
 * @param logProbs - Log-probabilities over the classes (e.g. {@link logSoftmax} along dim 2), `(T, N, C)`, or `(T, C)` unbatched.
 * @param targets - Class indices in `[0, C)` other than the blank: padded, `(N, S)`, or concatenated, `(Σ targetLengths)`; `(S)` unbatched.
 * @param inputLengths - Each sample's number of time steps (at most T): `(N)`, or a number.
 * @param targetLengths - Each sample's target length: `(N)`, or a number.
 * @param options - `blank` (default 0), `reduction` (default `'mean'`: each loss divided by its target length, then averaged), `zeroInfinity` (impossible alignments give 0 instead of `Infinity`; default false).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, a tensor of one loss per sample, `(N)`. The default reduction is `'mean'`.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if a tensor's `shape` does not match its data's length, a label is outside `[0, C)`, a length is negative or longer than the data, or the shapes do not fit.
 * @example
 * ```ts
 * import { ctcLoss, logSoftmax } from 'simdloss';
 * const T = 5, N = 1, C = 3;
 * const logProbs = logSoftmax({ data: new Float32Array(T * N * C).map(Math.random), shape: [T, N, C] }, { dim: 2 });
 * ctcLoss(logProbs, { data: [1, 2], shape: [1, 2] }, [5], [2]); // a number
 * ```
 * @group CTC
 */
export function ctcLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(logProbs: FloatInput<D>, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number, options?: CtcLossOptions & { reduction?: R }): Loss<R, D>;
export function ctcLoss(logProbs: FloatInput, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number,
  options?: CtcLossOptions): number | Tensor {
  return ctc('ctcLoss', logProbs, targets, inputLengths, targetLengths, options, false).loss;
}
/**
 * {@link ctcLoss} and its gradient (dLogProbs), computed in one pass.
 *
 * @param logProbs - As for {@link ctcLoss}.
 * @param targets - As for {@link ctcLoss}.
 * @param inputLengths - As for {@link ctcLoss}.
 * @param targetLengths - As for {@link ctcLoss}.
 * @param options - The options of {@link ctcLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link ctcLoss} returns it; `grads` is `[dLogProbs]`, each of its argument's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link ctcLoss} throws.
 * @example
 * ```ts
 * import { ctcLossWithGrad, logSoftmax } from 'simdloss';
 * const T = 5, N = 1, C = 3;
 * const logProbs = logSoftmax({ data: new Float32Array(T * N * C).map(Math.random), shape: [T, N, C] }, { dim: 2 });
 * const { grad } = ctcLossWithGrad(logProbs, { data: [1, 2], shape: [1, 2] }, [5], [2]);
 * grad.shape; // [5, 1, 3] (PyTorch's gradient, which assumes log-softmax input)
 * ```
 * @group CTC
 */
export function ctcLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(logProbs: FloatInput<D>, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number, options?: CtcLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function ctcLossWithGrad(logProbs: FloatInput, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number,
  options?: CtcLossOptions & GradOptions): WithGrad {
  return withGrad(ctc('ctcLossWithGrad', logProbs, targets, inputLengths, targetLengths, options, true), 'ctcLossWithGrad');
}
