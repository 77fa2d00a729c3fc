// Row primitives shared by the kernels, generic over T = f32 | f64.
//
// Loop shape (XNNPACK's): 4 vectors per iteration into 4 independent accumulators, then one
// vector at a time, then a scalar tail. Sums are carried in T inside a block of BLOCK elements
// and promoted to f64 at the end of each block, so a float32 sum over 10^8 terms keeps about
// 1e-7 relative error instead of growing with n.
import { hmax, hsum, lanes, sexp, vexp, vexp_sum_term } from './math';

/** Elements summed in T before the partial sum is promoted to f64. */
export const BLOCK: i32 = 1024;

/** Max of x[0..n) (n >= 1). NaN elements may be skipped; the exp pass brings NaN back. */
export function row_max<T>(n: i32, x: usize): T {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  let m0 = v128.splat<T>(<T>-Infinity);
  let m1 = m0, m2 = m0, m3 = m0;
  let i = 0;
  for (; i + W <= n; i += W) {
    const p = x + <usize>i * bytes;
    m0 = v128.pmax<T>(m0, v128.load(p));
    m1 = v128.pmax<T>(m1, v128.load(p, 16));
    m2 = v128.pmax<T>(m2, v128.load(p, 32));
    m3 = v128.pmax<T>(m3, v128.load(p, 48));
  }
  for (; i + L <= n; i += L) m0 = v128.pmax<T>(m0, v128.load(x + <usize>i * bytes));
  m0 = v128.pmax<T>(v128.pmax<T>(m0, m1), v128.pmax<T>(m2, m3));
  let m = hmax<T>(m0);
  for (; i < n; i++) {
    const v = load<T>(x + <usize>i * bytes);
    if (v > m) m = v;
  }
  return m;
}

/** Σ exp(x[i] - m) over [0, n), in f64 (the terms by vexp_sum_term: only their sum is kept). */
export function exp_sum<T>(n: i32, x: usize, m: T): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const vm = v128.splat<T>(m);
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const p = x + <usize>i * bytes;
      a0 = v128.add<T>(a0, vexp_sum_term<T>(v128.sub<T>(v128.load(p), vm)));
      a1 = v128.add<T>(a1, vexp_sum_term<T>(v128.sub<T>(v128.load(p, 16), vm)));
      a2 = v128.add<T>(a2, vexp_sum_term<T>(v128.sub<T>(v128.load(p, 32), vm)));
      a3 = v128.add<T>(a3, vexp_sum_term<T>(v128.sub<T>(v128.load(p, 48), vm)));
    }
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  let a = v128.splat<T>(<T>0);
  for (; i + L <= n; i += L) a = v128.add<T>(a, vexp_sum_term<T>(v128.sub<T>(v128.load(x + <usize>i * bytes), vm)));
  total += hsum<T>(a);
  for (; i < n; i++) total += <f64>sexp<T>(load<T>(x + <usize>i * bytes) - m);
  return total;
}

/** vexp, or vexp_sum_term when sumTerm (a constant after inlining). */
// @ts-ignore: decorator
@inline function exp_of<T>(sumTerm: bool, x: v128): v128 {
  return sumTerm ? vexp_sum_term<T>(x) : vexp<T>(x);
}

/** The body of exp_store_sum and exp_store_sum_terms. */
// @ts-ignore: decorator
@inline function exp_store_sum_with<T>(n: i32, x: usize, out: usize, m: T, sumTerm: bool): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const vm = v128.splat<T>(m);
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const p = x + off;
      const q = out + off;
      const e0 = exp_of<T>(sumTerm, v128.sub<T>(v128.load(p), vm));
      const e1 = exp_of<T>(sumTerm, v128.sub<T>(v128.load(p, 16), vm));
      const e2 = exp_of<T>(sumTerm, v128.sub<T>(v128.load(p, 32), vm));
      const e3 = exp_of<T>(sumTerm, v128.sub<T>(v128.load(p, 48), vm));
      v128.store(q, e0);
      v128.store(q, e1, 16);
      v128.store(q, e2, 32);
      v128.store(q, e3, 48);
      a0 = v128.add<T>(a0, e0);
      a1 = v128.add<T>(a1, e1);
      a2 = v128.add<T>(a2, e2);
      a3 = v128.add<T>(a3, e3);
    }
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  let a = v128.splat<T>(<T>0);
  for (; i + L <= n; i += L) {
    const off = <usize>i * bytes;
    const e = exp_of<T>(sumTerm, v128.sub<T>(v128.load(x + off), vm));
    v128.store(out + off, e);
    a = v128.add<T>(a, e);
  }
  total += hsum<T>(a);
  for (; i < n; i++) {
    const off = <usize>i * bytes;
    const e = sexp<T>(load<T>(x + off) - m);
    store<T>(out + off, e);
    total += <f64>e;
  }
  return total;
}

/** out[i] = exp(x[i] - m) and returns Σ out[i] in f64 (XNNPACK's raddstoreexpminusmax). */
export function exp_store_sum<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return exp_store_sum_with<T>(n, x, out, m, false);
}

/**
 * The same with vexp_sum_term (2.3 ulp in f32): for cross-entropy's gradient, whose elements
 * meet the accuracy bar as often with it (docs/accuracy.md), and which it keeps 10% faster.
 */
export function exp_store_sum_terms<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return exp_store_sum_with<T>(n, x, out, m, true);
}

/** out[i] = x[i] · c (in place allowed). */
export function scale<T>(n: i32, x: usize, out: usize, c: T): void {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const vc = v128.splat<T>(c);
  let i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    const off = <usize>i * bytes;
    v128.store(out + off, v128.mul<T>(v128.load(x + off), vc));
    v128.store(out + off, v128.mul<T>(v128.load(x + off, 16), vc), 16);
    v128.store(out + off, v128.mul<T>(v128.load(x + off, 32), vc), 32);
    v128.store(out + off, v128.mul<T>(v128.load(x + off, 48), vc), 48);
  }
  for (; i + L <= n; i += L) {
    const off = <usize>i * bytes;
    v128.store(out + off, v128.mul<T>(v128.load(x + off), vc));
  }
  for (; i < n; i++) {
    const off = <usize>i * bytes;
    store<T>(out + off, load<T>(x + off) * c);
  }
}

/** Σ x[i], in f64 with per-block promotion. */
export function sum<T>(n: i32, x: usize): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const p = x + <usize>i * bytes;
      a0 = v128.add<T>(a0, v128.load(p));
      a1 = v128.add<T>(a1, v128.load(p, 16));
      a2 = v128.add<T>(a2, v128.load(p, 32));
      a3 = v128.add<T>(a3, v128.load(p, 48));
    }
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  let a = v128.splat<T>(<T>0);
  for (; i + L <= n; i += L) a = v128.add<T>(a, v128.load(x + <usize>i * bytes));
  total += hsum<T>(a);
  for (; i < n; i++) total += <f64>load<T>(x + <usize>i * bytes);
  return total;
}

/** Σ x[i]·y[i], in f64 with per-block promotion. */
export function dot<T>(n: i32, x: usize, y: usize): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const p = x + off;
      const q = y + off;
      a0 = v128.add<T>(a0, v128.mul<T>(v128.load(p), v128.load(q)));
      a1 = v128.add<T>(a1, v128.mul<T>(v128.load(p, 16), v128.load(q, 16)));
      a2 = v128.add<T>(a2, v128.mul<T>(v128.load(p, 32), v128.load(q, 32)));
      a3 = v128.add<T>(a3, v128.mul<T>(v128.load(p, 48), v128.load(q, 48)));
    }
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  let a = v128.splat<T>(<T>0);
  for (; i + L <= n; i += L) {
    const off = <usize>i * bytes;
    a = v128.add<T>(a, v128.mul<T>(v128.load(x + off), v128.load(y + off)));
  }
  total += hsum<T>(a);
  for (; i < n; i++) {
    const off = <usize>i * bytes;
    total += <f64>(load<T>(x + off) * load<T>(y + off));
  }
  return total;
}
