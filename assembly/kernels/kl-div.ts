// kl_div, elementwise over n values of input x (log-probabilities) and target t (the TypeScript side
// materializes broadcasts), forward and backward fused. T = f32 | f64.
//   logTarget = 0: ℓ = xlogy(t, t) - t·x (0 where t = 0; NaN for t < 0), dℓ/dx = -t,
//                  dℓ/dt = log t + 1 - x (NaN at t = 0, as PyTorch's xlogy backward)
//   logTarget = 1: ℓ = e^t·(t - x),                                  dℓ/dx = -e^t, dℓ/dt = e^t·(t - x + 1)
// Pointers that are 0 mean "absent": loss (per-element losses), gradInput and gradTarget (both or
// neither), gradRow (per-element upstream ≡ 1). Returns Σ of the losses in f64; the loop is the
// shared one in assembly/simd/elementwise.ts.
// e^t uses the vector exp, valid for t below ~88 (f32) / ~709 (f64), where e^t overflows anyway.
import { elementwise_sum, upstream } from '../simd/elementwise';
import { f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, vexp, vlog } from '../simd/math';

/** target probabilities */
class KlDiv {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, t: usize, _c: usize, _d: usize, gx: usize, gt: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const xv = v128.load(x + off);
    const tv = v128.load(t + off);
    const zero = v128.splat<T>(<T>0);
    const lt = vlog<T>(tv);
    const t0 = v128.eq<T>(tv, zero);
    let loss: v128;
    if (sizeof<T>() == 4) {
      // t·log t - t·x in f64: exact products, one rounding where the two terms cancel
      const l0 = f64x2.sub(f64x2.mul(f32x4_lo_f64(tv), f32x4_lo_f64(lt)), f64x2.mul(f32x4_lo_f64(tv), f32x4_lo_f64(xv)));
      const l1 = f64x2.sub(f64x2.mul(f32x4_hi_f64(tv), f32x4_hi_f64(lt)), f64x2.mul(f32x4_hi_f64(tv), f32x4_hi_f64(xv)));
      loss = v128.bitselect(v128.neg<T>(v128.mul<T>(tv, xv)), f64_pair_f32x4(l0, l1), t0);
    } else {
      // xlogy(t, t): 0 where t == 0 (t·log t would be 0·-inf)
      loss = v128.sub<T>(v128.andnot(v128.mul<T>(tv, lt), t0), v128.mul<T>(tv, xv));
    }
    if (gx) {
      const k = upstream<T>(gradRow, off, vk);
      v128.store(gx + off, v128.mul<T>(v128.neg<T>(tv), k));
      // PyTorch's xlogy backward at t = 0 adds log 0 = -inf and 0/0: NaN.
      let g: v128;
      if (sizeof<T>() == 4) {
        // (log t + 1 - x)·k in f64: the sum cancels where x ≈ log t + 1
        const one = f64x2.splat(1);
        g = f64_pair_f32x4(
          f64x2.mul(f64x2.sub(f64x2.add(f32x4_lo_f64(lt), one), f32x4_lo_f64(xv)), f32x4_lo_f64(k)),
          f64x2.mul(f64x2.sub(f64x2.add(f32x4_hi_f64(lt), one), f32x4_hi_f64(xv)), f32x4_hi_f64(k)));
      } else {
        g = v128.mul<T>(v128.sub<T>(v128.add<T>(lt, v128.splat<T>(<T>1)), xv), k);
      }
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
    if (sizeof<T>() == 4) {
      // t - x (exact), e^t·(t - x) and e^t·(t - x + 1)·k in f64, each rounded once
      const e0 = f32x4_lo_f64(et), e1 = f32x4_hi_f64(et);
      const d0 = f64x2.sub(f32x4_lo_f64(tv), f32x4_lo_f64(xv));
      const d1 = f64x2.sub(f32x4_hi_f64(tv), f32x4_hi_f64(xv));
      if (gx) {
        const k = upstream<T>(gradRow, off, vk);
        v128.store(gx + off, v128.mul<T>(v128.neg<T>(et), k));
        const one = f64x2.splat(1);
        v128.store(gt + off, f64_pair_f32x4(
          f64x2.mul(f64x2.mul(e0, f64x2.add(d0, one)), f32x4_lo_f64(k)),
          f64x2.mul(f64x2.mul(e1, f64x2.add(d1, one)), f32x4_hi_f64(k))));
      }
      return f64_pair_f32x4(f64x2.mul(e0, d0), f64x2.mul(e1, d1));
    }
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
