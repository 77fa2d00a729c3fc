// @ts-nocheck: AssemblyScript, compiled by asc (bench/build-floor.mjs), not by tsc
// The floor micro-benchmark (bench/floor.mjs): bare f32x4 loops over n floats, to measure what
// one exp, one log, or one squared difference costs per element in the engine, with nothing else
// in the loop.
//
// exp4 / log4 are the library's exp_f32x4 / log_f32x4 (assembly/simd/math.ts), operation for
// operation, with their constants as parameters (bench/floor.mjs checks that the results are
// bit-identical to the library's f32_exp / f32_log exports). exp_table / log_table pass constants
// loaded from a table in linear memory once before the loop: Binaryen folds a local that holds a
// `v128.const` back into each use (and V8's TurboFan then rebuilds each splat inside the loop),
// but it cannot fold a `v128.load`, so the constants stay in registers (bench/build-floor.mjs
// checks the emitted .wat for a v128.const inside these loops). exp_inline / log_inline pass
// the same constants as `v128.const` globals, which is how the kernels see them.
// (Not importing math.ts keeps the AssemblyScript sources out of `tsc`'s program.)

// The constants, as the kernels see them (v128.const), in math.ts's order and bit patterns.
const E0: v128 = i32x4(0x4b40007f, 0x4b40007f, 0x4b40007f, 0x4b40007f);
const E1: v128 = i32x4(0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b);
const E2: v128 = i32x4(0xbf317200, 0xbf317200, 0xbf317200, 0xbf317200);
const E3: v128 = i32x4(0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e);
const E4: v128 = i32x4(0x3c07cfce, 0x3c07cfce, 0x3c07cfce, 0x3c07cfce);
const E5: v128 = i32x4(0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d);
const E6: v128 = i32x4(0x3e2aad40, 0x3e2aad40, 0x3e2aad40, 0x3e2aad40);
const E7: v128 = i32x4(0x3efffee3, 0x3efffee3, 0x3efffee3, 0x3efffee3);
const E8: v128 = i32x4(0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb);
const E9: v128 = i32x4(0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f);
// The same constants as a table in linear memory, filled by init() (one 16-byte row each).
const EXP_TABLE = memory.data(160, 16);

// @ts-ignore: decorator
@inline function exp4(x: v128, magic: v128, log2e: v128, mln2hi: v128, mln2lo: v128,
  c5: v128, c4: v128, c3: v128, c2: v128, c1: v128, cutoff: v128): v128 {
  let n = f32x4.add(f32x4.mul(x, log2e), magic);
  const s = i32x4.shl(n, 23);
  n = f32x4.sub(n, magic);
  let t = f32x4.add(f32x4.mul(n, mln2hi), x);
  t = f32x4.add(f32x4.mul(n, mln2lo), t);
  let p = f32x4.add(f32x4.mul(c5, t), c4);
  p = f32x4.add(f32x4.mul(p, t), c3);
  p = f32x4.add(f32x4.mul(p, t), c2);
  p = f32x4.add(f32x4.mul(p, t), c1);
  t = f32x4.mul(t, s);
  const e = f32x4.add(f32x4.mul(t, p), s);
  return v128.andnot(e, f32x4.lt(x, cutoff));
}

/** out[i] = e^x[i], n a multiple of 8, constants loaded from EXP_TABLE before the loop. */
export function exp_table(n: i32, x: usize, out: usize): void {
  const T = EXP_TABLE;
  const magic = v128.load(T, 0), log2e = v128.load(T, 16), mln2hi = v128.load(T, 32), mln2lo = v128.load(T, 48);
  const c5 = v128.load(T, 64), c4 = v128.load(T, 80), c3 = v128.load(T, 96), c2 = v128.load(T, 112);
  const c1 = v128.load(T, 128), cutoff = v128.load(T, 144);
  const end = x + (<usize>n << 2);
  while (x < end) {
    const a = exp4(v128.load(x), magic, log2e, mln2hi, mln2lo, c5, c4, c3, c2, c1, cutoff);
    const b = exp4(v128.load(x, 16), magic, log2e, mln2hi, mln2lo, c5, c4, c3, c2, c1, cutoff);
    v128.store(out, a);
    v128.store(out, b, 16);
    x += 32;
    out += 32;
  }
}

/** The same loop with the constants inline, as the kernels have them. */
export function exp_inline(n: i32, x: usize, out: usize): void {
  const end = x + (<usize>n << 2);
  while (x < end) {
    v128.store(out, exp4(v128.load(x), E0, E1, E2, E3, E4, E5, E6, E7, E8, E9));
    v128.store(out, exp4(v128.load(x, 16), E0, E1, E2, E3, E4, E5, E6, E7, E8, E9), 16);
    x += 32;
    out += 32;
  }
}

const L0: v128 = i32x4(0x00800000, 0x00800000, 0x00800000, 0x00800000);
const L1: v128 = i32x4(0x4c000000, 0x4c000000, 0x4c000000, 0x4c000000);
const L2: v128 = i32x4(0x004afb0d, 0x004afb0d, 0x004afb0d, 0x004afb0d);
const L3: v128 = i32x4(0x00000098, 0x00000098, 0x00000098, 0x00000098);
const L4: v128 = i32x4(0x0000007f, 0x0000007f, 0x0000007f, 0x0000007f);
const L5: v128 = i32x4(0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff);
const L6: v128 = i32x4(0x3f3504f3, 0x3f3504f3, 0x3f3504f3, 0x3f3504f3);
const L7: v128 = i32x4(0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000);
const L8: v128 = i32x4(0x40000000, 0x40000000, 0x40000000, 0x40000000);
const L9: v128 = i32x4(0x3eccce13, 0x3eccce13, 0x3eccce13, 0x3eccce13);
const L10: v128 = i32x4(0x3e789e26, 0x3e789e26, 0x3e789e26, 0x3e789e26);
const L11: v128 = i32x4(0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa);
const L12: v128 = i32x4(0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee);
const L13: v128 = i32x4(0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000);
const L14: v128 = i32x4(0x3717f7d1, 0x3717f7d1, 0x3717f7d1, 0x3717f7d1);
const L15: v128 = i32x4(0x3f317180, 0x3f317180, 0x3f317180, 0x3f317180);
const L16: v128 = i32x4(0xff800000, 0xff800000, 0xff800000, 0xff800000);
const L17: v128 = i32x4(0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000);
const L18: v128 = i32x4(0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7fc00000);
const L19: v128 = i32x4(0, 0, 0, 0);
const LOG_TABLE = memory.data(320, 16);

/** Fills the tables; call once before the *_table loops. */
export function init(): void {
  const e = EXP_TABLE;
  v128.store(e, E0, 0); v128.store(e, E1, 16); v128.store(e, E2, 32); v128.store(e, E3, 48); v128.store(e, E4, 64);
  v128.store(e, E5, 80); v128.store(e, E6, 96); v128.store(e, E7, 112); v128.store(e, E8, 128); v128.store(e, E9, 144);
  const l = LOG_TABLE;
  v128.store(l, L0, 0); v128.store(l, L1, 16); v128.store(l, L2, 32); v128.store(l, L3, 48); v128.store(l, L4, 64);
  v128.store(l, L5, 80); v128.store(l, L6, 96); v128.store(l, L7, 112); v128.store(l, L8, 128); v128.store(l, L9, 144);
  v128.store(l, L10, 160); v128.store(l, L11, 176); v128.store(l, L12, 192); v128.store(l, L13, 208); v128.store(l, L14, 224);
  v128.store(l, L15, 240); v128.store(l, L16, 256); v128.store(l, L17, 272); v128.store(l, L18, 288); v128.store(l, L19, 304);
}

// @ts-ignore: decorator
@inline function log4(v: v128, minNormal: v128, two25: v128, bias: v128, k25: v128, k127: v128,
  mant: v128, sqrtHalf: v128, one: v128, two: v128, lg2: v128, lg4: v128, lg1: v128, lg3: v128,
  half: v128, ln2lo: v128, ln2hi: v128, negInf: v128, inf: v128, nan: v128, zero: v128): v128 {
  const sub = f32x4.lt(v, minNormal); // subnormal (or <= 0, fixed up at the end)
  const xs = v128.bitselect(f32x4.mul(v, two25), v, sub);
  let ix = i32x4.add(xs, bias);
  const k = i32x4.sub(i32x4.shr_u(ix, 23), v128.bitselect(k25, k127, sub));
  ix = i32x4.add(v128.and(ix, mant), sqrtHalf);
  const f = f32x4.sub(ix, one);
  const s = f32x4.div(f, f32x4.add(two, f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(lg2, f32x4.mul(w, lg4)));
  const t2 = f32x4.mul(z, f32x4.add(lg1, f32x4.mul(w, lg3)));
  const hfsq = f32x4.mul(half, f32x4.mul(f, f));
  const dk = f32x4.convert_i32x4_s(k);
  let r = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1))), f32x4.mul(dk, ln2lo));
  r = f32x4.add(f32x4.add(f32x4.sub(r, hfsq), f), f32x4.mul(dk, ln2hi));
  r = v128.bitselect(negInf, r, f32x4.eq(v, zero));
  r = v128.bitselect(inf, r, f32x4.eq(v, inf));
  return v128.bitselect(r, nan, f32x4.ge(v, zero)); // x < 0 or NaN -> NaN
}

/** out[i] = log(x[i]), n a multiple of 4, constants loaded from LOG_TABLE before the loop. */
export function log_table(n: i32, x: usize, out: usize): void {
  const T = LOG_TABLE;
  const c0 = v128.load(T, 0), c1 = v128.load(T, 16), c2 = v128.load(T, 32), c3 = v128.load(T, 48);
  const c4 = v128.load(T, 64), c5 = v128.load(T, 80), c6 = v128.load(T, 96), c7 = v128.load(T, 112);
  const c8 = v128.load(T, 128), c9 = v128.load(T, 144), c10 = v128.load(T, 160), c11 = v128.load(T, 176);
  const c12 = v128.load(T, 192), c13 = v128.load(T, 208), c14 = v128.load(T, 224), c15 = v128.load(T, 240);
  const c16 = v128.load(T, 256), c17 = v128.load(T, 272), c18 = v128.load(T, 288), c19 = v128.load(T, 304);
  const end = x + (<usize>n << 2);
  while (x < end) {
    v128.store(out, log4(v128.load(x), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19));
    x += 16;
    out += 16;
  }
}

/** The same loop with the constants inline, as the kernels have them. */
export function log_inline(n: i32, x: usize, out: usize): void {
  const end = x + (<usize>n << 2);
  while (x < end) {
    v128.store(out, log4(v128.load(x), L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16, L17, L18, L19));
    x += 16;
    out += 16;
  }
}

/** Σ (a[i] − b[i])², n a multiple of 16: the floor of a mean-squared-error pass (f32 lanes, four accumulators). */
export function sqdiff(n: i32, a: usize, b: usize): f64 {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  const end = a + (<usize>n << 2);
  while (a < end) {
    const d0 = f32x4.sub(v128.load(a), v128.load(b));
    const d1 = f32x4.sub(v128.load(a, 16), v128.load(b, 16));
    const d2 = f32x4.sub(v128.load(a, 32), v128.load(b, 32));
    const d3 = f32x4.sub(v128.load(a, 48), v128.load(b, 48));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
    a += 64;
    b += 64;
  }
  const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  return <f64>f32x4.extract_lane(s, 0) + <f64>f32x4.extract_lane(s, 1) + <f64>f32x4.extract_lane(s, 2) + <f64>f32x4.extract_lane(s, 3);
}

/** Where the caller may put its arrays (after the static data). */
export function heap_base(): usize {
  return (__heap_base + 15) & ~15;
}
