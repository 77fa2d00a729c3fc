// float64 reference of mse_loss, l1_loss, smooth_l1_loss and huber_loss (docs/semantics.md §5)
// over n values of input x and target y (broadcasts already materialized).
import type { LossParts } from './cross-entropy';

export type RegressionKind = 'mse' | 'l1' | 'smoothL1' | 'huber';

/** Loss and dℓ/dx of one residual d = x - y; p is β (smoothL1, > 0) or δ (huber). */
function elementLoss(kind: RegressionKind, d: number, p: number): [number, number] {
  const z = Math.abs(d);
  switch (kind) {
    case 'mse':
      return [d * d, 2 * d];
    case 'l1':
      return [z, Math.sign(d)];
    case 'smoothL1':
      return [z < p ? (0.5 * z * z) / p : z - 0.5 * p, d <= -p ? -1 : d >= p ? 1 : d / p];
    case 'huber':
      return [z < p ? 0.5 * z * z : p * (z - 0.5 * p), d <= -p ? -p : d >= p ? p : d];
  }
}

/** grad is dℓ/dx (the target's gradient is its negative). */
export function regressionReference(kind: RegressionKind, x: ArrayLike<number>, y: ArrayLike<number>, param: number, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts {
  const n = x.length;
  const losses = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const [loss, slope] = elementLoss(kind, x[i] - y[i], param);
    losses[i] = loss;
    total += loss;
    if (grad) grad[i] = slope * gradScale * (gradRow ? gradRow[i] : 1);
  }
  return { elementLoss: losses, total, grad };
}
