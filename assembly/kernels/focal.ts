// torchvision's sigmoid_focal_loss (Lin et al. 2017), elementwise through the shared loop.
// T = f32 | f64; the kernel list instantiates f64 only: float32 arguments are computed in float64
// and rounded once (docs/accuracy.md). vp = alpha (< 0: no class weighting), vq = gamma.
import { elementwise_sum, upstream } from '../simd/elementwise';
import { vexp, vexp_any, vlog, vlog1p, vsigmoid_neg_abs } from '../simd/math';

/**
 * ce = BCE-with-logits(x, t), m = 1 - p_t = p·(1 - t) + (1 - p)·t (no cancellation where p_t → 1),
 * ℓ = α_t·ce·m^γ, α_t = α·t + (1 - α)·(1 - t);
 * dℓ/dx = α_t·[(p - t)·m^γ + ce·γ·m^(γ-1)·p·(1 - p)·(1 - 2t)].
 * SQUARE: γ = 2 (the default) without exp/log; otherwise m^γ = e^(γ·log m) with PyTorch's pow
 * corners: m^0 = 1 and a zero exponent contributes no gradient.
 */
/** m^k from log m: e^(k·log m), and 1 where k = 0 (0^0 = 1). A call, not inlined: it is the rare path. */
function pow_of_log<T>(lm: v128, k: v128): v128 {
  return v128.bitselect(v128.splat<T>(<T>1), vexp_any<T>(v128.mul<T>(k, lm)), v128.eq<T>(k, v128.splat<T>(<T>0)));
}

// @ts-ignore: decorator
@inline function focal_v<T>(square: bool, x: usize, t: usize, gx: usize, gradRow: usize, off: usize, vk: v128, alpha: v128, gamma: v128): v128 {
  const xv = v128.load(x + off);
  const tv = v128.load(t + off);
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  const e = vexp<T>(v128.neg<T>(v128.abs<T>(xv)));
  // p = σ(x) and q = 1 - p = σ(-x), each to 1 ulp: the small one is σ(-|x|), the other 1 minus it.
  const lo = vsigmoid_neg_abs<T>(xv);
  const hi = v128.sub<T>(one, lo);
  const nonneg = v128.ge<T>(xv, zero);
  const p = v128.bitselect(hi, lo, nonneg);
  const q = v128.bitselect(lo, hi, nonneg);
  const ce = v128.add<T>(v128.sub<T>(v128.pmax<T>(xv, zero), v128.mul<T>(xv, tv)), vlog1p<T>(e));
  const m = v128.add<T>(v128.mul<T>(p, v128.sub<T>(one, tv)), v128.mul<T>(q, tv));
  let mg: v128, dmg: v128; // m^γ and γ·m^(γ-1)
  if (square) {
    mg = v128.mul<T>(m, m);
    dmg = v128.add<T>(m, m);
  } else {
    const lm = vlog<T>(m);
    mg = pow_of_log<T>(lm, gamma);
    dmg = v128.andnot(v128.mul<T>(gamma, pow_of_log<T>(lm, v128.sub<T>(gamma, one))), v128.eq<T>(gamma, zero));
  }
  // α_t, or 1 where alpha < 0
  const at = v128.bitselect(
    v128.add<T>(v128.mul<T>(alpha, tv), v128.mul<T>(v128.sub<T>(one, alpha), v128.sub<T>(one, tv))),
    one, v128.ge<T>(alpha, zero));
  const loss = v128.mul<T>(at, v128.mul<T>(ce, mg));
  if (gx) {
    const dm = v128.mul<T>(v128.mul<T>(p, q), v128.sub<T>(one, v128.add<T>(tv, tv)));
    // p - t as (1 - t) - q for x >= 0: exact where t = 1 (no σ(x) - 1 cancellation)
    const pmt = v128.bitselect(v128.sub<T>(v128.sub<T>(one, tv), q), v128.sub<T>(p, tv), nonneg);
    const d = v128.add<T>(v128.mul<T>(pmt, mg), v128.mul<T>(v128.mul<T>(ce, dmg), dm));
    v128.store(gx + off, v128.mul<T>(v128.mul<T>(at, d), upstream<T>(gradRow, off, vk)));
  }
  return loss;
}

class FocalSquare {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, alpha: v128, gamma: v128): v128 {
    return focal_v<T>(true, x, t, gx, gradRow, off, vk, alpha, gamma);
  }
}

class FocalAny {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, alpha: v128, gamma: v128): v128 {
    return focal_v<T>(false, x, t, gx, gradRow, off, vk, alpha, gamma);
  }
}

export function sigmoid_focal<T>(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, alpha: f64, gamma: f64, gradScale: f64): f64 {
  if (gamma == 2) return elementwise_sum<T, FocalSquare>(n, x, t, 0, 0, loss, grad, 0, 0, gradRow, alpha, gradScale, gamma);
  return elementwise_sum<T, FocalAny>(n, x, t, 0, 0, loss, grad, 0, 0, gradRow, alpha, gradScale, gamma);
}
