// float64 reference of binary_cross_entropy, binary_cross_entropy_with_logits and
// multilabel_soft_margin_loss (docs/semantics.md §4). Operands are n values
// each (broadcasts already materialized); null weight / posWeight mean 1.
import type { LossParts } from './cross-entropy';

const EPSILON = Math.fround(1e-12);

/**
 * ℓ = -w·(t·max(log x, -100) + (1-t)·max(log(1-x), -100)); dℓ/dx = w·(x-t)/max((1-x)x, ε), with
 * PyTorch's ε = 1e-12 as a float32 constant (9.99999996e-13) in both dtypes.
 */
export function bceReference(x: ArrayLike<number>, t: ArrayLike<number>, w: ArrayLike<number> | null, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts {
  const n = x.length;
  const elementLoss = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    const loss = -wi * (t[i] * Math.max(Math.log(x[i]), -100) + (1 - t[i]) * Math.max(Math.log1p(-x[i]), -100));
    elementLoss[i] = loss;
    total += loss;
    if (grad) grad[i] = (wi * (x[i] - t[i])) / Math.max((1 - x[i]) * x[i], EPSILON) * gradScale * (gradRow ? gradRow[i] : 1);
  }
  return { elementLoss, total, grad };
}

/** ℓ = w·[(1-t)·x + (1 + (pw-1)·t)·softplus(-x)]; dℓ/dx = w·((pw·t + 1 - t)·σ(x) - pw·t). */
export function bceWithLogitsReference(x: ArrayLike<number>, t: ArrayLike<number>, w: ArrayLike<number> | null, pw: ArrayLike<number> | null, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts {
  const n = x.length;
  const elementLoss = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    const pwi = pw ? pw[i] : 1;
    const softplusNeg = Math.max(-x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));
    const loss = wi * ((1 - t[i]) * x[i] + (1 + (pwi - 1) * t[i]) * softplusNeg);
    elementLoss[i] = loss;
    total += loss;
    if (grad) {
      const sigmoid = 1 / (1 + Math.exp(-x[i]));
      grad[i] = wi * ((pwi * t[i] + 1 - t[i]) * sigmoid - pwi * t[i]) * gradScale * (gradRow ? gradRow[i] : 1);
    }
  }
  return { elementLoss, total, grad };
}
