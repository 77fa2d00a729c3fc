// float64 reference of cross_entropy and nll_loss (docs/semantics.md §3).
// The oracle for the kernels and the 'js' backend. Works on the caller's (N, C, d1..dk) layout.
import type { FloatArray } from '../types';

/** A checked classification problem: input (N, C, inner) row-major, inner = d1·…·dk. */
export interface ClassProblem {
  N: number;
  C: number;
  inner: number;
  input: FloatArray;
  /** N·inner class indices in [0, C), -1 where the target equals ignoreIndex; null with probs. */
  targets: Int32Array | null;
  /** Probability targets, the input's shape (crossEntropy only). */
  probs: FloatArray | null;
  /** Class weights (C). */
  weight: FloatArray | null;
  /** Label smoothing ε in [0, 1] (crossEntropy only). */
  smoothing: number;
}

/**
 * What a loss computes before reduction: the per-element losses, their sum, and the gradient
 * of Σ_r gradScale·gradRow[r]·loss_r (gradRow ≡ 1 when null), when asked for.
 */
export interface LossParts {
  elementLoss: ArrayLike<number>;
  total: number;
  grad: ArrayLike<number> | null;
}

export function crossEntropyReference(p: ClassProblem, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts {
  const { N, C, inner, input: x, targets, probs, weight, smoothing: eps } = p;
  const rows = N * inner;
  const w = (c: number): number => (weight ? weight[c] : 1);
  let weightSum = 0;
  for (let c = 0; c < C; c++) weightSum += w(c);
  const elementLoss = new Float64Array(rows);
  const grad = wantGrad ? new Float64Array(N * C * inner) : null;
  const lp = new Float64Array(C);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const n = Math.floor(r / inner);
    const s = r - n * inner;
    const at = (c: number): number => (n * C + c) * inner + s;
    const t = targets ? targets[r] : 0;
    if (t < 0) continue; // ignored: loss 0, gradient 0
    // log_softmax over the class dim: (x - max) - log Σ exp(x - max)
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, x[at(c)]);
    let sumExp = 0;
    for (let c = 0; c < C; c++) sumExp += Math.exp(x[at(c)] - m);
    const logSum = Math.log(sumExp);
    for (let c = 0; c < C; c++) lp[c] = x[at(c)] - m - logSum;
    let loss = 0;
    if (probs) {
      for (let c = 0; c < C; c++) loss -= w(c) * ((1 - eps) * probs[at(c)] + eps / C) * lp[c];
    } else {
      loss = -w(t) * lp[t];
      // PyTorch adds the smoothing term only when ε > 0: with ε = 0 a -inf logit's +inf term
      // would make 0·∞ = NaN of a finite loss.
      if (eps > 0) {
        let smooth = 0;
        for (let c = 0; c < C; c++) smooth -= w(c) * lp[c];
        loss = (1 - eps) * loss + (eps / C) * smooth;
      }
    }
    elementLoss[r] = loss;
    total += loss;
    if (grad) {
      const k = gradScale * (gradRow ? gradRow[r] : 1);
      if (probs) {
        let wq = 0;
        for (let c = 0; c < C; c++) wq += w(c) * ((1 - eps) * probs[at(c)] + eps / C);
        for (let c = 0; c < C; c++) grad[at(c)] = k * (Math.exp(lp[c]) * wq - w(c) * ((1 - eps) * probs[at(c)] + eps / C));
      } else {
        // k·w_t first, as PyTorch's nll backward: when 'mean' divides by a zero weight sum it is
        // 0·∞ = NaN, which log_softmax's backward spreads over the row (not ±∞ from the smoothing).
        const kt = k * w(t);
        for (let c = 0; c < C; c++) {
          const pc = Math.exp(lp[c]);
          grad[at(c)] = (1 - eps) * kt * (pc - (c === t ? 1 : 0)) + (eps > 0 ? k * (eps / C) * (weightSum * pc - w(c)) : 0);
        }
      }
    }
  }
  return { elementLoss, total, grad };
}

export function nllReference(p: ClassProblem, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts {
  const { N, C, inner, input: x, targets, weight } = p;
  const rows = N * inner;
  const elementLoss = new Float64Array(rows);
  const grad = wantGrad ? new Float64Array(N * C * inner) : null;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets![r];
    if (t < 0) continue;
    const n = Math.floor(r / inner);
    const at = (n * C + t) * inner + (r - n * inner);
    const wt = weight ? weight[t] : 1;
    elementLoss[r] = -wt * x[at];
    total += elementLoss[r];
    if (grad) grad[at] = -wt * gradScale * (gradRow ? gradRow[r] : 1);
  }
  return { elementLoss, total, grad };
}
