// pairwise_distance over contiguous rows (rows, D): out[r] = ‖x1[r] - x2[r] + eps‖_p, and
// optionally dir = ∂out/∂x1 (∂out/∂x2 is -dir). T = f32 | f64. Sums are promoted to f64 per block.
// p = 2, 1 and ∞ are vector loops; p = 0 and other p are scalar (f64 Math.pow), the rare cases.
// The gradient follows PyTorch's norm backward: 0 where the norm is 0, ties of p = ∞ share evenly.
// The kernel list instantiates f64 only: float32 arguments are computed in float64 (docs/accuracy.md).
import { f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, hmax, hsum, lanes } from '../simd/math';
import { BLOCK } from '../simd/reduce';

/** a - b + eps in f64, for f32 lanes 0-1 of the vectors at a and b (exact but for the eps). */
// @ts-ignore: decorator
@inline function diff_f64_lo(a: usize, b: usize, eps: v128): v128 {
  return f64x2.add(f64x2.sub(f32x4_lo_f64(v128.load(a)), f32x4_lo_f64(v128.load(b))), eps);
}

/** The same for lanes 2-3. */
// @ts-ignore: decorator
@inline function diff_f64_hi(a: usize, b: usize, eps: v128): v128 {
  return f64x2.add(f64x2.sub(f32x4_hi_f64(v128.load(a)), f32x4_hi_f64(v128.load(b))), eps);
}

/** Σ f(v) over the row, v = a - b + eps, f = square (p = 2) or abs (p = 1). */
// @ts-ignore: decorator
@inline function row_sum<T>(square: bool, D: i32, a: usize, b: usize, eps: T): f64 {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const dL = D - D % L;
  const ve = v128.splat<T>(eps);
  let s: f64 = 0;
  let i = 0;
  if (sizeof<T>() == 4) {
    // f32: v = a - b + eps, its squares and their sum in f64 (PyTorch's CPU norm also sums
    // floats in double): the distance is rounded once.
    const ed = f64x2.splat(<f64>eps);
    let acc0 = f64x2.splat(0), acc1 = acc0;
    for (; i < dL; i += L) {
      const off = <usize>i * bytes;
      const lo = diff_f64_lo(a + off, b + off, ed);
      const hi = diff_f64_hi(a + off, b + off, ed);
      acc0 = f64x2.add(acc0, square ? f64x2.mul(lo, lo) : f64x2.abs(lo));
      acc1 = f64x2.add(acc1, square ? f64x2.mul(hi, hi) : f64x2.abs(hi));
    }
    const acc = f64x2.add(acc0, acc1);
    s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  }
  while (i < dL) {
    let acc = v128.splat<T>(<T>0);
    const stop = min(i + BLOCK, dL);
    for (; i < stop; i += L) {
      const off = <usize>i * bytes;
      const v = v128.add<T>(v128.sub<T>(v128.load(a + off), v128.load(b + off)), ve);
      acc = v128.add<T>(acc, square ? v128.mul<T>(v, v) : v128.abs<T>(v));
    }
    s += hsum<T>(acc);
  }
  for (; i < D; i++) {
    const off = <usize>i * bytes;
    const v = sizeof<T>() == 4 ? <f64>load<T>(a + off) - <f64>load<T>(b + off) + <f64>eps : <f64>(load<T>(a + off) - load<T>(b + off) + eps);
    s += square ? v * v : Math.abs(v);
  }
  return s;
}

/** max |v| over the row (NaN if any v is NaN). */
// @ts-ignore: decorator
@inline function row_max_abs<T>(D: i32, a: usize, b: usize, eps: T): f64 {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const dL = D - D % L;
  const ve = v128.splat<T>(eps);
  let m = v128.splat<T>(<T>0);
  let nan = false;
  let i = 0;
  for (; i < dL; i += L) {
    const off = <usize>i * bytes;
    const v = v128.abs<T>(v128.add<T>(v128.sub<T>(v128.load(a + off), v128.load(b + off)), ve));
    nan = nan || v128.any_true(v128.ne<T>(v, v));
    m = v128.pmax<T>(m, v);
  }
  let r = <f64>hmax<T>(m);
  for (; i < D; i++) {
    const off = <usize>i * bytes;
    const v = Math.abs(<f64>(load<T>(a + off) - load<T>(b + off) + eps));
    if (v != v) nan = true;
    r = max(r, v);
  }
  return nan ? NaN : r;
}

export function pairwise_distance<T>(rows: i32, D: i32, x1: usize, x2: usize, out: usize, dir: usize, p: f64, eps: f64): void {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>D * bytes;
  const dL = D - D % L;
  const e = <T>eps;
  for (let r = 0; r < rows; r++) {
    const a = x1 + <usize>r * rowBytes;
    const b = x2 + <usize>r * rowBytes;
    let norm: f64;
    if (p == 2) norm = Math.sqrt(row_sum<T>(true, D, a, b, e));
    else if (p == 1) norm = row_sum<T>(false, D, a, b, e);
    else if (p == Infinity) norm = row_max_abs<T>(D, a, b, e);
    else {
      let s: f64 = 0;
      for (let i = 0; i < D; i++) {
        const v = Math.abs(<f64>(load<T>(a + <usize>i * bytes) - load<T>(b + <usize>i * bytes) + e));
        s += p == 0 ? (v != 0 ? 1 : 0) : Math.pow(v, p);
      }
      norm = p == 0 ? s : Math.pow(s, 1 / p);
    }
    store<T>(out + <usize>r * bytes, <T>norm);
    if (!dir) continue;

    const g = dir + <usize>r * rowBytes;
    if (norm == 0 || p == 0) {
      memory.fill(g, 0, rowBytes);
      continue;
    }
    const ve = v128.splat<T>(e);
    if (p == 2 || p == 1) {
      // v / ‖v‖ or sign(v)
      const k = v128.splat<T>(<T>(1 / norm));
      const one = v128.splat<T>(<T>1);
      const zero = v128.splat<T>(<T>0);
      let i = 0;
      for (; i < dL; i += L) {
        const off = <usize>i * bytes;
        const v = v128.add<T>(v128.sub<T>(v128.load(a + off), v128.load(b + off)), ve);
        let d: v128;
        if (p == 2 && sizeof<T>() == 4) {
          // v/‖v‖ rounded once: the f32 products with a rounded 1/‖v‖ are off by up to 1 ulp.
          const kd = f64x2.splat(1 / norm);
          const ed = f64x2.splat(<f64>e);
          d = f64_pair_f32x4(f64x2.mul(diff_f64_lo(a + off, b + off, ed), kd), f64x2.mul(diff_f64_hi(a + off, b + off, ed), kd));
        } else {
          d = p == 2
            ? v128.mul<T>(v, k)
            : v128.sub<T>(v128.and(one, v128.gt<T>(v, zero)), v128.and(one, v128.lt<T>(v, zero)));
        }
        v128.store(g + off, d);
      }
      for (; i < D; i++) {
        const off = <usize>i * bytes;
        const v = load<T>(a + off) - load<T>(b + off) + e;
        const vd = sizeof<T>() == 4 ? <f64>load<T>(a + off) - <f64>load<T>(b + off) + <f64>e : <f64>v;
        store<T>(g + off, p == 2 ? <T>(vd / norm) : (v > <T>0 ? <T>1 : v < <T>0 ? <T>-1 : <T>0));
      }
    } else if (p == Infinity) {
      // sign(v) where |v| is the max, shared evenly among the ties
      let ties = 0;
      for (let i = 0; i < D; i++) {
        const v = Math.abs(<f64>(load<T>(a + <usize>i * bytes) - load<T>(b + <usize>i * bytes) + e));
        if (v == norm) ties++;
      }
      for (let i = 0; i < D; i++) {
        const off = <usize>i * bytes;
        const v = <f64>(load<T>(a + off) - load<T>(b + off) + e);
        store<T>(g + off, <T>(Math.abs(v) == norm ? (v > 0 ? 1.0 : -1.0) / <f64>ties : 0.0));
      }
    } else {
      // sign(v)·|v|^(p-1) / ‖v‖^(p-1)
      const scale = Math.pow(norm, p - 1);
      for (let i = 0; i < D; i++) {
        const off = <usize>i * bytes;
        const v = <f64>(load<T>(a + off) - load<T>(b + off) + e);
        const s: f64 = v > 0 ? 1 : v < 0 ? -1 : 0;
        store<T>(g + off, <T>(s * Math.pow(Math.abs(v), p - 1) / scale));
      }
    }
  }
}
