// float64 reference of Kornia 0.7.4's softmax focal loss (kornia/losses/focal.py, focal_loss;
// docs/semantics.md §15). The oracle for the kernel and the 'js' backend; works on the caller's
// (N, C, d1..dk) layout.
import type { ElementwiseParts } from './parts';

/** Kornia's one_hot eps (kornia/utils/one_hot.py): every class of a used row gets it. */
export const ONE_HOT_EPS = 1e-6;

export interface FocalProblem {
  N: number;
  C: number;
  inner: number;
  input: ArrayLike<number>;
  /** N·inner class indices in [0, C), -1 where ignored. */
  targets: Int32Array;
  /** Per class: the class weight times α's factor (1 - α for class 0, α for the others); null: all 1. */
  weight: ArrayLike<number> | null;
  gamma: number;
}

/** PyTorch's pow corners: x^0 = 1 (0^0 included). */
function pow(x: number, k: number): number {
  return k === 0 ? 1 : Math.pow(x, k);
}

/**
 * ℓ[n, c, s] = w_c·oh·(-(1 - p)^γ·l), l = log_softmax(x)[n, c, s], p = e^l, oh = [c = t] + 1e-6
 * (0 on an ignored row). grads[0] = the gradient of Σ gradScale·gradRow·ℓ (gradRow ≡ 1 when null).
 */
export function softmaxFocalReference(p: FocalProblem, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): ElementwiseParts {
  const { N, C, inner, input: x, targets, weight, gamma } = p;
  const elementLoss = new Float64Array(N * C * inner);
  const grad = wantGrad ? new Float64Array(N * C * inner) : null;
  const l = new Float64Array(C);
  const a = new Float64Array(C);
  let total = 0;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < inner; s++) {
      const at = (c: number): number => (n * C + c) * inner + s;
      const t = targets[n * inner + s];
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, x[at(c)]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += Math.exp(x[at(c)] - m);
      const ls = Math.log(sum);
      let S = 0;
      for (let c = 0; c < C; c++) {
        l[c] = x[at(c)] - m - ls;
        const q = 1 - Math.exp(l[c]);
        const oh = t < 0 ? 0 : (c === t ? 1 : 0) + ONE_HOT_EPS;
        const w = weight ? weight[c] : 1;
        const qg = pow(q, gamma);
        const loss = w * (oh * -(qg * l[c]));
        elementLoss[at(c)] = loss;
        total += loss;
        if (grad) {
          // f'(l) = γ·q^(γ-1)·p·l - q^γ; PyTorch's pow backward is 0 for a zero exponent, and
          // where q rounds to 0 (p = 1) the first term is its limit 0 (PyTorch: NaN for γ < 1)
          const dqg = gamma === 0 || q === 0 ? 0 : gamma * pow(q, gamma - 1);
          a[c] = gradScale * (gradRow ? gradRow[at(c)] : 1) * w * oh * (dqg * Math.exp(l[c]) * l[c] - qg);
          S += a[c];
        }
      }
      if (grad) for (let c = 0; c < C; c++) grad[at(c)] = a[c] - Math.exp(l[c]) * S;
    }
  }
  return { elementLoss, total, grads: grad ? [grad] : [] };
}
