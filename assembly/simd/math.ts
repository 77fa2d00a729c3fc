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
// vexp_k_r (and the rr2-p5 one): e^(d + r) for d = z - m rounded and r its rounding error
//   (sub_residual: TwoSum, 5 operations; sub_residual_fast: Fast2Sum, 2, where no |z| has a
//   larger exponent than m), r added to the low part of the reduction: the stored exps of softmax
//   and cross-entropy carry no rounding of z - m (half an ulp of d, 4 ulp of e^d at |d| >= 8).
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
// log1p_unit_f32x4: log1p(e) for e in [0, 1] only (BCE with logits' e^-|x|): 2·atanh(e/(2+e)) by
//   a degree-5 minimax series, Estrin's scheme; max 2.76 ulp. exp_frac_estrin_k_f32x4: exp's
//   polynomial by Estrin (shorter chain), exp still 0.963 ulp.
// Every routine passes NaN through.

// The polynomial steps are madd (assembly/simd/relaxed.ts): one fused relaxed_madd in the
// relaxed-SIMD build, a multiply and an add otherwise; the range reductions and the last additions
// stay as written in both builds.

import { madd_f32x4, madd_f64x2, vmax } from './relaxed';

// ---- constants: a table in linear memory ----
// V8 does not keep a splatted v128.const in a register: Node 20 (TurboFan) builds it once per
// loop iteration or before the loop, Node 24 (Turboshaft) again at each use inside the loop, with
// three instructions (movq r10, imm64; vmovq; vpunpcklqdq): about 30 for an exp's ten constants
// against about 20 that do the math. Binaryen folds a local that holds a constant back into every
// use, but not a v128.load from this table: kv(i) is one load at the point of use, and a loop
// that loads its constants into locals before it (exp_k_f32x4 with kexp<T>) keeps them in
// registers (or spill slots). docs/kernels.md has the machine code and the timings.
// Rows of 4 equal f32 lanes (or 2 f64), by index (K_*), as bit patterns.
const KT: usize = memory.data<u32>([
  0x4b40007f, 0x4b40007f, 0x4b40007f, 0x4b40007f, // 0 magic 2^23+2^22+127
  0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, // 1 log2e
  0xbf317200, 0xbf317200, 0xbf317200, 0xbf317200, // 2 -ln2 hi
  0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e, // 3 -ln2 lo
  0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f, // 4 exp's cutoff -87.33654
  // q(t) = (e^t - 1 - t)/t², minimax of degree 4 for e^t's relative error on |t| <= 0.354
  // (Lawson iterations in float64; 5.7e-9 with these float32 coefficients, well under 1/16 ulp).
  0x3ab50836, 0x3ab50836, 0x3ab50836, 0x3ab50836, // 5 q6 0.0013811651
  0x3c0922ea, 0x3c0922ea, 0x3c0922ea, 0x3c0922ea, // 6 q5 0.0083701406
  0x3d2aac9f, 0x3d2aac9f, 0x3d2aac9f, 0x3d2aac9f, // 7 q4 0.041668531
  0x3e2aaa41, 0x3e2aaa41, 0x3e2aaa41, 0x3e2aaa41, // 8 q3 0.16666509
  0x3efffffe, 0x3efffffe, 0x3efffffe, 0x3efffffe, // 9 q2 0.49999994
  // XNNPACK's rr2-p5 polynomial (the exp before this one): 2.26 ulp, two operations fewer.
  0x3c07cfce, 0x3c07cfce, 0x3c07cfce, 0x3c07cfce, // 10 c5
  0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d, // 11 c4
  0x3e2aad40, 0x3e2aad40, 0x3e2aad40, 0x3e2aad40, // 12 c3
  0x3efffee3, 0x3efffee3, 0x3efffee3, 0x3efffee3, // 13 c2
  0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb, // 14 c1
  // musl's logf
  0x00800000, 0x00800000, 0x00800000, 0x00800000, // 15 smallest normal
  0x4c000000, 0x4c000000, 0x4c000000, 0x4c000000, // 16 2^25
  0x004afb0d, 0x004afb0d, 0x004afb0d, 0x004afb0d, // 17 0x3f800000 - 0x3f3504f3
  0x00000098, 0x00000098, 0x00000098, 0x00000098, // 18 127 + 25
  0x0000007f, 0x0000007f, 0x0000007f, 0x0000007f, // 19 127
  0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff, // 20 mantissa mask
  0x3f3504f3, 0x3f3504f3, 0x3f3504f3, 0x3f3504f3, // 21 sqrt(1/2)
  0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, // 22 1
  0x40000000, 0x40000000, 0x40000000, 0x40000000, // 23 2
  0x3eccce13, 0x3eccce13, 0x3eccce13, 0x3eccce13, // 24 Lg2
  0x3e789e26, 0x3e789e26, 0x3e789e26, 0x3e789e26, // 25 Lg4
  0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa, // 26 Lg1
  0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee, // 27 Lg3
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 28 1/2
  0x3717f7d1, 0x3717f7d1, 0x3717f7d1, 0x3717f7d1, // 29 ln2 lo
  0x3f317180, 0x3f317180, 0x3f317180, 0x3f317180, // 30 ln2 hi
  0xff800000, 0xff800000, 0xff800000, 0xff800000, // 31 -inf
  0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000, // 32 inf
  0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7fc00000, // 33 NaN
  0x80000000, 0x80000000, 0x80000000, 0x80000000, // 34 -0 (sign bit)
  // log1p_unit_k_f32x4: P(z) = 2·atanh(√z)/√z ≈ 2 + c1·z + ... + c5·z^5 on z = s² in [0, 1/9],
  // relative-error minimax (Lawson iterations in float64; 5.5e-10 with these float32
  // coefficients, against 6.9e-10 for the Taylor series to z^7 that it replaced).
  0x3e78b900, 0x3e78b900, 0x3e78b900, 0x3e78b900, // 35 c5 0.24289322
  0x3e5b738c, 0x3e5b738c, 0x3e5b738c, 0x3e5b738c, // 36 c4 0.21430796
  0x3e928457, 0x3e928457, 0x3e928457, 0x3e928457, // 37 c3 0.28616592
  0x3ecccb58, 0x3ecccb58, 0x3ecccb58, 0x3ecccb58, // 38 c2 0.39998889
  0x3f2aaaac, 0x3f2aaaac, 0x3f2aaaac, 0x3f2aaaac, // 39 c1 0.66666675
  0x00000000, 0x00000000, 0x00000000, 0x00000000, // 40 (free)
  0x00000000, 0x00000000, 0x00000000, 0x00000000, // 41 (free)
  0x00000000, 0x3ff00000, 0x00000000, 0x3ff00000, // 42 f64x2 1.0
  0x00000000, 0x3fe00000, 0x00000000, 0x3fe00000, // 43 f64x2 0.5
  // exp_f64x2 (f64 pairs, low word first)
  0x000003ff, 0x43380000, 0x000003ff, 0x43380000, // 44 magic 2^52+2^51+1023
  0x652b82fe, 0x3ff71547, 0x652b82fe, 0x3ff71547, // 45 log2e
  0xfee00000, 0xbfe62e42, 0xfee00000, 0xbfe62e42, // 46 -ln2 hi
  0x35793c76, 0xbdea39ef, 0x35793c76, 0xbdea39ef, // 47 -ln2 lo
  0xdd7abcd2, 0xc086232b, 0xdd7abcd2, 0xc086232b, // 48 cutoff ln(2^-1022)
  0x13a86d09, 0x3de61246, 0x13a86d09, 0x3de61246, // 49 1/13!
  0xeff8d898, 0x3e21eed8, 0xeff8d898, 0x3e21eed8, // 50 1/12!
  0x67f544e4, 0x3e5ae645, 0x67f544e4, 0x3e5ae645, // 51 1/11!
  0xb7789f5c, 0x3e927e4f, 0xb7789f5c, 0x3e927e4f, // 52 1/10!
  0xa556c734, 0x3ec71de3, 0xa556c734, 0x3ec71de3, // 53 1/9!
  0x1a01a01a, 0x3efa01a0, 0x1a01a01a, 0x3efa01a0, // 54 1/8!
  0x1a01a01a, 0x3f2a01a0, 0x1a01a01a, 0x3f2a01a0, // 55 1/7!
  0x16c16c17, 0x3f56c16c, 0x16c16c17, 0x3f56c16c, // 56 1/6!
  0x11111111, 0x3f811111, 0x11111111, 0x3f811111, // 57 1/5!
  0x55555555, 0x3fa55555, 0x55555555, 0x3fa55555, // 58 1/4!
  0x55555555, 0x3fc55555, 0x55555555, 0x3fc55555, // 59 1/3!
  // exp_lean8_f64x2: e^t = 1 + t + t²·r(t), r of degree 6, relative-error minimax on |t| <= ln2/2
  // (Lawson iterations in float64; 1.4e-12 max, checked on 200001 points in long double)
  0x0001b320, 0x3fe00000, 0x0001b320, 0x3fe00000, // 60 r0 0.500000000012367
  0x57dc50df, 0x3fc55555, 0x57dc50df, 0x3fc55555, // 61 r1 0.1666666678435211
  0x4d424406, 0x3fa55555, 0x4d424406, 0x3fa55555, // 62 r2 0.041666665726673144
  0x271e3756, 0x3f81110a, 0x271e3756, 0x3f81110a, // 63 r3 0.008333281821048349
  0x95c3a0f8, 0x3f56c17a, 0x95c3a0f8, 0x3f56c17a, // 64 r4 0.0013889023894595991
  0x88a29758, 0x3f2a1854, 0x88a29758, 0x3f2a1854, // 65 r5 0.00019908935457129784
  0x09240f00, 0x3ef9fb83, 0x09240f00, 0x3ef9fb83, // 66 r6 2.4778812595562492e-05
], 16);
export const K_MAGIC = 0, K_LOG2E = 1, K_MLN2HI = 2, K_MLN2LO = 3, K_CUTOFF = 4, K_Q6 = 5, K_C5 = 10;
export const K_ONE = 22, K_TWO = 23, K_HALF = 28, K_SIGN = 34, K_LOG1P_UNIT = 35, K_F64_ONE = 42, K_F64_HALF = 43;

/** Row i of the constant table: one load, which neither Binaryen nor V8 turns back into a splat. */
// @ts-ignore: decorator
@inline export function kv(i: i32): v128 {
  return v128.load(KT + (<usize>i << 4));
}

/** splat(1) and splat(0.5) for T, from the table. */
// @ts-ignore: decorator
@inline export function vone<T>(): v128 {
  return kv(sizeof<T>() == 4 ? K_ONE : K_F64_ONE);
}

// @ts-ignore: decorator
@inline export function vhalf<T>(): v128 {
  return kv(sizeof<T>() == 4 ? K_HALF : K_F64_HALF);
}

/**
 * Row i of T's exp constants for exp_k / exp_sum_term_k: loaded in f32; in f64 (whose exp keeps
 * its inline constants) a zero that nothing reads.
 */
// @ts-ignore: decorator
@inline export function kexp<T>(i: i32): v128 {
  if (sizeof<T>() == 4) return kv(i);
  return v128.splat<i32>(0);
}

/** 2^n, n = round(x·log2e): e^x's scale, 4 lanes (garbage where x < -87.34: see exp_under). */
// @ts-ignore: decorator
@inline export function exp_scale_k_f32x4(x: v128, magic: v128, log2e: v128): v128 {
  return i32x4.shl(f32x4.add(f32x4.mul(x, log2e), magic), 23);
}

/**
 * t = x - n·ln2 in two steps (Cody-Waite: -ln2 = mln2hi + mln2lo, n·mln2hi exact), 4 lanes; with
 * `withR`, r (x's own rounding error, sub_residual) is taken in with the low part.
 */
// @ts-ignore: decorator
@inline function reduce_ln2_f32x4(x: v128, n: v128, mln2hi: v128, mln2lo: v128, r: v128, withR: bool): v128 {
  // (n·mln2hi is exact: fused or not, the first step rounds once)
  const t = madd_f32x4(n, mln2hi, x);
  return withR ? f32x4.add(madd_f32x4(n, mln2lo, r), t) : madd_f32x4(n, mln2lo, t);
}

/**
 * e^t - 1 = t + t²·q(t), t = x - n·ln2: e^x = 2^n + 2^n·(this), 4 lanes. With `withR`, the
 * argument is x + r (r below half an ulp of x: the rounding error of x, sub_residual),
 * taken into t with the low part of n·ln2.
 */
// @ts-ignore: decorator
@inline export function exp_frac_k_f32x4(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128,
  q6: v128, q5: v128, q4: v128, q3: v128, q2: v128, r: v128 = i64x2(0, 0), withR: bool = false): v128 {
  const n = f32x4.sub(f32x4.add(f32x4.mul(x, log2e), magic), magic);
  const t = reduce_ln2_f32x4(x, n, mln2hi, mln2lo, r, withR);
  let q = madd_f32x4(q6, t, q5);
  q = madd_f32x4(q, t, q4);
  q = madd_f32x4(q, t, q3);
  q = madd_f32x4(q, t, q2);
  return madd_f32x4(f32x4.mul(t, t), q, t);
}

/**
 * exp_frac_k_f32x4 with q(t) by Estrin's scheme, (q2 + q3·t) + t²·((q4 + q5·t) + t²·q6), t² shared
 * with the last step: the same operations, a dependency chain two steps shorter than Horner's (BCE
 * with logits, whose loop waits on that chain). Rounds differently in the last bit now and then
 * (2734 of 2^20 BCE gradients); e^x = s + s·(this) measured max error 0.963 ulp over every 16th
 * float32 in [-87.3, 0], as exp_frac_k_f32x4's.
 */
// @ts-ignore: decorator
@inline export function exp_frac_estrin_k_f32x4(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128,
  q6: v128, q5: v128, q4: v128, q3: v128, q2: v128): v128 {
  const n = f32x4.sub(f32x4.add(f32x4.mul(x, log2e), magic), magic);
  const t = reduce_ln2_f32x4(x, n, mln2hi, mln2lo, i64x2(0, 0), false);
  const tt = f32x4.mul(t, t);
  const q = madd_f32x4(madd_f32x4(tt, q6, madd_f32x4(q5, t, q4)), tt, madd_f32x4(q3, t, q2));
  return madd_f32x4(tt, q, t);
}

/** exp_frac_estrin_k_f32x4 with its constants loaded at the point of use. */
// @ts-ignore: decorator
@inline export function exp_frac_estrin_f32x4(x: v128): v128 {
  return exp_frac_estrin_k_f32x4(x, kv(K_MAGIC), kv(K_LOG2E), kv(K_MLN2HI), kv(K_MLN2LO),
    kv(K_Q6), kv(K_Q6 + 1), kv(K_Q6 + 2), kv(K_Q6 + 3), kv(K_Q6 + 4));
}

/**
 * e^x, 4 lanes, with its constants as arguments: K_MAGIC, K_LOG2E, K_MLN2HI, K_MLN2LO, K_CUTOFF,
 * then K_Q6.. (five rows), as loaded by kv / kexp.
 */
// @ts-ignore: decorator
@inline export function exp_k_f32x4(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, res: v128 = i64x2(0, 0), withR: bool = false, clear: bool = true): v128 {
  // r = e^t - 1 is small against the 1 it is added to, and 2^n·r is exact: the only rounding
  // of size is the last addition.
  const s = exp_scale_k_f32x4(x, magic, log2e);
  const r = exp_frac_k_f32x4(x, magic, log2e, mln2hi, mln2lo, p0, p1, p2, p3, p4, res, withR);
  const e = madd_f32x4(r, s, s);
  // clear = false: the caller knows no lane is below the cutoff (fast_residual_ok)
  return clear ? v128.andnot(e, f32x4.lt(x, cutoff)) : e;
}

/** 2^n, n = round(x·log2e): e^x's scale, 4 lanes (garbage where x < -87.34: see exp_under). */
// @ts-ignore: decorator
@inline export function exp_scale_f32x4(x: v128): v128 {
  return exp_scale_k_f32x4(x, kv(K_MAGIC), kv(K_LOG2E));
}

/** The lanes where e^x is +0 (x < -87.34, -inf): exp_f32x4 clears them. */
// @ts-ignore: decorator
@inline export function exp_under_f32x4(x: v128): v128 {
  return f32x4.lt(x, kv(K_CUTOFF));
}

/** e^t - 1 = t + t²·q(t), t = x - n·ln2: e^x = 2^n + 2^n·(this), 4 lanes. */
// @ts-ignore: decorator
@inline export function exp_frac_f32x4(x: v128): v128 {
  return exp_frac_k_f32x4(x, kv(K_MAGIC), kv(K_LOG2E), kv(K_MLN2HI), kv(K_MLN2LO),
    kv(K_Q6), kv(K_Q6 + 1), kv(K_Q6 + 2), kv(K_Q6 + 3), kv(K_Q6 + 4));
}

/** e^x, 4 lanes (constants loaded at the point of use). */
// @ts-ignore: decorator
@inline export function exp_f32x4(x: v128): v128 {
  return exp_k_f32x4(x, kv(K_MAGIC), kv(K_LOG2E), kv(K_MLN2HI), kv(K_MLN2LO), kv(K_CUTOFF),
    kv(K_Q6), kv(K_Q6 + 1), kv(K_Q6 + 2), kv(K_Q6 + 3), kv(K_Q6 + 4));
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
  const a = v128.or(x, kv(K_SIGN)); // -|x|
  const under = exp_under_f32x4(a);
  const s = exp_scale_f32x4(a);
  return sigmoid_of_exp_parts_f32x4(v128.andnot(s, under), v128.andnot(f32x4.mul(exp_frac_f32x4(a), s), under));
}

/** e/(1+e) from e = s + h (exp_scale_f32x4 and s·exp_frac_f32x4), e formed exactly in f64. */
// @ts-ignore: decorator
@inline export function sigmoid_of_exp_parts_f32x4(s: v128, h: v128): v128 {
  const e0 = f64x2.add(f32x4_lo_f64(s), f32x4_lo_f64(h));
  const e1 = f64x2.add(f32x4_hi_f64(s), f32x4_hi_f64(h));
  const one = kv(K_F64_ONE);
  return f64_pair_f32x4(f64x2.div(e0, f64x2.add(one, e0)), f64x2.div(e1, f64x2.add(one, e1)));
}

/**
 * log1p(e) for e in [0, 1] (BCE with logits' e = e^-|x|), 4 lanes: 2·atanh(s) with s = e/(2+e) in
 * [0, 1/3], as s·P(s²), P of degree 5 (K_LOG1P_UNIT, from c5) evaluated by Estrin's scheme: the
 * chain after the division is 4 steps, not Horner's 6. No exponent extraction and one division
 * (vlog1p: two, and the special cases); e = 0 gives +0, e = NaN NaN. Measured max error 2.76 ulp
 * against float64 log1p over every 8th float32 in (0, 1], plain and relaxed build, as the Taylor
 * series in Horner form it replaced (same worst point, e = 0.0614): s's own rounding (2 + e and the
 * division) dominates. The constants are arguments (kv(K_TWO), then kv(K_LOG1P_UNIT) .. + 4).
 */
// @ts-ignore: decorator
@inline export function log1p_unit_k_f32x4(e: v128, two: v128, c5: v128, c4: v128, c3: v128, c2: v128, c1: v128): v128 {
  const s = f32x4.div(e, f32x4.add(two, e));
  const z = f32x4.mul(s, s);
  const z2 = f32x4.mul(z, z);
  const hi = madd_f32x4(madd_f32x4(c5, z, c4), z2, madd_f32x4(c3, z, c2)); // c2 + c3·z + c4·z² + c5·z³
  // 2 is added last: one rounding at 2's ulp (Estrin's (2 + c1·z) + z²·hi would round there twice).
  return f32x4.mul(s, f32x4.add(madd_f32x4(hi, z2, f32x4.mul(c1, z)), two));
}

/** log1p_unit_k_f32x4 with its constants loaded at the point of use. */
// @ts-ignore: decorator
@inline export function log1p_unit_f32x4(e: v128): v128 {
  return log1p_unit_k_f32x4(e, kv(K_TWO), kv(K_LOG1P_UNIT), kv(K_LOG1P_UNIT + 1), kv(K_LOG1P_UNIT + 2), kv(K_LOG1P_UNIT + 3), kv(K_LOG1P_UNIT + 4));
}

/**
 * e^x, 4 lanes, to 2.26 ulp (XNNPACK's rr2-p5), constants as exp_k_f32x4's with K_C5.. for the
 * polynomial: for sums of many terms only (the row sums of softmax and cross-entropy), whose
 * relative error is an average of the terms', far below 1 ulp. About 8% faster there than
 * exp_f32x4. Same domain and special values as exp_f32x4.
 */
// @ts-ignore: decorator
@inline export function exp_sum_term_k_f32x4(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, r: v128 = i64x2(0, 0), withR: bool = false, clear: bool = true): v128 {
  let n = f32x4.add(f32x4.mul(x, log2e), magic);
  const s = i32x4.shl(n, 23);
  n = f32x4.sub(n, magic);
  let t = reduce_ln2_f32x4(x, n, mln2hi, mln2lo, r, withR);
  let p = madd_f32x4(c5, t, c4);
  p = madd_f32x4(p, t, c3);
  p = madd_f32x4(p, t, c2);
  p = madd_f32x4(p, t, c1);
  t = f32x4.mul(t, s);
  const e = madd_f32x4(t, p, s);
  return clear ? v128.andnot(e, f32x4.lt(x, cutoff)) : e;
}

/** exp_sum_term_k_f32x4 with its constants loaded at the point of use. */
// @ts-ignore: decorator
@inline export function exp_sum_term_f32x4(x: v128): v128 {
  return exp_sum_term_k_f32x4(x, kv(K_MAGIC), kv(K_LOG2E), kv(K_MLN2HI), kv(K_MLN2LO), kv(K_CUTOFF),
    kv(K_C5), kv(K_C5 + 1), kv(K_C5 + 2), kv(K_C5 + 3), kv(K_C5 + 4));
}

// ---- f64 exp: the same scheme, its constants in the table (rows 44-59) ----
const F64_ONE = f64x2(1.0, 1.0);
const F64_HALF = f64x2(0.5, 0.5);

/** e^x, 2 lanes (constants from the table, rows 42-59, loaded at the point of use). */
// @ts-ignore: decorator
@inline export function exp_f64x2(x: v128): v128 {
  let n = f64x2.add(f64x2.mul(x, kv(45)), kv(44));
  const s = i64x2.shl(n, 52);
  n = f64x2.sub(n, kv(44));
  let t = madd_f64x2(n, kv(46), x); // (n·ln2's high part is exact: fused or not, one rounding)
  t = madd_f64x2(n, kv(47), t);
  // p = (e^t - 1)/t = 1 + t/2! + ... + t^12/13!, Horner.
  let p = f64x2.add(f64x2.mul(t, kv(49)), kv(50));
  p = madd_f64x2(p, t, kv(51));
  p = madd_f64x2(p, t, kv(52));
  p = madd_f64x2(p, t, kv(53));
  p = madd_f64x2(p, t, kv(54));
  p = madd_f64x2(p, t, kv(55));
  p = madd_f64x2(p, t, kv(56));
  p = madd_f64x2(p, t, kv(57));
  p = madd_f64x2(p, t, kv(58));
  p = madd_f64x2(p, t, kv(59));
  p = madd_f64x2(p, t, kv(K_F64_HALF));
  p = madd_f64x2(p, t, kv(K_F64_ONE));
  t = f64x2.mul(t, s);
  const e = madd_f64x2(t, p, s);
  return v128.andnot(e, f64x2.lt(x, kv(48)));
}

/**
 * e^x for x <= 0, 2 lanes, to about 1.4e-12 relative: exp_f64x2's reduction with a degree-8
 * minimax polynomial (table rows 60-66) in place of its full series. For float32 results that need
 * e^x beyond float32 precision (cross-entropy's smoothed and probability-target gradients, where
 * a·p_c - b cancels: docs/accuracy.md). (The Taylor series to t^9/9! was 7e-12; degree 7,
 * 5.3e-11, put a gradient element of crossEntropy/stress/258x10/smooth/weightTrue/none, which
 * cancels by about 10^4, at 4.8 ulp against PyTorch's 0.8.)
 */
// @ts-ignore: decorator
@inline export function exp_lean8_f64x2(x: v128): v128 {
  let n = f64x2.add(f64x2.mul(x, kv(45)), kv(44));
  const s = i64x2.shl(n, 52);
  n = f64x2.sub(n, kv(44));
  let t = madd_f64x2(n, kv(46), x); // (n·ln2's high part is exact: fused or not, one rounding)
  t = madd_f64x2(n, kv(47), t);
  // p = 1 + t·r(t), by Estrin
  const t2 = f64x2.mul(t, t);
  const t4 = f64x2.mul(t2, t2);
  const p01 = madd_f64x2(t, kv(60), kv(K_F64_ONE));
  const p23 = madd_f64x2(t, kv(62), kv(61));
  const p45 = madd_f64x2(t, kv(64), kv(63));
  const p67 = madd_f64x2(t, kv(66), kv(65));
  const lo = madd_f64x2(t2, p23, p01);
  const hi = madd_f64x2(t2, p67, p45);
  const p = madd_f64x2(t4, hi, lo);
  t = f64x2.mul(t, s);
  const e = madd_f64x2(t, p, s);
  return v128.andnot(e, f64x2.lt(x, kv(48)));
}

/** Natural log, 4 lanes (constants from the table, loaded at the point of use). */
// @ts-ignore: decorator
@inline export function log_f32x4(x: v128): v128 {
  const sub = f32x4.lt(x, kv(15)); // subnormal (or <= 0, fixed up at the end)
  const xs = v128.bitselect(f32x4.mul(x, kv(16)), x, sub); // · 2^25
  let ix = i32x4.add(xs, kv(17));
  const k = i32x4.sub(i32x4.shr_u(ix, 23), v128.bitselect(kv(18), kv(19), sub));
  ix = i32x4.add(v128.and(ix, kv(20)), kv(21));
  const f = f32x4.sub(ix, kv(K_ONE));
  const s = f32x4.div(f, f32x4.add(kv(K_TWO), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, madd_f32x4(w, kv(25), kv(24)));
  const t2 = f32x4.mul(z, madd_f32x4(w, kv(27), kv(26)));
  const hfsq = f32x4.mul(kv(K_HALF), f32x4.mul(f, f));
  const dk = f32x4.convert_i32x4_s(k);
  let r = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1))), f32x4.mul(dk, kv(29)));
  r = f32x4.add(f32x4.add(f32x4.sub(r, hfsq), f), f32x4.mul(dk, kv(30)));
  const zero = f32x4.splat(0);
  r = v128.bitselect(kv(31), r, f32x4.eq(x, zero));
  r = v128.bitselect(kv(32), r, f32x4.eq(x, kv(32)));
  return v128.bitselect(r, kv(33), f32x4.ge(x, zero)); // x < 0 or NaN -> NaN
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
    f64x2.mul(w, madd_f64x2(w, f64x2.splat(1.531383769920937332e-01), f64x2.splat(2.222219843214978396e-01)))));
  const t2 = f64x2.mul(z, f64x2.add(f64x2.splat(6.666666666666735130e-01),
    f64x2.mul(w, f64x2.add(f64x2.splat(2.857142874366239149e-01),
      f64x2.mul(w, madd_f64x2(w, f64x2.splat(1.479819860511658591e-01), f64x2.splat(1.818357216161805012e-01)))))));
  let r = f64x2.add(f64x2.mul(s, f64x2.add(hfsq, f64x2.add(t2, t1))), f64x2.mul(dk, F64_LN2LO));
  r = f64x2.add(f64x2.add(f64x2.sub(r, hfsq), f), f64x2.mul(dk, F64_LN2HI));
  r = v128.bitselect(F64_NEG_INF, r, f64x2.eq(x, F64_ZERO));
  r = v128.bitselect(F64_INF, r, f64x2.eq(x, F64_INF));
  return v128.bitselect(r, F64_NAN, f64x2.ge(x, F64_ZERO));
}

/**
 * Math.log and Math.exp of one f64 by the vector routines above (within 1 ulp; exp64 gives +0
 * below -708.39, where Math.exp is subnormal). AssemblyScript's NativeMath.log and exp, at the
 * modules' --shrinkLevel 0, read tables of 4 KB and 2 KB that the module then carries as data:
 * about 4 KB of its gzipped size for the log, 2 KB more with the exp. For the few scalar uses
 * per row or per call (the log of a row's sum, a row's last classes), these cost nothing measurable.
 */
export function log64(x: f64): f64 {
  return f64x2.extract_lane(log_f64x2(f64x2.splat(x)), 0);
}

/** See log64. */
export function exp64(x: f64): f64 {
  return f64x2.extract_lane(exp_f64x2(f64x2.splat(x)), 0);
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

/** vexp with the f32 constants passed in (kexp<T>(K_MAGIC), ... as exp_k_f32x4 takes them). */
// @ts-ignore: decorator
@inline export function vexp_k<T>(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128): v128 {
  if (sizeof<T>() == 4) return exp_k_f32x4(x, magic, log2e, mln2hi, mln2lo, cutoff, p0, p1, p2, p3, p4);
  return exp_f64x2(x);
}

/**
 * e^(x + r) for x = z - m rounded and r its rounding error (sub_residual): vexp_k whose
 * result carries no rounding of z - m (where |z - m| >= 8 that alone is up to 4 ulp of e). f64:
 * vexp_k (its z - m rounds at 2^-53).
 */
// @ts-ignore: decorator
@inline export function vexp_k_r<T>(x: v128, r: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, clear: bool = true): v128 {
  if (sizeof<T>() == 4) return exp_k_f32x4(x, magic, log2e, mln2hi, mln2lo, cutoff, p0, p1, p2, p3, p4, r, true, clear);
  return exp_f64x2(x);
}

/** vexp_sum_term_k of x + r, as vexp_k_r. */
// @ts-ignore: decorator
@inline export function vexp_sum_term_k_r<T>(x: v128, r: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, clear: bool = true): v128 {
  if (sizeof<T>() == 4) return exp_sum_term_k_f32x4(x, magic, log2e, mln2hi, mln2lo, cutoff, c5, c4, c3, c2, c1, r, true, clear);
  return exp_f64x2(x);
}

/**
 * The rounding error of d = z - m (d given), exactly: (z - m) - d, by Knuth's TwoSum (no
 * assumption on which of z and m is larger). 5 operations.
 */
// @ts-ignore: decorator
@inline export function sub_residual<T>(z: v128, m: v128, d: v128): v128 {
  const a = v128.add<T>(d, m); // the part of d that came from z
  const b = v128.sub<T>(d, a); // ... and from -m
  return v128.sub<T>(v128.sub<T>(z, a), v128.add<T>(m, b));
}

/**
 * The same when no |z| has a larger exponent than m (Dekker's Fast2Sum, with -m the larger
 * operand: exact under that condition), 2 operations.
 */
// @ts-ignore: decorator
@inline export function sub_residual_fast<T>(z: v128, m: v128, d: v128): v128 {
  return v128.sub<T>(z, v128.add<T>(d, m));
}

/** vexp_sum_term with the f32 constants passed in (the polynomial from K_C5). */
// @ts-ignore: decorator
@inline export function vexp_sum_term_k<T>(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128, cutoff: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128): v128 {
  if (sizeof<T>() == 4) return exp_sum_term_k_f32x4(x, magic, log2e, mln2hi, mln2lo, cutoff, c5, c4, c3, c2, c1);
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
    const a = vmax<f32>(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    const b = vmax<f32>(a, v128.shuffle<f32>(a, a, 1, 0, 3, 2));
    return <T>f32x4.extract_lane(b, 0);
  }
  return <T>max(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/** Apply a vector routine to one scalar (tails keep the vector path's numerics). */
// @ts-ignore: decorator
@inline export function sexp<T>(x: T): T {
  return v128.extract_lane<T>(vexp<T>(v128.splat<T>(x)), 0);
}

/** e^(z - m) for one scalar, as vexp_k_r (z - m's rounding error taken into the exp in f32). */
// @ts-ignore: decorator
@inline export function sexp_sub<T>(z: T, m: T): T {
  const vz = v128.splat<T>(z);
  const vm = v128.splat<T>(m);
  const d = v128.sub<T>(vz, vm);
  if (sizeof<T>() == 4) {
    return v128.extract_lane<T>(exp_k_f32x4(d, kv(K_MAGIC), kv(K_LOG2E), kv(K_MLN2HI), kv(K_MLN2LO), kv(K_CUTOFF),
      kv(K_Q6), kv(K_Q6 + 1), kv(K_Q6 + 2), kv(K_Q6 + 3), kv(K_Q6 + 4), sub_residual<T>(vz, vm, d), true), 0);
  }
  return v128.extract_lane<T>(exp_f64x2(d), 0);
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
