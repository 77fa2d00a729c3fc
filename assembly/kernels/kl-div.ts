// kl_div, elementwise over n values of input x (log-probabilities) and target t (the TypeScript side
// materializes broadcasts), forward and backward fused. T = f32 | f64; the kernel list instantiates
// f64 only: float32 arguments are computed in float64 and rounded once (docs/accuracy.md).
//   logTarget = 0: ℓ = xlogy(t, t) - t·x (0 where t = 0; NaN for t < 0), dℓ/dx = -t,
//                  dℓ/dt = log t + 1 - x (NaN at t = 0, as PyTorch's xlogy backward)
//   logTarget = 1: ℓ = e^t·(t - x),                                  dℓ/dx = -e^t, dℓ/dt = e^t·(t - x + 1)
// Pointers that are 0 mean "absent": loss (per-element losses), gradInput and gradTarget (both or
// neither), gradRow (per-element upstream ≡ 1). Returns Σ of the losses in f64; the loop is the
// shared one in assembly/simd/elementwise.ts.
// e^t uses the vector exp, valid for t below ~88 (f32) / ~709 (f64), where e^t overflows anyway.
import { elementwise_sum, upstream } from '../simd/elementwise';
import { vexp, vlog } from '../simd/math';

/** target probabilities */
class KlDiv {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const xv = v128.load(x + off);
    const tv = v128.load(t + off);
    const zero = v128.splat<T>(<T>0);
    const lt = vlog<T>(tv);
    const t0 = v128.eq<T>(tv, zero);
    // xlogy(t, t): 0 where t == 0 (t·log t would be 0·-inf)
    const loss = v128.sub<T>(v128.andnot(v128.mul<T>(tv, lt), t0), v128.mul<T>(tv, xv));
    if (gx) {
      const k = upstream<T>(gradRow, off, vk);
      v128.store(gx + off, v128.mul<T>(v128.neg<T>(tv), k));
      // PyTorch's xlogy backward at t = 0 adds log 0 = -inf and 0/0: NaN.
      const g = v128.mul<T>(v128.sub<T>(v128.add<T>(lt, v128.splat<T>(<T>1)), xv), k);
      v128.store(gt + off, v128.bitselect(v128.splat<T>(<T>NaN), g, t0));
    }
    return loss;
  }
}

/** target log-probabilities */
class KlDivLogTarget {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const tv = v128.load(t + off);
    const xv = v128.load(x + off);
    const et = vexp<T>(tv);
    const d = v128.sub<T>(tv, xv);
    if (gx) {
      const k = upstream<T>(gradRow, off, vk);
      v128.store(gx + off, v128.mul<T>(v128.neg<T>(et), k));
      v128.store(gt + off, v128.mul<T>(v128.mul<T>(et, v128.add<T>(d, v128.splat<T>(<T>1))), k));
    }
    return v128.mul<T>(et, d);
  }
}

export function kl_div<T>(n: i32, x: usize, t: usize, loss: usize, gradInput: usize, gradTarget: usize, gradRow: usize, logTarget: i32, gradScale: f64): f64 {
  return logTarget
    ? elementwise_sum<T, KlDivLogTarget>(n, x, t, 0, 0, loss, gradInput, gradTarget, 0, gradRow, 0, gradScale)
    : elementwise_sum<T, KlDiv>(n, x, t, 0, 0, loss, gradInput, gradTarget, 0, gradRow, 0, gradScale);
}
