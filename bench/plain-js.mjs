// The baseline a careful JavaScript developer would write: straight loops over typed arrays,
// Math.exp/Math.log, no allocation in the loop, max-subtraction for stability. Not our reference
// (src/reference is written for readability against PyTorch's formulas, not for speed).

/** Mean cross-entropy of logits (N, C) against class indices; fills grad (N·C) when given. */
export function crossEntropy(logits, targets, N, C, grad) {
  let total = 0;
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (logits[o + c] > m) m = logits[o + c];
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(logits[o + c] - m);
    const lse = m + Math.log(s);
    total += lse - logits[o + targets[n]];
    if (grad) {
      const k = 1 / (s * N);
      for (let c = 0; c < C; c++) grad[o + c] = Math.exp(logits[o + c] - m) * k;
      grad[o + targets[n]] -= 1 / N;
    }
  }
  return total / N;
}

/** Row softmax of x (N, C) into out. */
export function softmax(x, N, C, out) {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let m = -Infinity;
    for (let c = 0; c < C; c++) if (x[o + c] > m) m = x[o + c];
    let s = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp(x[o + c] - m);
      out[o + c] = e;
      s += e;
    }
    const r = 1 / s;
    for (let c = 0; c < C; c++) out[o + c] *= r;
  }
  return out;
}

/** Mean BCE-with-logits and its gradient (stable form). */
export function bceWithLogits(x, t, grad) {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const e = Math.exp(-Math.abs(xi));
    total += Math.max(xi, 0) - xi * t[i] + Math.log1p(e);
    const sig = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
    grad[i] = (sig - t[i]) / n;
  }
  return total / n;
}

export function mse(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s / a.length;
}

export function l1(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function smoothL1(a, b, beta = 1) {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const z = Math.abs(a[i] - b[i]);
    s += z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
  }
  return s / a.length;
}
