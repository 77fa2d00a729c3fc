// The floor micro-benchmark (bench/floor.mjs): bare f32x4 loops over n floats, to measure what
// one exp, one log, or one squared difference costs per element in the engine, with nothing else
// in the loop.
//
// exp_table / log_table compute exactly the library's exp_f32x4 / log_f32x4
// (assembly/simd/math.ts), operation for operation, but take every constant from a table in
// linear memory, loaded into locals once before the loop. Binaryen folds a local that holds a
// `v128.const` back into each use (and V8's TurboFan then rebuilds each splat inside the loop);
// a `v128.load` from memory is something neither can fold, so the constants stay in registers
// (bench/floor.mjs checks the emitted .wat for a v128.const inside these loops).
// exp_inline / log_inline call math.ts's routines as the kernels do, for comparison.
import { exp_f32x4, log_f32x4 } from '../../assembly/simd/math';

// One row of 4 equal lanes per constant, in the order the loads below expect.
const EXP_TABLE = memory.data<u32>([
  0x4b40007f, 0x4b40007f, 0x4b40007f, 0x4b40007f, // 0: magic bias 2^23+2^22+127
  0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, 0x3fb8aa3b, // 1: log2(e)
  0xbf317200, 0xbf317200, 0xbf317200, 0xbf317200, // 2: -ln2 hi
  0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e, 0xb5bfbe8e, // 3: -ln2 lo
  0x3c07cfce, 0x3c07cfce, 0x3c07cfce, 0x3c07cfce, // 4: c5
  0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d, 0x3d2b9d0d, // 5: c4
  0x3e2aad40, 0x3e2aad40, 0x3e2aad40, 0x3e2aad40, // 6: c3
  0x3efffee3, 0x3efffee3, 0x3efffee3, 0x3efffee3, // 7: c2
  0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb, 0x3f7ffffb, // 8: c1
  0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f, 0xc2aeac4f, // 9: cutoff -87.3365
], 16);

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

/** out[i] = e^x[i], n a multiple of 8, constants hoisted from EXP_TABLE. */
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

/** The same loop with math.ts's exp_f32x4 and its inline constants. */
export function exp_inline(n: i32, x: usize, out: usize): void {
  const end = x + (<usize>n << 2);
  while (x < end) {
    v128.store(out, exp_f32x4(v128.load(x)));
    v128.store(out, exp_f32x4(v128.load(x, 16)), 16);
    x += 32;
    out += 32;
  }
}

const LOG_TABLE = memory.data<u32>([
  0x00800000, 0x00800000, 0x00800000, 0x00800000, // 0: min normal
  0x4c000000, 0x4c000000, 0x4c000000, 0x4c000000, // 1: 2^25
  0x004afb0d, 0x004afb0d, 0x004afb0d, 0x004afb0d, // 2: 0x3f800000 - 0x3f3504f3
  0x00000098, 0x00000098, 0x00000098, 0x00000098, // 3: 127 + 25
  0x0000007f, 0x0000007f, 0x0000007f, 0x0000007f, // 4: 127
  0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff, // 5: mantissa mask
  0x3f3504f3, 0x3f3504f3, 0x3f3504f3, 0x3f3504f3, // 6: sqrt(1/2) bits
  0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000, // 7: 1
  0x40000000, 0x40000000, 0x40000000, 0x40000000, // 8: 2
  0x3eccce13, 0x3eccce13, 0x3eccce13, 0x3eccce13, // 9: Lg2
  0x3e789e26, 0x3e789e26, 0x3e789e26, 0x3e789e26, // 10: Lg4
  0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa, 0x3f2aaaaa, // 11: Lg1
  0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee, 0x3e91e9ee, // 12: Lg3
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 13: 1/2
  0x3717f7d1, 0x3717f7d1, 0x3717f7d1, 0x3717f7d1, // 14: ln2 lo
  0x3f317180, 0x3f317180, 0x3f317180, 0x3f317180, // 15: ln2 hi
  0xff800000, 0xff800000, 0xff800000, 0xff800000, // 16: -inf
  0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000, // 17: +inf
  0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7fc00000, // 18: NaN
  0x00000000, 0x00000000, 0x00000000, 0x00000000, // 19: 0
], 16);

/** out[i] = log(x[i]), n a multiple of 4, constants hoisted from LOG_TABLE (math.ts's log_f32x4). */
export function log_table(n: i32, x: usize, out: usize): void {
  const T = LOG_TABLE;
  const minNormal = v128.load(T, 0), two25 = v128.load(T, 16), bias = v128.load(T, 32), k25 = v128.load(T, 48);
  const k127 = v128.load(T, 64), mant = v128.load(T, 80), sqrtHalf = v128.load(T, 96), one = v128.load(T, 112);
  const two = v128.load(T, 128), lg2 = v128.load(T, 144), lg4 = v128.load(T, 160), lg1 = v128.load(T, 176);
  const lg3 = v128.load(T, 192), half = v128.load(T, 208), ln2lo = v128.load(T, 224), ln2hi = v128.load(T, 240);
  const negInf = v128.load(T, 256), inf = v128.load(T, 272), nan = v128.load(T, 288), zero = v128.load(T, 304);
  const end = x + (<usize>n << 2);
  while (x < end) {
    const v = v128.load(x);
    const sub = f32x4.lt(v, minNormal);
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
    v128.store(out, v128.bitselect(r, nan, f32x4.ge(v, zero)));
    x += 16;
    out += 16;
  }
}

/** The same loop with math.ts's log_f32x4 and its inline constants. */
export function log_inline(n: i32, x: usize, out: usize): void {
  const end = x + (<usize>n << 2);
  while (x < end) {
    v128.store(out, log_f32x4(v128.load(x)));
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
