// float64 reference of multi_margin_loss and multilabel_margin_loss (docs/semantics.md §9) over
// rows (N, C). grad is the gradient of Σ_r gradScale·gradRow[r]·ℓ_r.
import type { FloatArray } from '../types';

export interface RowParts {
  rowLoss: FloatArray;
  total: number;
  grad: FloatArray | null;
}

/** ℓ_r = w[y]·Σ_{i≠y} h(margin - x_y + x_i) / C, h(z) = z or z² (p = 2) where z > 0. */
export function multiMarginReference(x: ArrayLike<number>, N: number, C: number, target: Int32Array, weight: ArrayLike<number> | null, p: 1 | 2,
  margin: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): RowParts {
  const r: RowParts = { rowLoss: new Float64Array(N), total: 0, grad: wantGrad ? new Float64Array(N * C) : null };
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const y = target[n];
    const w = weight ? weight[y] : 1;
    const c = (w * gradScale * (gradRow ? gradRow[n] : 1)) / C;
    let sum = 0;
    for (let i = 0; i < C; i++) {
      if (i === y) continue;
      const z = margin - x[o + y] + x[o + i];
      if (!(z > 0)) continue;
      sum += p === 2 ? z * z : z;
      if (r.grad) {
        const d = c * (p === 2 ? 2 * z : 1);
        r.grad[o + i] = d;
        r.grad[o + y] -= d;
      }
    }
    r.rowLoss[n] = (w * sum) / C;
    r.total += r.rowLoss[n];
  }
  return r;
}

/** ℓ_r = Σ_{j∈J} Σ_{i∉P} max(0, 1 - x_j + x_i) / C; J = target row up to the first -1, P = its set. */
export function multilabelMarginReference(x: ArrayLike<number>, N: number, C: number, target: Int32Array, wantGrad: boolean,
  gradRow: ArrayLike<number> | null, gradScale: number): RowParts {
  const r: RowParts = { rowLoss: new Float64Array(N), total: 0, grad: wantGrad ? new Float64Array(N * C) : null };
  const positive = new Uint8Array(C);
  for (let n = 0; n < N; n++) {
    const o = n * C;
    positive.fill(0);
    let count = 0;
    while (count < C && target[o + count] >= 0) positive[target[o + count++]] = 1;
    const c = (gradScale * (gradRow ? gradRow[n] : 1)) / C;
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const j = target[o + k];
      for (let i = 0; i < C; i++) {
        if (positive[i]) continue;
        const z = 1 - x[o + j] + x[o + i];
        if (!(z > 0)) continue;
        sum += z;
        if (r.grad) {
          r.grad[o + i] += c;
          r.grad[o + j] -= c;
        }
      }
    }
    r.rowLoss[n] = sum / C;
    r.total += r.rowLoss[n];
  }
  return r;
}
