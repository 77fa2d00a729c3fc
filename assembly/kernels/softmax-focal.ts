// Kornia's softmax focal loss (kornia.losses.focal_loss, 0.7.4; docs/semantics.md §15), one
// row of C classes per lane. The TypeScript side gathers rows planar: class c of the block's row i
// at c·rows + i, so that 4 (f32) or 2 (f64) rows are one vector per class and no row needs a
// horizontal reduction (segmentation maps have a few classes and many rows). Generic over
// T = f32 | f64; the kernel list instantiates f64 only: float32 arguments are computed in float64
// and rounded once (docs/accuracy.md).
//
// Per class c of a row with target t (-1: ignored), l = log_softmax(x)_c, p = e^l, q = 1 - p:
//   ℓ_c = w_c·oh_c·(-q^γ·l),  oh_c = [c = t] + 1e-6 (0 for an ignored row),
// w_c = the class weight times α's factor (1 - α for class 0, α for the others), made by the
// TypeScript side. The gradient through log_softmax: with a_c = upstream_c·w_c·oh_c and
// f'(l) = γ·q^(γ-1)·p·l - q^γ,  dx_j = a_j·f'_j - p_j·Σ_c a_c·f'_c.
// q is 1 - e^l as Kornia computes it (1.0 - log_pred_soft.exp()), so its rounding is Kornia's.
import { lanes, vexp, vexp_any, vlog } from '../simd/math';

/** Kornia's one_hot eps. */
const EPS: f64 = 1e-6;

/** m^k from log m: e^(k·log m), and 1 where k = 0 (PyTorch's 0^0 = 1). */
// @ts-ignore: decorator
@inline function pow_of_log<T>(lm: v128, k: v128): v128 {
  return v128.bitselect(v128.splat<T>(<T>1), vexp_any<T>(v128.mul<T>(k, lm)), v128.eq<T>(k, v128.splat<T>(<T>0)));
}

/** The block's targets of rows [i, i + lanes) as a mask-compatible integer vector (i32x4 or i64x2). */
// @ts-ignore: decorator
@inline function load_targets<T>(full: bool, targets: usize, i: i32): v128 {
  const p = targets + (<usize>i << 2);
  if (sizeof<T>() == 4) return full ? v128.load(p) : i32x4.splat(load<i32>(p));
  return full ? i64x2.extend_low_i32x4_s(v128.load64_zero(p)) : i64x2.splat(<i64>load<i32>(p));
}

/** Lanes where the target equals c (all ones), for the lane type's width. */
// @ts-ignore: decorator
@inline function target_is<T>(t: v128, c: i32): v128 {
  if (sizeof<T>() == 4) return i32x4.eq(t, i32x4.splat(c));
  return i64x2.eq(t, i64x2.splat(<i64>c));
}

/** Lanes of rows that are used (target >= 0). */
// @ts-ignore: decorator
@inline function used<T>(t: v128): v128 {
  if (sizeof<T>() == 4) return v128.not(i32x4.lt_s(t, i32x4.splat(0)));
  return v128.not(i64x2.lt_s(t, i64x2.splat(0)));
}

/** A vector of rows [i, i + lanes) of class plane p, or row i in every lane (the tail). */
// @ts-ignore: decorator
@inline function ld<T>(full: bool, p: usize): v128 {
  return full ? v128.load(p) : v128.splat<T>(load<T>(p));
}

// @ts-ignore: decorator
@inline function st<T>(full: bool, p: usize, v: v128): void {
  if (full) v128.store(p, v);
  else store<T>(p, v128.extract_lane<T>(v, 0));
}

/**
 * Rows [i, i + lanes) (full) or row i alone (in every lane): their losses' sum; per-class losses
 * and gradients stored when asked. `plane` is the bytes between classes.
 */
// @ts-ignore: decorator
@inline function rows_at<T>(full: bool, square: bool, C: i32, plane: usize, x: usize, targets: usize, weight: usize, loss: usize,
  grad: usize, gradRow: usize, i: i32, vgamma: v128, vk: v128): f64 {
  const off = <usize>i * sizeof<T>();
  const xi = x + off;
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  const veps = v128.splat<T>(<T>EPS);
  // log_softmax: (x - m) - log Σ e^(x - m), PyTorch's order
  let m = ld<T>(full, xi);
  for (let c = 1; c < C; c++) m = v128.pmax<T>(m, ld<T>(full, xi + <usize>c * plane));
  // a row of -inf (or one with +inf) is NaN in PyTorch; (x - m) gives NaN there too
  let s = zero;
  for (let c = 0; c < C; c++) s = v128.add<T>(s, vexp<T>(v128.sub<T>(ld<T>(full, xi + <usize>c * plane), m)));
  const ls = vlog<T>(s);
  const t = load_targets<T>(full, targets, i);
  const keep = used<T>(t);
  let total = zero;
  let S = zero; // Σ_c a_c·f'_c
  for (let c = 0; c < C; c++) {
    const at = <usize>c * plane + off;
    const l = v128.sub<T>(v128.sub<T>(ld<T>(full, x + at), m), ls);
    const p = vexp<T>(l);
    const q = v128.sub<T>(one, p);
    let qg: v128, dqg: v128; // q^γ and γ·q^(γ-1)
    if (square) {
      qg = v128.mul<T>(q, q);
      dqg = v128.add<T>(q, q);
    } else {
      const lq = vlog<T>(q);
      qg = pow_of_log<T>(lq, vgamma);
      // PyTorch's pow backward is 0 for a zero exponent; where q rounds to 0 (p = 1) the term
      // γ·q^(γ-1)·p·l is taken as its limit 0 (with γ < 1 PyTorch's ∞·0 gives NaN there)
      dqg = v128.andnot(v128.mul<T>(vgamma, pow_of_log<T>(lq, v128.sub<T>(vgamma, one))), v128.or(v128.eq<T>(vgamma, zero), v128.eq<T>(q, zero)));
    }
    // one_hot + eps, times the ignore mask (a multiply, as Kornia: NaN logits of an ignored row stay NaN)
    const oh = v128.and(v128.add<T>(v128.and(target_is<T>(t, c), one), veps), keep);
    const w = weight ? v128.splat<T>(load<T>(weight + <usize>c * sizeof<T>())) : one;
    const lc = v128.mul<T>(w, v128.mul<T>(oh, v128.neg<T>(v128.mul<T>(qg, l))));
    if (loss) st<T>(full, loss + at, lc);
    total = v128.add<T>(total, lc);
    if (grad) {
      const u = gradRow ? v128.mul<T>(vk, ld<T>(full, gradRow + at)) : vk;
      const a = v128.mul<T>(v128.mul<T>(u, w), oh);
      const fp = v128.sub<T>(v128.mul<T>(v128.mul<T>(dqg, p), l), qg);
      const g = v128.mul<T>(a, fp);
      st<T>(full, grad + at, g);
      S = v128.add<T>(S, g);
    }
  }
  if (grad) {
    // dx_j = a_j·f'_j - p_j·S, p recomputed (no scratch for it)
    for (let c = 0; c < C; c++) {
      const at = <usize>c * plane + off;
      const p = vexp<T>(v128.sub<T>(v128.sub<T>(ld<T>(full, x + at), m), ls));
      st<T>(full, grad + at, v128.sub<T>(ld<T>(full, grad + at), v128.mul<T>(p, S)));
    }
  }
  if (!full) return <f64>v128.extract_lane<T>(total, 0);
  if (sizeof<T>() == 4) {
    return (<f64>f32x4.extract_lane(total, 0) + <f64>f32x4.extract_lane(total, 1))
      + (<f64>f32x4.extract_lane(total, 2) + <f64>f32x4.extract_lane(total, 3));
  }
  return f64x2.extract_lane(total, 0) + f64x2.extract_lane(total, 1);
}

// @ts-ignore: decorator
@inline function focal_rows<T>(square: bool, rows: i32, C: i32, x: usize, targets: usize, weight: usize, loss: usize, grad: usize,
  gradRow: usize, gamma: f64, gradScale: f64): f64 {
  const L = lanes<T>();
  const plane = <usize>rows * sizeof<T>();
  const vgamma = v128.splat<T>(<T>gamma);
  const vk = v128.splat<T>(<T>gradScale);
  let total: f64 = 0;
  let i = 0;
  for (; i + L <= rows; i += L) total += rows_at<T>(true, square, C, plane, x, targets, weight, loss, grad, gradRow, i, vgamma, vk);
  for (; i < rows; i++) total += rows_at<T>(false, square, C, plane, x, targets, weight, loss, grad, gradRow, i, vgamma, vk);
  return total;
}

/**
 * `rows` rows of C logits, planar (class c of row i at c·rows + i), their targets (i32, -1:
 * ignored), the per-class weights (C, 0: none); per-element losses and gradients (planar) when
 * their pointers are not 0; gradRow the per-element upstream (planar, 0: gradScale alone).
 * Returns Σ of the losses. γ = 2 (the default) takes q² without exp/log.
 */
export function softmax_focal<T>(rows: i32, C: i32, x: usize, targets: usize, weight: usize, loss: usize, grad: usize, gradRow: usize,
  gamma: f64, gradScale: f64): f64 {
  if (gamma == 2) return focal_rows<T>(true, rows, C, x, targets, weight, loss, grad, gradRow, gamma, gradScale);
  return focal_rows<T>(false, rows, C, x, targets, weight, loss, grad, gradRow, gamma, gradScale);
}
