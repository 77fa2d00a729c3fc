// mse_loss, l1_loss, smooth_l1_loss and huber_loss, elementwise over n values of input x and
// target y (same length: the TypeScript side materializes broadcasts), forward and backward fused.
// T = f32 | f64. Pointers that are 0 mean "absent": loss (per-element losses), grad (dℓ/dx),
// gradTarget (dℓ/dy = -dℓ/dx), gradRow (per-element upstream gradient ≡ 1).
// Returns Σ of the per-element losses in f64 (promoted per block of BLOCK elements).
import { hsum, lane, lanes } from '../simd/math';
import { BLOCK } from '../simd/reduce';

const MSE = 0;
const L1 = 1;
const SMOOTH_L1 = 2;
const HUBER = 3;

/** One vector: returns the losses, stores the gradients. d = x - y, z = |d|, p = β or δ. */
// @ts-ignore: decorator
@inline function reg_v<T>(kind: i32, x: usize, y: usize, grad: usize, gradTarget: usize, gradRow: usize, off: usize, vk: v128, vp: v128): v128 {
  const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
  const z = v128.abs<T>(d);
  const half = v128.splat<T>(<T>0.5);
  let loss: v128;
  if (kind == MSE) loss = v128.mul<T>(d, d);
  else if (kind == L1) loss = z;
  else if (kind == SMOOTH_L1) {
    // z < β ? 0.5·z·z/β : z - 0.5·β, in PyTorch's order ((0.5·z)·z)/β.
    const quad = v128.div<T>(v128.mul<T>(v128.mul<T>(half, z), z), vp);
    loss = v128.bitselect(quad, v128.sub<T>(z, v128.mul<T>(half, vp)), v128.lt<T>(z, vp));
  } else {
    // z < δ ? 0.5·z·z : δ·(z - 0.5·δ)
    const quad = v128.mul<T>(v128.mul<T>(half, z), z);
    loss = v128.bitselect(quad, v128.mul<T>(vp, v128.sub<T>(z, v128.mul<T>(half, vp))), v128.lt<T>(z, vp));
  }
  if (grad) {
    let g: v128;
    const one = v128.splat<T>(<T>1);
    if (kind == MSE) g = v128.add<T>(d, d);
    else if (kind == L1) {
      // sgn(d): 0 at 0, ±1 up to ±inf, NaN for NaN (as PyTorch's sgn)
      const zero = v128.splat<T>(<T>0);
      g = v128.sub<T>(v128.and(v128.gt<T>(d, zero), one), v128.and(v128.lt<T>(d, zero), one));
      g = v128.bitselect(d, g, v128.ne<T>(d, d));
    } else if (kind == SMOOTH_L1) {
      // -1 for d <= -β, 1 for d >= β, d/β between: a clamp of d/β (NaN passes through)
      g = v128.pmin<T>(v128.pmax<T>(v128.div<T>(d, vp), v128.neg<T>(one)), one);
    } else {
      g = v128.pmin<T>(v128.pmax<T>(d, v128.neg<T>(vp)), vp);
    }
    g = v128.mul<T>(g, vk);
    if (gradRow) g = v128.mul<T>(g, v128.load(gradRow + off));
    v128.store(grad + off, g);
    if (gradTarget) v128.store(gradTarget + off, v128.neg<T>(g));
  }
  return loss;
}

/**
 * The loop: 4 vectors per iteration into independent accumulators, f64 promotion per BLOCK. The
 * last partial vector is computed whole (arrays are padded by one vector); lanes past n are not
 * counted and their stores stay in the padding.
 */
// @ts-ignore: decorator
@inline function reg_loop<T>(kind: i32, n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, param: f64, gradScale: f64): f64 {
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const vk = v128.splat<T>(<T>gradScale);
  const vp = v128.splat<T>(<T>param);
  const n4 = n - n % W;
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const l0 = reg_v<T>(kind, x, y, grad, gradTarget, gradRow, off, vk, vp);
      const l1 = reg_v<T>(kind, x, y, grad, gradTarget, gradRow, off + 16, vk, vp);
      const l2 = reg_v<T>(kind, x, y, grad, gradTarget, gradRow, off + 32, vk, vp);
      const l3 = reg_v<T>(kind, x, y, grad, gradTarget, gradRow, off + 48, vk, vp);
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
    const l = reg_v<T>(kind, x, y, grad, gradTarget, gradRow, off, vk, vp);
    if (loss) v128.store(loss + off, l);
    const valid = min(L, n - i);
    for (let j = 0; j < valid; j++) total += <f64>lane<T>(l, j);
  }
  return total;
}

/** kind: 0 mse, 1 l1, 2 smooth_l1 (param β > 0), 3 huber (param δ > 0). */
// @ts-ignore: decorator
@inline function regression<T>(kind: i32, n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, param: f64, gradScale: f64): f64 {
  // The loss-only sum (the common forward call) gets a copy of the loop without the stores.
  if (!loss && !grad) return reg_loop<T>(kind, n, x, y, 0, 0, 0, 0, param, gradScale);
  return reg_loop<T>(kind, n, x, y, loss, grad, gradTarget, gradRow, param, gradScale);
}

export function mse<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 {
  return regression<T>(MSE, n, x, y, loss, grad, gradTarget, gradRow, 0, gradScale);
}

export function l1<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 {
  return regression<T>(L1, n, x, y, loss, grad, gradTarget, gradRow, 0, gradScale);
}

export function smooth_l1<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, beta: f64, gradScale: f64): f64 {
  return regression<T>(SMOOTH_L1, n, x, y, loss, grad, gradTarget, gradRow, beta, gradScale);
}

export function huber<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, delta: f64, gradScale: f64): f64 {
  return regression<T>(HUBER, n, x, y, loss, grad, gradTarget, gradRow, delta, gradScale);
}
