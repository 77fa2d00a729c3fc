// multi_margin_loss and multilabel_margin_loss over contiguous rows (n, C), forward and backward
// fused. T = f32 | f64. Both hinges are strict (z > 0), as PyTorch's kernels are. Pointers
// weight, rowLoss, grad and gradRow may be 0. Each returns Σ over rows of the row losses (f64).
import { hsum, lanes } from '../simd/math';
import { BLOCK } from '../simd/reduce';

/**
 * Row r with target y: ℓ = w[y]·Σ_{i≠y} h(margin - x_y + x_i) / C, h(z) = z or z² (p = 2) where
 * z > 0. Gradient: dx_i = c·h'(z) for i ≠ y, dx_y = -Σ dx_i, c = w[y]·gradScale·gradRow[r] / C.
 */
export function multi_margin<T>(n: i32, C: i32, x: usize, target: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, p: i32, margin: f64, gradScale: f64): f64 {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>C * bytes;
  const cL = C - C % L;
  const squared = p == 2;
  const zero = v128.splat<T>(<T>0);
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * rowBytes;
    const y = load<i32>(target + (<usize>r << 2));
    const yOff = <usize>y * bytes;
    const base = <T>margin - load<T>(xr + yOff);
    const vbase = v128.splat<T>(base);
    // The sum runs over every i, then drops i = y (its z is computed by the same operations).
    let sum: f64 = 0;
    let i = 0;
    while (i < cL) {
      let acc = zero;
      const stop = min(i + BLOCK, cL);
      for (; i < stop; i += L) {
        const z = v128.add<T>(vbase, v128.load(xr + <usize>i * bytes));
        const h = squared ? v128.mul<T>(z, z) : z;
        acc = v128.add<T>(acc, v128.and(h, v128.gt<T>(z, zero)));
      }
      sum += hsum<T>(acc);
    }
    for (; i < C; i++) {
      const z = base + load<T>(xr + <usize>i * bytes);
      if (z > <T>0) sum += squared ? <f64>(z * z) : <f64>z;
    }
    const zy = base + load<T>(xr + yOff);
    if (zy > <T>0) sum -= squared ? <f64>(zy * zy) : <f64>zy;
    const w: f64 = weight ? <f64>load<T>(weight + yOff) : 1.0;
    const loss = w * sum / <f64>C;
    if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>loss);
    total += loss;
    if (!grad) continue;

    const g = gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale;
    const c = <T>(w * g / <f64>C);
    const vc = v128.splat<T>(squared ? c + c : c);
    const gr = grad + <usize>r * rowBytes;
    let gsum = zero;
    i = 0;
    for (; i < cL; i += L) {
      const off = <usize>i * bytes;
      const z = v128.add<T>(vbase, v128.load(xr + off));
      const d = v128.and(squared ? v128.mul<T>(vc, z) : vc, v128.gt<T>(z, zero));
      v128.store(gr + off, d);
      gsum = v128.add<T>(gsum, d);
    }
    let gtotal: f64 = hsum<T>(gsum);
    for (; i < C; i++) {
      const off = <usize>i * bytes;
      const z = base + load<T>(xr + off);
      const d: T = z > <T>0 ? (squared ? (c + c) * z : c) : <T>0;
      store<T>(gr + off, d);
      gtotal += <f64>d;
    }
    gtotal -= <f64>load<T>(gr + yOff);
    store<T>(gr + yOff, <T>-gtotal);
  }
  return total;
}

/**
 * Row r: J = target[r, 0..] up to the first -1 (duplicates counted), P = the set of J.
 * ℓ = Σ_{j∈J} Σ_{i∉P} max(0, 1 - x_j + x_i) / C; for each active (j, i): dx_i += c, dx_j -= c,
 * c = gradScale·gradRow[r] / C. `isTarget` is scratch for C lanes (all bits set for i ∈ P).
 */
export function multilabel_margin<T>(n: i32, C: i32, x: usize, target: usize, isTarget: usize, rowLoss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>C * bytes;
  const cL = C - C % L;
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const xr = x + <usize>r * rowBytes;
    const tr = target + ((<usize>r * <usize>C) << 2);
    memory.fill(isTarget, 0, rowBytes);
    let count = 0;
    for (; count < C; count++) {
      const t = load<i32>(tr + (<usize>count << 2));
      if (t < 0) break;
      if (sizeof<T>() == 4) store<u32>(isTarget + (<usize>t << 2), 0xFFFFFFFF);
      else store<u64>(isTarget + (<usize>t << 3), 0xFFFFFFFFFFFFFFFF);
    }
    const g = gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale;
    const c = <T>(g / <f64>C);
    const vc = v128.splat<T>(c);
    const gr = grad + <usize>r * rowBytes;
    if (grad) memory.fill(gr, 0, rowBytes);
    let sum: f64 = 0;
    for (let k = 0; k < count; k++) {
      const j = load<i32>(tr + (<usize>k << 2));
      const base = <T>1 - load<T>(xr + <usize>j * bytes);
      const vbase = v128.splat<T>(base);
      // z > 0 and i ∉ P: the active pairs; their count moves dx_j.
      let acc = zero;
      let active = zero;
      let i = 0;
      for (; i < cL; i += L) {
        const off = <usize>i * bytes;
        const z = v128.add<T>(vbase, v128.load(xr + off));
        const on = v128.andnot(v128.gt<T>(z, zero), v128.load(isTarget + off));
        acc = v128.add<T>(acc, v128.and(z, on));
        if (grad) {
          v128.store(gr + off, v128.add<T>(v128.load(gr + off), v128.and(vc, on)));
          active = v128.add<T>(active, v128.and(one, on));
        }
      }
      let rowSum: f64 = hsum<T>(acc);
      let n_active: f64 = hsum<T>(active);
      for (; i < C; i++) {
        const off = <usize>i * bytes;
        const z = base + load<T>(xr + off);
        if (z > <T>0 && load<T>(isTarget + off) == <T>0) {
          rowSum += <f64>z;
          if (grad) {
            store<T>(gr + off, load<T>(gr + off) + c);
            n_active += 1;
          }
        }
      }
      sum += rowSum;
      if (grad) store<T>(gr + <usize>j * bytes, load<T>(gr + <usize>j * bytes) - <T>(n_active * <f64>c));
    }
    const loss = sum / <f64>C;
    if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>loss);
    total += loss;
  }
  return total;
}
