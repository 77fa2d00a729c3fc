// float64 reference of kl_div (docs/semantics.md §7) over n values of input x
// (log-probabilities) and target t (broadcasts already materialized).
import type { LossParts } from './cross-entropy';

/** grad is dℓ/dx; gradTarget dℓ/dt (both scaled by gradScale·gradRow). */
export function klDivReference(x: ArrayLike<number>, t: ArrayLike<number>, logTarget: boolean, wantGrad: boolean, gradRow: ArrayLike<number> | null, gradScale: number): LossParts & { gradTarget: Float64Array | null } {
  const n = x.length;
  const elementLoss = new Float64Array(n);
  const grad = wantGrad ? new Float64Array(n) : null;
  const gradTarget = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let loss: number, gx: number, gt: number;
    if (logTarget) {
      // e^t·(t - x)
      const et = Math.exp(t[i]);
      loss = et * (t[i] - x[i]);
      gx = -et;
      gt = et * (t[i] - x[i] + 1);
    } else {
      // xlogy(t, t) - t·x, with xlogy(0, ·) = 0
      loss = (t[i] === 0 ? 0 : t[i] * Math.log(t[i])) - t[i] * x[i];
      gx = -t[i];
      // PyTorch's xlogy backward at t = 0 adds log 0 = -inf and 0/0 = NaN.
      gt = t[i] === 0 ? NaN : Math.log(t[i]) + 1 - x[i];
    }
    elementLoss[i] = loss;
    total += loss;
    if (grad && gradTarget) {
      const k = gradScale * (gradRow ? gradRow[i] : 1);
      grad[i] = gx * k;
      gradTarget[i] = gt * k;
    }
  }
  return { elementLoss, total, grad, gradTarget };
}
