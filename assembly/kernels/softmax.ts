// softmax, log_softmax and sigmoid, forward and backward, over contiguous rows
// (the TypeScript side moves the softmax dim last). T = f32 | f64.
import { exp_f32x4, f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, lanes, sexp, vexp, vsigmoid } from '../simd/math';
import { dot, exp_store_sum, row_max, scale, sum } from '../simd/reduce';

/** out = softmax(x) (log = 0) or log_softmax(x) (log = 1) of each row of length n. */
export function softmax_fwd<T>(rows: i32, n: i32, x: usize, out: usize, log: i32): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const or = out + <usize>r * rowBytes;
    const m = row_max<T>(n, xr);
    const s = exp_store_sum<T>(n, xr, or, m);
    if (!log) {
      // PyTorch's last-dim kernel multiplies by the reciprocal of the sum.
      scale<T>(n, or, or, <T>(1.0 / s));
      continue;
    }
    // log_softmax = (x - m) - log(s), in that order (PyTorch's).
    const vm = v128.splat<T>(m);
    const ls = <T>Math.log(s);
    const vls = v128.splat<T>(ls);
    let i = 0;
    for (; i + L <= n; i += L) {
      const off = <usize>i * sizeof<T>();
      v128.store(or + off, v128.sub<T>(v128.sub<T>(v128.load(xr + off), vm), vls));
    }
    for (; i < n; i++) {
      const off = <usize>i * sizeof<T>();
      store<T>(or + off, (load<T>(xr + off) - m) - ls);
    }
  }
}

/** dx from the forward output y and upstream g: softmax (log = 0) or log_softmax (log = 1). */
export function softmax_bwd<T>(rows: i32, n: i32, y: usize, g: usize, dx: usize, log: i32): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const off0 = <usize>r * rowBytes;
    const yr = y + off0, gr = g + off0, dr = dx + off0;
    if (sizeof<T>() == 4) {
      softmax_bwd_row_f32(n, yr, gr, dr, log);
      continue;
    }
    if (!log) {
      // dx = (g - Σ g·y) · y
      const vs = v128.splat<T>(<T>dot<T>(n, gr, yr));
      let i = 0;
      for (; i + L <= n; i += L) {
        const off = <usize>i * sizeof<T>();
        v128.store(dr + off, v128.mul<T>(v128.sub<T>(v128.load(gr + off), vs), v128.load(yr + off)));
      }
      const s = v128.extract_lane<T>(vs, 0);
      for (; i < n; i++) {
        const off = <usize>i * sizeof<T>();
        store<T>(dr + off, (load<T>(gr + off) - s) * load<T>(yr + off));
      }
    } else {
      // dx = g - exp(y) · Σ g
      const gs = <T>sum<T>(n, gr);
      const vs = v128.splat<T>(gs);
      let i = 0;
      for (; i + L <= n; i += L) {
        const off = <usize>i * sizeof<T>();
        v128.store(dr + off, v128.sub<T>(v128.load(gr + off), v128.mul<T>(vexp<T>(v128.load(yr + off)), vs)));
      }
      for (; i < n; i++) {
        const off = <usize>i * sizeof<T>();
        store<T>(dr + off, load<T>(gr + off) - sexp<T>(load<T>(yr + off)) * gs);
      }
    }
  }
}

/**
 * One f32 row of softmax_bwd in f64: Σ g·y (softmax) or Σ g (log_softmax) from exact products,
 * and (g - Σ)·y or g - e^y·Σ rounded once, so that the cancellation in g - Σ (an element far
 * below the row's largest) does not magnify a rounded Σ.
 */
function softmax_bwd_row_f32(n: i32, y: usize, g: usize, dx: usize, log: i32): void {
  let a0 = f64x2.splat(0), a1 = a0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const gv = v128.load(g + off);
    const yv = v128.load(y + off);
    if (log) {
      a0 = f64x2.add(a0, f32x4_lo_f64(gv));
      a1 = f64x2.add(a1, f32x4_hi_f64(gv));
    } else {
      a0 = f64x2.add(a0, f64x2.mul(f32x4_lo_f64(gv), f32x4_lo_f64(yv)));
      a1 = f64x2.add(a1, f64x2.mul(f32x4_hi_f64(gv), f32x4_hi_f64(yv)));
    }
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    s += log ? <f64>load<f32>(g + off) : <f64>load<f32>(g + off) * <f64>load<f32>(y + off);
  }
  const vs = f64x2.splat(s);
  i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const gv = v128.load(g + off);
    // log: g - e^y·Σ (e^y = softmax); else (g - Σ)·y
    const yv = log ? exp_f32x4(v128.load(y + off)) : v128.load(y + off);
    const lo = log
      ? f64x2.sub(f32x4_lo_f64(gv), f64x2.mul(f32x4_lo_f64(yv), vs))
      : f64x2.mul(f64x2.sub(f32x4_lo_f64(gv), vs), f32x4_lo_f64(yv));
    const hi = log
      ? f64x2.sub(f32x4_hi_f64(gv), f64x2.mul(f32x4_hi_f64(yv), vs))
      : f64x2.mul(f64x2.sub(f32x4_hi_f64(gv), vs), f32x4_hi_f64(yv));
    v128.store(dx + off, f64_pair_f32x4(lo, hi));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    const gi = <f64>load<f32>(g + off);
    const yi = load<f32>(y + off);
    store<f32>(dx + off, <f32>(log ? gi - <f64>sexp<f32>(yi) * s : (gi - s) * <f64>yi));
  }
}

// @ts-ignore: decorator
@inline function sigmoid_v<T>(x: v128): v128 {
  return vsigmoid<T>(x); // within 1 ulp in f32 (assembly/simd/math.ts)
}

/** out = σ(x), elementwise. */
export function sigmoid_fwd<T>(n: i32, x: usize, out: usize): void {
  const L = lanes<T>();
  let i = 0;
  for (; i + L <= n; i += L) {
    const off = <usize>i * sizeof<T>();
    v128.store(out + off, sigmoid_v<T>(v128.load(x + off)));
  }
  for (; i < n; i++) {
    const off = <usize>i * sizeof<T>();
    store<T>(out + off, v128.extract_lane<T>(sigmoid_v<T>(v128.splat<T>(load<T>(x + off))), 0));
  }
}

/** dx = g · y · (1 - y), from the forward output y. */
export function sigmoid_bwd<T>(n: i32, y: usize, g: usize, dx: usize): void {
  const L = lanes<T>();
  const one = v128.splat<T>(<T>1);
  let i = 0;
  for (; i + L <= n; i += L) {
    const off = <usize>i * sizeof<T>();
    const yv = v128.load(y + off);
    v128.store(dx + off, v128.mul<T>(v128.mul<T>(v128.load(g + off), yv), v128.sub<T>(one, yv)));
  }
  for (; i < n; i++) {
    const off = <usize>i * sizeof<T>();
    const yv = load<T>(y + off);
    store<T>(dx + off, load<T>(g + off) * yv * (<T>1 - yv));
  }
}
