// mse_loss, l1_loss, smooth_l1_loss and huber_loss, elementwise over n values of input x and
// target y (same length: the TypeScript side materializes broadcasts), forward and backward fused.
// T = f32 | f64. Pointers that are 0 mean "absent": loss (per-element losses), grad (dℓ/dx),
// gradTarget (dℓ/dy = -dℓ/dx), gradRow (per-element upstream gradient ≡ 1).
// Returns Σ of the per-element losses in f64; the loop is the shared one in
// assembly/simd/elementwise.ts (beta/delta > 0: beta = 0 is sent to l1 by the TypeScript side).
import { elementwise_sum, upstream } from '../simd/elementwise';
import { vhalf, vone } from '../simd/math';

/** (x - y)², slope 2(x - y) */
class Mse {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
    if (gx) store_grads<T>(v128.add<T>(d, d), gx, gy, gradRow, off, vk);
    return v128.mul<T>(d, d);
  }
}

/** |x - y|, slope sgn(x - y): 0 at 0, ±1 up to ±inf, NaN for NaN (as PyTorch's sgn) */
class L1 {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
    if (gx) {
      const zero = v128.splat<T>(<T>0);
      const one = vone<T>(); // a table load: V8 rebuilds a splatted constant at each use
      const sgn = v128.sub<T>(v128.and(v128.gt<T>(d, zero), one), v128.and(v128.lt<T>(d, zero), one));
      store_grads<T>(v128.bitselect(d, sgn, v128.ne<T>(d, d)), gx, gy, gradRow, off, vk);
    }
    return v128.abs<T>(d);
  }
}

/**
 * z < β ? 0.5·z·z/β : z - 0.5·β; slope: d/β clamped to [-1, 1]. For β a power of two (pow2,
 * inv = 1/β) x/β is x·(1/β) exactly (both round x·2^-k once), and a multiply costs a fraction of
 * a division, which bounded the loop.
 */
// @ts-ignore: decorator
@inline function smooth_l1_v<T>(x: usize, y: usize, gx: usize, gy: usize, gradRow: usize, off: usize, vk: v128, beta: v128, inv: v128, pow2: bool): v128 {
  const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
  const z = v128.abs<T>(d);
  const half = vhalf<T>();
  const hzz = v128.mul<T>(v128.mul<T>(half, z), z);
  const quad = pow2 ? v128.mul<T>(hzz, inv) : v128.div<T>(hzz, beta);
  if (gx) {
    const one = vone<T>(); // a table load: V8 rebuilds a splatted constant at each use
    // pmax/pmin keep a NaN d
    store_grads<T>(v128.pmin<T>(v128.pmax<T>(pow2 ? v128.mul<T>(d, inv) : v128.div<T>(d, beta), v128.neg<T>(one)), one), gx, gy, gradRow, off, vk);
  }
  return v128.bitselect(quad, v128.sub<T>(z, v128.mul<T>(half, beta)), v128.lt<T>(z, beta));
}

class SmoothL1 {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, beta: v128, _q: v128): v128 {
    return smooth_l1_v<T>(x, y, gx, gy, gradRow, off, vk, beta, beta, false);
  }
}

class SmoothL1Pow2 {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, beta: v128, inv: v128): v128 {
    return smooth_l1_v<T>(x, y, gx, gy, gradRow, off, vk, beta, inv, true);
  }
}

/** z < δ ? 0.5·z·z : δ·(z - 0.5·δ); slope: d clamped to [-δ, δ] */
class Huber {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, gradRow: usize, off: usize, vk: v128, delta: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
    const z = v128.abs<T>(d);
    const half = vhalf<T>();
    const quad = v128.mul<T>(v128.mul<T>(half, z), z);
    if (gx) store_grads<T>(v128.pmin<T>(v128.pmax<T>(d, v128.neg<T>(delta)), delta), gx, gy, gradRow, off, vk);
    return v128.bitselect(quad, v128.mul<T>(delta, v128.sub<T>(z, v128.mul<T>(half, delta))), v128.lt<T>(z, delta));
  }
}

/** dℓ/dx = slope·k (times the upstream), dℓ/dy = -dℓ/dx when gy is wanted. */
// @ts-ignore: decorator
@inline function store_grads<T>(slope: v128, gx: usize, gy: usize, gradRow: usize, off: usize, vk: v128): void {
  const g = v128.mul<T>(slope, upstream<T>(gradRow, off, vk));
  v128.store(gx + off, g);
  if (gy) v128.store(gy + off, v128.neg<T>(g));
}

/** The loss-only sum (the common forward call) gets a copy of the loop without the stores. */
// @ts-ignore: decorator
@inline function regression<T, Op>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, param: f64, gradScale: f64, param2: f64 = 0): f64 {
  if (!loss && !grad) return elementwise_sum<T, Op>(n, x, y, 0, 0, 0, 0, 0, 0, 0, param, gradScale, param2);
  return elementwise_sum<T, Op>(n, x, y, 0, 0, loss, grad, gradTarget, 0, gradRow, param, gradScale, param2);
}

export function mse<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 {
  return regression<T, Mse>(n, x, y, loss, grad, gradTarget, gradRow, 0, gradScale);
}

export function l1<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 {
  return regression<T, L1>(n, x, y, loss, grad, gradTarget, gradRow, 0, gradScale);
}

export function smooth_l1<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, beta: f64, gradScale: f64): f64 {
  // β = 2^k (the default 1), 2^-60 <= β <= 2^60 (1/β far from overflow in f32): bit-identical by multiplication
  if ((reinterpret<u64>(beta) & 0xFFFFFFFFFFFFF) == 0 && beta >= 8.673617379884035e-19 && beta <= 1152921504606846976.0) {
    return regression<T, SmoothL1Pow2>(n, x, y, loss, grad, gradTarget, gradRow, beta, gradScale, 1 / beta);
  }
  return regression<T, SmoothL1>(n, x, y, loss, grad, gradTarget, gradRow, beta, gradScale);
}

export function huber<T>(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, delta: f64, gradScale: f64): f64 {
  return regression<T, Huber>(n, x, y, loss, grad, gradTarget, gradRow, delta, gradScale);
}
