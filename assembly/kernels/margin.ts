// hinge_embedding_loss, soft_margin_loss and margin_ranking_loss, elementwise (the TypeScript side
// materializes broadcasts), forward and backward fused through the shared elementwise loop.
// T = f32 | f64. Clamps at the hinge pass the gradient at exactly 0, as PyTorch's clamp_min does.
import { elementwise_sum, upstream } from '../simd/elementwise';
import { vexp, vlog1p } from '../simd/math';

/** ℓ = [t ≠ 1]·max(0, margin - x) + [t ≠ -1]·x; dℓ/dx = [t ≠ -1] - [t ≠ 1]·[margin - x ≥ 0]. */
class HingeEmbedding {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, margin: v128, _q: v128): v128 {
    const xv = v128.load(x + off);
    const tv = v128.load(t + off);
    const one = v128.splat<T>(<T>1);
    const notPos = v128.ne<T>(tv, one);
    const notNeg = v128.ne<T>(tv, v128.neg<T>(one));
    const gap = v128.sub<T>(margin, xv);
    // pmax(gap, 0) keeps a NaN gap (PyTorch's clamp_min propagates NaN)
    const loss = v128.add<T>(v128.and(v128.pmax<T>(gap, v128.splat<T>(<T>0)), notPos), v128.and(xv, notNeg));
    if (gx) {
      const hinge = v128.and(notPos, v128.ge<T>(gap, v128.splat<T>(<T>0)));
      const g = v128.sub<T>(v128.and(one, notNeg), v128.and(one, hinge));
      v128.store(gx + off, v128.mul<T>(g, upstream<T>(gradRow, off, vk)));
    }
    return loss;
  }
}

/**
 * ℓ = log(1 + e^(-t·x)), computed stably as softplus(z) = max(z, 0) + log1p(e^(-|z|)), z = -t·x;
 * dℓ/dx = -t·σ(z). (PyTorch evaluates log1p(exp(z)) literally and overflows to inf for z > ~88.7
 * in float32; here the loss stays finite.)
 */
class SoftMargin {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, _g2: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const tv = v128.load(t + off);
    const z = v128.neg<T>(v128.mul<T>(tv, v128.load(x + off)));
    const zero = v128.splat<T>(<T>0);
    const one = v128.splat<T>(<T>1);
    const e = vexp<T>(v128.neg<T>(v128.abs<T>(z)));
    const loss = v128.add<T>(v128.pmax<T>(z, zero), vlog1p<T>(e));
    if (gx) {
      const r = v128.div<T>(one, v128.add<T>(one, e));
      const sig = v128.bitselect(r, v128.mul<T>(e, r), v128.ge<T>(z, zero));
      v128.store(gx + off, v128.mul<T>(v128.neg<T>(v128.mul<T>(tv, sig)), upstream<T>(gradRow, off, vk)));
    }
    return loss;
  }
}

/** ℓ = max(0, -y·(x1 - x2) + margin); where that is ≥ 0: dx1 = -y, dx2 = y, dy = -(x1 - x2). */
class MarginRanking {
  // @ts-ignore: decorator
  @inline v<T>(x1: usize, x2: usize, y: usize, _d: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, off: usize, vk: v128, margin: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x1 + off), v128.load(x2 + off));
    const yv = v128.load(y + off);
    const z = v128.add<T>(v128.neg<T>(v128.mul<T>(yv, d)), margin);
    const zero = v128.splat<T>(<T>0);
    const loss = v128.pmax<T>(z, zero);
    if (g1) {
      const k = v128.and(upstream<T>(gradRow, off, vk), v128.ge<T>(z, zero));
      const ky = v128.mul<T>(yv, k);
      v128.store(g1 + off, v128.neg<T>(ky));
      v128.store(g2 + off, ky);
      v128.store(g3 + off, v128.neg<T>(v128.mul<T>(d, k)));
    }
    return loss;
  }
}

export function hinge_embedding<T>(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, margin: f64, gradScale: f64): f64 {
  return elementwise_sum<T, HingeEmbedding>(n, x, t, 0, 0, loss, grad, 0, 0, gradRow, margin, gradScale);
}

export function soft_margin<T>(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  return elementwise_sum<T, SoftMargin>(n, x, t, 0, 0, loss, grad, 0, 0, gradRow, 0, gradScale);
}

export function margin_ranking<T>(n: i32, x1: usize, x2: usize, y: usize, loss: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, margin: f64, gradScale: f64): f64 {
  return elementwise_sum<T, MarginRanking>(n, x1, x2, y, 0, loss, g1, g2, g3, gradRow, margin, gradScale);
}
