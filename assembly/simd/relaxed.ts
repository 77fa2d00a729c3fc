// The operations the relaxed-SIMD build changes (scripts/build-wasm.mjs compiles the hot families
// twice: ASC_FEATURE_RELAXED_SIMD is true in the second build). In the plain build they are the
// exact SIMD operations they replace.
//
// madd: a·b + c, one relaxed_madd (fused where the hardware has FMA: one rounding instead of two,
//   so never less accurate) in the polynomial steps of exp and log, else a multiply and an add.
// vmax, vmin: the lane maximum (minimum), relaxed_max (one instruction on every target; which
//   operand a NaN or a ±0 tie gives is left to the engine) else pmax (one instruction on x86,
//   several on ARM). The callers let a NaN lane be dropped: NaN reappears through exp.

// @ts-ignore: decorator
@inline export function madd_f32x4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function madd_f64x2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function vmax<T>(a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_max<T>(a, b);
  return v128.pmax<T>(a, b);
}

// @ts-ignore: decorator
@inline export function vmin<T>(a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_min<T>(a, b);
  return v128.pmin<T>(a, b);
}
