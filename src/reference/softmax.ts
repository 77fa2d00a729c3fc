// float64 reference of softmax, log_softmax and sigmoid (docs/semantics.md §2), over
// contiguous rows of length n (the caller moves the softmax dim last).

/** softmax (log = false) or log_softmax (log = true) of each row. */
export function softmaxReference(x: ArrayLike<number>, rows: number, n: number, log: boolean): Float64Array {
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, x[o + i]);
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(x[o + i] - m);
    for (let i = 0; i < n; i++) out[o + i] = log ? x[o + i] - m - Math.log(s) : Math.exp(x[o + i] - m) / s;
  }
  return out;
}

/** dx from the output y and upstream g: softmax dx = (g - Σ g·y)·y; log_softmax dx = g - exp(y)·Σ g. */
export function softmaxBackwardReference(y: ArrayLike<number>, g: ArrayLike<number>, rows: number, n: number, log: boolean): Float64Array {
  const dx = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += log ? g[o + i] : g[o + i] * y[o + i];
    for (let i = 0; i < n; i++) dx[o + i] = log ? g[o + i] - Math.exp(y[o + i]) * s : (g[o + i] - s) * y[o + i];
  }
  return dx;
}

export function sigmoidReference(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  return out;
}

/** dx = g·σ·(1 - σ) from the output σ. */
export function sigmoidBackwardReference(y: ArrayLike<number>, g: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) dx[i] = g[i] * y[i] * (1 - y[i]);
  return dx;
}
