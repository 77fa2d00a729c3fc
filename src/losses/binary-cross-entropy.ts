// binaryCrossEntropy, binaryCrossEntropyWithLogits, multilabelSoftMarginLoss:
// F.binary_cross_entropy, F.binary_cross_entropy_with_logits, F.multilabel_soft_margin_loss
// (pytorch-loss-spec.md §4.11, §4.12, §4.16).
import { wasm } from '../backend';
import { argShape } from '../elementwise-loss';
import { rangeError, shapeString } from '../errors';
import {
  checkOptions, directTarget, floatOfDtype, floatOption, gradScaling, gradTargets, gradTensor, lossResult, reductionOption, toDtype,
  upstreamOption, withGrad, type LossAndGrads,
} from '../options';
import { bceReference, bceWithLogitsReference } from '../reference/binary-cross-entropy';
import type { LossParts } from '../reference/cross-entropy';
import { broadcastShapes, current, expandTo, floatArg, newFloat, sameShape, sizeOf, type FloatTensor } from '../tensor';
import type { Dtype, FloatArray, FloatInput, GradOptions, Reduction, Tensor, WithGrad } from '../types';
import { runElementwise, type Operand } from '../wasm/chunks';

export interface BinaryCrossEntropyOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: FloatInput;
  reduction?: Reduction;
}

export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /** Weight of the positive term; broadcasts to the input's shape (usually (C), the last dim). */
  posWeight?: FloatInput;
}

/** An optional tensor that must broadcast to `shape`, materialized to it (as an Operand). */
function broadcastOperand(fn: string, name: string, value: unknown, shape: number[], dtype: Dtype): Operand | null {
  const t = floatOption(fn, name, value, dtype);
  if (!t) return null;
  const own = argShape(t, value);
  let out: number[];
  try {
    out = broadcastShapes(fn, `options.${name}`, own, 'input', shape);
  } catch {
    out = [];
  }
  if (!sameShape(out, shape)) {
    throw rangeError(fn, `options.${name} of shape ${shapeString(own)} must broadcast to the input's shape ${shapeString(shape)}`);
  }
  if (sameShape(own, shape)) return t.resident ? { data: t.data, resident: t.resident } : { data: t.data };
  return { data: expandTo(t.data, own, shape, dtype) };
}

interface Prepared {
  x: FloatTensor;
  t: FloatTensor;
  shape: number[];
  dtype: Dtype;
  reduction: Reduction;
  weight: Operand | null;
  posWeight: Operand | null;
}

function prepare(fn: string, input: FloatInput, target: FloatInput, options: unknown, logits: boolean): Prepared {
  const opts = checkOptions(fn, options, logits ? ['weight', 'posWeight', 'reduction', 'gradOutput'] : ['weight', 'reduction', 'gradOutput']);
  const x = floatArg(fn, 'input', input);
  const dtype = x.dtype;
  const t = floatOfDtype(fn, 'target', target, dtype);
  const shape = argShape(x, input);
  if (!sameShape(argShape(t, target), shape)) {
    throw rangeError(fn, `target must have the input's shape ${shapeString(shape)}; got ${shapeString(argShape(t, target))}`);
  }
  const reduction = reductionOption(fn, opts.reduction);
  const weight = broadcastOperand(fn, 'weight', opts.weight, shape, dtype);
  const posWeight = logits ? broadcastOperand(fn, 'posWeight', opts.posWeight, shape, dtype) : null;
  if (!logits) {
    // PyTorch raises for inputs outside [0, 1] (NaN included) and, since 2.x, for such targets.
    const xs = x.data;
    for (let i = 0; i < xs.length; i++) {
      if (!(xs[i] >= 0 && xs[i] <= 1)) throw rangeError(fn, `all elements of input should be between 0 and 1; input[${i}] = ${xs[i]}`);
    }
    const ts = t.data;
    for (let i = 0; i < ts.length; i++) {
      if (!(ts[i] >= 0 && ts[i] <= 1)) throw rangeError(fn, `all elements of target should be between 0 and 1; target[${i}] = ${ts[i]}`);
    }
  }
  return { x, t, shape, dtype, reduction, weight, posWeight };
}

/** Per-element losses (and dℓ/dx, into `into` when given) of BCE or BCE with logits, on the active backend. */
function elementwise(fn: string, p: Prepared, logits: boolean, wantLoss: boolean, wantGrad: boolean, gradRow: FloatArray | null, gradScale: number, into: FloatArray | null): LossParts {
  const w = wasm(fn);
  if (w) {
    const { k, arena } = w;
    const f32 = p.dtype === 'float32';
    const operand = (t: FloatTensor): Operand => (t.resident ? { data: t.data, resident: t.resident } : { data: t.data });
    const r = runElementwise(arena, p.dtype, p.x.size, [operand(p.x), operand(p.t), p.weight, p.posWeight],
      { loss: wantLoss, grads: wantGrad ? 1 : 0, gradRow, into: [into] },
      (n, [x, t, wt, pw], loss, [grad = 0], gr) => logits
        ? (f32 ? k.f32_bce_logits : k.f64_bce_logits)(n, x, t, wt, pw, loss, grad, gr, gradScale)
        : (f32 ? k.f32_bce : k.f64_bce)(n, x, t, wt, loss, grad, gr, gradScale));
    return { elementLoss: r.elementLoss ?? new Float64Array(0), total: r.total, grad: r.grads[0] ?? null };
  }
  const wData = p.weight ? p.weight.data : null;
  return logits
    ? bceWithLogitsReference(current(p.x), current(p.t), wData, p.posWeight ? p.posWeight.data : null, wantGrad, gradRow, gradScale)
    : bceReference(current(p.x), current(p.t), wData, wantGrad, gradRow, gradScale);
}

function runBce(fn: string, input: FloatInput, target: FloatInput, options: unknown, logits: boolean, wantGrad: boolean): LossAndGrads {
  const p = prepare(fn, input, target, options, logits);
  const n = p.x.size;
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, p.reduction === 'none' ? p.shape : null, p.dtype);
  const { gradRow, gradScale } = gradScaling(p.reduction, up, n);
  const into = wantGrad ? directTarget(gradTargets(fn, options, p.dtype, [n]), 0, n, [p.x.data, p.t.data, p.weight?.data, p.posWeight?.data, gradRow]) : null;
  const parts = elementwise(fn, p, logits, p.reduction === 'none', wantGrad, gradRow, gradScale, into);
  const loss = lossResult(p.reduction, () => toDtype(parts.elementLoss, p.dtype), parts.total, n, p.shape, p.dtype);
  const grads = wantGrad ? [gradTensor(parts.grad!, p.shape, p.dtype)] : [];
  return { loss, grads };
}

/** F.binary_cross_entropy: `input` holds probabilities in [0, 1]; each log term is clamped at -100. */
export function binaryCrossEntropy(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions): number | Tensor {
  return runBce('binaryCrossEntropy', input, target, options, false, false).loss;
}

/** binaryCrossEntropy and its gradient with respect to `input`. */
export function binaryCrossEntropyWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions & GradOptions): WithGrad {
  return withGrad(runBce('binaryCrossEntropyWithGrad', input, target, options, false, true), 'binaryCrossEntropyWithGrad', options);
}

/** F.binary_cross_entropy_with_logits: sigmoid and BCE in one stable step, for logits of any size. */
export function binaryCrossEntropyWithLogits(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyWithLogitsOptions): number | Tensor {
  return runBce('binaryCrossEntropyWithLogits', input, target, options, true, false).loss;
}

/** binaryCrossEntropyWithLogits and its gradient with respect to `input`. */
export function binaryCrossEntropyWithLogitsWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyWithLogitsOptions & GradOptions): WithGrad {
  return withGrad(runBce('binaryCrossEntropyWithLogitsWithGrad', input, target, options, true, true), 'binaryCrossEntropyWithLogitsWithGrad', options);
}

function runMultilabel(fn: string, input: FloatInput, target: FloatInput, options: unknown, wantGrad: boolean): LossAndGrads {
  // Per element BCE-with-logits (weighted), averaged over the last (class) dim, then reduced over rows.
  const p = prepare(fn, input, target, options, true);
  const C = p.shape.length === 0 ? 1 : p.shape[p.shape.length - 1];
  const rowShape = p.shape.slice(0, -1);
  const rows = sizeOf(rowShape);
  const up = upstreamOption(fn, wantGrad ? (options as GradOptions | undefined)?.gradOutput : undefined, p.reduction === 'none' ? rowShape : null, p.dtype);
  // The upstream of row r reaches each of its C elements divided by C.
  let gradRow: FloatArray | null = null;
  let gradScale = 1 / C;
  if (up.tensor) {
    gradRow = newFloat(p.dtype, p.x.size);
    for (let r = 0; r < rows; r++) gradRow.fill(up.tensor[r], r * C, (r + 1) * C);
  } else {
    gradScale = (up.scalar! / C) * (p.reduction === 'mean' ? 1 / rows : 1);
  }
  const into = wantGrad ? directTarget(gradTargets(fn, options, p.dtype, [p.x.size]), 0, p.x.size, [p.x.data, p.t.data, p.weight?.data]) : null;
  const parts = elementwise(fn, p, true, p.reduction === 'none', wantGrad, gradRow, gradScale, into);
  const rowLoss = () => {
    const out = newFloat(p.dtype, rows);
    const e = parts.elementLoss;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += e[r * C + c];
      out[r] = s / C;
    }
    return out;
  };
  const loss = lossResult(p.reduction, rowLoss, parts.total / C, rows, rowShape, p.dtype);
  const grads = wantGrad ? [gradTensor(parts.grad!, p.shape, p.dtype)] : [];
  return { loss, grads };
}

/** F.multilabel_soft_margin_loss: the class dim is the last; 'none' gives one loss per row. */
export function multilabelSoftMarginLoss(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions): number | Tensor {
  return runMultilabel('multilabelSoftMarginLoss', input, target, options, false).loss;
}

/** multilabelSoftMarginLoss and its gradient with respect to `input`. */
export function multilabelSoftMarginLossWithGrad(input: FloatInput, target: FloatInput, options?: BinaryCrossEntropyOptions & GradOptions): WithGrad {
  return withGrad(runMultilabel('multilabelSoftMarginLossWithGrad', input, target, options, true), 'multilabelSoftMarginLossWithGrad', options);
}
