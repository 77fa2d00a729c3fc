// The Lovász hinge and Lovász-softmax losses (Berman et al., "The Lovász-Softmax loss", CVPR 2018;
// Kornia 0.7.4's lovasz_hinge_loss and lovasz_softmax_loss, docs/semantics.md §18), in f64 (the
// TypeScript side widens float32 input: docs/accuracy.md, "float32 computed in float64").
//
// Per row (an image, or one class of an image): the errors, sorted in descending order, give the
// loss Σ_k e_(k)·g_k, where g_k is the Lovász gradient of the row's foreground mask taken in that
// order: J_k = 1 - (P - fg_≤k)/(P + bg_≤k), g_k = J_k - J_(k-1). The per-element work (errors,
// sort keys, softmax and its backward) runs two f64 lanes at a time; the sort is an LSD radix sort
// of 64-bit keys (stable: equal errors keep their index order), the J/g pass is sequential.

import { exp_f64x2 } from '../simd/math';

const RADIX = 256;
const PASSES = 8; // 8 bits of the 64-bit key each

/** The scratch's parts for rows of n elements, 16-byte aligned. */
// @ts-ignore: decorator
@inline function align(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

// The scratch's layout for rows of n elements, from its base s: the errors (n f64), two key arrays
// (n u64 each), two order arrays (n u32 each), the radix histograms, and for lovasz_softmax the
// probabilities of one image (C·n f64). Both kernels take their parts from these.
// @ts-ignore: decorator
@inline function keysAt(s: usize, n: i32): usize {
  return align(s + (<usize>n << 3));
}
// @ts-ignore: decorator
@inline function orderAt(s: usize, n: i32): usize {
  return align(keysAt(s, n) + (<usize>n << 4));
}
// @ts-ignore: decorator
@inline function histAt(s: usize, n: i32): usize {
  return align(orderAt(s, n) + (<usize>n << 3));
}
// @ts-ignore: decorator
@inline function probAt(s: usize, n: i32): usize {
  return align(histAt(s, n) + PASSES * RADIX * 4);
}

/**
 * Bytes of scratch the kernels take for rows of n elements (the layout above: each part and its
 * alignment of up to 15 bytes; in f64, so that no size wraps): C > 0 for lovasz_softmax.
 */
export function lovasz_scratch_bytes(C: i32, n: i32): f64 {
  const N = <f64>n;
  return N * 8 + 16 + N * 16 + 32 + N * 8 + 32 + <f64>(PASSES * RADIX * 4) + 16 + (C > 0 ? <f64>C * N * 8 + 16 : 0);
}

/**
 * The sort key of each lane: u64s in ascending order for descending errors. The IEEE bits made
 * monotone (negative: all bits flipped; otherwise the sign bit set), then complemented. NaN
 * becomes one quiet NaN, above +Infinity: first, as PyTorch's descending sort puts it.
 */
// @ts-ignore: decorator
@inline function descending_key(e: v128): v128 {
  const bits = v128.bitselect(i64x2.splat(0x7ff8000000000000), e, f64x2.ne(e, e));
  const mono = v128.xor(bits, v128.or(i64x2.shr_s(bits, 63), i64x2.splat(<i64>0x8000000000000000)));
  return v128.not(mono);
}

// @ts-ignore: decorator
@inline function descending_key_1(e: f64): u64 {
  let bits = e != e ? <u64>0x7ff8000000000000 : reinterpret<u64>(e);
  bits ^= (<u64>(<i64>bits >> 63)) | <u64>0x8000000000000000;
  return ~bits;
}

/**
 * Sorts the n keys at `keys` (stable, ascending) and returns the address of the u32 order: element
 * k is the index of the k-th smallest key. `keys2`, `order`, `order2` hold n values each; `hist`
 * PASSES·RADIX u32. All eight digit histograms come from one read of the keys, and a pass whose
 * digit is the same in every key (the exponent bytes of errors of one magnitude) is skipped.
 */
function radix_sort(n: i32, keys: usize, keys2: usize, order: usize, order2: usize, hist: usize): usize {
  memory.fill(hist, 0, PASSES * RADIX * 4);
  for (let i = 0; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    for (let p = 0; p < PASSES; p++) {
      const h = hist + ((<usize>(p * RADIX) + <usize>((k >> (<u64>(p * 8))) & 0xff)) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
    store<u32>(order + (<usize>i << 2), <u32>i);
  }
  let src = keys, dst = keys2, si = order, di = order2;
  for (let p = 0; p < PASSES; p++) {
    const hp = hist + (<usize>(p * RADIX) << 2);
    let sum: u32 = 0;
    let single = false;
    for (let b = 0; b < RADIX; b++) {
      const c = load<u32>(hp + (<usize>b << 2));
      if (c == <u32>n) {
        single = true;
        break;
      }
      store<u32>(hp + (<usize>b << 2), sum);
      sum += c;
    }
    if (single) continue;
    const shift = <u64>(p * 8);
    for (let i = 0; i < n; i++) {
      const k = load<u64>(src + (<usize>i << 3));
      const h = hp + (<usize>((k >> shift) & 0xff) << 2);
      const at = load<u32>(h);
      store<u32>(h, at + 1);
      store<u64>(dst + (<usize>at << 3), k);
      store<u32>(di + (<usize>at << 2), load<u32>(si + (<usize>i << 2)));
    }
    const t = src;
    src = dst;
    dst = t;
    const u = si;
    si = di;
    di = u;
  }
  return si;
}

/**
 * Kornia's lovasz_hinge_loss over `rows` images of n pixels: e = 1 - x·(2·label - 1), labels 0/1;
 * each image's Σ relu(e_(k))·g_k, summed over the rows (the caller divides by the batch). grad
 * (when not 0): ∂/∂x = -(2·label - 1)·g·[e > 0]·gradScale, where g is the element's g_k.
 */
export function lovasz_hinge(rows: i32, n: i32, x: usize, labels: usize, grad: usize, scratch: usize, gradScale: f64): f64 {
  const e = scratch;
  const keys = keysAt(e, n), keys2 = keys + (<usize>n << 3);
  const order = orderAt(e, n), order2 = order + (<usize>n << 2);
  const hist = histAt(e, n);
  const one = f64x2.splat(1.0);
  const ones = i32x4.splat(1);
  let total = 0.0;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>r * <usize>n << 3);
    const lr = labels + (<usize>r * <usize>n << 2);
    const gr = grad ? grad + (<usize>r * <usize>n << 3) : 0;
    // errors and keys, two pixels a step; P = the foreground count
    let P = 0;
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const lab = v128.load64_zero(lr + (<usize>i << 2));
      P += i32x4.extract_lane(lab, 0) + i32x4.extract_lane(lab, 1);
      const s = f64x2.convert_low_i32x4_s(i32x4.sub(i32x4.shl(lab, 1), ones));
      const ev = f64x2.sub(one, f64x2.mul(v128.load(xr + (<usize>i << 3)), s));
      v128.store(e + (<usize>i << 3), ev);
      v128.store(keys + (<usize>i << 3), descending_key(ev));
    }
    for (; i < n; i++) {
      const lab = load<i32>(lr + (<usize>i << 2));
      P += lab;
      const ev = 1.0 - load<f64>(xr + (<usize>i << 3)) * <f64>(2 * lab - 1);
      store<f64>(e + (<usize>i << 3), ev);
      store<u64>(keys + (<usize>i << 3), descending_key_1(ev));
    }
    const sorted = radix_sort(n, keys, keys2, order, order2, hist);
    // Kornia's J and its differences, in sorted order
    const Pf = <f64>P;
    let fgSeen = 0.0, bgSeen = 0.0, prev = 0.0, loss = 0.0;
    for (let k = 0; k < n; k++) {
      const j = <usize>load<u32>(sorted + (<usize>k << 2));
      const lab = load<i32>(lr + (j << 2));
      if (lab) fgSeen += 1.0;
      else bgSeen += 1.0;
      const J = 1.0 - (Pf - fgSeen) / (Pf + bgSeen);
      const g = J - prev;
      prev = J;
      const ej = load<f64>(e + (j << 3));
      loss += (ej < 0 ? 0.0 : ej) * g; // relu keeps NaN
      if (gr) store<f64>(gr + (j << 3), ej > 0 ? -(gradScale * g) * <f64>(2 * lab - 1) : 0.0);
    }
    total += loss;
  }
  return total;
}

/**
 * lovasz_softmax_loss with per-class masks over `images` images of C classes × n pixels (x and
 * grad: (C, n) per image; labels: n class indices in [0, C)): p = softmax over the classes, each
 * class's errors |p - fg| sorted, its g from its own mask fg = (label == c); returns
 * Σ_images Σ_c w_c·Σ_k e_(k)·g_k (the caller divides by images·C). grad (when not 0): first
 * ∂/∂p = w_c·sign(p - fg)·g, then the softmax's backward in place, times gradScale.
 */
export function lovasz_softmax(images: i32, C: i32, n: i32, x: usize, labels: usize, weight: usize, grad: usize, scratch: usize, gradScale: f64): f64 {
  const e = scratch;
  const keys = keysAt(e, n), keys2 = keys + (<usize>n << 3);
  const order = orderAt(e, n), order2 = order + (<usize>n << 2);
  const hist = histAt(e, n);
  const prob = probAt(e, n);
  const rowBytes = <usize>n << 3;
  const one = f64x2.splat(1.0);
  let total = 0.0;
  for (let b = 0; b < images; b++) {
    const xb = x + <usize>b * <usize>C * rowBytes;
    const lb = labels + (<usize>b * <usize>n << 2);
    const gb = grad ? grad + <usize>b * <usize>C * rowBytes : 0;
    // softmax over the classes, two pixels a step (the classes are rows n apart)
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      let m = v128.load(xb + off);
      for (let c = 1; c < C; c++) m = f64x2.max(m, v128.load(xb + <usize>c * rowBytes + off));
      let s = f64x2.splat(0);
      for (let c = 0; c < C; c++) {
        const ex = exp_f64x2(f64x2.sub(v128.load(xb + <usize>c * rowBytes + off), m));
        v128.store(prob + <usize>c * rowBytes + off, ex);
        s = f64x2.add(s, ex);
      }
      for (let c = 0; c < C; c++) {
        const at = prob + <usize>c * rowBytes + off;
        v128.store(at, f64x2.div(v128.load(at), s));
      }
    }
    for (; i < n; i++) {
      const off = <usize>i << 3;
      let m = load<f64>(xb + off);
      for (let c = 1; c < C; c++) {
        const v = load<f64>(xb + <usize>c * rowBytes + off);
        m = v > m || v != v ? v : m; // NaN wins, as in the vector max
      }
      let s = 0.0;
      for (let c = 0; c < C; c++) {
        // the vector exp in one lane: the same values as the vector loop's (and no scalar exp in the module)
        const ex = f64x2.extract_lane(exp_f64x2(f64x2.splat(load<f64>(xb + <usize>c * rowBytes + off) - m)), 0);
        store<f64>(prob + <usize>c * rowBytes + off, ex);
        s += ex;
      }
      for (let c = 0; c < C; c++) {
        const at = prob + <usize>c * rowBytes + off;
        store<f64>(at, load<f64>(at) / s);
      }
    }
    for (let c = 0; c < C; c++) {
      const pc = prob + <usize>c * rowBytes;
      const vc = i32x4.splat(c);
      let P = 0;
      let i = 0;
      for (; i + 2 <= n; i += 2) {
        const isC = i64x2.extend_low_i32x4_s(i32x4.eq(v128.load64_zero(lb + (<usize>i << 2)), vc));
        P -= <i32>i64x2.extract_lane(isC, 0) + <i32>i64x2.extract_lane(isC, 1);
        const ev = f64x2.abs(f64x2.sub(v128.load(pc + (<usize>i << 3)), v128.and(isC, one)));
        v128.store(e + (<usize>i << 3), ev);
        v128.store(keys + (<usize>i << 3), descending_key(ev));
      }
      for (; i < n; i++) {
        const fg = load<i32>(lb + (<usize>i << 2)) == c;
        if (fg) P++;
        const ev = Math.abs(load<f64>(pc + (<usize>i << 3)) - (fg ? 1.0 : 0.0));
        store<f64>(e + (<usize>i << 3), ev);
        store<u64>(keys + (<usize>i << 3), descending_key_1(ev));
      }
      const sorted = radix_sort(n, keys, keys2, order, order2, hist);
      const w = weight ? load<f64>(weight + (<usize>c << 3)) : 1.0;
      const gc = gb ? gb + <usize>c * rowBytes : 0;
      const Pf = <f64>P;
      let fgSeen = 0.0, bgSeen = 0.0, prev = 0.0, loss = 0.0;
      for (let k = 0; k < n; k++) {
        const j = <usize>load<u32>(sorted + (<usize>k << 2));
        const fg = load<i32>(lb + (j << 2)) == c;
        if (fg) fgSeen += 1.0;
        else bgSeen += 1.0;
        const J = 1.0 - (Pf - fgSeen) / (Pf + bgSeen);
        const g = J - prev;
        prev = J;
        loss += load<f64>(e + (j << 3)) * g;
        if (gc) {
          // sign(p - fg), 0 at 0 (PyTorch's abs backward)
          const d = load<f64>(pc + (j << 3)) - (fg ? 1.0 : 0.0);
          store<f64>(gc + (j << 3), d > 0 ? w * g : d < 0 ? -(w * g) : d == 0 ? 0.0 : d);
        }
      }
      total += w * loss;
    }
    if (!gb) continue;
    // softmax backward in place: ∂/∂x_c = p_c·(∂/∂p_c - Σ_c' p_c'·∂/∂p_c')·gradScale
    const scale = f64x2.splat(gradScale);
    i = 0;
    for (; i + 2 <= n; i += 2) {
      const off = <usize>i << 3;
      let dot = f64x2.splat(0);
      for (let c = 0; c < C; c++) dot = f64x2.add(dot, f64x2.mul(v128.load(prob + <usize>c * rowBytes + off), v128.load(gb + <usize>c * rowBytes + off)));
      for (let c = 0; c < C; c++) {
        const at = gb + <usize>c * rowBytes + off;
        v128.store(at, f64x2.mul(f64x2.mul(v128.load(prob + <usize>c * rowBytes + off), f64x2.sub(v128.load(at), dot)), scale));
      }
    }
    for (; i < n; i++) {
      const off = <usize>i << 3;
      let dot = 0.0;
      for (let c = 0; c < C; c++) dot += load<f64>(prob + <usize>c * rowBytes + off) * load<f64>(gb + <usize>c * rowBytes + off);
      for (let c = 0; c < C; c++) {
        const at = gb + <usize>c * rowBytes + off;
        store<f64>(at, load<f64>(prob + <usize>c * rowBytes + off) * (load<f64>(at) - dot) * gradScale);
      }
    }
  }
  return total;
}
