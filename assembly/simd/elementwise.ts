// The elementwise loss loop, written once: an Op class supplies one vector of losses (and stores
// its gradients); this loop runs it 4 vectors per iteration into independent accumulators with
// f64 promotion per BLOCK, then the last partial vector whole (every array is padded by one
// vector; lanes past n are not counted). AssemblyScript has no static calls through a type
// parameter, so the op is an instance with @inline methods on a null receiver (no allocation,
// no call left after inlining).
import { hsum, lane, lanes } from './math';
import { BLOCK } from './reduce';

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
  let total: f64 = 0;
  let i = 0;
  while (i < n4) {
    let a0 = v128.splat<T>(<T>0);
    let a1 = a0, a2 = a0, a3 = a0;
    const stop = min(i + BLOCK, n4);
    for (; i < stop; i += W) {
      const off = <usize>i * bytes;
      const l0 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off, vk, vp, vq);
      const l1 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 16, vk, vp, vq);
      const l2 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 32, vk, vp, vq);
      const l3 = op.v<T>(a, b, c, d, g1, g2, g3, gradRow, off + 48, vk, vp, vq);
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
