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
// store never reaches bytes not yet loaded. Both go by chunks, some of which are done a second
// time from their input; a chunk whose output overlaps its own input (the last of an in-place
// widening, the first of an in-place narrowing) is done once, by the loop that takes any value.
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
  0x38000000, 0x38000000, 0x38000000, 0x38000000, // 14 2^-15 (float exponent 112): what upper16 makes of a half of exponent 0
  0x7c007c00, 0x7c007c00, 0x7c007c00, 0x7c007c00, // 15 (i16 lanes) a half's exponent: 0 (zero, subnormal) and all ones (inf, NaN) are special
  0, 0, 0, 0, //                                     16 zero
  0x47800000, 0x47800000, 0x47800000, 0x47800000, // 17 float exponent 143: what upper16 makes of a half of exponent 31
  0x8fff8fff, 0x8fff8fff, 0x8fff8fff, 0x8fff8fff, // 18 (i16 lanes) a half shifted right by 3 (arithmetic): sign, exponent, 7 mantissa bits
  0x38003800, 0x38003800, 0x38003800, 0x38003800, // 19 (i16 lanes) 112 << 7: rebiases the exponent in a float's upper 16 bits
  0x04000400, 0x04000400, 0x04000400, 0x04000400, // 20 (i16 lanes) a half's exponent 1
  0x08000800, 0x08000800, 0x08000800, 0x08000800, // 21 (i16 lanes) added to (h - 0x400) & 0x7c00: exponent 0 or 31 sets the sign (f16_to_f32)
  0xff800000, 0xff800000, 0xff800000, 0xff800000, // 22 a float's sign and exponent
  0x78007800, 0x78007800, 0x78007800, 0x78007800, // 23 (i16 lanes) (h - 0x400) & 0x7c00 from here on: exponent 31 or 0 (widenFast)
  0x7fff7fff, 0x7fff7fff, 0x7fff7fff, 0x7fff7fff, // 24 (i16 lanes) a half's magnitude
  0x3c003c00, 0x3c003c00, 0x3c003c00, 0x3c003c00, // 25 (i16 lanes) 1.0, a half: a zero tested as if it were one
], 16);

// @ts-ignore: decorator
@inline function k(i: i32): v128 {
  return v128.load(KT + (<usize>i << 4));
}

/**
 * binary16 bits, sign-extended to i32 lanes, of any half but zeros and subnormals to float32: the
 * bits shifted into a float's place (the extended sign lands on the float's) and the exponent
 * rebiased by an integer add; an inf or NaN (exponent 31) gets the rest of the way to all ones (the
 * mantissa, a NaN's payload, kept).
 */
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
 * The float32 bits of eight halves, as two vectors of i16 lanes: the upper 16 bits of each
 * float (sign, exponent rebiased by 112, the mantissa's upper 7 bits) and the lower 16 (the
 * mantissa's lower 3 bits at the top), exact for a normal half. A zero or subnormal (exponent 0)
 * comes out with float exponent 112, an inf or NaN (31) with 143, which no normal half gives
 * (113 to 142): mend() finds and mends them from the floats alone. Interleaving the two
 * vectors (punpcklwd / punpckhwd) widens the lanes, in place of sign-extending them first.
 */
// @ts-ignore: decorator
@inline function upper16(h: v128, kSign: v128, kRebias: v128): v128 {
  return i16x8.add(v128.and(i16x8.shr_s(h, 3), kSign), kRebias);
}

/**
 * Mends four floats that upper16/i16x8.shl(h, 13) made from halves of exponent 0 or 31 (float
 * exponent 112 or 143, see upper16): a zero or subnormal of mantissa m came out as
 * ±2^-15 · (1 + m/1024), so its value m · 2^-24 is 2 · (f - ±2^-15), exact (both terms in
 * [2^-15, 2^-14): Sterbenz; ±2^-15 is f with the mantissa cleared; a zero's sign is put back),
 * and no operand a float subnormal (an arithmetic operation on one takes a microcode assist on
 * x86); an inf or NaN gets its exponent made all ones (the mantissa, a NaN's payload, kept). Any
 * other float is kept.
 */
// @ts-ignore: decorator
@inline function mend(f: v128): v128 {
  // constants from the table here, not locals of the caller's loop: the rare path, and the
  // common one keeps its five constants in registers
  const kInf = k(7), kSignExp = k(22), kExp112 = k(14), kExp143 = k(17), kAbs = k(4);
  const e = v128.and(f, kInf);
  const m = f32x4.sub(f, v128.and(f, kSignExp));
  const sub = v128.or(f32x4.add(m, m), v128.andnot(f, kAbs)); // the sign of a zero too
  return v128.bitselect(sub, v128.bitselect(v128.or(f, kInf), f, i32x4.eq(e, kExp143)), i32x4.eq(e, kExp112));
}

/**
 * Halves [i, to) at src to floats at dst, eight at a time (to - i a multiple of 8), each vector
 * checked for a zero, subnormal, inf or NaN (exponent 0 or 31): those are the vectors where
 * ((h - 0x400) & 0x7c00) + 0x800 has a lane's sign set (exponent 0 gives 0x8400, 31 gives 0x8000,
 * the others at most 0x7c00); its low bytes are zero, so its byte bitmask (pmovmskb) is the test.
 * In such a vector zeros are made right on the i16 lanes (a zero's upper 16 bits keep only the
 * sign: upper16 gave it exponent 112; its lower 16 are zero already), and only if a subnormal, inf
 * or NaN remains (the test again, zeros taken as 1.0) are its floats mended: zero-heavy data
 * (targets, ReLU outputs) needs no mend. Returns whether any vector held one of the four.
 */
// @ts-ignore: decorator
@inline function widenChecked(src: usize, dst: usize, i: i32, to: i32, kSign: v128, kRebias16: v128, kExpOne: v128, kHalfExp: v128, kTop: v128): bool {
  let any = false;
  for (; i < to; i += 8) {
    const h = v128.load(src + (<usize>i << 1));
    let hi = upper16(h, kSign, kRebias16);
    const lo = i16x8.shl(h, 13);
    let mended = false;
    if (i8x16.bitmask(i16x8.add(v128.and(i16x8.sub(h, kExpOne), kHalfExp), kTop))) {
      any = true;
      // constants from the table here, as in mend()
      const kMag = k(24), kOneHalf = k(25), kZero = k(16);
      const zero = i16x8.eq(v128.and(h, kMag), kZero); // all ones in a zero's lanes
      hi = v128.andnot(hi, v128.and(zero, kMag));
      mended = i8x16.bitmask(i16x8.add(v128.and(i16x8.sub(v128.or(h, v128.and(zero, kOneHalf)), kExpOne), kHalfExp), kTop)) != 0;
    }
    let a = v128.shuffle<u16>(lo, hi, 0, 8, 1, 9, 2, 10, 3, 11), b = v128.shuffle<u16>(lo, hi, 4, 12, 5, 13, 6, 14, 7, 15);
    if (mended) {
      a = mend(a);
      b = mend(b);
    }
    const d = dst + (<usize>i << 2);
    v128.store(d, a);
    v128.store(d + 16, b);
  }
  return any;
}

/**
 * widenChecked without the test: the floats of halves [i, to) unmended, and whether any was a
 * zero, subnormal, inf or NaN (then they are wrong), from the largest (h - 0x400) & 0x7c00 as u16
 * (0x7c00 for exponent 0, 0x7800 for 31, at most 0x7400 otherwise): three operations a vector
 * against the test's four and a branch.
 */
// @ts-ignore: decorator
@inline function widenFast(src: usize, dst: usize, i: i32, to: i32, kSign: v128, kRebias16: v128, kExpOne: v128, kHalfExp: v128, kTopU: v128): bool {
  let top = i16x8.splat(0);
  for (; i < to; i += 8) {
    const h = v128.load(src + (<usize>i << 1));
    const hi = upper16(h, kSign, kRebias16), lo = i16x8.shl(h, 13);
    top = i16x8.max_u(top, v128.and(i16x8.sub(h, kExpOne), kHalfExp));
    const d = dst + (<usize>i << 2);
    v128.store(d, v128.shuffle<u16>(lo, hi, 0, 8, 1, 9, 2, 10, 3, 11));
    v128.store(d + 16, v128.shuffle<u16>(lo, hi, 4, 12, 5, 13, 6, 14, 7, 15));
  }
  return v128.any_true(i16x8.ge_u(top, kTopU));
}

/** Halves a chunk of f16_to_f32: 1 KiB of halves, 2 KiB of floats, in L1 when a chunk is done again. */
const CHUNK = 512;

/**
 * n binary16 values at src to float32 at dst (src may be dst + 2n: see above), exactly. Normal
 * halves (the common case) are widened by upper16 and a shift; a chunk is widened by widenFast,
 * and if it held a zero, subnormal, inf or NaN, again by widenChecked, which mends those, from its
 * halves (still there: a chunk whose floats would reach its own halves, at the end of an in-place
 * widening, takes widenChecked at once). After such a chunk the next ones take widenChecked until
 * one has none (data with zeros or subnormals tends to have them throughout: one-hot targets,
 * ReLU outputs). The scalar tail takes widenSubnormal.
 */
export function f16_to_f32(n: i32, src: usize, dst: usize): void {
  const kSign = k(18), kRebias16 = k(19), kExpOne = k(20), kHalfExp = k(15), kTop = k(21), kTopU = k(23);
  const whole = n & ~7;
  let checked = false;
  for (let i = 0; i < whole; i += CHUNK) {
    const to = min(i + CHUNK, whole);
    // the chunk's halves at [src + 2i, src + 2to) and its floats at [dst + 4i, dst + 4to) overlap
    const overlap = src + (<usize>i << 1) < dst + (<usize>to << 2) && dst + (<usize>i << 2) < src + (<usize>to << 1);
    if (!checked && !overlap) {
      if (!widenFast(src, dst, i, to, kSign, kRebias16, kExpOne, kHalfExp, kTopU)) continue;
    }
    checked = widenChecked(src, dst, i, to, kSign, kRebias16, kExpOne, kHalfExp, kTop);
  }
  const kBits = k(0), kRebias = k(1), kExp = k(2), kOne = k(3), kAbs = k(4), kMin = k(11), kMag = k(13);
  for (let i = whole; i < n; i++) {
    const h = i32x4.splat(<i32>load<i16>(src + (<usize>i << 1)));
    store<f32>(dst + (<usize>i << 2), f32x4.extract_lane(widenSubnormal(h, kBits, kRebias, kExp, kMag, kOne, kMin, kAbs), 0));
  }
}

/**
 * narrow() for a float whose magnitude's bits f are in (kMin, kBig], where narrow() takes
 * `normal` (a normal half, or inf by rounding up): eight operations a vector against twenty.
 */
// @ts-ignore: decorator
@inline function narrowNormal(x: v128, kAbs: v128, kRebias: v128, kLow: v128): v128 {
  const f = v128.and(x, kAbs);
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(f, kRebias), v128.and(i32x4.shr_u(f, 13), kLow)), 13);
  return v128.or(normal, i32x4.shr_u(v128.andnot(x, kAbs), 16));
}

/** narrow() for a float whose magnitude's bits are at most kBig (zeros and subnormal halves too, no inf or NaN). */
// @ts-ignore: decorator
@inline function narrowFinite(x: v128, kAbs: v128, kHalf: v128, kRebias: v128, kLow: v128, kMin: v128): v128 {
  const f = v128.and(x, kAbs);
  const small = i32x4.sub(f32x4.add(f, kHalf), kHalf);
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(f, kRebias), v128.and(i32x4.shr_u(f, 13), kLow)), 13);
  return v128.or(v128.bitselect(normal, small, i32x4.gt_s(f, kMin)), i32x4.shr_u(v128.andnot(x, kAbs), 16));
}

/** What a narrowing loop saw: a magnitude at or under kMin (a zero, or under 2^-14). */
const LOW = 1;
/** What a narrowing loop saw: a magnitude over kBig (from 65520 on, inf, NaN). */
const BIG = 2;

/**
 * Floats [i, to) at src to halves at dst, eight at a time, by narrowNormal (`mode` 0), narrowFinite
 * (LOW) or narrow() (BIG, any value). Returns LOW and BIG for what it saw (the smallest and largest
 * magnitude as i32, checked once): the result is right for all if none is outside its mode.
 */
// @ts-ignore: decorator
@inline function narrowRun(mode: i32, src: usize, dst: usize, i: i32, to: i32, kAbs: v128, kNaN: v128, kHalfInf: v128, kInf: v128, kHalf: v128, kRebias: v128, kLow: v128, kMin: v128, kBig: v128): i32 {
  let lo = kBig, hi = kMin;
  for (; i < to; i += 8) {
    const s = src + (<usize>i << 2);
    const x = v128.load(s), y = v128.load(s + 16);
    const fx = v128.and(x, kAbs), fy = v128.and(y, kAbs);
    lo = i32x4.min_s(lo, i32x4.min_s(fx, fy));
    hi = i32x4.max_s(hi, i32x4.max_s(fx, fy));
    let a: v128, b: v128;
    if (mode == 0) {
      a = narrowNormal(x, kAbs, kRebias, kLow);
      b = narrowNormal(y, kAbs, kRebias, kLow);
    } else if (mode == LOW) {
      a = narrowFinite(x, kAbs, kHalf, kRebias, kLow, kMin);
      b = narrowFinite(y, kAbs, kHalf, kRebias, kLow, kMin);
    } else {
      a = narrow(x, kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
      b = narrow(y, kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
    }
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(a, b));
  }
  return (v128.any_true(i32x4.le_s(lo, kMin)) ? LOW : 0) | (v128.any_true(i32x4.gt_s(hi, kBig)) ? BIG : 0);
}

/** narrowRun in `mode`, a variable (one copy of each loop). */
function narrowBy(mode: i32, src: usize, dst: usize, i: i32, to: i32): i32 {
  const kAbs = k(4), kNaN = k(5), kHalfInf = k(6), kInf = k(7), kHalf = k(8), kRebias = k(9), kLow = k(10), kMin = k(11), kBig = k(12);
  if (mode == 0) return narrowRun(0, src, dst, i, to, kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
  if (mode == LOW) return narrowRun(LOW, src, dst, i, to, kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
  return narrowRun(BIG, src, dst, i, to, kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
}

/**
 * n float32 values at src to binary16 at dst (dst may be src), rounded to nearest even. By chunks,
 * as f16_to_f32: a chunk is narrowed by the loop for what the last one saw (narrowNormal where it
 * saw only magnitudes in (2^-14, 65520), the common case; narrowFinite where it saw zeros or
 * smaller magnitudes; narrow() where it saw inf, NaN or larger), and again by the loop for what
 * this one saw if that is more (its floats are still there: a chunk whose halves would reach its
 * own floats, the first of an in-place narrowing, takes narrow() at once).
 */
export function f32_to_f16(n: i32, src: usize, dst: usize): void {
  const whole = n & ~7;
  let mode = 0;
  for (let i = 0; i < whole; i += CHUNK) {
    const to = min(i + CHUNK, whole);
    // the chunk's floats at [src + 4i, src + 4to) and its halves at [dst + 2i, dst + 2to) overlap
    const overlap = src + (<usize>i << 2) < dst + (<usize>to << 1) && dst + (<usize>i << 1) < src + (<usize>to << 2);
    const m = overlap ? BIG : mode;
    const saw = narrowBy(m, src, dst, i, to);
    mode = saw & BIG ? BIG : saw;
    if (mode > m) narrowBy(mode, src, dst, i, to);
  }
  const kAbs = k(4), kNaN = k(5), kHalfInf = k(6), kInf = k(7), kHalf = k(8), kRebias = k(9), kLow = k(10), kMin = k(11), kBig = k(12);
  for (let i = whole; i < n; i++) {
    const v = narrow(f32x4.splat(load<f32>(src + (<usize>i << 2))), kAbs, kNaN, kHalfInf, kInf, kHalf, kRebias, kLow, kMin, kBig);
    store<u16>(dst + (<usize>i << 1), <u16>i32x4.extract_lane(v, 0));
  }
}
