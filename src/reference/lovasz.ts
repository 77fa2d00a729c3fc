// float64 reference of the Lovász hinge and Lovász-softmax losses (docs/semantics.md §18): Kornia
// 0.7.4's lovasz_hinge_loss, and its lovasz_softmax_loss with each class's Lovász gradient from
// that class's own mask (Berman et al. 2018, lovasz_grad).

/** The parts the kernels return: the summed row losses (before the batch and class means) and ∂/∂x already scaled. */
export interface LovaszParts {
  total: number;
  grad: Float64Array | null;
}

/**
 * The indices of `e` in descending order of value; equal values keep their index order (a stable
 * sort: PyTorch's CPU sort is not, so its order among ties is unspecified), NaN first (as
 * PyTorch's descending sort puts it).
 */
export function descendingOrder(e: Float64Array): Uint32Array {
  const order = new Uint32Array(e.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => {
    const x = e[a], y = e[b];
    const nx = x !== x, ny = y !== y;
    if (nx || ny) return nx && ny ? a - b : nx ? -1 : 1;
    return x > y ? -1 : x < y ? 1 : a - b;
  });
}

/**
 * Σ_k f(e_(k))·g_k over the row in descending order of e, g_k = J_k - J_(k-1) with
 * J_k = 1 - (P - fg_≤k)/(P + bg_≤k) (Kornia's and Berman et al.'s formula, P the foreground count).
 * Writes each element's g at its index into `g` when given. `relu`: f = max(e, 0) (NaN kept), else f = e.
 */
export function lovaszExtension(e: Float64Array, fg: (i: number) => boolean, relu: boolean, g: Float64Array | null): number {
  const order = descendingOrder(e);
  let P = 0;
  for (let i = 0; i < e.length; i++) if (fg(i)) P++;
  let fgSeen = 0, bgSeen = 0, prev = 0, loss = 0;
  for (const j of order) {
    if (fg(j)) fgSeen++;
    else bgSeen++;
    const J = 1 - (P - fgSeen) / (P + bgSeen);
    const gk = J - prev;
    prev = J;
    loss += (relu && e[j] < 0 ? 0 : e[j]) * gk;
    if (g) g[j] = gk;
  }
  return loss;
}

/**
 * Kornia's lovasz_hinge_loss over N images of n pixels (x: logits, labels 0/1): per image,
 * e = 1 - x·(2·label - 1) and Σ relu(e_(k))·g_k; `total` sums the images. grad:
 * -(2·label - 1)·g·[e > 0]·gradScale.
 */
export function lovaszHingeReference(x: ArrayLike<number>, labels: Int32Array, N: number, n: number, wantGrad: boolean, gradScale: number): LovaszParts {
  const grad = wantGrad ? new Float64Array(N * n) : null;
  const e = new Float64Array(n);
  const g = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let b = 0; b < N; b++) {
    for (let i = 0; i < n; i++) e[i] = 1 - x[b * n + i] * (2 * labels[b * n + i] - 1);
    total += lovaszExtension(e, (i) => labels[b * n + i] === 1, true, g);
    if (grad && g) for (let i = 0; i < n; i++) grad[b * n + i] = e[i] > 0 ? -(gradScale * g[i]) * (2 * labels[b * n + i] - 1) : 0;
  }
  return { total, grad };
}

/**
 * lovasz_softmax_loss with per-class masks over N images of C classes × n pixels (x (N, C, n),
 * labels (N, n)): p = softmax over C, e = |p - fg| with fg = (label == c), each class's Lovász
 * extension from its own mask, times weight[c]; `total` sums images and classes. grad: ∂/∂p =
 * w_c·sign(p - fg)·g through the softmax, times gradScale.
 */
export function lovaszSoftmaxReference(x: ArrayLike<number>, labels: Int32Array, N: number, C: number, n: number, weight: ArrayLike<number> | null,
  wantGrad: boolean, gradScale: number): LovaszParts {
  const grad = wantGrad ? new Float64Array(N * C * n) : null;
  const p = new Float64Array(C * n);
  const dp = new Float64Array(C * n);
  const e = new Float64Array(n);
  const g = wantGrad ? new Float64Array(n) : null;
  let total = 0;
  for (let b = 0; b < N; b++) {
    const base = b * C * n;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = x[base + c * n + i];
        m = v > m || v !== v ? v : m;
      }
      let s = 0;
      for (let c = 0; c < C; c++) s += p[c * n + i] = Math.exp(x[base + c * n + i] - m);
      for (let c = 0; c < C; c++) p[c * n + i] /= s;
    }
    for (let c = 0; c < C; c++) {
      const fg = (i: number) => labels[b * n + i] === c;
      for (let i = 0; i < n; i++) e[i] = Math.abs(p[c * n + i] - (fg(i) ? 1 : 0));
      const w = weight ? weight[c] : 1;
      total += w * lovaszExtension(e, fg, false, g);
      if (g) {
        for (let i = 0; i < n; i++) {
          const d = p[c * n + i] - (fg(i) ? 1 : 0);
          dp[c * n + i] = d > 0 ? w * g[i] : d < 0 ? -(w * g[i]) : d === 0 ? 0 : d;
        }
      }
    }
    if (!grad) continue;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let c = 0; c < C; c++) dot += p[c * n + i] * dp[c * n + i];
      for (let c = 0; c < C; c++) grad[base + c * n + i] = p[c * n + i] * (dp[c * n + i] - dot) * gradScale;
    }
  }
  return { total, grad };
}
