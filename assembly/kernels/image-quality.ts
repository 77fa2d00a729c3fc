// Kornia's PSNR and SSIM losses (docs/semantics.md §16). T = f32 | f64.
// sq_diff: Σ (x - y)² over n values (PSNR's MSE), through the shared elementwise loop; with gx
// given it writes dx = scale·(x - y) and dy = -dx: PSNR's gradient is a multiple of x - y that the
// TypeScript side knows only once the sum is known, so it runs this kernel twice.
import { elementwise_sum } from '../simd/elementwise';
import { lanes } from '../simd/math';

class SqDiff {
  // @ts-ignore: decorator
  @inline v<T>(x: usize, y: usize, _c: usize, _d: usize, gx: usize, gy: usize, _g3: usize, _gradRow: usize, off: usize, vk: v128, _p: v128, _q: v128): v128 {
    const d = v128.sub<T>(v128.load(x + off), v128.load(y + off));
    if (gx) {
      const g = v128.mul<T>(vk, d);
      v128.store(gx + off, g);
      if (gy) v128.store(gy + off, v128.neg<T>(g));
    }
    return v128.mul<T>(d, d);
  }
}

export function sq_diff<T>(n: i32, x: usize, y: usize, gx: usize, gy: usize, scale: f64): f64 {
  return elementwise_sum<T, SqDiff>(n, x, y, 0, 0, 0, gx, gy, 0, 0, 0, scale);
}

// ---- SSIM ----
// ssim: per plane (one image channel, H × W, rows contiguous), Kornia's ssim_loss: the five maps
// G∗x, G∗y, G∗x², G∗y², G∗xy filtered along W then along H with reflect padding of p = ⌊k/2⌋
// ('valid' crops p from each side afterwards), the SSIM map, loss = clamp((1 - ssim)/2, 0, 1).
// Vectors run along a row (columns j..j+lanes); a row's last columns take the same code with one
// column splatted over the lanes (`full` = false). The gradient goes back through the filters'
// transposes: along H by scattering each row into the rows it was read from, along W by a
// correlation over a zero-padded row and folding the reflected positions back.
//
// Scratch per plane (values): 9·H·W (the five horizontal maps, later four transposed maps; the
// four maps of d(loss)/d(map)) and 4·(W + 2k) (padded rows). Returns Σ of the plane's losses.

/** Reflect (PyTorch's 'reflect': the edge not repeated) of q into [0, n). */
// @ts-ignore: decorator
@inline function reflect(q: i32, n: i32): i32 {
  return q < 0 ? -q : q >= n ? 2 * (n - 1) - q : q;
}

// @ts-ignore: decorator
@inline function ldv<T>(full: bool, p: usize): v128 {
  return full ? v128.load(p) : v128.splat<T>(load<T>(p));
}

// @ts-ignore: decorator
@inline function stv<T>(full: bool, p: usize, v: v128): void {
  if (full) v128.store(p, v);
  else store<T>(p, v128.extract_lane<T>(v, 0));
}

// @ts-ignore: decorator
@inline function lane_sum<T>(full: bool, v: v128): f64 {
  if (!full) return <f64>v128.extract_lane<T>(v, 0);
  if (sizeof<T>() == 4) {
    return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
  }
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Horizontal pass of row i at columns j..: the five maps from the reflect-padded rows rx, ry. */
// @ts-ignore: decorator
@inline function ssim_h<T>(full: bool, k: i32, w: usize, rx: usize, ry: usize, h: usize, map: usize, at: usize, j: i32): void {
  const B = <usize>sizeof<T>();
  let a = v128.splat<T>(<T>0), b = a, aa = a, bb = a, ab = a;
  for (let u = 0; u < k; u++) {
    const wu = v128.splat<T>(load<T>(w + <usize>u * B));
    const off = <usize>(j + u) * B;
    const xv = ldv<T>(full, rx + off);
    const yv = ldv<T>(full, ry + off);
    a = v128.add<T>(a, v128.mul<T>(wu, xv));
    b = v128.add<T>(b, v128.mul<T>(wu, yv));
    aa = v128.add<T>(aa, v128.mul<T>(wu, v128.mul<T>(xv, xv)));
    bb = v128.add<T>(bb, v128.mul<T>(wu, v128.mul<T>(yv, yv)));
    ab = v128.add<T>(ab, v128.mul<T>(wu, v128.mul<T>(xv, yv)));
  }
  stv<T>(full, h + at, a);
  stv<T>(full, h + map + at, b);
  stv<T>(full, h + 2 * map + at, aa);
  stv<T>(full, h + 3 * map + at, bb);
  stv<T>(full, h + 4 * map + at, ab);
}

/**
 * Vertical pass at output row io (map row i = io + crop), output columns jo.. (map column
 * jo + crop): the five maps, SSIM, the loss (stored when lossRow != 0) and, with G != 0, the four
 * gradients d(loss)/d(μ1, μ2, E[x²] = E[y²]'s, E[xy]) at the map position. Returns Σ of the losses.
 */
// @ts-ignore: decorator
@inline function ssim_v<T>(full: bool, k: i32, H: i32, W: i32, w: usize, h: usize, map: usize, i: i32, jm: i32, lossAt: usize,
  G: usize, up: v128, c1: v128, c2: v128, veps: v128): f64 {
  const B = <usize>sizeof<T>();
  const p = (k - 1) >> 1;
  let m1 = v128.splat<T>(<T>0), m2 = m1, e11 = m1, e22 = m1, e12 = m1;
  for (let u = 0; u < k; u++) {
    const wu = v128.splat<T>(load<T>(w + <usize>u * B));
    const at = h + (<usize>reflect(i + u - p, H) * <usize>W + <usize>jm) * B;
    m1 = v128.add<T>(m1, v128.mul<T>(wu, ldv<T>(full, at)));
    m2 = v128.add<T>(m2, v128.mul<T>(wu, ldv<T>(full, at + map)));
    e11 = v128.add<T>(e11, v128.mul<T>(wu, ldv<T>(full, at + 2 * map)));
    e22 = v128.add<T>(e22, v128.mul<T>(wu, ldv<T>(full, at + 3 * map)));
    e12 = v128.add<T>(e12, v128.mul<T>(wu, ldv<T>(full, at + 4 * map)));
  }
  const two = v128.splat<T>(<T>2);
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  const half = v128.splat<T>(<T>0.5);
  const m12 = v128.mul<T>(m1, m2);
  const m1s = v128.mul<T>(m1, m1);
  const m2s = v128.mul<T>(m2, m2);
  // Kornia's order: num = (2μ1μ2 + c1)(2σ12 + c2), den = (μ1² + μ2² + c1)(σ1² + σ2² + c2)
  const A1 = v128.add<T>(v128.mul<T>(two, m12), c1);
  const A2 = v128.add<T>(v128.mul<T>(two, v128.sub<T>(e12, m12)), c2);
  const B1 = v128.add<T>(v128.add<T>(m1s, m2s), c1);
  const B2 = v128.add<T>(v128.add<T>(v128.sub<T>(e11, m1s), v128.sub<T>(e22, m2s)), c2);
  const D = v128.add<T>(v128.mul<T>(B1, B2), veps);
  const s = v128.div<T>(v128.mul<T>(A1, A2), D);
  const v = v128.mul<T>(v128.sub<T>(one, s), half);
  // clamp to [0, 1], NaN kept (torch.clamp)
  const inRange = v128.and(v128.ge<T>(v, zero), v128.le<T>(v, one));
  const loss = v128.bitselect(v, v128.bitselect(zero, one, v128.lt<T>(v, zero)), v128.or(inRange, v128.ne<T>(v, v)));
  if (lossAt) stv<T>(full, lossAt, loss);
  if (G) {
    // clamp's backward passes the gradient where 0 <= v <= 1 (bounds included)
    const gs = v128.and(v128.mul<T>(v128.neg<T>(half), up), inRange);
    const dA1 = v128.div<T>(v128.mul<T>(gs, A2), D);
    const dA2 = v128.div<T>(v128.mul<T>(gs, A1), D);
    const gss = v128.neg<T>(v128.mul<T>(gs, s));
    const dB1 = v128.div<T>(v128.mul<T>(gss, B2), D);
    const dB2 = v128.div<T>(v128.mul<T>(gss, B1), D);
    const dA = v128.mul<T>(two, v128.sub<T>(dA1, dA2));
    const dB = v128.mul<T>(two, v128.sub<T>(dB1, dB2));
    const at = G + (<usize>i * <usize>W + <usize>jm) * B;
    stv<T>(full, at, v128.add<T>(v128.mul<T>(m2, dA), v128.mul<T>(m1, dB)));
    stv<T>(full, at + map, v128.add<T>(v128.mul<T>(m1, dA), v128.mul<T>(m2, dB)));
    stv<T>(full, at + 2 * map, dB2);
    stv<T>(full, at + 3 * map, v128.mul<T>(two, dA2));
  }
  return lane_sum<T>(full, loss);
}

/** Σ_v w_v·Z[q + v] over columns q.. of a zero-padded row: the horizontal transpose before its folds. */
// @ts-ignore: decorator
@inline function corr<T>(full: bool, k: i32, w: usize, z: usize, q: i32): v128 {
  const B = <usize>sizeof<T>();
  let a = v128.splat<T>(<T>0);
  for (let v = 0; v < k; v++) a = v128.add<T>(a, v128.mul<T>(v128.splat<T>(load<T>(w + <usize>v * B)), ldv<T>(full, z + <usize>(q + v) * B)));
  return a;
}

export function ssim<T>(planes: i32, H: i32, W: i32, k: i32, x: usize, y: usize, w: usize, loss: usize, g1: usize, g2: usize,
  gradRow: usize, scratch: usize, valid: i32, c1: f64, c2: f64, eps: f64, gradScale: f64): f64 {
  const L = lanes<T>();
  const B = <usize>sizeof<T>();
  const p = (k - 1) >> 1;
  const crop = valid ? p : 0;
  const Ho = H - 2 * crop, Wo = W - 2 * crop;
  const HW = <usize>H * <usize>W;
  const map = HW * B;
  const per = 9 * HW + 4 * <usize>(W + 2 * k);
  const vc1 = v128.splat<T>(<T>c1), vc2 = v128.splat<T>(<T>c2), veps = v128.splat<T>(<T>eps), vk = v128.splat<T>(<T>gradScale);
  let total: f64 = 0;
  for (let b = 0; b < planes; b++) {
    const xb = x + <usize>b * map, yb = y + <usize>b * map;
    const h = scratch + <usize>b * per * B; // five maps; later the four transposed ones
    const G = h + 5 * map; // four maps: d(loss)/d(μ1, μ2, E[x²] and E[y²], E[xy])
    const rows = G + 4 * map; // padded rows
    const rx = rows, ry = rows + <usize>(W + 2 * k) * B;
    // along W: reflect-padded copies of row i of x and y, then the five correlations
    for (let i = 0; i < H; i++) {
      const row = <usize>i * <usize>W;
      for (let q = 0; q < W + 2 * p; q++) {
        const c = <usize>reflect(q - p, W);
        store<T>(rx + <usize>q * B, load<T>(xb + (row + c) * B));
        store<T>(ry + <usize>q * B, load<T>(yb + (row + c) * B));
      }
      let j = 0;
      for (; j + L <= W; j += L) ssim_h<T>(true, k, w, rx, ry, h, map, (row + <usize>j) * B, j);
      for (; j < W; j++) ssim_h<T>(false, k, w, rx, ry, h, map, (row + <usize>j) * B, j);
    }
    if (g1 && valid) memory.fill(G, 0, 4 * map); // the cropped border has no gradient
    // along H, then SSIM and the loss per output pixel
    const lossPlane = loss ? loss + <usize>b * <usize>Ho * <usize>Wo * B : 0;
    const upPlane = gradRow ? gradRow + <usize>b * <usize>Ho * <usize>Wo * B : 0;
    for (let io = 0; io < Ho; io++) {
      let jo = 0;
      for (; jo + L <= Wo; jo += L) {
        const o = (<usize>io * <usize>Wo + <usize>jo) * B;
        const up = upPlane ? v128.mul<T>(vk, v128.load(upPlane + o)) : vk;
        total += ssim_v<T>(true, k, H, W, w, h, map, io + crop, jo + crop, lossPlane ? lossPlane + o : 0, g1 ? G : 0, up, vc1, vc2, veps);
      }
      for (; jo < Wo; jo++) {
        const o = (<usize>io * <usize>Wo + <usize>jo) * B;
        const up = upPlane ? v128.mul<T>(vk, v128.splat<T>(load<T>(upPlane + o))) : vk;
        total += ssim_v<T>(false, k, H, W, w, h, map, io + crop, jo + crop, lossPlane ? lossPlane + o : 0, g1 ? G : 0, up, vc1, vc2, veps);
      }
    }
    if (!g1) continue;
    // the transpose along H: row i of each G map goes, weighted, to the rows it read (T in h's place)
    const tm = h;
    memory.fill(tm, 0, 4 * map);
    for (let i = crop; i < crop + Ho; i++) {
      for (let u = 0; u < k; u++) {
        const wu = v128.splat<T>(load<T>(w + <usize>u * B));
        const r = reflect(i + u - p, H);
        for (let m = 0; m < 4; m++) {
          const src = G + <usize>m * map + <usize>i * <usize>W * B;
          const dst = tm + <usize>m * map + <usize>r * <usize>W * B;
          let j = 0;
          for (; j + L <= W; j += L) {
            const o = <usize>j * B;
            v128.store(dst + o, v128.add<T>(v128.load(dst + o), v128.mul<T>(wu, v128.load(src + o))));
          }
          for (; j < W; j++) {
            const o = <usize>j * B;
            store<T>(dst + o, load<T>(dst + o) + v128.extract_lane<T>(wu, 0) * load<T>(src + o));
          }
        }
      }
    }
    // the transpose along W, row by row: Z = the T row zero-padded by k - 1 on each side;
    // P[q] = Σ_v w_v·Z[q + v] is the gradient of padded position q (original column q - p):
    // columns 0..W-1 take P[j + p], the reflected positions fold back onto the columns they copied
    const zlen = W + 2 * k;
    const gb1 = g1 + <usize>b * map, gb2 = g2 + <usize>b * map;
    for (let r = 0; r < H; r++) {
      const row = <usize>r * <usize>W;
      for (let m = 0; m < 4; m++) {
        const z = rows + <usize>m * <usize>zlen * B;
        const t = tm + <usize>m * map + row * B;
        memory.fill(z, 0, <usize>(k - 1) * B);
        memory.copy(z + <usize>(k - 1) * B, t, <usize>W * B);
        memory.fill(z + <usize>(W + k - 1) * B, 0, <usize>(k + 1) * B);
        let j = 0;
        for (; j + L <= W; j += L) v128.store(t + <usize>j * B, corr<T>(true, k, w, z, j + p));
        for (; j < W; j++) store<T>(t + <usize>j * B, v128.extract_lane<T>(corr<T>(false, k, w, z, j + p), 0));
        for (let q = 0; q < p; q++) {
          const c = <usize>(p - q) * B;
          store<T>(t + c, load<T>(t + c) + v128.extract_lane<T>(corr<T>(false, k, w, z, q), 0));
        }
        for (let q = W + p; q < W + 2 * p; q++) {
          const c = <usize>(2 * (W - 1) - (q - p)) * B;
          store<T>(t + c, load<T>(t + c) + v128.extract_lane<T>(corr<T>(false, k, w, z, q), 0));
        }
      }
      // dx = T0 + 2x·T2 + y·T3, dy = T1 + 2y·T2 + x·T3
      const two = v128.splat<T>(<T>2);
      let j = 0;
      for (; j + L <= W; j += L) ssim_out<T>(true, xb, yb, tm, map, gb1, gb2, (row + <usize>j) * B, two);
      for (; j < W; j++) ssim_out<T>(false, xb, yb, tm, map, gb1, gb2, (row + <usize>j) * B, two);
    }
  }
  return total;
}

// @ts-ignore: decorator
@inline function ssim_out<T>(full: bool, x: usize, y: usize, tm: usize, map: usize, g1: usize, g2: usize, at: usize, two: v128): void {
  const xv = ldv<T>(full, x + at), yv = ldv<T>(full, y + at);
  const t0 = ldv<T>(full, tm + at), t1 = ldv<T>(full, tm + map + at), t2 = ldv<T>(full, tm + 2 * map + at), t3 = ldv<T>(full, tm + 3 * map + at);
  stv<T>(full, g1 + at, v128.add<T>(v128.add<T>(t0, v128.mul<T>(v128.mul<T>(two, xv), t2)), v128.mul<T>(yv, t3)));
  stv<T>(full, g2 + at, v128.add<T>(v128.add<T>(t1, v128.mul<T>(v128.mul<T>(two, yv), t2)), v128.mul<T>(xv, t3)));
}
