// The baseline: the plain JavaScript a careful developer would write for each loss, on
// Float32Array in and out. Each exp is computed once and stored; the loss and its gradient are
// fused into one pass where that is natural; nothing is allocated except the result array a
// function is asked to return; sums run in float64 (JS numbers). Max-subtraction keeps exp in
// range, as PyTorch does. Not our reference: src/reference/ is written for readability against
// PyTorch's formulas, not for speed.
//
// Every function that returns an array takes an optional `out` to write into instead (the
// "reused" mode of bench/RESULTS.md); without it, it returns a new Float32Array ("fresh").

/**
 * Mean cross-entropy of logits (N, C) against class indices. With `grad` (N·C), also writes
 * d loss / d logits = (softmax − onehot) / N into it, from the exps stored in the same pass.
 */
export function crossEntropy(logits, targets, N, C, grad) {
  let total = 0;
  if (!grad) {
    for (let n = 0, o = 0; n < N; n++, o += C) {
      let m = -Infinity;
      for (let c = o; c < o + C; c++) if (logits[c] > m) m = logits[c];
      let s = 0;
      for (let c = o; c < o + C; c++) s += Math.exp(logits[c] - m);
      total += m + Math.log(s) - logits[o + targets[n]];
    }
    return total / N;
  }
  const invN = 1 / N;
  for (let n = 0, o = 0; n < N; n++, o += C) {
    let m = -Infinity;
    for (let c = o; c < o + C; c++) if (logits[c] > m) m = logits[c];
    let s = 0;
    for (let c = o; c < o + C; c++) {
      const e = Math.exp(logits[c] - m);
      grad[c] = e;
      s += e;
    }
    const t = o + targets[n];
    total += m + Math.log(s) - logits[t];
    const k = invN / s;
    for (let c = o; c < o + C; c++) grad[c] *= k;
    grad[t] -= invN;
  }
  return total / N;
}

/** crossEntropy and its gradient: { loss, grad }, grad a new array unless `out` is given. */
export function crossEntropyWithGrad(logits, targets, N, C, out) {
  const grad = out ?? new Float32Array(N * C);
  return { loss: crossEntropy(logits, targets, N, C, grad), grad };
}

/**
 * Mean cross-entropy with a target distribution per row: `q` (N·C) class probabilities, or (q
 * null) class indices `targets` smoothed by ε (PyTorch's label_smoothing: (1 − ε)·onehot + ε/C),
 * and its gradient (softmax − target) / N into `out` (or a new array): { loss, grad }.
 */
export function crossEntropySoftWithGrad(logits, targets, q, eps, N, C, out) {
  const grad = out ?? new Float32Array(N * C);
  const invN = 1 / N;
  const uni = eps / C;
  let total = 0;
  for (let n = 0, o = 0; n < N; n++, o += C) {
    let m = -Infinity;
    for (let c = o; c < o + C; c++) if (logits[c] > m) m = logits[c];
    let s = 0;
    for (let c = o; c < o + C; c++) {
      const e = Math.exp(logits[c] - m);
      grad[c] = e;
      s += e;
    }
    const lse = m + Math.log(s);
    const k = invN / s;
    const t = q ? -1 : o + targets[n];
    for (let c = o; c < o + C; c++) {
      const y = q ? q[c] : (c === t ? 1 - eps : 0) + uni;
      total += y * (lse - logits[c]);
      grad[c] = grad[c] * k - y * invN;
    }
  }
  return { loss: total / N, grad };
}

/** Row softmax of x (N, C): a new array unless `out` is given. */
export function softmax(x, N, C, out) {
  const y = out ?? new Float32Array(N * C);
  for (let n = 0, o = 0; n < N; n++, o += C) {
    let m = -Infinity;
    for (let c = o; c < o + C; c++) if (x[c] > m) m = x[c];
    let s = 0;
    for (let c = o; c < o + C; c++) {
      const e = Math.exp(x[c] - m);
      y[c] = e;
      s += e;
    }
    const r = 1 / s;
    for (let c = o; c < o + C; c++) y[c] *= r;
  }
  return y;
}

/**
 * Mean BCE-with-logits and its gradient in one pass, the stable form:
 * loss = max(x, 0) − x·t + log1p(e^−|x|), d/dx = (σ(x) − t) / n with σ from the same exp.
 */
export function bceWithLogitsWithGrad(x, t, out) {
  const n = x.length;
  const grad = out ?? new Float32Array(n);
  const invN = 1 / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const ti = t[i];
    const e = Math.exp(-Math.abs(xi));
    const r = 1 / (1 + e);
    total += (xi > 0 ? xi : 0) - xi * ti + Math.log1p(e);
    grad[i] = ((xi >= 0 ? r : e * r) - ti) * invN;
  }
  return { loss: total * invN, grad };
}

// The elementwise means: one float64 accumulator (a loop unrolled into four partial sums
// measured 2-3x slower on Node 20 and 24).
export function mse(a, b) {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s / n;
}

export function l1(a, b) {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[i] - b[i]);
  return s / n;
}

/**
 * PyTorch's smooth L1: 0.5·z²/β below β, z − 0.5·β above, written without a branch as
 * q·(z − q/2)/β with q = min(z, β) = (z + β − |z − β|)/2. On data where z < β about a third of
 * the time, the branchy form mispredicts and runs 3-4x slower (measured on Node 20 and 24).
 */
export function smoothL1(a, b, beta = 1) {
  const n = a.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = Math.abs(a[i] - b[i]);
    const q = 0.5 * (z + beta - Math.abs(z - beta));
    s += q * (z - 0.5 * q);
  }
  return s / (beta * n);
}
