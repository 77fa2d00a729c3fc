// Vector exp, log, log1p and sigmoid for f32x4 and f64x2, and generic dispatchers over the lane type T.
// The techniques (magic-bias rounding, Cody-Waite reduction, musl's log) are explained in
// docs/simd.md §2-§3.
//
// exp_f32x4: n = round(x·log2e) by magic-bias addition, 2^n by shifting the biased float's bits
//   into the exponent, two-constant Cody-Waite reduction to |t| <= ln2/2 (XNNPACK's "rr2"
//   scheme), then e^t = 1 + (t + t²·q(t)) with q a degree-4 minimax polynomial, and
//   2^n + 2^n·(t + t²·q) so that the only rounding of size is the last addition. Domain x <= 88;
//   x < -87.34 gives +0 (no denormals). Measured max error 0.963 ulp against Math.exp, over every
//   16th float32 in [-87.3, 88] (`node bench/accuracy-cost.mjs ulp`); the degree-5 polynomial
//   this replaced (XNNPACK's rr2-p5) measured 2.26 ulp.
// exp_sum_term_f32x4: the rr2-p5 polynomial, 2.26 ulp, two operations fewer: for the terms of a
//   sum whose terms are not kept (their errors average out in the sum).
// sigmoid_neg_abs_f32x4 (vsigmoid, vsigmoid_neg_abs): σ(-|x|) = e/(1+e) with e = 2^n + 2^n·r
//   formed exactly in f64 and the quotient rounded once; σ(|x|) = 1 - σ(-|x|). Measured max
//   error of σ 0.985 ulp over every 16th float32 in [-87.3, 88].
// exp_f64x2: the same scheme in f64 with a degree-13 Taylor polynomial on |t| <= ln2/2
//   (truncation error < 2e-16 relative). Domain x <= 709; x < -708.39 gives +0 (no denormals).
//   Within 1 ulp on 2^16-point grids of [-708, 0] and [-1, 1] (test/simd-math.test.ts; no
//   denser sweep was run for f64).
// log_f32x4 / log_f64x2: musl's logf/log (from FreeBSD e_logf.c / e_log.c), vectorized: the
//   mantissa is moved into [sqrt(1/2), sqrt(2)) by integer arithmetic on the bits, then
//   log(1+f) = 2s + s·R(s²) with s = f/(2+f). Subnormals are rescaled first. log(0) = -inf,
//   log(x<0) = log(NaN) = NaN, log(inf) = inf. Error below 1 ulp (musl's bound); log_f32x4
//   measured max 0.826 ulp against Math.log over every 64th float32 in [2^-149, 2^128);
//   log_f64x2 within 1 ulp on a 2^15-point grid of e^[-700, 700] (test/simd-math.test.ts).
// log1p: log(1+u) corrected by (u - ((1+u) - 1)) / (1+u) (Goldberg's trick), for u >= -1.
// Every routine passes NaN through.

// ---- f32 constants (decimal of the exact float; bit pattern beside it) ----
const F32_MAGIC = f32x4(12583039.0, 12583039.0, 12583039.0, 12583039.0); // 0x4b40007f = 2^23+2^22+127
const F32_LOG2E = f32x4(1.4426950216293335, 1.4426950216293335, 1.4426950216293335, 1.4426950216293335); // 0x3fb8aa3b
const F32_MLN2HI = f32x4(-0.693145751953125, -0.693145751953125, -0.693145751953125, -0.693145751953125); // 0xbf317200
const F32_MLN2LO = f32x4(-1.428606765330187e-6, -1.428606765330187e-6, -1.428606765330187e-6, -1.428606765330187e-6); // 0xb5bfbe8e
// q(t) = (e^t - 1 - t)/t², minimax of degree 4 for e^t's relative error on |t| <= 0.354
// (Lawson iterations in float64; 5.7e-9 with these float32 coefficients, well under 1/16 ulp).
const F32_Q2 = f32x4(0.4999999403953552, 0.4999999403953552, 0.4999999403953552, 0.4999999403953552); // 0x3efffffe
const F32_Q3 = f32x4(0.16666509211063385, 0.16666509211063385, 0.16666509211063385, 0.16666509211063385); // 0x3e2aaa41
const F32_Q4 = f32x4(0.04166853055357933, 0.04166853055357933, 0.04166853055357933, 0.04166853055357933); // 0x3d2aac9f
const F32_Q5 = f32x4(0.008370140567421913, 0.008370140567421913, 0.008370140567421913, 0.008370140567421913); // 0x3c0922ea
const F32_Q6 = f32x4(0.0013811651151627302, 0.0013811651151627302, 0.0013811651151627302, 0.0013811651151627302); // 0x3ab50836
const F32_EXP_CUTOFF = f32x4(-87.33654022216797, -87.33654022216797, -87.33654022216797, -87.33654022216797); // 0xc2aeac4f

/** 2^n, n = round(x·log2e): e^x's scale, 4 lanes (garbage where x < -87.34: see exp_under). */
// @ts-ignore: decorator
@inline export function exp_scale_f32x4(x: v128): v128 {
  return i32x4.shl(f32x4.add(f32x4.mul(x, F32_LOG2E), F32_MAGIC), 23);
}

/** The lanes where e^x is +0 (x < -87.34, -inf): exp_f32x4 clears them. */
// @ts-ignore: decorator
@inline export function exp_under_f32x4(x: v128): v128 {
  return f32x4.lt(x, F32_EXP_CUTOFF);
}

/** e^t - 1 = t + t²·q(t), t = x - n·ln2: e^x = 2^n + 2^n·(this), 4 lanes. */
// @ts-ignore: decorator
@inline export function exp_frac_f32x4(x: v128): v128 {
  const n = f32x4.sub(f32x4.add(f32x4.mul(x, F32_LOG2E), F32_MAGIC), F32_MAGIC);
  let t = f32x4.add(f32x4.mul(n, F32_MLN2HI), x);
  t = f32x4.add(f32x4.mul(n, F32_MLN2LO), t);
  let q = f32x4.add(f32x4.mul(F32_Q6, t), F32_Q5);
  q = f32x4.add(f32x4.mul(q, t), F32_Q4);
  q = f32x4.add(f32x4.mul(q, t), F32_Q3);
  q = f32x4.add(f32x4.mul(q, t), F32_Q2);
  return f32x4.add(f32x4.mul(f32x4.mul(t, t), q), t);
}

/** e^x, 4 lanes. */
// @ts-ignore: decorator
@inline export function exp_f32x4(x: v128): v128 {
  // r = e^t - 1 is small against the 1 it is added to, and 2^n·r is exact: the only rounding
  // of size is the last addition.
  const s = exp_scale_f32x4(x);
  return v128.andnot(f32x4.add(f32x4.mul(exp_frac_f32x4(x), s), s), exp_under_f32x4(x));
}

/**
 * σ(-|x|) = e/(1+e), e = e^-|x|, 4 lanes. Measured max error of σ (this, and 1 minus this for
 * x >= 0) 0.985 ulp over every 16th float32 in [-87.3, 88] (`node bench/accuracy-cost.mjs ulp`). exp_f32x4's steps, stopped before its last
 * addition: e = 2^n + 2^n·r is then formed exactly in f64, and e/(1+e) is rounded once. In
 * float32 alone, 1+e, the division and e's own rounding add up to about 2 ulp.
 * -|x| < -87.34 gives +0 (no denormals), as vexp.
 */
// @ts-ignore: decorator
@inline export function sigmoid_neg_abs_f32x4(x: v128): v128 {
  const a = v128.or(x, f32x4.splat(-0.0)); // -|x|
  const under = exp_under_f32x4(a);
  const s = exp_scale_f32x4(a);
  return sigmoid_of_exp_parts_f32x4(v128.andnot(s, under), v128.andnot(f32x4.mul(exp_frac_f32x4(a), s), under));
}

/** e/(1+e) from e = s + h (exp_scale_f32x4 and s·exp_frac_f32x4), e formed exactly in f64. */
// @ts-ignore: decorator
@inline export function sigmoid_of_exp_parts_f32x4(s: v128, h: v128): v128 {
  const e0 = f64x2.add(f32x4_lo_f64(s), f32x4_lo_f64(h));
  const e1 = f64x2.add(f32x4_hi_f64(s), f32x4_hi_f64(h));
  const one = f64x2.splat(1.0);
  return f64_pair_f32x4(f64x2.div(e0, f64x2.add(one, e0)), f64x2.div(e1, f64x2.add(one, e1)));
}

// XNNPACK's rr2-p5 polynomial (the exp_f32x4 before this one): 2.26 ulp, two operations fewer.
const F32_C5 = f32x4(0.008289290592074394, 0.008289290592074394, 0.008289290592074394, 0.008289290592074394); // 0x3c07cfce
const F32_C4 = f32x4(0.04189782217144966, 0.04189782217144966, 0.04189782217144966, 0.04189782217144966); // 0x3d2b9d0d
const F32_C3 = f32x4(0.16667652130126953, 0.16667652130126953, 0.16667652130126953, 0.16667652130126953); // 0x3e2aad40
const F32_C2 = f32x4(0.4999915063381195, 0.4999915063381195, 0.4999915063381195, 0.4999915063381195); // 0x3efffee3
const F32_C1 = f32x4(0.9999997019767761, 0.9999997019767761, 0.9999997019767761, 0.9999997019767761); // 0x3f7ffffb

/**
 * e^x, 4 lanes, to 2.26 ulp (XNNPACK's rr2-p5): for sums of many terms only (the row sums of
 * softmax and cross-entropy), whose relative error is an average of the terms', far below 1 ulp.
 * About 8% faster there than exp_f32x4. Same domain and special values as exp_f32x4.
 */
// @ts-ignore: decorator
@inline export function exp_sum_term_f32x4(x: v128): v128 {
  let n = f32x4.add(f32x4.mul(x, F32_LOG2E), F32_MAGIC);
  const s = i32x4.shl(n, 23);
  n = f32x4.sub(n, F32_MAGIC);
  let t = f32x4.add(f32x4.mul(n, F32_MLN2HI), x);
  t = f32x4.add(f32x4.mul(n, F32_MLN2LO), t);
  let p = f32x4.add(f32x4.mul(F32_C5, t), F32_C4);
  p = f32x4.add(f32x4.mul(p, t), F32_C3);
  p = f32x4.add(f32x4.mul(p, t), F32_C2);
  p = f32x4.add(f32x4.mul(p, t), F32_C1);
  t = f32x4.mul(t, s);
  return v128.andnot(f32x4.add(f32x4.mul(t, p), s), f32x4.lt(x, F32_EXP_CUTOFF));
}

// ---- f64 exp constants ----
const F64_MAGIC = f64x2(6755399441056767.0, 6755399441056767.0); // 2^52+2^51+1023
const F64_LOG2E = f64x2(1.4426950408889634, 1.4426950408889634);
const F64_MLN2HI = f64x2(-6.93147180369123816490e-01, -6.93147180369123816490e-01); // 0xbfe62e42fee00000
const F64_MLN2LO = f64x2(-1.90821492927058770002e-10, -1.90821492927058770002e-10); // 0xbdea39ef35793c76
const F64_EXP_CUTOFF = f64x2(-708.3964185322641, -708.3964185322641); // ln(2^-1022)
const F64_ONE = f64x2(1.0, 1.0);
const F64_HALF = f64x2(0.5, 0.5);

/** e^x, 2 lanes. */
// @ts-ignore: decorator
@inline export function exp_f64x2(x: v128): v128 {
  let n = f64x2.add(f64x2.mul(x, F64_LOG2E), F64_MAGIC);
  const s = i64x2.shl(n, 52);
  n = f64x2.sub(n, F64_MAGIC);
  let t = f64x2.add(f64x2.mul(n, F64_MLN2HI), x);
  t = f64x2.add(f64x2.mul(n, F64_MLN2LO), t);
  // p = (e^t - 1)/t = 1 + t/2! + ... + t^12/13!, Horner.
  let p = f64x2.add(f64x2.mul(t, f64x2.splat(1.6059043836821613e-10)), f64x2.splat(2.08767569878681e-09));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(2.505210838544172e-08));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(2.755731922398589e-07));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(2.7557319223985893e-06));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(2.48015873015873e-05));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(0.0001984126984126984));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(0.001388888888888889));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(0.008333333333333333));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(0.041666666666666664));
  p = f64x2.add(f64x2.mul(p, t), f64x2.splat(0.16666666666666666));
  p = f64x2.add(f64x2.mul(p, t), F64_HALF);
  p = f64x2.add(f64x2.mul(p, t), F64_ONE);
  t = f64x2.mul(t, s);
  const e = f64x2.add(f64x2.mul(t, p), s);
  return v128.andnot(e, f64x2.lt(x, F64_EXP_CUTOFF));
}

// ---- f32 log constants (musl logf) ----
const F32_LN2HI = f32x4(0.6931381225585938, 0.6931381225585938, 0.6931381225585938, 0.6931381225585938); // 0x3f317180
const F32_LN2LO = f32x4(9.05800061445916e-6, 9.05800061445916e-6, 9.05800061445916e-6, 9.05800061445916e-6); // 0x3717f7d1
const F32_LG1 = f32x4(0.6666666269302368, 0.6666666269302368, 0.6666666269302368, 0.6666666269302368); // 0x3f2aaaaa
const F32_LG2 = f32x4(0.40000972151756287, 0.40000972151756287, 0.40000972151756287, 0.40000972151756287); // 0x3eccce13
const F32_LG3 = f32x4(0.2849878668785095, 0.2849878668785095, 0.2849878668785095, 0.2849878668785095); // 0x3e91e9ee
const F32_LG4 = f32x4(0.24279078841209412, 0.24279078841209412, 0.24279078841209412, 0.24279078841209412); // 0x3e789e26
const F32_MIN_NORMAL = f32x4(1.1754943508222875e-38, 1.1754943508222875e-38, 1.1754943508222875e-38, 1.1754943508222875e-38);
const F32_ONE = f32x4(1.0, 1.0, 1.0, 1.0);
const F32_TWO = f32x4(2.0, 2.0, 2.0, 2.0);
const F32_HALF = f32x4(0.5, 0.5, 0.5, 0.5);
const F32_ZERO = f32x4(0.0, 0.0, 0.0, 0.0);
const F32_INF = f32x4(Infinity, Infinity, Infinity, Infinity);
const F32_NEG_INF = f32x4(-Infinity, -Infinity, -Infinity, -Infinity);
const F32_NAN = f32x4(NaN, NaN, NaN, NaN);

/** Natural log, 4 lanes. */
// @ts-ignore: decorator
@inline export function log_f32x4(x: v128): v128 {
  const sub = f32x4.lt(x, F32_MIN_NORMAL); // subnormal (or <= 0, fixed up at the end)
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(33554432.0)), x, sub); // · 2^25
  let ix = i32x4.add(xs, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const k = i32x4.sub(i32x4.shr_u(ix, 23), v128.bitselect(i32x4.splat(127 + 25), i32x4.splat(127), sub));
  ix = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const f = f32x4.sub(ix, F32_ONE);
  const s = f32x4.div(f, f32x4.add(F32_TWO, f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(F32_LG2, f32x4.mul(w, F32_LG4)));
  const t2 = f32x4.mul(z, f32x4.add(F32_LG1, f32x4.mul(w, F32_LG3)));
  const hfsq = f32x4.mul(F32_HALF, f32x4.mul(f, f));
  const dk = f32x4.convert_i32x4_s(k);
  let r = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1))), f32x4.mul(dk, F32_LN2LO));
  r = f32x4.add(f32x4.add(f32x4.sub(r, hfsq), f), f32x4.mul(dk, F32_LN2HI));
  r = v128.bitselect(F32_NEG_INF, r, f32x4.eq(x, F32_ZERO));
  r = v128.bitselect(F32_INF, r, f32x4.eq(x, F32_INF));
  return v128.bitselect(r, F32_NAN, f32x4.ge(x, F32_ZERO)); // x < 0 or NaN -> NaN
}

// ---- f64 log constants (musl log) ----
const F64_LN2HI = f64x2(6.93147180369123816490e-01, 6.93147180369123816490e-01);
const F64_LN2LO = f64x2(1.90821492927058770002e-10, 1.90821492927058770002e-10);
const F64_MIN_NORMAL = f64x2(2.2250738585072014e-308, 2.2250738585072014e-308);
const F64_TWO52 = f64x2(4503599627370496.0, 4503599627370496.0); // 2^52, bits 0x4330000000000000
const F64_ZERO = f64x2(0.0, 0.0);
const F64_INF = f64x2(Infinity, Infinity);
const F64_NEG_INF = f64x2(-Infinity, -Infinity);
const F64_NAN = f64x2(NaN, NaN);

/** Natural log, 2 lanes. */
// @ts-ignore: decorator
@inline export function log_f64x2(x: v128): v128 {
  const sub = f64x2.lt(x, F64_MIN_NORMAL);
  const xs = v128.bitselect(f64x2.mul(x, f64x2.splat(18014398509481984.0)), x, sub); // · 2^54
  let ix = i64x2.add(xs, i64x2.splat(<i64>(0x3ff00000 - 0x3fe6a09e) << 32));
  // Biased exponent (0..2047) to f64 without an int64->f64 conversion: OR it into 2^52's bits.
  const kb = f64x2.sub(v128.or(i64x2.shr_u(ix, 52), F64_TWO52), F64_TWO52);
  const dk = f64x2.sub(kb, v128.bitselect(f64x2.splat(1023.0 + 54.0), f64x2.splat(1023.0), sub));
  ix = i64x2.add(v128.and(ix, i64x2.splat(0x000fffffffffffff)), i64x2.splat(<i64>0x3fe6a09e << 32));
  const f = f64x2.sub(ix, F64_ONE);
  const hfsq = f64x2.mul(F64_HALF, f64x2.mul(f, f));
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(f64x2.splat(3.999999999940941908e-01),
    f64x2.mul(w, f64x2.add(f64x2.splat(2.222219843214978396e-01), f64x2.mul(w, f64x2.splat(1.531383769920937332e-01))))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(6.666666666666735130e-01),
    f64x2.mul(w, f64x2.add(f64x2.splat(2.857142874366239149e-01),
      f64x2.mul(w, f64x2.add(f64x2.splat(1.818357216161805012e-01), f64x2.mul(w, f64x2.splat(1.479819860511658591e-01))))))));
  let r = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, f64x2.add(t2, t1))), f64x2.mul(dk, F64_LN2LO));
  r = f64x2.add(f64x2.add(f64x2.sub(r, hfsq), f), f64x2.mul(dk, F64_LN2HI));
  r = v128.bitselect(F64_NEG_INF, r, f64x2.eq(x, F64_ZERO));
  r = v128.bitselect(F64_INF, r, f64x2.eq(x, F64_INF));
  return v128.bitselect(r, F64_NAN, f64x2.ge(x, F64_ZERO));
}

// ---- f32 lanes through f64: a few steps in f64 so that a result is rounded once ----

/** Lanes 0-1 of an f32x4 as f64x2 (exact). */
// @ts-ignore: decorator
@inline export function f32x4_lo_f64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2-3 of an f32x4 as f64x2 (exact). */
// @ts-ignore: decorator
@inline export function f32x4_hi_f64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** Two f64x2 (lanes 0-1, 2-3) rounded to one f32x4. */
// @ts-ignore: decorator
@inline export function f64_pair_f32x4(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// ---- generic over the lane type: T is f32 (f32x4) or f64 (f64x2) ----

/** Lanes per v128 for T. */
// @ts-ignore: decorator
@inline export function lanes<T>(): i32 {
  return <i32>(16 / sizeof<T>());
}

// @ts-ignore: decorator
@inline export function vexp<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return exp_f32x4(x);
  return exp_f64x2(x);
}

/** e^x for a term of a sum (exp_sum_term_f32x4 in f32; exp_f64x2 in f64). */
// @ts-ignore: decorator
@inline export function vexp_sum_term<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return exp_sum_term_f32x4(x);
  return exp_f64x2(x);
}

// @ts-ignore: decorator
@inline export function vlog<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return log_f32x4(x);
  return log_f64x2(x);
}

/**
 * σ(-|x|) = 1/(1 + e^|x|), in (0, 1/2]: the smaller of σ(x) and σ(-x); the other is 1 minus it
 * (no cancellation: the result is in [1/2, 1)). f32: sigmoid_neg_abs_f32x4; f64: e/(1+e).
 */
// @ts-ignore: decorator
@inline export function vsigmoid_neg_abs<T>(x: v128): v128 {
  if (sizeof<T>() == 4) return sigmoid_neg_abs_f32x4(x);
  const e = exp_f64x2(v128.neg<f64>(v128.abs<f64>(x)));
  return f64x2.div(e, f64x2.add(F64_ONE, e));
}

/** σ(x), 4 or 2 lanes: σ(-|x|) for x < 0, 1 - σ(-|x|) for x >= 0. */
// @ts-ignore: decorator
@inline export function vsigmoid<T>(x: v128): v128 {
  const lo = vsigmoid_neg_abs<T>(x);
  return v128.bitselect(v128.sub<T>(v128.splat<T>(<T>1), lo), lo, v128.ge<T>(x, v128.splat<T>(<T>0)));
}

/** log(1 + u) for u >= -1. */
// @ts-ignore: decorator
@inline export function vlog1p<T>(u: v128): v128 {
  const one = v128.splat<T>(<T>1);
  const w = v128.add<T>(one, u);
  const c = v128.div<T>(v128.sub<T>(u, v128.sub<T>(w, one)), w);
  // At w == 0 the correction is 0/0; log already gives -inf there.
  return v128.add<T>(vlog<T>(w), v128.andnot(c, v128.eq<T>(w, v128.splat<T>(<T>0))));
}

/** softplus(-|x|)-style helper: log1p(exp(-|x|)), in (0, ln 2]. */
// @ts-ignore: decorator
@inline export function vlog1p_exp_neg_abs<T>(x: v128): v128 {
  return vlog1p<T>(vexp<T>(v128.neg<T>(v128.abs<T>(x))));
}

/** Sum of the lanes, in f64. */
// @ts-ignore: decorator
@inline export function hsum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1))
      + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
  }
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Max of the lanes (pmax: a NaN lane may be dropped; callers rely on NaN reappearing in exp). */
// @ts-ignore: decorator
@inline export function hmax<T>(v: v128): T {
  if (sizeof<T>() == 4) {
    const a = v128.pmax<f32>(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    const b = v128.pmax<f32>(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2));
    return <T>f32x4.extract_lane(b, 0);
  }
  return <T>max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/** Apply a vector routine to one scalar (tails keep the vector path's numerics). */
// @ts-ignore: decorator
@inline export function sexp<T>(x: T): T {
  return v128.extract_lane<T>(vexp<T>(v128.splat<T>(x)), 0);
}

// @ts-ignore: decorator
@inline export function slog<T>(x: T): T {
  return v128.extract_lane<T>(vlog<T>(v128.splat<T>(x)), 0);
}

// @ts-ignore: decorator
@inline export function slog1p<T>(x: T): T {
  return v128.extract_lane<T>(vlog1p<T>(v128.splat<T>(x)), 0);
}

/** Lane j of v for a lane index known only at run time. */
// @ts-ignore: decorator
@inline export function lane<T>(v: v128, j: i32): T {
  if (sizeof<T>() == 4) {
    if (j == 0) return v128.extract_lane<T>(v, 0);
    if (j == 1) return v128.extract_lane<T>(v, 1);
    if (j == 2) return v128.extract_lane<T>(v, 2);
    return v128.extract_lane<T>(v, 3);
  }
  return j == 0 ? v128.extract_lane<T>(v, 0) : v128.extract_lane<T>(v, 1);
}

/**
 * e^x for any x: vexp, with +inf past the largest finite result (x > 88.72 in f32, 709.78 in
 * f64) where vexp's 2^n scale would overflow into garbage.
 */
// @ts-ignore: decorator
@inline export function vexp_any<T>(x: v128): v128 {
  const limit = v128.splat<T>(sizeof<T>() == 4 ? <T>88.72283172607422 : <T>709.782712893384);
  const safe = v128.pmin<T>(x, limit); // NaN stays NaN (pmin keeps its first operand)
  return v128.bitselect(v128.splat<T>(<T>Infinity), vexp<T>(safe), v128.gt<T>(x, limit));
}
