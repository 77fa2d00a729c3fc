// float16 <-> float32 over arrays, for Float16Array arguments and results (src/wasm/half.ts):
// an engine's own conversion (TypedArray.prototype.set between Float16Array and Float32Array)
// runs about 5 ns an element in V8 13.6, several times a loss's own cost, and wasm SIMD has no
// half-precision instructions. So the bits are converted with integer lane operations
// (docs/simd.md, "float16"): exact widening, and narrowing rounded to nearest even, subnormals,
// infinities and NaN included (a NaN becomes the quiet NaN 0x7e00).
//
// Both run in place: `src` and `dst` may share the staging area. Widening reads the halves from
// the upper half of the float32 area (src = dst + 2n) and writes floats from dst forward;
// narrowing reads floats from src and writes halves from src forward (dst = src). Either way a
// store never reaches bytes not yet loaded.
//
// The constants are loaded from a table into locals before each loop, as assembly/simd/math.ts
// does (V8 rebuilds a v128.const at every use inside a loop: three instructions each, which made
// these loops 10 times slower).
const KT: usize = memory.data<u32>([
  0x8fffe000, 0x8fffe000, 0x8fffe000, 0x8fffe000, // 0 a half's bits shifted into a float's place: sign, exponent, mantissa
  0x38000000, 0x38000000, 0x38000000, 0x38000000, // 1 112 << 23: rebiases the exponent (127 - 15)
  0x0f800000, 0x0f800000, 0x0f800000, 0x0f800000, // 2 a half's exponent, shifted: all ones is inf or NaN
  0x00800000, 0x00800000, 0x00800000, 0x00800000, // 3 1 << 23: one more in the exponent
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, // 4 a float's magnitude
  0x7e00, 0x7e00, 0x7e00, 0x7e00, //                 5 a quiet NaN half
  0x7c00, 0x7c00, 0x7c00, 0x7c00, //                 6 infinity, half
  0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000, // 7 infinity, float
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 8 0.5: rounds |x| < 2^-14 to a multiple of 2^-24
  0xc8000fff, 0xc8000fff, 0xc8000fff, 0xc8000fff, // 9 ((15 - 127) << 23) + 0xfff
  0x00000001, 0x00000001, 0x00000001, 0x00000001, // 10
  0x38800000, 0x38800000, 0x38800000, 0x38800000, // 11 2^-14, the smallest normal half
  0x477fffff, 0x477fffff, 0x477fffff, 0x477fffff, // 12 just under 2^16 (143 << 23): from 2^16 on, inf
  0x0fffe000, 0x0fffe000, 0x0fffe000, 0x0fffe000, // 13 a half's exponent and mantissa, shifted
  0, 0, 0, 0, //                                     14 (unused)
  0x7c007c00, 0x7c007c00, 0x7c007c00, 0x7c007c00, // 15 a half's exponent (i16 lanes): 0 (zero, subnormal) and all ones (inf, NaN) are special
  0, 0, 0, 0, //                                     16 zero
], 16);

// @ts-ignore: decorator
@inline function k(i: i32): v128 {
  return v128.load(KT + (<usize>i << 4));
}

/**
 * binary16 bits, sign-extended to i32 lanes, of a normal half (exponent 1 to 30) to float32,
 * exactly: the bits shifted into a float's place (the extended sign lands on the float's) and the
 * exponent rebiased by an integer add.
 */
// @ts-ignore: decorator
@inline function widenNormal(h: v128, kBits: v128, kRebias: v128): v128 {
  return i32x4.add(v128.and(i32x4.shl(h, 13), kBits), kRebias);
}

/** widenNormal for any half but zeros and subnormals: an inf or NaN (exponent 31) gets the rest of the way to all ones (the mantissa, a NaN's payload, kept). */
// @ts-ignore: decorator
@inline function widen(h: v128, kBits: v128, kRebias: v128, kExp: v128): v128 {
  const t = v128.and(i32x4.shl(h, 13), kBits);
  return i32x4.add(i32x4.add(t, kRebias), v128.and(i32x4.eq(v128.and(t, kExp), kExp), kRebias));
}

/**
 * widen() for vectors that hold a half of exponent 0 (a zero, or a subnormal of mantissa m): its
 * lanes are made 2^-14 · (1 + m/1024), a normal float, from which 2^-14 is subtracted: m · 2^-24,
 * exact (a zero's sign kept). No
 * operand is ever a float subnormal: an arithmetic operation on one takes a microcode assist on
 * x86, which made the first version (the raw bits multiplied by 2^112) several times slower on
 * data with subnormal halves.
 */
// @ts-ignore: decorator
@inline function widenSubnormal(h: v128, kBits: v128, kRebias: v128, kExp: v128, kMag: v128, kOne: v128, kMin: v128, kAbs: v128): v128 {
  const o = widen(h, kBits, kRebias, kExp);
  const sub = f32x4.sub(i32x4.add(v128.and(o, kAbs), kOne), kMin);
  const exponent0 = i32x4.lt_s(v128.and(i32x4.shl(h, 13), kMag), kOne);
  return v128.bitselect(v128.or(sub, v128.andnot(o, kAbs)), o, exponent0);
}

/**
 * float32 to binary16 bits (u32 lanes), rounded to nearest even. The magnitude's bits compare as
 * signed integers (native in SIMD, unlike unsigned).
 */
// @ts-ignore: decorator
@inline function narrow(x: v128, kAbs: v128, kNaN: v128, kHalfInf: v128, kInf: v128, kHalf: v128, kRebias: v128, kLow: v128, kMin: v128, kBig: v128): v128 {
  const f = v128.and(x, kAbs);
  // |x| ≥ 2^16 (and inf, NaN): inf, or the quiet NaN
  const big = v128.bitselect(kNaN, kHalfInf, i32x4.gt_s(f, kInf));
  // |x| < 2^-14: the float add of 0.5 rounds the mantissa to a multiple of 2^-24 (nearest even)
  const small = i32x4.sub(f32x4.add(f, kHalf), kHalf);
  // normal: rebias, add 0xfff plus the lowest kept bit (ties to even), drop 13 bits; a carry
  // into the exponent is the right answer, up to inf
  const odd = v128.and(i32x4.shr_u(f, 13), kLow);
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(f, kRebias), odd), 13);
  const o = v128.bitselect(big, v128.bitselect(normal, small, i32x4.gt_s(f, kMin)), i32x4.gt_s(f, kBig));
  return v128.or(o, i32x4.shr_u(v128.andnot(x, kAbs), 16));
}

/**
 * n binary16 values at src to float32 at dst (src may be dst + 2n: see above). A vector of eight
 * normal halves (the common case) takes widenNormal, three operations a lane; one that holds a
 * zero, subnormal, inf or NaN (exponent 0 or 31) takes widenSubnormal.
 */
export function f16_to_f32(n: i32, src: usize, dst: usize): void {
  const kBits = k(0), kRebias = k(1), kExp = k(2), kOne = k(3), kAbs = k(4), kMin = k(11), kMag = k(13);
  const kHalfExp = k(15), kZero = k(16);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const h = v128.load(src + (<usize>i << 1));
    const d = dst + (<usize>i << 2);
    const lo = i32x4.extend_low_i16x8_s(h), hi = i32x4.extend_high_i16x8_s(h);
    const e = v128.and(h, kHalfExp);
    if (v128.any_true(v128.or(i16x8.eq(e, kZero), i16x8.eq(e, kHalfExp)))) {
      v128.store(d, widenSubnormal(lo, kBits, kRebias, kExp, kMag, kOne, kMin, kAbs));
      v128.store(d + 16, widenSubnormal(hi, kBits, kRebias, kExp, kMag, kOne, kMin, kAbs));
    } else {
      v128.store(d, widenNormal(lo, kBits, kRebias));
      v128.store(d + 16, widenNormal(hi, kBits, kRebias));
    }
  }
  for (; i < n; i++) {
    const h = i32x4.splat(<i32>load<i16>(src + (<usize>i << 1)));
    store<f32>(dst + (<usize>i << 2), f32x4.extract_lane(widenSubnormal(h, kBits, kRebias, kExp, kMag, kOne, kMin, kAbs), 0));
  }
}

/** n float32 values at src to binary16 at dst (dst may be src). */
export function f32_to_f16(n: i32, src: usize, dst: usize): void {
  const kAbs = k(4), kNaN = k(5), kHalfInf = k(6), kInf = k(7), kHalf = k(8), kRebias = k(9), kLow = k(10), kMin = k(11), kBig = k(12);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const s = src + (<usize>i << 2);
    const a = narrow(v128.load(s), kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
    const b = narrow(v128.load(s + 16), kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(a, b));
  }
  for (; i < n; i++) {
    const v = narrow(f32x4.splat(load<f32>(src + (<usize>i << 2))), kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
    store<u16>(dst + (<usize>i << 1), <u16>i32x4.extract_lane(v, 0));
  }
}
