// Row primitives shared by the kernels, generic over T = f32 | f64.
//
// Loop shape (XNNPACK's): 4 vectors per iteration into 4 independent accumulators, then one
// vector at a time, then a scalar tail. Sums are carried in T inside a block of BLOCK elements
// and promoted to f64 at the end of each block, so a float32 sum over 10^8 terms keeps about
// 1e-7 relative error instead of growing with n (docs/simd.md §4). The loop is written once,
// `accumulate`, for these sums and the elementwise losses alike; each supplies its term as a
// class with @inline methods, called on a null receiver (assembly/simd/elementwise.ts).
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

/**
 * The accumulator loop, written once: Σ of op.v over [0, n4), n4 a multiple of 4 vectors, 4
 * vectors per iteration into 4 independent accumulators, each block of BLOCK elements promoted to
 * f64. op.v has the elementwise op's signature (assembly/simd/elementwise.ts): it computes one
 * vector of terms at byte offset off (and may store gradients); a nonzero `loss` receives each
 * vector too. Callers add their own tail (elementwise_sum, reduce below).
 */
// @ts-ignore: decorator
@inline export function accumulate<T, Op>(n4: i32, a: usize, b: usize, c: usize, d: usize, loss: usize, g1: usize, g2: usize, g3: usize,
  gradRow: usize, vk: v128, vp: v128, vq: v128): f64 {
  const op = changetype<Op>(0);
  const W = 4 * lanes<T>();
  const bytes = <usize>sizeof<T>();
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const l0 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off, vk, vp, vq);
      const l1 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 16, vk, vp, vq);
      const l2 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 32, vk, vp, vq);
      const l3 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 48, vk, vp, vq);
      if (loss) {
        v128.store(loss + off, l0);
        v128.store(loss + off, l1, 16);
        v128.store(loss + off, l2, 32);
        v128.store(loss + off, l3, 48);
      }
      a0 = v128.add<T>(a0, l0);
      a1 = v128.add<T>(a1, l1);
      a2 = v128.add<T>(a2, l2);
      a3 = v128.add<T>(a3, l3);
    }
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  return total;
}

/**
 * Σ term(i) over [0, n), in f64: `accumulate`, then one vector at a time, then the scalar tail. A
 * term is an op (x, y its two arrays, y possibly an output it stores to; vp the splat of m) with
 * also  @inline s<T>(x: usize, y: usize, off: usize, m: T): T  for one element of the tail.
 */
// @ts-ignore: decorator
@inline function reduce<T, Term>(n: i32, x: usize, y: usize, m: T): f64 {
  const term = changetype<Term>(0);
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const zero = v128.splat<T>(<T>0);
  const vm = v128.splat<T>(m);
  const n4 = n - n % (4 * L);
  let total = accumulate<T, Term>(n4, x, y, 0, 0, 0, 0, 0, 0, 0, zero, vm, zero);
  let a = zero;
  let i = n4;
  for (; i + L <= n; i += L) a = v128.add<T>(a, term.v<T>(x, y, 0, 0, 0, 0, 0, 0, <usize>i * bytes, zero, vm, zero));
  total += hsum<T>(a);
  for (; i < n; i++) total += <f64>term.s<T>(x, y, <usize>i * bytes, m);
  return total;
}

/** exp(x[i] - m) by vexp_sum_term, kept only in the sum. */
class ExpTerm {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, _y: usize, _c: usize, _d: usize, _g1: usize, _g2: usize, _g3: usize, _gr: usize, off: usize, _vk: v128, vm: v128, _vq: v128): v128 {
    return vexp_sum_term<T>(v128.sub<T>(v128.load(x + off), vm));
  }
  // @ts-ignore: decorator
  @inline s<T>(x: usize, _y: usize, off: usize, m: T): T {
    return sexp<T>(load<T>(x + off) - m);
  }
}

/** v, stored at p too. */
// @ts-ignore: decorator
@inline function stored(p: usize, v: v128): v128 {
  v128.store(p, v);
  return v;
}

/** exp(x[i] - m), stored to y[i] too. */
class ExpStoreTerm {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, _g1: usize, _g2: usize, _g3: usize, _gr: usize, off: usize, _vk: v128, vm: v128, _vq: v128): v128 {
    return stored(y + off, vexp<T>(v128.sub<T>(v128.load(x + off), vm)));
  }
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    const e = sexp<T>(load<T>(x + off) - m);
    store<T>(y + off, e);
    return e;
  }
}

/** exp(x[i] - m) by vexp_sum_term, stored to y[i] too. */
class ExpStoreSumTerm {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, _g1: usize, _g2: usize, _g3: usize, _gr: usize, off: usize, _vk: v128, vm: v128, _vq: v128): v128 {
    return stored(y + off, vexp_sum_term<T>(v128.sub<T>(v128.load(x + off), vm)));
  }
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    return changetype<ExpStoreTerm>(0).s<T>(x, y, off, m);
  }
}

/** x[i]. */
class ValueTerm {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, _y: usize, _c: usize, _d: usize, _g1: usize, _g2: usize, _g3: usize, _gr: usize, off: usize, _vk: v128, _vm: v128, _vq: v128): v128 {
    return v128.load(x + off);
  }
  // @ts-ignore: decorator
  @inline s<T>(x: usize, _y: usize, off: usize, _m: T): T {
    return load<T>(x + off);
  }
}

/** x[i]·y[i]. */
class ProductTerm {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, _g1: usize, _g2: usize, _g3: usize, _gr: usize, off: usize, _vk: v128, _vm: v128, _vq: v128): v128 {
    return v128.mul<T>(v128.load(x + off), v128.load(y + off));
  }
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, _m: T): T {
    return load<T>(x + off) * load<T>(y + off);
  }
}

/** Σ exp(x[i] - m) over [0, n), in f64 (the terms by vexp: only their sum is kept). */
export function exp_sum<T>(n: i32, x: usize, m: T): f64 {
  return reduce<T, ExpTerm>(n, x, 0, m);
}

/** out[i] = exp(x[i] - m) and returns Σ out[i] in f64 (XNNPACK's raddstoreexpminusmax). */
export function exp_store_sum<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreTerm>(n, x, out, m);
}

/**
 * The same with vexp_sum_term (2.3 ulp in f32): for cross-entropy's gradient, whose elements
 * meet the accuracy bar as often with it (docs/accuracy.md), and which it keeps 10% faster.
 */
export function exp_store_sum_terms<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreSumTerm>(n, x, out, m);
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
  return reduce<T, ValueTerm>(n, x, 0, <T>0);
}

/** Σ x[i]·y[i], in f64 with per-block promotion. */
export function dot<T>(n: i32, x: usize, y: usize): f64 {
  return reduce<T, ProductTerm>(n, x, y, <T>0);
}
