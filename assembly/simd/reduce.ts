// Row primitives shared by the kernels, generic over T = f32 | f64.
//
// Loop shape (XNNPACK's): 4 vectors per iteration into 4 independent accumulators, then one
// vector at a time, then a scalar tail. Sums are carried in T inside a block of BLOCK elements
// and promoted to f64 at the end of each block, so a float32 sum over 10^8 terms keeps about
// 1e-7 relative error instead of growing with n (docs/simd.md §4). The loop is written once,
// `accumulate`, for these sums and the elementwise losses alike; each supplies its term as a
// class with @inline methods, called on a null receiver (assembly/simd/elementwise.ts).
import { vmax, vmin } from './relaxed';
import { hmax, hsum, K_C5, K_CUTOFF, K_LOG2E, K_MAGIC, K_MLN2HI, K_MLN2LO, K_Q6, kexp, lanes, sexp, sexp_sub, sub_residual, sub_residual_fast, vexp_k, vexp_k_r, vexp_sum_term_k, vexp_sum_term_k_r } from './math';

/** Elements summed in T before the partial sum is promoted to f64. */
export const BLOCK: i32 = 1024;

/** The min of the last row_max_min. */
export let rowMin: f64 = 0;

/** row_max, and the row's min to rowMin (one pass). */
export function row_max_min<T>(n: i32, x: usize): T {
  return max_of<T>(n, x, true);
}

/**
 * Whether z - m's rounding error is sub_residual_fast's for every z in [lo, m]: no |z| has a
 * larger exponent than m (|z| < 2^(e_m + 1)), and no e^(z - m) underflows. False for m = 0, NaN
 * or ±inf.
 */
export function fast_residual_ok(m: f64, lo: f64): bool {
  const a = abs(m);
  if (!(a >= 1.1754943508222875e-38 && a < Infinity)) return false;
  const bound = reinterpret<f64>((reinterpret<u64>(a) & 0x7ff0000000000000) + 0x0010000000000000); // 2^(e_m + 1)
  // and every z - m at or above -87 (exact in f64), above the f32 exp's cutoff (-87.34): the
  // fast terms' exp clears no underflowing lane
  return abs(lo) < bound && m - lo <= 87;
}

/** Max of x[0..n) (n >= 1). NaN elements may be skipped; the exp pass brings NaN back. */
export function row_max<T>(n: i32, x: usize): T {
  return max_of<T>(n, x, false);
}

/** row_max's loop; with withMin (a constant) the min too, to rowMin. */
// @ts-ignore: decorator
@inline function max_of<T>(n: i32, x: usize, withMin: bool): T {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  let m0 = v128.splat<T>(<T>-Infinity);
  let m1 = m0, m2 = m0, m3 = m0;
  let l0 = v128.splat<T>(<T>Infinity);
  let l1 = l0, l2 = l0, l3 = l0;
  let i = 0;
  for (; i + W <= n; i += W) {
    const p = x + <usize>i * bytes;
    const a = v128.load(p), b = v128.load(p, 16), c = v128.load(p, 32), d = v128.load(p, 48);
    m0 = vmax<T>(m0, a); m1 = vmax<T>(m1, b); m2 = vmax<T>(m2, c); m3 = vmax<T>(m3, d);
    if (withMin) { l0 = vmin<T>(l0, a); l1 = vmin<T>(l1, b); l2 = vmin<T>(l2, c); l3 = vmin<T>(l3, d); }
  }
  for (; i + L <= n; i += L) {
    const a = v128.load(x + <usize>i * bytes);
    m0 = vmax<T>(m0, a);
    if (withMin) l0 = vmin<T>(l0, a);
  }
  m0 = vmax<T>(vmax<T>(m0, m1), vmax<T>(m2, m3));
  let m = hmax<T>(m0);
  let lo: T = 0;
  if (withMin) lo = -hmax<T>(v128.neg<T>(vmin<T>(vmin<T>(l0, l1), vmin<T>(l2, l3))));
  for (; i < n; i++) {
    const v = load<T>(x + <usize>i * bytes);
    if (v > m) m = v;
    if (withMin && v < lo) lo = v;
  }
  if (withMin) rowMin = <f64>lo;
  return m;
}

/**
 * The accumulator loop, written once: Σ of op.v over [0, n4), n4 a multiple of 4 vectors, 4
 * vectors per iteration into 4 independent accumulators, each block of BLOCK elements promoted to
 * f64. op.v has the elementwise op's signature (assembly/simd/elementwise.ts): it computes one
 * vector of terms at byte offset off (and may store gradients); a nonzero `loss` receives each
 * vector too. Callers add their own tail (elementwise_sum, reduce below). For ExpTerm, k0..p4
 * are the exp's constants, loaded once by the caller, and sumTerm picks the exp (see `step`).
 */
// @ts-ignore: decorator
@inline export function accumulate<T, Op>(n4: i32, a: usize, b: usize, c: usize, d: usize, loss: usize, g1: usize, g2: usize, g3: usize,
  gradRow: usize, vk: v128, vp: v128, vq: v128, k0: v128 = i64x2(0, 0), k1: v128 = i64x2(0, 0), k2: v128 = i64x2(0, 0),
  k3: v128 = i64x2(0, 0), k4: v128 = i64x2(0, 0), p0: v128 = i64x2(0, 0), p1: v128 = i64x2(0, 0), p2: v128 = i64x2(0, 0),
  p3: v128 = i64x2(0, 0), p4: v128 = i64x2(0, 0), sumTerm: bool = false): f64 {
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
      const l0 = step<T, Op>(a, b, c, d, g1, g2, g3, gradRow, off, 0, vk, vp, vq, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm);
      const l1 = step<T, Op>(a, b, c, d, g1, g2, g3, gradRow, off, 1, vk, vp, vq, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm);
      const l2 = step<T, Op>(a, b, c, d, g1, g2, g3, gradRow, off, 2, vk, vp, vq, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm);
      const l3 = step<T, Op>(a, b, c, d, g1, g2, g3, gradRow, off, 3, vk, vp, vq, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm);
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
    // The accumulators' lanes in f64: added in T they would round again (a float32 sum of a few
    // elements, one per lane, is then exact until this point).
    total += (hsum<T>(a0) + hsum<T>(a1)) + (hsum<T>(a2) + hsum<T>(a3));
  }
  return total;
}

/**
 * One vector of op's terms at byte offset off + 16·q (q a constant 0..3): op.v; or for ExpTerm and ExpStoreTerm, exp(a[i] - m)
 * (vp the splat of m) by vexp_sum_term when sumTerm, else vexp, with the exp's constants passed
 * in (ExpStoreTerm: stored to b[i] too).
 */
// @ts-ignore: decorator
@inline function step<T, Op>(a: usize, b: usize, c: usize, d: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, off: usize, q: i32,
  vk: v128, vp: v128, vq: v128, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, p0: v128, p1: v128, p2: v128, p3: v128, p4: v128,
  sumTerm: bool): v128 {
  const op = changetype<Op>(0);
  // decided at compile time (the classes are unrelated): only one of the two is compiled
  if (op instanceof ExpTerm || op instanceof ExpStoreTerm || op instanceof ExpStoreFastTerm || op instanceof ExpStoreSumTerm || op instanceof ExpStoreSumFastTerm) {
    const z = load_at(a + off, q);
    const x = v128.sub<T>(z, vp);
    // Stored exps of the 1-ulp exp (softmax) also take z - m's rounding error into the exp
    // (sub_residual: 5 operations more): where |z - m| >= 8 that rounding alone is up to 4 ulp of
    // the result. A sum's terms do not need it, nor the cheaper exp's (cross-entropy's gradient).
    const e = op instanceof ExpStoreSumTerm
      ? vexp_sum_term_k_r<T>(x, sizeof<T>() == 4 ? sub_residual<T>(z, vp, x) : x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4)
      : op instanceof ExpStoreSumFastTerm
      ? vexp_sum_term_k_r<T>(x, sizeof<T>() == 4 ? sub_residual_fast<T>(z, vp, x) : x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, false)
      : sumTerm
      ? vexp_sum_term_k<T>(x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4)
      : op instanceof ExpStoreTerm
        ? vexp_k_r<T>(x, sizeof<T>() == 4 ? sub_residual<T>(z, vp, x) : x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4)
        : op instanceof ExpStoreFastTerm
          ? vexp_k_r<T>(x, sizeof<T>() == 4 ? sub_residual_fast<T>(z, vp, x) : x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, false)
          : vexp_k<T>(x, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4);
    if (op instanceof ExpStoreTerm || op instanceof ExpStoreFastTerm || op instanceof ExpStoreSumTerm || op instanceof ExpStoreSumFastTerm) store_at(b + off, q, e);
    return e;
  }
  // @ts-ignore: the op's method (see elementwise.ts)
  return op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + <usize>q * 16, vk, vp, vq);
}

/** The vector q (a constant) vectors past p, as the load's immediate offset (binaryen does not fold p + (off + 16) into one). */
// @ts-ignore: decorator
@inline function load_at(p: usize, q: i32): v128 {
  if (q == 1) return v128.load(p, 16);
  if (q == 2) return v128.load(p, 32);
  if (q == 3) return v128.load(p, 48);
  return v128.load(p);
}

/** Stores v q (a constant) vectors past p. */
// @ts-ignore: decorator
@inline function store_at(p: usize, q: i32, v: v128): void {
  if (q == 1) v128.store(p, v, 16);
  else if (q == 2) v128.store(p, v, 32);
  else if (q == 3) v128.store(p, v, 48);
  else v128.store(p, v);
}

/**
 * Σ term(i) over [0, n), in f64: `accumulate`, then one vector at a time, then the scalar tail. A
 * term is an op (x, y its two arrays, y possibly an output it stores to; vp the splat of m) with
 * also  @inline s<T>(x: usize, y: usize, off: usize, m: T): T  for one element of the tail. For
 * the exp terms the exp's constants (the polynomial from K_C5 when sumTerm, else from K_Q6) are loaded
 * here once, into registers, for the whole row (math.ts, "a table in linear memory").
 */
// @ts-ignore: decorator
@inline function reduce<T, Term>(n: i32, x: usize, y: usize, m: T, sumTerm: bool = false): f64 {
  const term = changetype<Term>(0);
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const zero = v128.splat<T>(<T>0);
  const vm = v128.splat<T>(m);
  let k0 = zero, k1 = zero, k2 = zero, k3 = zero, k4 = zero, p0 = zero, p1 = zero, p2 = zero, p3 = zero, p4 = zero;
  if (term instanceof ExpTerm || term instanceof ExpStoreTerm || term instanceof ExpStoreFastTerm || term instanceof ExpStoreSumTerm || term instanceof ExpStoreSumFastTerm) {
    k0 = kexp<T>(K_MAGIC); k1 = kexp<T>(K_LOG2E); k2 = kexp<T>(K_MLN2HI); k3 = kexp<T>(K_MLN2LO); k4 = kexp<T>(K_CUTOFF);
    const P = sumTerm ? K_C5 : K_Q6;
    p0 = kexp<T>(P); p1 = kexp<T>(P + 1); p2 = kexp<T>(P + 2); p3 = kexp<T>(P + 3); p4 = kexp<T>(P + 4);
  }
  const n4 = n - n % (4 * L);
  let total = accumulate<T, Term>(n4, x, y, 0, 0, 0, 0, 0, 0, 0, zero, vm, zero, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm);
  let a = zero;
  let i = n4;
  for (; i + L <= n; i += L) {
    a = v128.add<T>(a, step<T, Term>(x, y, 0, 0, 0, 0, 0, 0, <usize>i * bytes, 0, zero, vm, zero, k0, k1, k2, k3, k4, p0, p1, p2, p3, p4, sumTerm));
  }
  total += hsum<T>(a);
  // @ts-ignore: the term's method
  for (; i < n; i++) total += <f64>term.s<T>(x, y, <usize>i * bytes, m);
  return total;
}

/** exp(x[i] - m), kept only in the sum (its vectors: `step`); to y[i] too when y is not 0. */
class ExpTerm {
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    const e = sexp<T>(load<T>(x + off) - m);
    if (y) store<T>(y + off, e);
    return e;
  }
}

/**
 * exp(x[i] - m) by the sum terms' exp, stored to y[i] too, x[i] - m's rounding error included
 * (its vectors: `step`).
 */
class ExpStoreSumTerm {
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    return changetype<ExpStoreTerm>(0).s<T>(x, y, off, m);
  }
}

/** ExpStoreSumTerm where fast_residual_ok holds (its vectors: `step`, sub_residual_fast). */
class ExpStoreSumFastTerm {
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    return changetype<ExpStoreTerm>(0).s<T>(x, y, off, m);
  }
}

/** exp(x[i] - m), stored to y[i] too, x[i] - m's rounding error included (its vectors: `step`). */
class ExpStoreTerm {
  // @ts-ignore: decorator
  @inline s<T>(x: usize, y: usize, off: usize, m: T): T {
    const e = sexp_sub<T>(load<T>(x + off), m);
    store<T>(y + off, e);
    return e;
  }
}

/** ExpStoreTerm where fast_residual_ok holds (its vectors: `step`, sub_residual_fast). */
class ExpStoreFastTerm {
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

/** Σ exp(x[i] - m) over [0, n), in f64 (the terms by vexp_sum_term: only their sum is kept). */
export function exp_sum<T>(n: i32, x: usize, m: T): f64 {
  return reduce<T, ExpTerm>(n, x, 0, m, true);
}

/** out[i] = exp(x[i] - m) and returns Σ out[i] in f64 (XNNPACK's raddstoreexpminusmax). */
export function exp_store_sum<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreTerm>(n, x, out, m, false);
}

/** exp_store_sum where fast_residual_ok(m, min) holds: z - m's rounding error in 2 operations, not 5. */
export function exp_store_sum_fast<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreFastTerm>(n, x, out, m, false);
}

/**
 * The same with vexp_sum_term (2.3 ulp in f32): for cross-entropy's gradient, whose elements
 * meet the accuracy bar as often with it (docs/accuracy.md), and which it keeps 10% faster.
 */
export function exp_store_sum_terms<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreSumTerm>(n, x, out, m, true);
}

/** exp_store_sum_terms where fast_residual_ok(m, min) holds. */
export function exp_store_sum_terms_fast<T>(n: i32, x: usize, out: usize, m: T): f64 {
  return reduce<T, ExpStoreSumFastTerm>(n, x, out, m, true);
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
