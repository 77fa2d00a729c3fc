// The elementwise loss loop: an Op class supplies one vector of losses (and stores its
// gradients); the shared accumulator loop (accumulate in ./reduce) runs it 4 vectors per iteration
// into independent accumulators with f64 promotion per BLOCK, then this loop runs the last
// vectors, the partial one whole (every array is padded by one vector; lanes past n are not
// counted). AssemblyScript has no static calls through a type parameter, so the op is an instance
// with @inline methods on a null receiver (no allocation, no call left after inlining).
import { lane, lanes } from './math';
import { accumulate } from './reduce';

// An op class has one method (generic methods cannot be declared in an interface here):
//   @inline v<T>(a, b, c, d: usize, g1, g2, g3: usize, gradRow: usize, off: usize, vk: v128, vp: v128, vq: v128): v128
// operands a, b, c, d (0 = absent), gradients g1..g3 (0 = not wanted) and the per-element upstream
// gradRow, all at byte offset off; vk the gradient scale, vp and vq the op's parameters (margin, ...).

/** Σ of the op's losses over n elements, storing per-element losses when loss != 0. */
// @ts-ignore: decorator
@inline export function elementwise_sum<T, Op>(n: i32, a: usize, b: usize, c: usize, d: usize, loss: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, param: f64, gradScale: f64, param2: f64 = 0): f64 {
  const op = changetype<Op>(0);
  const L = lanes<T>();
  const W = 4 * L;
  const bytes = <usize>sizeof<T>();
  const vk = v128.splat<T>(<T>gradScale);
  const vp = v128.splat<T>(<T>param);
  const vq = v128.splat<T>(<T>param2);
  const n4 = n - n % W;
  let total = accumulate<T, Op>(n4, a, b, c, d, loss, g1, g2, g3, gradRow, vk, vp, vq);
  for (let i = n4; i < n; i += L) {
    const off = <usize>i * bytes;
    const l = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off, vk, vp, vq);
    if (loss) v128.store(loss + off, l);
    const valid = min(L, n - i);
    for (let j = 0; j < valid; j++) total += <f64>lane<T>(l, j);
  }
  return total;
}

/** The upstream scale of this vector: vk, times gradRow's elements when given. */
// @ts-ignore: decorator
@inline export function upstream<T>(gradRow: usize, off: usize, vk: v128): v128 {
  return gradRow ? v128.mul<T>(vk, v128.load(gradRow + off)) : vk;
}
