// float64 reference of CTC loss for one sample (docs/semantics.md §12; Graves et al. 2006):
// the α/β recursions in log space over the extended labels l' = (blank, l1, blank, ..., lL, blank),
// and PyTorch's gradient with respect to the log-probabilities (its extra e^lp term included).

function logAddExp(...xs: number[]): number {
  let m = Math.max(...xs);
  if (m === -Infinity) m = 0; // PyTorch: every term -inf gives -inf
  return Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)) + m;
}

/**
 * lp(t, c): the sample's log-probability at time t < Tn. Returns the negative log-likelihood and,
 * when asked, the gradient rows (Tn × C) times g: NaN everywhere for an impossible alignment.
 */
export function ctcReference(lp: (t: number, c: number) => number, Tn: number, C: number, labels: ArrayLike<number>, blank: number, wantGrad: boolean,
  g: number): { nll: number; grad: Float64Array | null } {
  const L = labels.length;
  const S = 2 * L + 1;
  if (Tn === 0) return { nll: L === 0 ? -0 : Infinity, grad: wantGrad ? new Float64Array(0) : null };
  const ext = Array.from({ length: S }, (_, s) => (s % 2 ? labels[(s - 1) / 2] : blank));
  // α may skip from s - 2 at label positions (odd s, even when the label equals blank, as PyTorch) unless it repeats
  const skip = (s: number) => s % 2 === 1 && s >= 3 && ext[s] !== ext[s - 2];
  const alpha = Array.from({ length: Tn }, () => new Float64Array(S).fill(-Infinity));
  alpha[0][0] = lp(0, blank);
  if (L > 0) alpha[0][1] = lp(0, ext[1]);
  for (let t = 1; t < Tn; t++) {
    for (let s = 0; s < S; s++) {
      const a = alpha[t - 1];
      alpha[t][s] = logAddExp(a[s], s >= 1 ? a[s - 1] : -Infinity, skip(s) ? a[s - 2] : -Infinity) + lp(t, ext[s]);
    }
  }
  const end = alpha[Tn - 1];
  const nll = -(L === 0 ? end[0] : logAddExp(end[S - 1], end[S - 2]));
  if (!wantGrad) return { nll, grad: null };
  const grad = new Float64Array(Tn * C);
  if (nll === Infinity) return { nll, grad: grad.fill(NaN) };
  const beta = Array.from({ length: Tn }, () => new Float64Array(S).fill(-Infinity));
  beta[Tn - 1][S - 1] = lp(Tn - 1, blank);
  if (L > 0) beta[Tn - 1][S - 2] = lp(Tn - 1, ext[S - 2]);
  for (let t = Tn - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      const b = beta[t + 1];
      beta[t][s] = logAddExp(b[s], s + 1 < S ? b[s + 1] : -Infinity, s + 2 < S && skip(s + 2) ? b[s + 2] : -Infinity) + lp(t, ext[s]);
    }
  }
  for (let t = 0; t < Tn; t++) {
    for (let c = 0; c < C; c++) {
      const ab: number[] = [];
      for (let s = 0; s < S; s++) if (ext[s] === c) ab.push(alpha[t][s] + beta[t][s]);
      const lcab = ab.length ? logAddExp(...ab) : -Infinity;
      const x = lp(t, c);
      grad[t * C + c] = (Math.exp(x) - Math.exp(lcab + nll - x)) * g;
    }
  }
  return { nll, grad };
}
