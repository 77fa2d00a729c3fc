// kl_div, elementwise over n values of input x (log-probabilities) and target t (the TypeScript side
// materializes broadcasts), forward and backward fused. T = f32 | f64.
//   logTarget = 0: ℓ = xlogy(t, t) - t·x (0 where t = 0; NaN for t < 0), dℓ/dx = -t,
//                  dℓ/dt = log t + 1 - x (NaN at t = 0, as PyTorch's xlogy backward)
//   logTarget = 1: ℓ = e^t·(t - x),                                  dℓ/dx = -e^t, dℓ/dt = e^t·(t - x + 1)
// Pointers that are 0 mean "absent": loss (per-element losses), gradInput, gradTarget, gradRow
// (per-element upstream ≡ 1). Returns Σ of the losses in f64. Arrays are padded by one vector
// (the last partial vector is computed whole; lanes past n are not counted).
// e^t uses the vector exp, valid for t below ~88 (f32) / ~709 (f64), where e^t overflows anyway.
import { hsum, lane, lanes, vexp, vlog } from '../simd/math';
import { BLOCK } from '../simd/reduce';

// @ts-ignore: decorator
@inline function kl_v<T>(logTarget: i32, x: usize, t: usize, gradInput: usize, gradTarget: usize, gradRow: usize, off: usize, vk: v128): v128 {
  const xv = v128.load(x + off);
  const tv = v128.load(t + off);
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  let loss: v128;
  let gx: v128, gt: v128;
  if (logTarget) {
    const et = vexp<T>(tv);
    const d = v128.sub<T>(tv, xv);
    loss = v128.mul<T>(et, d);
    gx = v128.neg<T>(et);
    gt = v128.mul<T>(et, v128.add<T>(d, one));
  } else {
    const lt = vlog<T>(tv);
    // xlogy(t, t): 0 where t == 0 (t·log t would be 0·-inf)
    const xlogy = v128.andnot(v128.mul<T>(tv, lt), v128.eq<T>(tv, zero));
    loss = v128.sub<T>(xlogy, v128.mul<T>(tv, xv));
    gx = v128.neg<T>(tv);
    // PyTorch's xlogy backward at t = 0 adds log 0 = -inf and 0/0: NaN.
    gt = v128.sub<T>(v128.add<T>(lt, one), xv);
    gt = v128.bitselect(v128.splat<T>(<T>NaN), gt, v128.eq<T>(tv, zero));
  }
  if (gradInput) {
    let k = vk;
    if (gradRow) k = v128.mul<T>(k, v128.load(gradRow + off));
    v128.store(gradInput + off, v128.mul<T>(gx, k));
    if (gradTarget) v128.store(gradTarget + off, v128.mul<T>(gt, k));
  }
  return loss;
}

// @ts-ignore: decorator
@inline function kl_loop<T>(logTarget: i32, n: i32, x: usize, t: usize, loss: usize, gradInput: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const vk = v128.splat<T>(<T>gradScale);
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const l0 = kl_v<T>(logTarget, x, t, gradInput, gradTarget, gradRow, off, vk);
      const l1 = kl_v<T>(logTarget, x, t, gradInput, gradTarget, gradRow, off + 16, vk);
      const l2 = kl_v<T>(logTarget, x, t, gradInput, gradTarget, gradRow, off + 32, vk);
      const l3 = kl_v<T>(logTarget, x, t, gradInput, gradTarget, gradRow, off + 48, vk);
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
    total += hsum<T>(v128.add<T>(v128.add<T>(a0, a1), v128.add<T>(a2, a3)));
  }
  for (; i < n; i += L) {
    const off = <usize>i * bytes;
    const l = kl_v<T>(logTarget, x, t, gradInput, gradTarget, gradRow, off, vk);
    if (loss) v128.store(loss + off, l);
    const valid = min(L, n - i);
    for (let j = 0; j < valid; j++) total += <f64>lane<T>(l, j);
  }
  return total;
}

export function kl_div<T>(n: i32, x: usize, t: usize, loss: usize, gradInput: usize, gradTarget: usize, gradRow: usize, logTarget: i32, gradScale: f64): f64 {
  return logTarget
    ? kl_loop<T>(1, n, x, t, loss, gradInput, gradTarget, gradRow, gradScale)
    : kl_loop<T>(0, n, x, t, loss, gradInput, gradTarget, gradRow, gradScale);
}
