// binary_cross_entropy and binary_cross_entropy_with_logits, elementwise over n values, forward
// and backward fused. T = f32 | f64. Pointers that are 0 mean "absent": weight and posWeight
// (≡ 1; the TypeScript side materializes broadcasts), loss (per-element losses not wanted), grad,
// gradRow (per-element upstream gradient ≡ 1). The gradient is scaled by gradScale.
// Returns Σ of the per-element losses in f64; the loop is the shared one in
// assembly/simd/elementwise.ts.
import { elementwise_sum } from '../simd/elementwise';
import {
  exp_f64x2, exp_frac_estrin_f32x4, exp_scale_f32x4, exp_under_f32x4, f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, K_F64_ONE, K_ONE, K_SIGN, kv,
  log1p_unit_f32x4, sigmoid_of_exp_parts_f32x4, vexp, vlog, vlog1p,
} from '../simd/math';

/** Optional per-element operand: its vector at byte offset off, or ones. */
// @ts-ignore: decorator
@inline function opt<T>(p: usize, off: usize): v128 {
  return p ? v128.load(p + off) : v128.splat<T>(<T>1);
}

/**
 * One vector of BCE on probabilities (PyTorch 2.x): ℓ = -w·(t·max(log x, -100) + (1-t)·max(log1p(-x), -100)),
 * dℓ/dx = w·(x - t)/max((1-x)·x, 1e-12). Stores the gradient (times k and upstream) when grad != 0.
 */
// @ts-ignore: decorator
@inline function bce_v<T>(x: usize, t: usize, w: usize, grad: usize, gradRow: usize, off: usize, vk: v128): v128 {
  const xv = v128.load(x + off);
  const tv = v128.load(t + off);
  const one = v128.splat<T>(<T>1);
  const clamp = v128.splat<T>(<T>-100);
  const logx = v128.pmax<T>(vlog<T>(xv), clamp);
  const log1mx = v128.pmax<T>(vlog1p<T>(v128.neg<T>(xv)), clamp);
  // (t - 1)·log(1-x) - t·log(x), PyTorch's order.
  let loss = v128.sub<T>(v128.mul<T>(v128.sub<T>(tv, one), log1mx), v128.mul<T>(tv, logx));
  const wv = opt<T>(w, off);
  if (w) loss = v128.mul<T>(loss, wv);
  if (grad) {
    // PyTorch's clamp is the float32 constant 1e-12f, in float64 too.
    const denom = v128.pmax<T>(v128.mul<T>(v128.sub<T>(one, xv), xv), v128.splat<T>(<T><f32>1e-12));
    let g = v128.div<T>(v128.sub<T>(xv, tv), denom);
    if (w) g = v128.mul<T>(g, wv);
    g = v128.mul<T>(g, vk);
    if (gradRow) g = v128.mul<T>(g, v128.load(gradRow + off));
    v128.store(grad + off, g);
  }
  return loss;
}

/**
 * log1p(e) for e in [0, 1]: f32 log1p_unit_f32x4 (assembly/simd/math.ts); f64 2·atanh(s) with
 * s = e/(2+e) in [0, 1/3], by its odd series 2·Σ s^(2k+1)/(2k+1) to k = 16 (truncation error below
 * 2e-18 relative): no exponent extraction and one division (vlog1p needs two).
 */
// @ts-ignore: decorator
@inline function log1p_unit<T>(e: v128): v128 {
  if (sizeof<T>() == 4) return log1p_unit_f32x4(e);
  const s = v128.div<T>(e, v128.add<T>(v128.splat<T>(<T>2), e));
  const z = v128.mul<T>(s, s);
  let p = v128.splat<T>(<T>0.06060606060606061);
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.06451612903225806));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.06896551724137931));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.07407407407407407));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.08));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.08695652173913043));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.09523809523809523));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.10526315789473684));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.11764705882352941));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.13333333333333333));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.15384615384615385));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.18181818181818182));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.2222222222222222));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.2857142857142857));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.4));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>0.6666666666666666));
  p = v128.add<T>(v128.mul<T>(p, z), v128.splat<T>(<T>2.0));
  return v128.mul<T>(s, p);
}

/**
 * One vector of BCE with logits: ℓ = w·[(1-t)·x + lw·softplus(-x)], lw = 1 + (pw-1)·t, with
 * softplus(-x) = max(-x, 0) + log1p(exp(-|x|)) (finite for any x), summed as PyTorch's
 * aten/src/ATen/native/Loss.cpp does: ((1-t)·x + lw·max(-x, 0)) + lw·log1p(e^-|x|), so that
 * (1-t)·x and max(-x, 0) cancel exactly (t = 0, x < 0) before the small log1p term is added.
 * dℓ/dx = w·((pw·t + 1 - t)·σ(x) - pw·t) = w·((1-t)·σ(x) - pw·t·σ(-x)), or without pw
 * w·(σ(x) - t) = w·((1-t) - σ(-x)) for x >= 0: σ(x) - 1 is never formed.
 */
// @ts-ignore: decorator
@inline function bce_logits_v<T>(x: usize, t: usize, w: usize, pw: usize, grad: usize, gradRow: usize, off: usize, vk: v128): v128 {
  const xv = v128.load(x + off);
  const tv = v128.load(t + off);
  const one = sizeof<T>() == 4 ? kv(K_ONE) : kv(K_F64_ONE);
  const zero = v128.splat<T>(<T>0);
  // -|x| and -x by setting and flipping the sign bit: one operation each (V8 builds abs's and
  // neg's masks in the loop).
  const sign = sizeof<T>() == 4 ? kv(K_SIGN) : v128.splat<i64>(0x8000000000000000);
  const negAbs = v128.or(xv, sign);
  // e = e^-|x| = s + h; f32 keeps the two parts for the sigmoid (rounded once, in f64).
  let s = zero, h = zero, e: v128;
  if (sizeof<T>() == 4) {
    const under = exp_under_f32x4(negAbs);
    s = exp_scale_f32x4(negAbs);
    h = v128.andnot(f32x4.mul(exp_frac_estrin_f32x4(negAbs), s), under);
    s = v128.andnot(s, under);
    e = f32x4.add(h, s);
  } else {
    e = vexp<T>(negAbs);
  }
  const log1pE = log1p_unit<T>(e);
  const maxNeg = v128.pmax<T>(v128.xor(xv, sign), zero);
  const pwv = opt<T>(pw, off);
  const lw = pw ? v128.add<T>(one, v128.mul<T>(v128.sub<T>(pwv, one), tv)) : one;
  const omt = v128.sub<T>(one, tv);
  let loss = pw
    ? v128.add<T>(v128.add<T>(v128.mul<T>(omt, xv), v128.mul<T>(lw, maxNeg)), v128.mul<T>(lw, log1pE))
    : v128.add<T>(v128.add<T>(v128.mul<T>(omt, xv), maxNeg), log1pE);
  const wv = opt<T>(w, off);
  if (w) loss = v128.mul<T>(loss, wv);
  if (grad) {
    // σ(x) and σ(-x) = 1 - σ(x) to 1 ulp: the small one, σ(-|x|), and 1 minus it.
    const lo = sizeof<T>() == 4 ? sigmoid_of_exp_parts_f32x4(s, h) : v128.div<T>(e, v128.add<T>(one, e));
    const nonneg = v128.ge<T>(xv, zero);
    // g = a - b, with σ(x) - t as (1 - t) - σ(-x) for x >= 0 and σ(x) - t for x < 0: exact for
    // t = 0 and 1, and σ(x) - 1 is never formed.
    let a: v128, b: v128;
    if (pw) {
      const hi = v128.sub<T>(one, lo);
      a = v128.mul<T>(omt, v128.bitselect(hi, lo, nonneg)); // (1 - t)·σ(x)
      b = v128.mul<T>(v128.mul<T>(pwv, tv), v128.bitselect(lo, hi, nonneg)); // pw·t·σ(-x)
    } else {
      a = v128.bitselect(omt, lo, nonneg);
      b = v128.bitselect(lo, tv, nonneg);
    }
    let g = v128.sub<T>(a, b);
    // Where a soft target (t neither 0 nor 1) makes a - b cancel by more than a bit, its float32
    // roundings (σ's, and the f32 exp polynomial's own 6e-9) would show in the result: those
    // vectors take the gradient in f64 from an f64 exp, rounded once (docs/accuracy.md). Hard
    // labels, and soft ones that do not cancel, pay a few compares.
    if (sizeof<T>() == 4) {
      const soft = v128.and(f32x4.ne(tv, zero), f32x4.ne(tv, one));
      if (v128.any_true(soft)) {
        // |2g| < max(a, b), a and b >= 0 (no abs: V8 rebuilds its mask at each use)
        const m = f32x4.pmax(a, b), g2 = f32x4.add(g, g);
        const redo = v128.and(soft, v128.and(f32x4.lt(g2, m), f32x4.gt(g2, f32x4.sub(zero, m))));
        if (v128.any_true(redo)) {
          // only the lanes that cancel take it: a lane's result must not depend on its neighbours
          // (they change with the runtime's block boundaries)
          g = v128.bitselect(f64_pair_f32x4(
            bce_logits_grad_f64x2(f32x4_lo_f64(xv), f32x4_lo_f64(tv), pw ? f32x4_lo_f64(pwv) : kv(K_F64_ONE), pw),
            bce_logits_grad_f64x2(f32x4_hi_f64(xv), f32x4_hi_f64(tv), pw ? f32x4_hi_f64(pwv) : kv(K_F64_ONE), pw)), g, redo);
        }
      }
    }
    if (w) g = v128.mul<T>(g, wv);
    g = v128.mul<T>(g, vk);
    if (gradRow) g = v128.mul<T>(g, v128.load(gradRow + off));
    v128.store(grad + off, g);
  }
  return loss;
}

/** σ(x) - t (with posWeight: (1-t)·σ(x) - pw·t·σ(-x)) of two f64 lanes, as bce_logits_v forms it. */
function bce_logits_grad_f64x2(x: v128, t: v128, pwv: v128, pw: usize): v128 {
  const one = kv(K_F64_ONE);
  const zero = f64x2.splat(0);
  const e = exp_f64x2(f64x2.neg(f64x2.abs(x)));
  const lo = f64x2.div(e, f64x2.add(one, e)); // σ(-|x|)
  const nonneg = f64x2.ge(x, zero);
  const omt = f64x2.sub(one, t);
  if (pw) {
    const hi = f64x2.sub(one, lo);
    return f64x2.sub(f64x2.mul(omt, v128.bitselect(hi, lo, nonneg)), f64x2.mul(f64x2.mul(pwv, t), v128.bitselect(lo, hi, nonneg)));
  }
  return v128.bitselect(f64x2.sub(omt, lo), f64x2.sub(lo, t), nonneg);
}

/** BCE on probabilities: operands x, t, weight. */
class Bce {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, w: usize, _d: usize, grad: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    return bce_v<T>(x, t, w, grad, gradRow, off, vk);
  }
}

/** BCE with logits: operands x, t, weight, posWeight. */
class BceLogits {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, w: usize, pw: usize, grad: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    return bce_logits_v<T>(x, t, w, pw, grad, gradRow, off, vk);
  }
}

export function bce<T>(n: i32, x: usize, t: usize, w: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  return elementwise_sum<T, Bce>(n, x, t, w, 0, loss, grad, 0, 0, gradRow, 0, gradScale);
}

export function bce_logits<T>(n: i32, x: usize, t: usize, w: usize, pw: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  // The unweighted call (the common one) gets copies of the loop without the optional operands.
  if (!w && !pw && !gradRow && !loss) {
    return grad
      ? elementwise_sum<T, BceLogits>(n, x, t, 0, 0, 0, grad, 0, 0, 0, 0, gradScale)
      : elementwise_sum<T, BceLogits>(n, x, t, 0, 0, 0, 0, 0, 0, 0, 0, gradScale);
  }
  return elementwise_sum<T, BceLogits>(n, x, t, w, pw, loss, grad, 0, 0, gradRow, 0, gradScale);
}
