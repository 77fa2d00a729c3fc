// softmax, log_softmax and sigmoid, forward and backward, over contiguous rows
// (the TypeScript side moves the softmax dim last). T = f32 | f64.
import { exp_f64x2, f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, lanes, log64, sexp, vexp, vsigmoid } from '../simd/math';
import { dot, exp_store_sum, exp_store_sum_fast, fast_residual_ok, row_max, row_max_min, rowMin, scale, sum } from '../simd/reduce';

/** out = softmax(x) (log = 0) or log_softmax(x) (log = 1) of each row of length n. */
export function softmax_fwd<T>(rows: i32, n: i32, x: usize, out: usize, log: i32): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const or = out + <usize>r * rowBytes;
    const m = row_max_min<T>(n, xr);
    // z - m's rounding error, taken into the exp, costs 2 operations instead of 5 where no |z|
    // has a larger exponent than m (the common case: logits around 0, the max positive).
    const s = sizeof<T>() == 4 && fast_residual_ok(<f64>m, rowMin) ? exp_store_sum_fast<T>(n, xr, or, m) : exp_store_sum<T>(n, xr, or, m);
    if (!log) {
      // PyTorch's last-dim kernel multiplies by the reciprocal of the sum.
      scale<T>(n, or, or, <T>(1.0 / s));
      continue;
    }
    // log_softmax = (x - m) - log(s), in that order (PyTorch's).
    const vm = v128.splat<T>(m);
    const ls = <T>log64(s);
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

/**
 * dx from the input x, the forward output y and upstream g: softmax (log = 0) or log_softmax
 * (log = 1). f64 uses y (PyTorch's formulas); f32 takes what cancels from x (below).
 */
export function softmax_bwd<T>(rows: i32, n: i32, x: usize, y: usize, g: usize, dx: usize, log: i32): void {
  const L = lanes<T>();
  const rowBytes = <usize>n * sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const off0 = <usize>r * rowBytes;
    const xr = x + off0, yr = y + off0, gr = g + off0, dr = dx + off0;
    if (sizeof<T>() == 4) {
      softmax_bwd_row_f32(n, xr, yr, gr, dr, log);
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
 * One f32 row of softmax_bwd, in f64, each element rounded once. What cancels is taken from x
 * with the f64 exp (x - m is exact in f64), not from the float32 output, whose rounding the
 * cancellation would magnify: softmax's Σ g·p (in g - Σ g·p) and log_softmax's p = e^(x-m)/s (in
 * g - p·Σ g). Softmax's last factor p is y (its error is not magnified).
 */
function softmax_bwd_row_f32(n: i32, x: usize, y: usize, g: usize, dx: usize, log: i32): void {
  const m = <f64>row_max<f32>(n, x);
  const vm = f64x2.splat(m);
  // Σ e, Σ g·e (softmax) or Σ g (log_softmax), e = e^(x - m) in f64
  let se = f64x2.splat(0), sg = se;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    const gv = v128.load(g + off);
    const e0 = exp_f64x2(f64x2.sub(f32x4_lo_f64(xv), vm));
    const e1 = exp_f64x2(f64x2.sub(f32x4_hi_f64(xv), vm));
    se = f64x2.add(se, f64x2.add(e0, e1));
    const g0 = f32x4_lo_f64(gv), g1 = f32x4_hi_f64(gv);
    sg = log ? f64x2.add(sg, f64x2.add(g0, g1)) : f64x2.add(sg, f64x2.add(f64x2.mul(g0, e0), f64x2.mul(g1, e1)));
  }
  let s = f64x2.extract_lane(se, 0) + f64x2.extract_lane(se, 1);
  let t = f64x2.extract_lane(sg, 0) + f64x2.extract_lane(sg, 1);
  for (let j = i; j < n; j++) {
    const off = <usize>j << 2;
    const e = sexp<f64>(<f64>load<f32>(x + off) - m);
    s += e;
    t += log ? <f64>load<f32>(g + off) : <f64>load<f32>(g + off) * e;
  }
  if (!log) {
    // dx = (g - Σ g·p)·y, Σ g·p = (Σ g·e)/(Σ e)
    const vs = f64x2.splat(t / s);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const gv = v128.load(g + off);
      const yv = v128.load(y + off);
      const lo = f64x2.mul(f64x2.sub(f32x4_lo_f64(gv), vs), f32x4_lo_f64(yv));
      const hi = f64x2.mul(f64x2.sub(f32x4_hi_f64(gv), vs), f32x4_hi_f64(yv));
      v128.store(dx + off, f64_pair_f32x4(lo, hi));
    }
    const ts = t / s;
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(dx + off, <f32>((<f64>load<f32>(g + off) - ts) * <f64>load<f32>(y + off)));
    }
    return;
  }
  // dx = g - p·Σ g, p = e/s
  const k = t / s;
  const vk = f64x2.splat(k);
  i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const xv = v128.load(x + off);
    const gv = v128.load(g + off);
    const lo = f64x2.sub(f32x4_lo_f64(gv), f64x2.mul(exp_f64x2(f64x2.sub(f32x4_lo_f64(xv), vm)), vk));
    const hi = f64x2.sub(f32x4_hi_f64(gv), f64x2.mul(exp_f64x2(f64x2.sub(f32x4_hi_f64(xv), vm)), vk));
    v128.store(dx + off, f64_pair_f32x4(lo, hi));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(dx + off, <f32>(<f64>load<f32>(g + off) - sexp<f64>(<f64>load<f32>(x + off) - m) * k));
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
