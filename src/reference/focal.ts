// float64 reference of torchvision's sigmoid_focal_loss (docs/semantics.md §10).
import type { ElementwiseParts } from './parts';

/** PyTorch's pow corners: x^0 = 1 (0^0 included). */
function pow(x: number, k: number): number {
  return k === 0 ? 1 : Math.pow(x, k);
}

/**
 * ℓ = α_t·ce·(1 - p_t)^γ with ce = BCE-with-logits(x, t), p = σ(x); 1 - p_t taken as
 * p·(1 - t) + (1 - p)·t. grads[0] = dℓ/dx · gradScale · gradRow.
 */
export function sigmoidFocalReference(x: ArrayLike<number>, t: ArrayLike<number>, alpha: number, gamma: number, wantGrad: boolean,
  gradRow: ArrayLike<number> | null, gradScale: number): ElementwiseParts {
  const n = x.length;
  const elementLoss = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(-Math.abs(x[i]));
    const p = x[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
    const q = x[i] >= 0 ? e / (1 + e) : 1 / (1 + e);
    const ce = Math.max(x[i], 0) - x[i] * t[i] + Math.log1p(e);
    const m = p * (1 - t[i]) + q * t[i];
    const at = alpha >= 0 ? alpha * t[i] + (1 - alpha) * (1 - t[i]) : 1;
    const mg = pow(m, gamma);
    elementLoss[i] = at * ce * mg;
    total += elementLoss[i];
    if (grad) {
      // PyTorch's pow backward is 0 for a zero exponent.
      const dmg = gamma === 0 ? 0 : gamma * pow(m, gamma - 1);
      const d = (p - t[i]) * mg + ce * dmg * p * q * (1 - 2 * t[i]);
      grad[i] = at * d * gradScale * (gradRow ? gradRow[i] : 1);
    }
  }
  return { elementLoss, total, grads: grad ? [grad] : [] };
}
