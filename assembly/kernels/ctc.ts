// CTC loss of one sample (Graves et al. 2006) in log space, in f64 (the TypeScript side widens
// float32 input: the α/β sums over hundreds of steps would lose float32's digits), with PyTorch's
// gradient (docs/semantics.md §12): ∂/∂lp[t, c] = (e^lp - e^(log Σ_{s: l'_s = c} α_t(s)β_t(s) + nll - lp))·g.
// The α and β recursions run across the extended-label positions s, two per f64x2.
import { vexp, vlog } from '../simd/math';

const NEG_INF = -Infinity;

/** log(e^a + e^b + e^c), the max taken as 0 when every term is -inf (PyTorch). */
// @ts-ignore: decorator
@inline function lse3(a: v128, b: v128, c: v128): v128 {
  const ninf = f64x2.splat(NEG_INF);
  let m = f64x2.pmax(f64x2.pmax(a, b), c);
  m = v128.bitselect(f64x2.splat(0), m, f64x2.eq(m, ninf));
  const s = f64x2.add(f64x2.add(vexp<f64>(f64x2.sub(a, m)), vexp<f64>(f64x2.sub(b, m))), vexp<f64>(f64x2.sub(c, m)));
  return f64x2.add(vlog<f64>(s), m);
}

/**
 * Returns the sample's negative log-likelihood. lp: Tn rows of C log-probabilities (contiguous);
 * labels: L class indices (i32); grad: Tn rows of C, written when not 0, scaled by g (NaN rows for
 * an impossible alignment, as PyTorch's formula gives). scratch: ctc_scratch_bytes(Tn, L, C) bytes.
 */
export function ctc_loss(Tn: i32, C: i32, lp: usize, labels: usize, L: i32, blank: i32, grad: usize, g: f64, scratch: usize): f64 {
  const S = 2 * L + 1;
  const W = (S + 5) & ~1; // row width in f64: 2 pads either side, even for f64x2
  const rowBytes = <usize>W << 3;
  const ext = scratch; // i32[W]: l'_s
  const allow2 = ext + (<usize>W << 2); // u64[W + 2]: all bits where α may skip from s - 2
  const e = allow2 + (<usize>(W + 2) << 3); // f64[W]: lp[t, l'_s]
  const alpha = e + rowBytes; // Tn rows of W, α_t(s) at index s + 2
  const beta = alpha + <usize>max(Tn, 1) * rowBytes; // 2 rolling rows of W, β_t(s) at index s
  const acc = beta + 2 * rowBytes; // f64[2C]: per-class max and sum of α·β
  if (Tn == 0) return L == 0 ? -0.0 : Infinity;

  for (let s = 0; s < W; s++) store<i32>(ext + (<usize>s << 2), s < S && (s & 1) ? load<i32>(labels + (<usize>(s >> 1) << 2)) : blank);
  memory.fill(allow2, 0, <usize>(W + 2) << 3);
  // Label positions (odd s; by position, as PyTorch, so a label equal to blank still may skip)
  for (let s = 3; s < S; s += 2) {
    if (load<i32>(ext + (<usize>s << 2)) != load<i32>(ext + (<usize>(s - 2) << 2))) store<u64>(allow2 + (<usize>s << 3), 0xFFFFFFFFFFFFFFFF);
  }

  // α
  for (let i = 0; i < W * Tn; i++) store<f64>(alpha + (<usize>i << 3), NEG_INF);
  store<f64>(alpha + 16, load<f64>(lp + (<usize>blank << 3)));
  if (L > 0) store<f64>(alpha + 24, load<f64>(lp + (<usize>load<i32>(labels) << 3)));
  const ninf = f64x2.splat(NEG_INF);
  for (let t = 1; t < Tn; t++) {
    const row = lp + <usize>t * (<usize>C << 3);
    for (let s = 0; s < W - 4; s++) store<f64>(e + (<usize>s << 3), s < S ? load<f64>(row + (<usize>load<i32>(ext + (<usize>s << 2)) << 3)) : NEG_INF);
    const prev = alpha + <usize>(t - 1) * rowBytes;
    const cur = prev + rowBytes;
    for (let s = 0; s < S; s += 2) {
      const off = <usize>s << 3;
      const skip = v128.bitselect(v128.load(prev + off), ninf, v128.load(allow2 + off));
      const r = f64x2.add(lse3(v128.load(prev + off + 16), v128.load(prev + off + 8), skip), v128.load(e + off));
      v128.store(cur + off + 16, r);
    }
  }
  const last = alpha + <usize>(Tn - 1) * rowBytes;
  const aEnd = load<f64>(last + (<usize>(S + 1) << 3));
  let nll: f64;
  if (L == 0) nll = -aEnd;
  else {
    const aPrev = load<f64>(last + (<usize>S << 3));
    let m = max(aEnd, aPrev);
    if (m == NEG_INF) m = 0;
    nll = -(Math.log(Math.exp(aEnd - m) + Math.exp(aPrev - m)) + m);
  }
  if (!grad) return nll;
  const CB = <usize>C << 3;
  if (nll == Infinity) {
    // e^(-inf + inf): PyTorch's gradient of an impossible alignment is NaN (zeroInfinity is handled by the caller)
    for (let i = 0; i < Tn * C; i++) store<f64>(grad + (<usize>i << 3), NaN);
    return nll;
  }

  // β, rolling, and the gradient of each row as soon as β_t is known
  const vg = f64x2.splat(g);
  for (let t = Tn - 1; t >= 0; t--) {
    const row = lp + <usize>t * CB;
    const cur = beta + <usize>(t & 1) * rowBytes;
    for (let s = 0; s < W - 4; s++) store<f64>(e + (<usize>s << 3), s < S ? load<f64>(row + (<usize>load<i32>(ext + (<usize>s << 2)) << 3)) : NEG_INF);
    if (t == Tn - 1) {
      for (let s = 0; s < W; s++) store<f64>(cur + (<usize>s << 3), NEG_INF);
      store<f64>(cur + (<usize>(S - 1) << 3), load<f64>(e + (<usize>(S - 1) << 3)));
      if (L > 0) store<f64>(cur + (<usize>(S - 2) << 3), load<f64>(e + (<usize>(S - 2) << 3)));
    } else {
      const next = beta + <usize>((t + 1) & 1) * rowBytes;
      for (let s = 0; s < S; s += 2) {
        const off = <usize>s << 3;
        const skip = v128.bitselect(v128.load(next + off + 16), ninf, v128.load(allow2 + off + 16));
        v128.store(cur + off, f64x2.add(lse3(v128.load(next + off), v128.load(next + off + 8), skip), v128.load(e + off)));
      }
      for (let s = S; s < W; s++) store<f64>(cur + (<usize>s << 3), NEG_INF);
    }

    // grad[t, c] = e^lp·g for every class, then corrected for the classes in l'
    const gr = grad + <usize>t * CB;
    let c = 0;
    for (; c + 2 <= C; c += 2) v128.store(gr + (<usize>c << 3), f64x2.mul(vexp<f64>(v128.load(row + (<usize>c << 3))), vg));
    for (; c < C; c++) store<f64>(gr + (<usize>c << 3), Math.exp(load<f64>(row + (<usize>c << 3))) * g);
    const at = alpha + <usize>t * rowBytes + 16;
    for (let s = 0; s < S; s++) {
      const k = <usize>load<i32>(ext + (<usize>s << 2)) << 4;
      store<f64>(acc + k, NEG_INF);
      store<f64>(acc + k + 8, 0);
    }
    for (let s = 0; s < S; s++) {
      const k = <usize>load<i32>(ext + (<usize>s << 2)) << 4;
      store<f64>(acc + k, max(load<f64>(acc + k), load<f64>(at + (<usize>s << 3)) + load<f64>(cur + (<usize>s << 3))));
    }
    for (let s = 0; s < S; s++) {
      const k = <usize>load<i32>(ext + (<usize>s << 2)) << 4;
      const m = load<f64>(acc + k);
      if (m != NEG_INF) store<f64>(acc + k + 8, load<f64>(acc + k + 8) + Math.exp(load<f64>(at + (<usize>s << 3)) + load<f64>(cur + (<usize>s << 3)) - m));
    }
    for (let s = 0; s < S; s++) {
      const cls = load<i32>(ext + (<usize>s << 2));
      const k = <usize>cls << 4;
      const sum = load<f64>(acc + k + 8);
      if (sum < 0) continue; // this class is done
      const m = load<f64>(acc + k);
      const lcab = m == NEG_INF ? NEG_INF : Math.log(sum) + m;
      const x = load<f64>(row + (<usize>cls << 3));
      store<f64>(gr + (<usize>cls << 3), (Math.exp(x) - Math.exp(lcab + nll - x)) * g);
      store<f64>(acc + k + 8, -1);
    }
  }
  return nll;
}

/** Scratch bytes ctc_loss needs for one sample, in f64: the product overflows 32 bits for long inputs. */
export function ctc_scratch_bytes(Tn: i32, L: i32, C: i32): f64 {
  const W = 2 * <f64>L + 6; // as ctc_loss's W = (S + 5) & ~1 with S = 2L + 1
  return W * 4 + (W + 2) * 8 + W * 8 + (<f64>max(Tn, 1) + 2) * W * 8 + <f64>C * 16 + 64;
}
