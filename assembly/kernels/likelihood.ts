// poisson_nll_loss and gaussian_nll_loss, elementwise (the TypeScript side materializes
// broadcasts), forward and backward fused through the shared elementwise loop. T = f32 | f64.
// The kernel list instantiates f64 only: float32 arguments are computed in float64 (docs/accuracy.md).
import { elementwise_sum, upstream } from '../simd/elementwise';
import { vexp_any, vlog } from '../simd/math';

/** Stirling's log(t!) ≈ t·log t - t + 0.5·log(2π·t) where t > 1, else 0 (PyTorch's `full`). */
// @ts-ignore: decorator
@inline function stirling<T>(tv: v128, lt: v128): v128 {
  const s = v128.add<T>(v128.sub<T>(v128.mul<T>(tv, lt), tv), v128.mul<T>(v128.splat<T>(<T>0.5), vlog<T>(v128.mul<T>(v128.splat<T>(<T>6.283185307179586), tv))));
  return v128.and(s, v128.gt<T>(tv, v128.splat<T>(<T>1)));
}

/**
 * d/dt of Stirling's term: log t + 0.5/t where t > 1, 0 for t in (0, 1], and NaN for t <= 0:
 * PyTorch masks the term's value but autograd still differentiates it there (log 0 · 0).
 */
// @ts-ignore: decorator
@inline function stirling_slope<T>(tv: v128, lt: v128): v128 {
  const slope = v128.and(v128.add<T>(lt, v128.div<T>(v128.splat<T>(<T>0.5), tv)), v128.gt<T>(tv, v128.splat<T>(<T>1)));
  return v128.bitselect(slope, v128.splat<T>(<T>NaN), v128.gt<T>(tv, v128.splat<T>(<T>0)));
}

/**
 * One vector of poisson_nll_loss. logInput: ℓ = e^x - t·x, dx = e^x - t, dt = -x.
 * Otherwise: ℓ = x - t·log(x + eps), dx = 1 - t/(x + eps), dt = -log(x + eps). full adds
 * Stirling's term to ℓ and its slope to dt.
 */
// @ts-ignore: decorator
@inline function poisson_v<T>(logInput: bool, full: bool, x: usize, t: usize, gx: usize, gt: usize, gradRow: usize, off: usize, vk: v128, eps: v128): v128 {
  const xv = v128.load(x + off);
  const tv = v128.load(t + off);
  let loss: v128, dx: v128, dt: v128;
  if (logInput) {
    const ex = vexp_any<T>(xv);
    loss = v128.sub<T>(ex, v128.mul<T>(tv, xv));
    dx = v128.sub<T>(ex, tv);
    dt = v128.neg<T>(xv);
  } else {
    const xe = v128.add<T>(xv, eps);
    const lx = vlog<T>(xe);
    loss = v128.sub<T>(xv, v128.mul<T>(tv, lx));
    dx = v128.sub<T>(v128.splat<T>(<T>1), v128.div<T>(tv, xe));
    dt = v128.neg<T>(lx);
  }
  if (full) {
    const lt = vlog<T>(tv);
    loss = v128.add<T>(loss, stirling<T>(tv, lt));
    dt = v128.add<T>(dt, stirling_slope<T>(tv, lt));
  }
  if (gx) {
    const k = upstream<T>(gradRow, off, vk);
    v128.store(gx + off, v128.mul<T>(dx, k));
    v128.store(gt + off, v128.mul<T>(dt, k));
  }
  return loss;
}

class PoissonLog {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, eps: v128, _q: v128): v128 {
    return poisson_v<T>(true, false, x, t, gx, gt, gradRow, off, vk, eps);
  }
}
class PoissonLogFull {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, eps: v128, _q: v128): v128 {
    return poisson_v<T>(true, true, x, t, gx, gt, gradRow, off, vk, eps);
  }
}
class PoissonLinear {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, eps: v128, _q: v128): v128 {
    return poisson_v<T>(false, false, x, t, gx, gt, gradRow, off, vk, eps);
  }
}
class PoissonLinearFull {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, eps: v128, _q: v128): v128 {
    return poisson_v<T>(false, true, x, t, gx, gt, gradRow, off, vk, eps);
  }
}

/**
 * ℓ = 0.5·(log v' + (x - t)²/v'), v' = max(var, eps), the clamp not differentiated (PyTorch clamps
 * a no-grad clone); dx = (x - t)/v', dt = -dx, dvar = 0.5·(1 - (x - t)²/v')/v'. The `full`
 * constant 0.5·log 2π is added by the TypeScript side.
 */
class Gaussian {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, variance: usize, _d: usize, gx: usize, gt: usize, gv: usize, gradRow: usize, off: usize, vk: v128, eps: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(t + off));
    const v = v128.pmax<T>(v128.load(variance + off), eps);
    const half = v128.splat<T>(<T>0.5);
    const q = v128.div<T>(v128.mul<T>(d, d), v);
    if (gx) {
      const k = upstream<T>(gradRow, off, vk);
      const g = v128.mul<T>(v128.div<T>(d, v), k);
      v128.store(gx + off, g);
      v128.store(gt + off, v128.neg<T>(g));
      v128.store(gv + off, v128.mul<T>(v128.mul<T>(half, v128.div<T>(v128.sub<T>(v128.splat<T>(<T>1), q), v)), k));
    }
    return v128.mul<T>(half, v128.add<T>(vlog<T>(v), q));
  }
}

export function poisson_nll<T>(n: i32, x: usize, t: usize, loss: usize, gx: usize, gt: usize, gradRow: usize, logInput: i32, full: i32, eps: f64, gradScale: f64): f64 {
  if (logInput) {
    return full
      ? elementwise_sum<T, PoissonLogFull>(n, x, t, 0, 0, loss, gx, gt, 0, gradRow, eps, gradScale)
      : elementwise_sum<T, PoissonLog>(n, x, t, 0, 0, loss, gx, gt, 0, gradRow, eps, gradScale);
  }
  return full
    ? elementwise_sum<T, PoissonLinearFull>(n, x, t, 0, 0, loss, gx, gt, 0, gradRow, eps, gradScale)
    : elementwise_sum<T, PoissonLinear>(n, x, t, 0, 0, loss, gx, gt, 0, gradRow, eps, gradScale);
}

export function gaussian_nll<T>(n: i32, x: usize, t: usize, variance: usize, loss: usize, gx: usize, gt: usize, gv: usize, gradRow: usize, eps: f64, gradScale: f64): f64 {
  return elementwise_sum<T, Gaussian>(n, x, t, variance, 0, loss, gx, gt, gv, gradRow, eps, gradScale);
}
