// ctcLoss: F.ctc_loss (pytorch-loss-spec.md §4.7). logProbs (T, N, C) or unbatched (T, C); targets
// padded (N, S) or concatenated (Σ targetLengths), (S) unbatched. One sample at a time, in f64
// (float32 input is widened: the α/β sums would otherwise lose float32's digits over long inputs).
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString, typeError } from '../errors';
import { checkOptions, integerOption, reductionOption, upstreamOption, withGrad, type LossAndGrads } from '../options';
import { ctcReference } from '../reference/ctc';
import { floatArg, indexArg, newFloat, roundTo } from '../tensor';
import type { FloatInput, GradOptions, IndexInput, Reduction, Tensor, WithGrad } from '../types';

export interface CtcLossOptions {
  /** The blank class. Default 0. */
  blank?: number;
  /** 'mean' (default) divides each sample's loss by its target length (at least 1), then averages. */
  reduction?: Reduction;
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
  const opts = checkOptions(fn, options, ['blank', 'reduction', 'zeroInfinity', 'gradOutput']);
  const x = floatArg(fn, 'logProbs', logProbs);
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
  const tShape = Array.isArray(targets) || ArrayBuffer.isView(targets) ? [t.size] : t.shape;
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
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  // ∂(reduced loss)/∂nll_n
  const scaleOf = (n: number) => reduction === 'none' ? up.tensor![n] : reduction === 'sum' ? up.scalar! : up.scalar! / (N * Math.max(tgLen[n], 1));
  const nll = new Float64Array(N);
  const grad = wantGrad ? newFloat(dtype, T * N * C) : null;
  const w = wasm(fn);
  for (let n = 0; n < N; n++) {
    const Tn = inLen[n];
    const labels = labelsOf[n];
    const g = wantGrad ? scaleOf(n) : 0;
    let rows: Float64Array | null = null; // the gradient rows (Tn × C), when computed
    if (w) {
      const { k, arena } = w;
      const mark = arena.mark();
      // The kernel sizes its scratch in float64; alloc refuses (RangeError) what the limit cannot hold.
      const scratch = arena.alloc(k.ctc_scratch_bytes(Tn, labels.length, C));
      const lp = arena.floats('float64', Tn * C);
      const pl = arena.copyInInt32(labels);
      const pg = wantGrad ? arena.floats('float64', Tn * C) : 0;
      // Read only now: these allocations may have grown memory, detaching a resident input's old view.
      const data = x.data;
      const view = arena.view('float64', lp, Tn * C);
      for (let s = 0; s < Tn; s++) view.set(data.subarray((s * N + n) * C, (s * N + n + 1) * C), s * C);
      nll[n] = k.f64_ctc_loss(Tn, C, lp, pl, labels.length, blank, pg, g, scratch);
      if (pg) rows = Float64Array.from(arena.view('float64', pg, Tn * C));
      arena.rewind(mark);
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
    const out = newFloat(dtype, N);
    out.set(nll);
    loss = { data: out, shape: outShape };
  } else {
    let sum = 0;
    for (let n = 0; n < N; n++) sum += reduction === 'sum' ? nll[n] : nll[n] / Math.max(tgLen[n], 1);
    loss = roundTo(dtype, reduction === 'sum' ? sum : sum / N);
  }
  return { loss, grads: grad ? [{ data: grad, shape: shape.slice() }] : [] };
}

/** F.ctc_loss: the negative log-likelihood of each target under all CTC alignments of logProbs. */
export function ctcLoss(logProbs: FloatInput, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number,
  options?: CtcLossOptions): number | Tensor {
  return ctc('ctcLoss', logProbs, targets, inputLengths, targetLengths, options, false).loss;
}
/** ctcLoss and PyTorch's gradient with respect to logProbs (which assumes they are log-softmax output). */
export function ctcLossWithGrad(logProbs: FloatInput, targets: IndexInput, inputLengths: IndexInput | number, targetLengths: IndexInput | number,
  options?: CtcLossOptions & GradOptions): WithGrad {
  return withGrad(ctc('ctcLossWithGrad', logProbs, targets, inputLengths, targetLengths, options, true), 'ctcLossWithGrad', options);
}
