// float64 reference of poisson_nll_loss and gaussian_nll_loss (docs/semantics.md §14),
// elementwise (broadcasts already materialized). grads are of Σ gradScale·gradRow·ℓ.
import type { MarginParts as ElementwiseParts } from './margin';

/** Stirling's log(t!) ≈ t·log t - t + 0.5·log(2π·t) where t > 1, else 0. */
function stirling(t: number): number {
  return t > 1 ? t * Math.log(t) - t + 0.5 * Math.log(2 * Math.PI * t) : 0;
}

export function poissonNllReference(x: ArrayLike<number>, t: ArrayLike<number>, logInput: boolean, full: boolean, eps: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): ElementwiseParts {
  const n = x.length;
  const r: ElementwiseParts = { elementLoss: new Float64Array(n), total: 0, grads: wantGrad ? [new Float64Array(n), new Float64Array(n)] : [] };
  for (let i = 0; i < n; i++) {
    let loss = logInput ? Math.exp(x[i]) - t[i] * x[i] : x[i] - t[i] * Math.log(x[i] + eps);
    let dt = logInput ? -x[i] : -Math.log(x[i] + eps);
    if (full) {
      loss += stirling(t[i]);
      // PyTorch masks Stirling's value for t <= 1 but autograd still differentiates it: NaN at t <= 0.
      if (t[i] > 1) dt += Math.log(t[i]) + 0.5 / t[i];
      else if (!(t[i] > 0)) dt = NaN;
    }
    r.elementLoss[i] = loss;
    r.total += loss;
    if (wantGrad) {
      const k = gradScale * (gradRow ? gradRow[i] : 1);
      r.grads[0][i] = (logInput ? Math.exp(x[i]) - t[i] : 1 - t[i] / (x[i] + eps)) * k;
      r.grads[1][i] = dt * k;
    }
  }
  return r;
}

/** ℓ = 0.5·(log v' + (x - t)²/v'), v' = max(var, eps) (plus 0.5·log 2π when full). */
export function gaussianNllReference(x: ArrayLike<number>, t: ArrayLike<number>, variance: ArrayLike<number>, full: boolean, eps: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): ElementwiseParts {
  const n = x.length;
  const r: ElementwiseParts = { elementLoss: new Float64Array(n), total: 0, grads: wantGrad ? [new Float64Array(n), new Float64Array(n), new Float64Array(n)] : [] };
  const constant = full ? 0.5 * Math.log(2 * Math.PI) : 0;
  for (let i = 0; i < n; i++) {
    const v = Math.max(variance[i], eps);
    const d = x[i] - t[i];
    const loss = 0.5 * (Math.log(v) + (d * d) / v) + constant;
    r.elementLoss[i] = loss;
    r.total += loss;
    if (wantGrad) {
      const k = gradScale * (gradRow ? gradRow[i] : 1);
      r.grads[0][i] = (d / v) * k;
      r.grads[1][i] = (-d / v) * k;
      r.grads[2][i] = 0.5 * (1 / v - (d * d) / (v * v)) * k;
    }
  }
  return r;
}
