// diceLoss, generalizedDiceLoss, tverskyLoss: MONAI 1.3.2's DiceLoss, GeneralizedDiceLoss and
// TverskyLoss (monai/losses/dice.py, monai/losses/tversky.py; docs/semantics.md §17).
// Two passes over the elements (assembly/kernels/dice.ts): the activation and the per-(item, class)
// sums Σ p·g, Σ p, Σ g; then, from each class's derivative of the small formula below with
// respect to those sums, every element's gradient.
import { wasm } from '../backend';
import { argShape, floatOrLabels } from '../elementwise-loss';
import { describe, rangeError, shapeString, typeError } from '../errors';
import { checkOptions, floatOfDtype, gradScaling, numberOption, reductionOption, upstreamOption, type CheckedOptions } from '../options';
import { gradTensor, lossResult, outTarget, toDtype, withGrad, type LossAndGrads } from '../results';
import { diceBackwardReference, diceForwardReference, type DiceActivation } from '../reference/dice';
import { callDtype, field, floatArg, indexArg, isFloatArray, readArg, type FloatTensor } from '../tensor';
import { sameShape, sizeOf } from '../shapes';
import type { FloatArray, FloatInput, GradOptions, GradTarget, IndexInput, Loss, Reduction, ResultArray, Tensor, WithGrad } from '../types';
import { kernel } from '../wasm/kernels';
import { diceModule } from '../wasm/modules';
import { input as operandIn, output, outputOf, run as runKernel, runCall, scratch, type Gather, type Scatter } from '../wasm/runtime';
import { dice_backward, dice_forward, dice_forward_dice_backward } from '../wasm/modules/dice.args';
import { wasmView } from '../wasm/views';

/**
 * The options {@link diceLoss}, {@link generalizedDiceLoss} and {@link tverskyLoss} share (MONAI's names in camelCase).
 * @group Dice
 */
export interface DiceCommonOptions {
  /** Apply a sigmoid to the input first. Default false. */
  sigmoid?: boolean;
  /** Apply a softmax over the channels (dim 1) first; ignored for one channel (as MONAI). Default false. Not with `sigmoid`. */
  softmax?: boolean;
  /** Keep channel 0; false drops it (ignored for one channel, as MONAI). Default true. */
  includeBackground?: boolean;
  /** The target is class indices `(B, 1, spatial…)`, made one-hot over the input's C channels (ignored for one channel, as MONAI). Default false. */
  toOnehotY?: boolean;
  /** Added to the numerator. Default 1e-5. */
  smoothNr?: number;
  /** Added to the denominator. Default 1e-5. */
  smoothDr?: number;
  /** Sum the intersection and union over the batch too before dividing (one value per class). Default false. */
  batch?: boolean;
  /** `'mean'` (default), `'sum'` or `'none'` (MONAI's shape: see each function). */
  reduction?: Reduction;
  /** With `reduction: 'none'`: a Float32Array/Float64Array or WasmTensor of the result's size and the call's dtype to write the result into; the result's `data` is then that array. */
  out?: GradTarget;
}

/**
 * Options of {@link diceLoss}.
 * @group Dice
 */
export interface DiceLossOptions extends DiceCommonOptions {
  /** Σ p² and Σ g² in the denominator instead of Σ p and Σ g. Default false. */
  squaredPred?: boolean;
  /** The Jaccard (soft IoU) form, MONAI's (2I + smoothNr)/(2(G + P − I) + smoothDr). Default false. */
  jaccard?: boolean;
  /** Per-class weight of the loss: a number for every class or one per class kept (C, or C − 1 without the background); ≥ 0. Ignored when one class is kept (as MONAI). */
  weight?: number | FloatInput;
}

/**
 * Options of {@link generalizedDiceLoss}.
 * @group Dice
 */
export interface GeneralizedDiceLossOptions extends DiceCommonOptions {
  /** The class weight from the target volume G: `'square'` 1/G² (default), `'simple'` 1/G, `'uniform'` 1; computed in float32 as MONAI. */
  wType?: 'square' | 'simple' | 'uniform';
}

/**
 * Options of {@link tverskyLoss}.
 * @group Dice
 */
export interface TverskyLossOptions extends DiceCommonOptions {
  /** Weight of the false positives. Default 0.5. */
  alpha?: number;
  /** Weight of the false negatives. Default 0.5. */
  beta?: number;
}

type Kind = 'dice' | 'generalized' | 'tversky';

const COMMON = ['sigmoid', 'softmax', 'includeBackground', 'toOnehotY', 'smoothNr', 'smoothDr', 'batch', 'reduction'];
const OWN: Record<Kind, string[]> = { dice: ['squaredPred', 'jaccard', 'weight'], generalized: ['wType'], tversky: ['alpha', 'beta'] };
const W_TYPES = ['square', 'simple', 'uniform'] as const;

function booleanOption(fn: string, opts: CheckedOptions, name: string, fallback: boolean): boolean {
  const value = opts[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw typeError(fn, `options.${name}`, 'a boolean', value);
  return value;
}

/** DiceLoss's weight as one number per kept class (Cp), or null; checked only when Cp > 1, as MONAI. */
function diceWeight(fn: string, value: unknown, dtype: FloatTensor['dtype'], Cp: number): Float64Array | null {
  if (value === undefined || value === null) return null;
  let w: Float64Array;
  if (typeof value === 'number') w = new Float64Array(Cp).fill(value);
  else {
    const t = floatOfDtype(fn, 'options.weight', value, dtype);
    const shape = argShape(t, value);
    if (shape.length > 1) throw rangeError(fn, `options.weight must be a number or one weight per class (1-D); got shape ${shapeString(shape)}`);
    const data = t.data; // read now: no allocation has happened yet
    if (shape.length === 0) w = new Float64Array(Cp).fill(data[0]);
    else {
      if (Cp !== 1 && data.length !== Cp) {
        throw rangeError(fn, `options.weight must hold one weight per class kept (${Cp}${Cp === 0 ? '' : ', without the background when includeBackground is false'}); got ${data.length}`);
      }
      w = Float64Array.from(data);
    }
  }
  if (Cp === 1) return null; // MONAI ignores the weight when one class is left
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) throw rangeError(fn, `options.weight must be >= 0 (every value); got ${w[i]} at ${i}`);
  }
  return w;
}

/** GeneralizedDiceLoss's w_func of a class's target volume, in float32 (MONAI: w_func(ground_o.float())). */
function gdlWeight(g: number, wType: string): number {
  const g32 = Math.fround(g);
  if (wType === 'square') return Math.fround(1 / Math.fround(g32 * g32));
  if (wType === 'simple') return Math.fround(1 / g32);
  return 1;
}

/**
 * GeneralizedDiceLoss's w for one row of n classes (G at off): MONAI sets the infinite weights to
 * 0 and then adds the largest weight to them. Returns w0 (w_func's), the final w and the row's
 * max and whether each was infinite, for the target's gradient.
 */
function gdlWeights(G: Float64Array, off: number, n: number, wType: string) {
  const w0 = new Float64Array(n), w = new Float64Array(n);
  const inf = new Uint8Array(n);
  let m = -Infinity;
  let arg = 0;
  for (let c = 0; c < n; c++) {
    w0[c] = gdlWeight(G[off + c], wType);
    inf[c] = w0[c] === Infinity || w0[c] === -Infinity ? 1 : 0;
    const v = inf[c] ? 0 : w0[c];
    // torch.max: the first largest, NaN wins
    if (Number.isNaN(v) ? !Number.isNaN(m) : v > m) {
      m = v;
      arg = c;
    }
  }
  for (let c = 0; c < n; c++) w[c] = Math.fround((inf[c] ? 0 : w0[c]) + inf[c] * m);
  return { w0, w, inf, m, arg };
}

interface Parsed {
  x: FloatTensor;
  shape: number[];
  B: number;
  C: number;
  S: number;
  /** The first class kept: 1 when the background is dropped. */
  c0: number;
  act: DiceActivation;
  /** A float target of the input's shape, or class labels (B·S int32). */
  t: FloatTensor | null;
  labels: Int32Array | null;
  /** Whether the target gets a gradient (a float target used as it is). */
  targetGrad: boolean;
}

/** The checks every function of the family makes, in MONAI's order of effects: activation, one-hot, background. */
function parse(fn: string, input: FloatInput, target: unknown, opts: CheckedOptions): Parsed {
  const x = floatArg(fn, 'input', input, callDtype([input, target], opts));
  const dtype = x.dtype;
  const shape = argShape(x, input);
  // a float target (a typed float array or plain numbers) gets a gradient; integers are labels.
  // Looked at before the input's shape is judged: a target that cannot be read is named first
  const isFloat = readArg(fn, 'target', () => {
    const inner = typeof target === 'object' && target !== null && !ArrayBuffer.isView(target) && !Array.isArray(target) ? field(target, 'data') : undefined;
    return isFloatArray(target) || Array.isArray(target) || isFloatArray(inner) || Array.isArray(inner);
  });
  if (shape.length < 3) throw rangeError(fn, `input must have shape (B, C, spatial…) with at least one spatial dim; got ${shapeString(shape)}`);
  const [B, C] = shape;
  const S = sizeOf(shape.slice(2));
  const sigmoid = booleanOption(fn, opts, 'sigmoid', false);
  const softmax = booleanOption(fn, opts, 'softmax', false);
  if (sigmoid && softmax) throw rangeError(fn, 'options.sigmoid and options.softmax cannot both be true (MONAI: "Incompatible values")');
  const toOnehotY = booleanOption(fn, opts, 'toOnehotY', false);
  const includeBackground = booleanOption(fn, opts, 'includeBackground', true);
  // MONAI ignores softmax, toOnehotY and includeBackground: false for a single channel
  const act: DiceActivation = sigmoid ? 1 : softmax && C !== 1 ? 2 : 0;
  const c0 = !includeBackground && C !== 1 ? 1 : 0;
  if (toOnehotY && C !== 1) {
    // class indices: integers read as they are (one pass), or floats truncated as MONAI's labels.long()
    const idx = isFloat ? null : indexArg(fn, 'target', target);
    const ft = isFloat ? floatOfDtype(fn, 'target', target, dtype) : null;
    const tShape = ft ? argShape(ft, target) : ArrayBuffer.isView(target) ? [idx!.size] : idx!.shape;
    const want = [B, 1, ...shape.slice(2)];
    if (!sameShape(tShape, want)) {
      throw rangeError(fn, `with toOnehotY the target holds class indices and must have shape ${shapeString(want)}; got ${shapeString(tShape)}`);
    }
    const values = ft ? ft.data : idx!.typed;
    const labels = new Int32Array(B * S);
    for (let i = 0; i < labels.length; i++) {
      const raw = values ? values[i] : idx!.at(i);
      const v = Math.trunc(raw);
      if (!(v >= 0 && v < C)) throw rangeError(fn, `target[${i}] is ${raw}; class indices must be in [0, ${C}) (the input has ${C} channels)`);
      labels[i] = v;
    }
    return { x, shape, B, C, S, c0, act, t: null, labels, targetGrad: false };
  }
  const y = floatOrLabels(fn, 'target', target, dtype);
  if (!sameShape(y.shape, shape)) {
    throw rangeError(fn, `target must have the input's shape ${shapeString(shape)}${toOnehotY ? '' : ' (class indices need toOnehotY)'}; got ${shapeString(y.shape)}`);
  }
  return { x, shape, B, C, S, c0, act, t: y.t, labels: null, targetGrad: isFloat };
}

/**
 * The spatial chunk K (a divisor of S) that the runtime's items span: an item is one batch item's C
 * channels × K elements, about 16 Ki values, so that a volume of any size runs in cache-sized blocks
 * under the memory limit. K = S when S is that small, or has no divisor near it (a large prime).
 */
function chunkOf(C: number, S: number): number {
  const target = Math.max(1, Math.floor(16384 / Math.max(C, 1)));
  if (S <= target) return S;
  for (let k = target; k >= Math.ceil(target / 8); k--) if (S % k === 0) return k;
  return S;
}

/** Items (b, j) of C rows of K: chunk j of each channel of batch item b, gathered from the (B, C, S) layout. */
function chunkGather(C: number, S: number, K: number): Gather | null {
  if (K === S) return null;
  const m = S / K;
  return (dst, src, start, count) => {
    for (let i = 0; i < count; i++) {
      const b = Math.floor((start + i) / m), o = ((start + i) % m) * K;
      for (let c = 0; c < C; c++) dst.set(src.subarray((b * C + c) * S + o, (b * C + c) * S + o + K), (i * C + c) * K);
    }
  };
}

/** The inverse of chunkGather: an item's C rows of K back to their place in (B, C, S). */
function chunkScatter(C: number, S: number, K: number): Scatter | null {
  if (K === S) return null;
  const m = S / K;
  return (src, result, start, count) => {
    for (let i = 0; i < count; i++) {
      const b = Math.floor((start + i) / m), o = ((start + i) % m) * K;
      for (let c = 0; c < C; c++) result.set(src.subarray((i * C + c) * K, (i * C + c + 1) * K), (b * C + c) * S + o);
    }
  };
}

/** The per-(item, class) sums (Σ p·g, Σ p or Σ p², Σ g or Σ g²), B·C·3 values. */
function forward(fn: string, q: Parsed, squared: boolean): Float64Array {
  const { x, B, C, S, act, t, labels } = q;
  const w = B * C * S > 0 ? wasm(fn, diceModule) : null;
  if (!w) return diceForwardReference(x.data, { t: t ? t.data : null, labels }, B, C, S, act, squared).sums;
  const K = chunkOf(C, S), m = S / K;
  const sumsOut = output(3 * C);
  const c = dice_forward(w.k, 'float64', {
    C, S: K, x: operandIn(C * K, x, chunkGather(C, S, K)), t: t ? operandIn(C * K, t, chunkGather(C, S, K)) : null, labels: labels ? operandIn(K, labels) : null,
    p: act ? scratch(C * K) : null, sums: sumsOut, act, squared,
  });
  const r = runCall(w.arena, B * m, c);
  const chunks = outputOf(c, r, sumsOut);
  if (m === 1) return chunks as Float64Array;
  const sums = new Float64Array(B * C * 3);
  for (let i = 0; i < B * m; i++) {
    const o = Math.floor(i / m) * C * 3;
    for (let k = 0; k < C * 3; k++) sums[o + k] += chunks[i * C * 3 + k];
  }
  return sums;
}

/** dx (and dt for a float target) from coef: (kI, kP, kG) per (item, class); the activation is computed again. */
function backward(fn: string, q: Parsed, coef: Float64Array, squared: boolean): { dx: ArrayLike<number>; dt: ArrayLike<number> | null } {
  const { x, B, C, S, act, t, labels, targetGrad } = q;
  const w = B * C * S > 0 ? wasm(fn, diceModule) : null;
  if (!w) {
    const g = { t: t ? t.data : null, labels };
    const { p } = diceForwardReference(x.data, g, B, C, S, act, squared);
    return diceBackwardReference(p, g, coef, B, C, S, act, squared, targetGrad);
  }
  const K = chunkOf(C, S), m = S / K;
  // every chunk of a batch item takes the item's coefficients
  let items = coef;
  if (m > 1) {
    items = new Float64Array(B * m * C * 3);
    for (let i = 0; i < B * m; i++) items.set(coef.subarray(Math.floor(i / m) * C * 3, (Math.floor(i / m) + 1) * C * 3), i * C * 3);
  }
  const X = operandIn(C * K, x, chunkGather(C, S, K)), T = t ? operandIn(C * K, t, chunkGather(C, S, K)) : null, L = labels ? operandIn(K, labels) : null;
  const P = act ? scratch(C * K) : null;
  const dx = output(C * K, null, chunkScatter(C, S, K)), dt = targetGrad ? output(C * K, null, chunkScatter(C, S, K)) : null;
  const bwd = { C, S: K, x: X, p: P, t: T, labels: L, coef: operandIn(3 * C, items), dx, dt, act, squared };
  // with an activation, p again first, into scratch
  const c = act ? dice_forward_dice_backward(w.k, 'float64', { C, S: K, x: X, t: T, labels: L, p: P, sums: scratch(3 * C), act, squared }, bwd) : dice_backward(w.k, 'float64', bwd);
  const r = runCall(w.arena, B * m, c);
  return { dx: outputOf(c, r, dx), dt: dt ? outputOf(c, r, dt) : null };
}

function run(kind: Kind, fn: string, input: FloatInput, target: unknown, options: unknown, wantGrad: boolean): LossAndGrads {
  const opts = checkOptions(fn, options, [...COMMON, ...OWN[kind]], wantGrad);
  const q = parse(fn, input, target, opts);
  const { shape, B, C, c0, x } = q;
  const dtype = x.dtype;
  const Cp = C - c0;
  const smoothNr = numberOption(fn, 'smoothNr', opts.smoothNr, 1e-5, Number.isFinite, 'a finite number');
  const smoothDr = numberOption(fn, 'smoothDr', opts.smoothDr, 1e-5, Number.isFinite, 'a finite number');
  const batch = booleanOption(fn, opts, 'batch', false);
  const reduction = reductionOption(fn, opts.reduction);
  const squared = kind === 'dice' && booleanOption(fn, opts, 'squaredPred', false);
  const jaccard = kind === 'dice' && booleanOption(fn, opts, 'jaccard', false);
  const weight = kind === 'dice' ? diceWeight(fn, opts.weight, dtype, Cp) : null;
  const alpha = kind === 'tversky' ? numberOption(fn, 'alpha', opts.alpha, 0.5, Number.isFinite, 'a finite number') : 0;
  const beta = kind === 'tversky' ? numberOption(fn, 'beta', opts.beta, 0.5, Number.isFinite, 'a finite number') : 0;
  let wType = 'square';
  if (kind === 'generalized' && opts.wType !== undefined) {
    if (typeof opts.wType !== 'string' || !(W_TYPES as readonly string[]).includes(opts.wType)) {
      throw rangeError(fn, `options.wType must be one of 'square', 'simple', 'uniform'; got ${describe(opts.wType)}`);
    }
    wType = opts.wType;
  }
  // Rows of the formula: one per item, or one for the whole batch; each has Cp classes.
  const R = batch ? 1 : B;
  const ones = shape.slice(2).map(() => 1);
  const outShape = kind === 'generalized' ? [R, ...(batch ? [] : [1]), ...ones]
    : kind === 'dice' ? [...(batch ? [] : [B]), Cp, ...ones]
      : batch ? [Cp] : [B, Cp];
  const count = kind === 'generalized' ? R : R * Cp;
  const up = upstreamOption(fn, wantGrad ? opts.gradOutput : undefined, reduction === 'none' ? outShape : null, dtype);
  const { gradRow, gradScale } = gradScaling(reduction, up, count);
  const out = outTarget(fn, opts, dtype, reduction === 'none' ? outShape : null);

  // I, P, G per (row, kept class); f per result value; ∂(Σ upstream·f)/∂(I, P, G) per (row, class)
  const I = new Float64Array(R * Cp), P = new Float64Array(R * Cp), G = new Float64Array(R * Cp);
  const f = new Float64Array(count);
  const kI = wantGrad ? new Float64Array(R * Cp) : null, kP = wantGrad ? new Float64Array(R * Cp) : null, kG = wantGrad ? new Float64Array(R * Cp) : null;
  const u = (i: number) => (gradRow ? gradRow[i] : gradScale);
  /** Adds items [b0, b0 + n)'s sums (at sums[0..]) into I, P, G. */
  const addSums = (sums: ArrayLike<number>, b0: number, n: number) => {
    for (let b = 0; b < n; b++) {
      for (let c = 0; c < Cp; c++) {
        const o = (b * C + c + c0) * 3;
        const at = (batch ? 0 : (b0 + b) * Cp) + c;
        I[at] += sums[o];
        P[at] += sums[o + 1];
        G[at] += sums[o + 2];
      }
    }
  };
  /** The loss formula of rows [r0, r1): f and the coefficients. */
  const formula = (r0: number, r1: number) => {
    for (let r = r0; r < r1; r++) {
      const o = r * Cp;
      if (kind === 'generalized') {
        const { w0, w, inf, m, arg } = gdlWeights(G, o, Cp, wType);
        let sn = 0, sd = 0;
        for (let c = 0; c < Cp; c++) {
          sn += I[o + c] * w[c];
          sd += (G[o + c] + P[o + c]) * w[c];
        }
        const numer = 2 * sn + smoothNr, denom = sd + smoothDr;
        f[r] = 1 - numer / denom;
        if (!kI) continue;
        const dn = -u(r) / denom, dd = u(r) * numer / (denom * denom);
        for (let c = 0; c < Cp; c++) {
          kI[o + c] = dn * 2 * w[c];
          kP![o + c] = kG![o + c] = dd * w[c];
        }
        if (q.targetGrad && wType !== 'uniform') gdlWeightGrad(kG!, o, Cp, I, G, P, w0, inf, m, arg, dn, dd, batch, wType);
        continue;
      }
      for (let i = o; i < o + Cp; i++) {
        if (kind === 'dice') {
          const D = jaccard ? 2 * (G[i] + P[i] - I[i]) : G[i] + P[i];
          const N = 2 * I[i] + smoothNr, Q = D + smoothDr;
          const wc = weight ? weight[i - o] : 1;
          f[i] = (1 - N / Q) * wc;
          if (!kI) continue;
          const g = u(i) * wc;
          const dD = g * N / (Q * Q); // ∂f/∂D
          kI[i] = -2 * g / Q + (jaccard ? -2 * dD : 0);
          kP![i] = kG![i] = jaccard ? 2 * dD : dD;
        } else {
          const N = I[i] + smoothNr;
          const Q = I[i] + alpha * (P[i] - I[i]) + beta * (G[i] - I[i]) + smoothDr;
          f[i] = 1 - N / Q;
          if (!kI) continue;
          const g = u(i);
          const dQ = g * N / (Q * Q);
          kI[i] = -g / Q + dQ * (1 - alpha - beta);
          kP![i] = dQ * alpha;
          kG![i] = dQ * beta;
        }
      }
    }
  };
  /** The kernel's coefficients of items [b0, b0 + n) into coef[0..]: zero for a dropped background. */
  const coefficients = (coef: Float64Array, b0: number, n: number) => {
    coef.fill(0, 0, n * C * 3);
    for (let b = 0; b < n; b++) {
      for (let c = 0; c < Cp; c++) {
        const at = (batch ? 0 : (b0 + b) * Cp) + c;
        const o = (b * C + c + c0) * 3;
        coef[o] = kI![at];
        coef[o + 1] = kP![at];
        coef[o + 2] = kG![at];
      }
    }
  };

  let grads: Tensor[] = [];
  // one pass when each batch item is one chunk (see fusedPass); else sums, then gradients
  const fused = wantGrad && !batch && chunkOf(C, q.S) === q.S ? fusedPass(fn, q, squared, (sums, coef, b0, n) => {
    addSums(sums, b0, n);
    formula(b0, b0 + n);
    coefficients(coef, b0, n);
  }) : null;
  if (fused) {
    grads = [gradTensor(fused.dx, shape, dtype)];
    if (fused.dt) grads.push(gradTensor(fused.dt, shape, dtype));
  } else {
    addSums(forward(fn, q, squared), 0, B);
    formula(0, R);
    if (kI) {
      const coef = new Float64Array(B * C * 3);
      coefficients(coef, 0, B);
      const { dx, dt } = backward(fn, q, coef, squared);
      grads = [gradTensor(dx, shape, dtype)];
      if (dt) grads.push(gradTensor(dt, shape, dtype));
    }
  }
  let total = 0;
  for (let i = 0; i < count; i++) total += f[i];
  const loss = lossResult(reduction, () => toDtype(f, dtype), total, count, outShape, dtype, out);
  return { loss, grads, opts };
}

/**
 * Without `batch`, and when a batch item is one chunk (chunkOf), each item's gradient needs only
 * its own sums: one runtime pass does the forward,
 * the formula (`between`, given the block's sums and filling its coefficients) and the backward of
 * each block while it is in cache, and nothing of p leaves wasm memory. Null on the js backend.
 */
function fusedPass(fn: string, q: Parsed, squared: boolean,
  between: (sums: Float64Array, coef: Float64Array, b0: number, n: number) => void): { dx: ArrayLike<number>; dt: ArrayLike<number> | null } | null {
  const { x, B, C, S, act, t, labels, targetGrad } = q;
  const w = B * C * S > 0 ? wasm(fn, diceModule) : null;
  if (!w) return null;
  // positional: the one block function that is not named calls alone, since it reads wasm memory
  // between its two kernels (and so is not replayable)
  const fwd = kernel(w.k, 'dice_forward', 'float64');
  const bwd = kernel(w.k, 'dice_backward', 'float64');
  const r = runKernel(w.arena, 'float64', B, [
    operandIn(C * S, x), t ? operandIn(C * S, t) : null, labels ? operandIn(S, labels) : null,
    act ? scratch(C * S) : null, scratch(3 * C), scratch(3 * C), output(C * S), targetGrad ? output(C * S) : null,
  ], (count, [px, pt, pl, pp, ps, pc, pdx, pdt], start) => {
    fwd(count, C, S, px, pt, pl, pp, ps, act, squared ? 1 : 0);
    // views made here, after the call's allocations (the runtime allocates before the first block)
    between(wasmView('float64', ps, count * 3 * C) as Float64Array, wasmView('float64', pc, count * 3 * C) as Float64Array, start, count);
    bwd(count, C, S, px, pp, pt, pl, pc, pdx, pdt, act, squared ? 1 : 0);
    return 0;
  });
  return { dx: r.outputs[0], dt: targetGrad ? r.outputs[1] : null };
}

/**
 * The generalized Dice loss's gradient through its class weights w(G) into kG, as PyTorch's
 * autograd gives it for MONAI's code: w is float32 (w_func(ground_o.float())), so ∂loss/∂w is
 * rounded to float32 and w's backward runs in float32; the infinite weights pass theirs to the
 * largest weight (torch.max: the first one per item, or shared among the ties with `batch`) and
 * get none themselves (they were overwritten), which reciprocal's backward turns into NaN (0·∞):
 * a class with no target gets a NaN target gradient, as under autograd.
 */
function gdlWeightGrad(kG: Float64Array, o: number, n: number, I: Float64Array, G: Float64Array, P: Float64Array,
  w0: Float64Array, inf: Uint8Array, m: number, arg: number, dn: number, dd: number, batch: boolean, wType: string): void {
  const f32 = Math.fround;
  const gw = new Float64Array(n);
  let gm = 0;
  for (let c = 0; c < n; c++) {
    // intersection·w and denominator·w each give w a float32 gradient; autograd adds them in float32
    gw[c] = f32(f32(dn * 2 * I[o + c]) + f32(dd * (G[o + c] + P[o + c])));
    if (inf[c]) gm = f32(gm + gw[c]);
  }
  if (batch) {
    let ties = 0;
    for (let c = 0; c < n; c++) if ((inf[c] ? 0 : w0[c]) === m) ties++;
    const share = f32(gm / ties);
    for (let c = 0; c < n; c++) if ((inf[c] ? 0 : w0[c]) === m) gw[c] = f32(gw[c] + share);
  } else if (n > 0) {
    gw[arg] = f32(gw[arg] + gm);
  }
  for (let c = 0; c < n; c++) {
    const g32 = f32(G[o + c]);
    // reciprocal's backward, -grad·w²: an infinite weight's zero gradient gives NaN (0·∞), as
    // autograd does; then 1/G² through G·G (both factors: twice)
    const gr = f32(-(inf[c] ? 0 : gw[c]) * f32(w0[c] * w0[c]));
    kG[o + c] += wType === 'square' ? 2 * f32(gr * g32) : gr;
  }
}

/**
 * MONAI's `DiceLoss`: per item and class (or per class with `batch`), `1 − (2·Σ p·g + smoothNr) / (Σ g + Σ p + smoothDr)`,
 * p the prediction after the activation, g the target (one-hot with `toOnehotY`), sums over the spatial dims (and the batch with `batch`).
 *
 * @param input - `(B, C, spatial…)`: probabilities, or logits with `sigmoid` or `softmax`; at least one spatial dim.
 * @param target - The input's shape (a float target, which gets a gradient), or with `toOnehotY` class indices `(B, 1, spatial…)`.
 * @param options - MONAI's options in camelCase: `sigmoid`, `softmax`, `includeBackground` (default true), `toOnehotY`, `squaredPred`, `jaccard`, `smoothNr`, `smoothDr` (default 1e-5), `batch`, `weight`, `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, MONAI's shape `(B, C′, 1, …)` (`(C′, 1, …)` with `batch`), C′ the classes kept.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if the shapes do not fit, a class index is out of range, `sigmoid` and `softmax` are both set, or `weight` has the wrong length or a negative value.
 * @example
 * ```ts
 * import { diceLoss } from 'simdloss';
 * const input = { data: new Float32Array([0.9, 0.8, 0.1, 0.2]), shape: [1, 1, 4] };
 * const target = { data: new Float32Array([1, 1, 0, 0]), shape: [1, 1, 4] };
 * diceLoss(input, target); // 1 - (2·1.7 + 1e-5)/(2 + 2 + 1e-5) = 0.15
 * ```
 * @group Dice
 */
export function diceLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: DiceLossOptions & { reduction?: R }): Loss<R, D>;
export function diceLoss(input: FloatInput, target: FloatInput | IndexInput, options?: DiceLossOptions): number | Tensor {
  return run('dice', 'diceLoss', input, target, options, false).loss;
}

/**
 * {@link diceLoss} and its gradients, with respect to the input and, for a float target, the target.
 *
 * @param input - As for {@link diceLoss}.
 * @param target - As for {@link diceLoss}.
 * @param options - The options of {@link diceLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link diceLoss} returns it; `grads` is `[dInput]`, or `[dInput, dTarget]` for a float target, each of the input's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link diceLoss} throws.
 * @example
 * ```ts
 * import { diceLossWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1, 0.5, -2, 1, 0]), shape: [1, 2, 3] };
 * const labels = { data: new Int32Array([0, 1, 1]), shape: [1, 1, 3] };
 * const { grad } = diceLossWithGrad(logits, labels, { softmax: true, toOnehotY: true });
 * grad.shape; // [1, 2, 3]
 * ```
 * @group Dice
 */
export function diceLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: DiceLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function diceLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: DiceLossOptions & GradOptions): WithGrad {
  return withGrad(run('dice', 'diceLossWithGrad', input, target, options, true), 'diceLossWithGrad');
}

/**
 * MONAI's `GeneralizedDiceLoss` (Sudre et al. 2017): per item (or once with `batch`), `1 − (2·Σ_c w_c·I_c + smoothNr) / (Σ_c w_c·(G_c + P_c) + smoothDr)`,
 * with class weights w_c = 1/G_c² (`wType`), computed in float32 as MONAI; an infinite weight (a class with no target) becomes the largest of the others.
 *
 * @param input - `(B, C, spatial…)`: probabilities, or logits with `sigmoid` or `softmax`; at least one spatial dim.
 * @param target - The input's shape (a float target, which gets a gradient), or with `toOnehotY` class indices `(B, 1, spatial…)`.
 * @param options - `sigmoid`, `softmax`, `includeBackground` (default true), `toOnehotY`, `wType` (default `'square'`), `smoothNr`, `smoothDr` (default 1e-5), `batch`, `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, MONAI's shape `(B, 1, 1, …)` (`(1, 1, …)`, one dim fewer, with `batch`).
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if the shapes do not fit, a class index is out of range, `sigmoid` and `softmax` are both set, or `wType` is unknown.
 * @example
 * ```ts
 * import { generalizedDiceLoss } from 'simdloss';
 * const input = { data: new Float64Array([0.9, 0.1, 0.1, 0.9]), shape: [1, 2, 2] };
 * generalizedDiceLoss(input, { data: new Int32Array([0, 1]), shape: [1, 1, 2] }, { toOnehotY: true }); // 0.1
 * ```
 * @group Dice
 */
export function generalizedDiceLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: GeneralizedDiceLossOptions & { reduction?: R }): Loss<R, D>;
export function generalizedDiceLoss(input: FloatInput, target: FloatInput | IndexInput, options?: GeneralizedDiceLossOptions): number | Tensor {
  return run('generalized', 'generalizedDiceLoss', input, target, options, false).loss;
}

/**
 * {@link generalizedDiceLoss} and its gradients, with respect to the input and, for a float target, the target (through the class weights too).
 *
 * @param input - As for {@link generalizedDiceLoss}.
 * @param target - As for {@link generalizedDiceLoss}.
 * @param options - The options of {@link generalizedDiceLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link generalizedDiceLoss} returns it; `grads` is `[dInput]`, or `[dInput, dTarget]` for a float target, each of the input's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link generalizedDiceLoss} throws.
 * @example
 * ```ts
 * import { generalizedDiceLossWithGrad } from 'simdloss';
 * const logits = { data: new Float32Array([2, -1, 0.5, -2, 1, 0]), shape: [1, 2, 3] };
 * const labels = { data: new Int32Array([0, 1, 1]), shape: [1, 1, 3] };
 * const { grad } = generalizedDiceLossWithGrad(logits, labels, { softmax: true, toOnehotY: true });
 * grad.shape; // [1, 2, 3]
 * ```
 * @group Dice
 */
export function generalizedDiceLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: GeneralizedDiceLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function generalizedDiceLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: GeneralizedDiceLossOptions & GradOptions): WithGrad {
  return withGrad(run('generalized', 'generalizedDiceLossWithGrad', input, target, options, true), 'generalizedDiceLossWithGrad');
}

/**
 * MONAI's `TverskyLoss` (Salehi et al. 2017): per item and class (or per class with `batch`), `1 − (TP + smoothNr) / (TP + α·FP + β·FN + smoothDr)`,
 * TP = Σ p·g, FP = Σ p·(1 − g), FN = Σ (1 − p)·g over the spatial dims (and the batch with `batch`).
 *
 * @param input - `(B, C, spatial…)`: probabilities, or logits with `sigmoid` or `softmax`; at least one spatial dim.
 * @param target - The input's shape (a float target, which gets a gradient), or with `toOnehotY` class indices `(B, 1, spatial…)`.
 * @param options - `sigmoid`, `softmax`, `includeBackground` (default true), `toOnehotY`, `alpha`, `beta` (default 0.5), `smoothNr`, `smoothDr` (default 1e-5), `batch`, `reduction` (default `'mean'`).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns A number for `'mean'` and `'sum'`; for `'none'`, MONAI's shape `(B, C′)` (`(C′)` with `batch`), C′ the classes kept.
 * @throws TypeError if an argument is not a tensor of the expected kind, the float arguments' dtypes differ, or an option is unknown or of the wrong type.
 * @throws RangeError if the shapes do not fit, a class index is out of range, or `sigmoid` and `softmax` are both set.
 * @example
 * ```ts
 * import { tverskyLoss } from 'simdloss';
 * const input = { data: new Float32Array([0.9, 0.8, 0.1, 0.2]), shape: [1, 1, 4] };
 * const target = { data: new Float32Array([1, 1, 0, 0]), shape: [1, 1, 4] };
 * tverskyLoss(input, target, { alpha: 0.3, beta: 0.7 }); // 1 - 1.7/(1.7 + 0.3·0.3 + 0.7·0.3) = 0.15
 * ```
 * @group Dice
 */
export function tverskyLoss<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: TverskyLossOptions & { reduction?: R }): Loss<R, D>;
export function tverskyLoss(input: FloatInput, target: FloatInput | IndexInput, options?: TverskyLossOptions): number | Tensor {
  return run('tversky', 'tverskyLoss', input, target, options, false).loss;
}

/**
 * {@link tverskyLoss} and its gradients, with respect to the input and, for a float target, the target.
 *
 * @param input - As for {@link tverskyLoss}.
 * @param target - As for {@link tverskyLoss}.
 * @param options - The options of {@link tverskyLoss}, and {@link GradOptions}: `gradOutput` (the upstream gradient) and `gradInto` (arrays to write the gradients into).
 * @typeParam D - The float arguments' array type, which results keep (Float32Array in, Float32Array out).
 * @typeParam R - The `reduction` passed (or the default), which picks a number or a tensor.
 * @returns `{ loss, grad, grads }`: `loss` as {@link tverskyLoss} returns it; `grads` is `[dInput]`, or `[dInput, dTarget]` for a float target, each of the input's shape and the call's dtype; `grad` is `grads[0]`.
 * @throws TypeError or RangeError if `gradOutput` or `gradInto` has the wrong type, dtype or size; and whatever {@link tverskyLoss} throws.
 * @example
 * ```ts
 * import { tverskyLossWithGrad } from 'simdloss';
 * const input = { data: new Float32Array([0.9, 0.8, 0.1, 0.2]), shape: [1, 1, 4] };
 * const target = { data: new Float32Array([1, 1, 0, 0]), shape: [1, 1, 4] };
 * const { grads: [dInput, dTarget] } = tverskyLossWithGrad(input, target);
 * dTarget.shape; // [1, 1, 4]
 * ```
 * @group Dice
 */
export function tverskyLossWithGrad<D extends FloatArray = Float32Array, R extends Reduction = 'mean'>(input: FloatInput<D>, target: FloatInput<D> | IndexInput, options?: TverskyLossOptions & GradOptions & { reduction?: R }): WithGrad<Loss<R, D>, ResultArray<D>>;
export function tverskyLossWithGrad(input: FloatInput, target: FloatInput | IndexInput, options?: TverskyLossOptions & GradOptions): WithGrad {
  return withGrad(run('tversky', 'tverskyLossWithGrad', input, target, options, true), 'tverskyLossWithGrad');
}
