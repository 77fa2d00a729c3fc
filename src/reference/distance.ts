// float64 reference of pairwise_distance over rows (docs/semantics.md §11.1): d[r] = ‖v‖_p with
// v = x1[r] - x2[r] + eps, and dir = ∂d/∂x1 (∂d/∂x2 = -dir), PyTorch's norm backward: 0 where
// the norm is 0 or p = 0, ties of p = ∞ share the gradient evenly.

export function pairwiseDistanceReference(x1: ArrayLike<number>, x2: ArrayLike<number>, rows: number, D: number, p: number, eps: number,
  wantGrad: boolean): { d: Float64Array; dir: Float64Array | null } {
  const d = new Float64Array(rows);
  const dir = wantGrad ? new Float64Array(rows * D) : null;
  const v = new Float64Array(D);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let i = 0; i < D; i++) {
      v[i] = x1[r * D + i] - x2[r * D + i] + eps;
      const a = Math.abs(v[i]);
      if (p === Infinity) norm = Number.isNaN(a) || Number.isNaN(norm) ? NaN : Math.max(norm, a);
      else if (p === 0) norm += a !== 0 ? 1 : 0;
      else norm += p === 2 ? a * a : p === 1 ? a : Math.pow(a, p);
    }
    if (p !== Infinity && p !== 0 && p !== 1) norm = p === 2 ? Math.sqrt(norm) : Math.pow(norm, 1 / p);
    d[r] = norm;
    if (!dir || norm === 0 || p === 0) continue;
    const ties = p === Infinity ? v.reduce((n, x) => n + (Math.abs(x) === norm ? 1 : 0), 0) : 0;
    for (let i = 0; i < D; i++) {
      const s = Math.sign(v[i]);
      dir[r * D + i] = p === 2 ? v[i] / norm
        : p === 1 ? s
          : p === Infinity ? (Math.abs(v[i]) === norm ? s / ties : 0)
            : (s * Math.pow(Math.abs(v[i]), p - 1)) / Math.pow(norm, p - 1);
    }
  }
  return { d, dir };
}
