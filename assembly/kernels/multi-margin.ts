// multi_margin_loss and multilabel_margin_loss over contiguous rows (n, C), forward and backward
// fused. T = f32 | f64. Both hinges are strict (z > 0), as PyTorch's kernels are. Pointers
// weight, rowLoss, grad and gradRow may be 0. Each returns Σ over rows of the row losses (f64).
import { f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, hsum, lanes } from '../simd/math';
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
  if (sizeof<T>() == 4) return multi_margin_f32(n, C, x, target, weight, rowLoss, grad, gradRow, p, margin, gradScale);
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
 * multi_margin for f32 with z = margin - x_y + x_i, its square and the gradient c·h'(z) in f64:
 * z is then exact (PyTorch rounds it twice in float32), and each output is rounded once.
 */
function multi_margin_f32(n: i32, C: i32, x: usize, target: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, p: i32, margin: f64, gradScale: f64): f64 {
  const cL = C - C % 4;
  const squared = p == 2;
  const zero = f64x2.splat(0);
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const xr = x + (<usize>r * <usize>C << 2);
    const y = load<i32>(target + (<usize>r << 2));
    const yOff = <usize>y << 2;
    const base = margin - <f64>load<f32>(xr + yOff);
    const vbase = f64x2.splat(base);
    const w: f64 = weight ? <f64>load<f32>(weight + yOff) : 1.0;
    const g = gradRow ? gradScale * <f64>load<f32>(gradRow + (<usize>r << 2)) : gradScale;
    const c = w * g / <f64>C;
    const vc = f64x2.splat(squared ? c + c : c);
    const gr = grad + (<usize>r * <usize>C << 2);
    // Σ h(z) and Σ dx over every i (i = y dropped after), in f64
    let a0 = zero, a1 = zero, d0 = zero, d1 = zero;
    let i = 0;
    for (; i < cL; i += 4) {
      const off = <usize>i << 2;
      const xv = v128.load(xr + off);
      const z0 = f64x2.add(vbase, f32x4_lo_f64(xv));
      const z1 = f64x2.add(vbase, f32x4_hi_f64(xv));
      const m0 = f64x2.gt(z0, zero), m1 = f64x2.gt(z1, zero);
      a0 = f64x2.add(a0, v128.and(squared ? f64x2.mul(z0, z0) : z0, m0));
      a1 = f64x2.add(a1, v128.and(squared ? f64x2.mul(z1, z1) : z1, m1));
      if (grad) {
        const g0 = v128.and(squared ? f64x2.mul(vc, z0) : vc, m0);
        const g1 = v128.and(squared ? f64x2.mul(vc, z1) : vc, m1);
        v128.store(gr + off, f64_pair_f32x4(g0, g1));
        d0 = f64x2.add(d0, g0);
        d1 = f64x2.add(d1, g1);
      }
    }
    const as = f64x2.add(a0, a1), ds = f64x2.add(d0, d1);
    let sum = f64x2.extract_lane(as, 0) + f64x2.extract_lane(as, 1);
    let gtotal = f64x2.extract_lane(ds, 0) + f64x2.extract_lane(ds, 1);
    for (; i < C; i++) {
      const z = base + <f64>load<f32>(xr + (<usize>i << 2));
      if (z > 0) sum += squared ? z * z : z;
      if (grad) {
        const d: f64 = z > 0 ? (squared ? (c + c) * z : c) : 0;
        store<f32>(gr + (<usize>i << 2), <f32>d);
        gtotal += d;
      }
    }
    const zy = base + <f64>load<f32>(xr + yOff);
    if (zy > 0) {
      sum -= squared ? zy * zy : zy;
      gtotal -= squared ? (c + c) * zy : c;
    }
    const loss = w * sum / <f64>C;
    if (rowLoss) store<f32>(rowLoss + (<usize>r << 2), <f32>loss);
    total += loss;
    if (grad) store<f32>(gr + yOff, <f32>-gtotal);
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
