// cross_entropy and nll_loss, forward and backward fused: one call gives the per-row losses,
// their sum, and (when `grad` is not 0) the gradient. T = f32 | f64.
//
// Rows are contiguous: logits (rows, C). The TypeScript side moves the class dim of
// (N, C, d1..dk) inputs last, checks every target, and maps ignored targets to -1. A target
// outside [0, C) is ignored here too (an unsigned compare, as cheap as the sign test), so that
// whatever reaches a kernel, it reads and writes only its own rows.
// Pointers that are 0 mean "absent": weight (w ≡ 1), probs (class-index targets),
// rowLoss (per-row losses not wanted), grad, gradRow (upstream gradient ≡ 1).
// The gradient of row r is scaled by gradScale · gradRow[r] (gradScale = 1/W for 'mean').
import { exp64, exp_lean8_f64x2, f32x4_hi_f64, f32x4_lo_f64, f64_pair_f32x4, hsum, K_C5, K_CUTOFF, K_LOG2E, K_MAGIC, K_MLN2HI, K_MLN2LO, kexp, lanes, log64, sub_residual, sexp, vexp_sum_term_k, vexp_sum_term_k_r, vlog, vlog1p } from '../simd/math';
import { exp_store_sum_terms, exp_store_sum_terms_fast, exp_sum, fast_residual_ok, row_max, row_max_min, rowMin, scale, sum } from '../simd/reduce';
// rows shorter than SMALL_C take the across-rows path (one row per lane), SHORT_ROW_CHUNK at a time
import { SHORT_ROW_CHUNK as CHUNK, SMALL_C } from '../generated/constants';
import { vmax as vmax_ } from '../simd/relaxed';

/**
 * Σ_c w_c·(log s - (z_c - m)) (w ≡ 1 when weight is 0): the label-smoothing term. Written as
 * log_softmax is (never m + log s rounded first, which loses an ulp of the largest logit).
 */
function smooth_sum<T>(C: i32, z: usize, weight: usize, m: T, ls: T): f64 {
  const L = lanes<T>();
  const vl = v128.splat<T>(ls);
  const vm = v128.splat<T>(m);
  let total: f64 = 0;
  let c = 0;
  for (; c + L <= C; c += L) {
    const off = <usize>c * sizeof<T>();
    let d = v128.sub<T>(vl, v128.sub<T>(v128.load(z + off), vm));
    if (weight) d = v128.mul<T>(d, v128.load(weight + off));
    total += hsum<T>(d);
  }
  for (; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    const w: T = weight ? load<T>(weight + off) : <T>1;
    total += <f64>(w * (ls - (load<T>(z + off) - m)));
  }
  return total;
}

/** Σ_c w_c·q'_c, the second output of prob_sums. */
let probWeightSum: f64 = 0;

/**
 * Probability targets: returns Σ_c w_c·q'_c·(log s - (z_c - m)) and sets probWeightSum = Σ_c w_c·q'_c,
 * where q' = (1-ε)·q + ε/C is the smoothed target.
 */
function prob_sums<T>(C: i32, z: usize, q: usize, weight: usize, m: T, ls: f64, eps: T): f64 {
  const keep = <T>1 - eps;
  const uni = eps / <T>C;
  let loss: f64 = 0;
  let wsum: f64 = 0;
  for (let c = 0; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    let wq = load<T>(q + off) * keep + uni;
    if (weight) wq *= load<T>(weight + off);
    loss += <f64>wq * (ls - <f64>(load<T>(z + off) - m));
    wsum += <f64>wq;
  }
  probWeightSum = wsum;
  return loss;
}

/**
 * g_c = a·g_c - b·u_c, u = weight (or 1), in place: the smoothed index-target gradient. In f64
 * for f32 (each element rounded once: the two terms can cancel).
 */
function axpb_weight<T>(C: i32, g: usize, weight: usize, a64: f64, b64: f64): void {
  const L = lanes<T>();
  const a = <T>a64;
  const b = <T>b64;
  const va = v128.splat<T>(a);
  const vb = v128.splat<T>(b);
  let c = 0;
  if (sizeof<T>() == 4) {
    const da = f64x2.splat(a64);
    const db = f64x2.splat(b64);
    for (; c + L <= C; c += L) {
      const off = <usize>c * sizeof<T>();
      const gv = v128.load(g + off);
      const wv = weight ? v128.load(weight + off) : f32x4.splat(1);
      const lo = f64x2.sub(f64x2.mul(da, f32x4_lo_f64(gv)), f64x2.mul(db, f32x4_lo_f64(wv)));
      const hi = f64x2.sub(f64x2.mul(da, f32x4_hi_f64(gv)), f64x2.mul(db, f32x4_hi_f64(wv)));
      v128.store(g + off, f64_pair_f32x4(lo, hi));
    }
    for (; c < C; c++) {
      const off = <usize>c * sizeof<T>();
      const u: f64 = weight ? <f64>load<T>(weight + off) : 1;
      store<T>(g + off, <T>(a64 * <f64>load<T>(g + off) - b64 * u));
    }
    return;
  }
  for (; c + L <= C; c += L) {
    const off = <usize>c * sizeof<T>();
    const u = weight ? v128.mul<T>(vb, v128.load(weight + off)) : vb;
    v128.store(g + off, v128.sub<T>(v128.mul<T>(va, v128.load(g + off)), u));
  }
  for (; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    const u: T = weight ? b * load<T>(weight + off) : b;
    store<T>(g + off, a * load<T>(g + off) - u);
  }
}

/** Probability-target gradient, in place over e = exp(z - m): g_c = a·e_c - k·w_c·q'_c, in f64. */
function grad_prob<T>(C: i32, g: usize, q: usize, weight: usize, a: f64, k: f64, eps: T): void {
  const keep = <T>1 - eps;
  const uni = eps / <T>C;
  for (let c = 0; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    let wq = <f64>(load<T>(q + off) * keep + uni);
    if (weight) wq *= <f64>load<T>(weight + off);
    store<T>(g + off, <T>(a * <f64>load<T>(g + off) - k * wq));
  }
}


/**
 * Probability targets' q'_c·w_c (q' = (1-ε)·q + ε/C, w ≡ 1 when weight is 0), lanes c..c+1 (hi:
 * c+2..c+3) of the vector at off, in f64: the gradient's b_c, whose rounding a cancelling
 * a·p_c - b_c would magnify.
 */
// @ts-ignore: decorator
@inline function soft_target_f64(q: usize, weight: usize, off: usize, keep: v128, uni: v128, hi: bool, plain: bool): v128 {
  const qv = v128.load(q + off);
  let b = hi ? f32x4_hi_f64(qv) : f32x4_lo_f64(qv);
  // without smoothing (keep = 1, uni = 0: q' = q) the two operations are skipped
  if (!plain) b = f64x2.add(f64x2.mul(b, keep), uni);
  if (weight) {
    const wv = v128.load(weight + off);
    b = f64x2.mul(b, hi ? f32x4_hi_f64(wv) : f32x4_lo_f64(wv));
  }
  return b;
}

/** Class weights c..c+1 (hi: c+2..c+3) in f64, or 1. */
// @ts-ignore: decorator
@inline function weight_f64(weight: usize, off: usize, hi: bool): v128 {
  if (!weight) return f64x2.splat(1);
  const wv = v128.load(weight + off);
  return hi ? f32x4_hi_f64(wv) : f32x4_lo_f64(wv);
}

/**
 * soft_row_f32's working region: the low float32 parts of e (rows of up to CANCEL_MAX classes, and
 * the across-rows path's C < SMALL_C columns), or for longer rows the list of cancelling lane
 * pairs (byte offsets in the row), CANCEL_MAX of them a chunk.
 */
const CANCEL_MAX = 1024;
/**
 * Where that list lives: static data of this module, except in a worker's instance (threads), which
 * shares the memory and so gets a region of its own (thread_scratch).
 */
let CANCEL: usize = memory.data(CANCEL_MAX << 2, 16);

/** Points this instance's CANCEL list at `at` (CANCEL_MAX·4 bytes): a worker's instance, which must not share the static one. */
export function thread_scratch(at: usize): void {
  CANCEL = at;
}

/** soft_sums_f32's other outputs: Σ b·(z - m) (probabilities; smoothing: Σ w·(z - m)) and Σ b. */
let softBD: f64 = 0, softB: f64 = 0;

/**
 * soft_row_f32 without gradient, one pass after the max: returns s = Σ e^(z-m) (the float32 sum
 * exp, as the index-target loss) and sets softBD, softB. The loss does not cancel (its terms are
 * >= 0): smoothing's w·(z - m) stay float32, their sums promoted to f64 every 16 vectors; the
 * probability targets' b = w·q' take three roundings in float32 (1.5 ulp of a loss against
 * PyTorch's 0.5 in a fixture case), so they and b·(z - m) are f64. The last C mod 4 classes are
 * one vector overlapping the previous one, its repeated lanes masked out of the sums.
 */
function soft_sums_f32(C: i32, z: usize, q: usize, weight: usize, m: f32, keep: f64, uni: f64): f64 {
  const k0 = kexp<f32>(K_MAGIC), k1 = kexp<f32>(K_LOG2E), k2 = kexp<f32>(K_MLN2HI), k3 = kexp<f32>(K_MLN2LO), k4 = kexp<f32>(K_CUTOFF);
  const c5 = kexp<f32>(K_C5), c4 = kexp<f32>(K_C5 + 1), c3 = kexp<f32>(K_C5 + 2), c2 = kexp<f32>(K_C5 + 3), c1 = kexp<f32>(K_C5 + 4);
  const vm = f32x4.splat(m), m64 = f64x2.splat(<f64>m), qkeep = f64x2.splat(keep), quni = f64x2.splat(uni);
  const plain = keep == 1 && uni == 0; // q' = q
  let S = f64x2.splat(0), D = S, B = S;
  const rem = C & 3;
  const C4 = C & ~3;
  let c = 0;
  // whole vectors; then, with `mask`, the last 4 classes (the tail vector, see below)
  let mask = i32x4.splat(-1);
  let tail = false;
  while (true) {
    let s4 = f32x4.splat(0), d4 = s4;
    const stop = min(c + 64, C4);
    for (; c < stop || tail; c += 4) {
      const off = <usize>(tail ? C - 4 : c) << 2;
      const d = f32x4.sub(v128.load(z + off), vm);
      let e = vexp_sum_term_k<f32>(d, k0, k1, k2, k3, k4, c5, c4, c3, c2, c1);
      let dm = d;
      if (tail) {
        e = v128.and(e, mask);
        dm = v128.and(d, mask); // (masked, not 0·d: d may be -inf)
      }
      s4 = f32x4.add(s4, e);
      if (q) {
        // q' = (1-ε)·q + ε/C rounds twice in float32 and once more times w: in f64, z - m exact
        const zv = v128.load(z + off);
        let d0 = f64x2.sub(f32x4_lo_f64(zv), m64), d1 = f64x2.sub(f32x4_hi_f64(zv), m64);
        let b0 = soft_target_f64(q, weight, off, qkeep, quni, false, plain);
        let b1 = soft_target_f64(q, weight, off, qkeep, quni, true, plain);
        if (tail) {
          const lo = i64x2.extend_low_i32x4_s(mask), hi = i64x2.extend_high_i32x4_s(mask);
          b0 = v128.and(b0, lo); b1 = v128.and(b1, hi);
          d0 = v128.and(d0, lo); d1 = v128.and(d1, hi);
        }
        B = f64x2.add(B, f64x2.add(b0, b1));
        D = f64x2.add(D, f64x2.add(f64x2.mul(b0, d0), f64x2.mul(b1, d1)));
      } else {
        d4 = f32x4.add(d4, weight ? f32x4.mul(v128.load(weight + off), dm) : dm);
      }
      if (tail) break;
    }
    S = f64x2.add(S, f64x2.add(f32x4_lo_f64(s4), f32x4_hi_f64(s4)));
    if (!q) D = f64x2.add(D, f64x2.add(f32x4_lo_f64(d4), f32x4_hi_f64(d4)));
    if (tail) { c = C; break; }
    if (c < C4) continue;
    // the last C mod 4 classes (C >= 4): the vector of the last 4, its first lanes (already
    // counted) masked out of the sums
    if (rem == 0 || C < 4) break;
    tail = true;
    mask = i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(4 - rem));
  }
  let s = f64x2.extract_lane(S, 0) + f64x2.extract_lane(S, 1);
  let sd = f64x2.extract_lane(D, 0) + f64x2.extract_lane(D, 1);
  let sb = f64x2.extract_lane(B, 0) + f64x2.extract_lane(B, 1);
  for (; c < C; c++) { // C < 4
    const off = <usize>c << 2;
    const d = load<f32>(z + off) - m;
    s += <f64>sexp<f32>(d);
    const w: f32 = weight ? load<f32>(weight + off) : 1;
    if (q) {
      const b = (<f64>load<f32>(q + off) * keep + uni) * <f64>w;
      sb += b;
      sd += b * (<f64>load<f32>(z + off) - <f64>m);
    } else sd += <f64>(w * d);
  }
  softBD = sd;
  softB = sb;
  return s;
}


/**
 * One float32 row with label smoothing (index target t) or probability targets (q): returns the
 * row's loss; with g, writes its gradient scaled by k. docs/accuracy.md, "Label smoothing and
 * probability targets in float32".
 *
 * Loss: Σ_c b_c·(log s - (z_c - m)), b_c = (1-ε)·w_t·[c = t] + (ε/C)·w_c or w_c·q'_c (every
 * term is >= 0: nothing cancels); with the gradient z_c - m exact in f64 and the sums in f64
 * lanes, without it soft_sums_f32's.
 *
 * Gradient: g_c = k·(B·e_c/s - b_c), B = Σ_c b_c. It cancels where p_c nears b_c/B, by a factor
 * F = B·p_c/|g_c| that reaches the hundreds in a row of 1000 classes (10^4 in the stress cases);
 * its error is F times that of e_c/s. So e_c and s are taken from exp_lean8_f64x2 (1.4e-12) of
 * z - m (exact in f64). e_c is kept as float32 hi (in g) + lo (in CANCEL's region) for rows of up
 * to CANCEL_MAX classes, and the last pass forms g_c = a·(hi + lo) - b_c in f64. Longer rows keep
 * hi only: the last pass lists the lane pairs that cancel by more than a bit (F > 2) and takes
 * their e_c from exp_lean8_f64x2 again. Without gradient the loss needs s only to float32
 * precision (a relative error of s moves log s by as much): soft_sums_f32.
 */
function soft_row_f32(C: i32, z: usize, t: i32, q: usize, weight: usize, g: usize, k: f64, eps: f64, weightSum: f64): f64 {
  const m = row_max<f32>(C, z);
  const m64 = f64x2.splat(<f64>m);
  const keep = 1 - eps;
  const uni = eps / <f64>C;
  const vkeep = f64x2.splat(keep);
  const vuni = f64x2.splat(uni);
  let s: f64 = 0;
  let sbd: f64 = 0; // Σ b·(z - m) (probabilities), Σ w·(z - m) (smoothing)
  let sb: f64 = 0; // Σ b (probabilities)
  // Rows of up to CANCEL_MAX classes keep e's low parts in CANCEL's region (lo = e - hi, hi the
  // float32 e in g): the last pass takes e = hi + lo for every class, nothing to list or recompute
  const keepLo = C <= CANCEL_MAX;
  const plain = eps == 0;
  if (!g) {
    s = soft_sums_f32(C, z, q, weight, m, keep, uni);
    sbd = softBD;
    sb = softB;
  } else {
    let as0 = f64x2.splat(0), as1 = as0, ad0 = as0, ad1 = as0, ab0 = as0, ab1 = as0;
    let c = 0;
    // whole vectors, then (C >= 4) the last 4 classes as one vector whose first lanes, already
    // counted, are masked out of the sums (k0, k1: a row of 10 would otherwise take 2 scalar exps)
    const rem = C & 3;
    const last = C >= 4 && rem != 0;
    const C4 = C & ~3;
    const keepLanes = i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(4 - rem));
    const k0 = i64x2.extend_low_i32x4_s(keepLanes), k1 = i64x2.extend_high_i32x4_s(keepLanes);
    let tail = false;
    while (c < C4 || (last && !tail)) {
      tail = c >= C4;
      const off = <usize>(tail ? C - 4 : c) << 2;
      const zv = v128.load(z + off);
      let d0 = f64x2.sub(f32x4_lo_f64(zv), m64); // exact
      let d1 = f64x2.sub(f32x4_hi_f64(zv), m64);
      let e0 = exp_lean8_f64x2(d0);
      let e1 = exp_lean8_f64x2(d1);
      const hv = f64_pair_f32x4(e0, e1);
      v128.store(g + off, hv); // the tail's repeated lanes: the same values again
      // e - hi exactly in f64, rounded to float32: hi + lo is e to 2^-48
      if (keepLo) v128.store(CANCEL + off, f64_pair_f32x4(f64x2.sub(e0, f32x4_lo_f64(hv)), f64x2.sub(e1, f32x4_hi_f64(hv))));
      let b0 = f64x2.splat(1), b1 = b0;
      if (q) {
        b0 = soft_target_f64(q, weight, off, vkeep, vuni, false, plain);
        b1 = soft_target_f64(q, weight, off, vkeep, vuni, true, plain);
      } else if (weight) {
        b0 = weight_f64(weight, off, false);
        b1 = weight_f64(weight, off, true);
      }
      if (tail) {
        e0 = v128.and(e0, k0); e1 = v128.and(e1, k1);
        d0 = v128.and(d0, k0); d1 = v128.and(d1, k1); // (masked, not 0·d: d may be -inf)
        b0 = v128.and(b0, k0); b1 = v128.and(b1, k1);
      }
      as0 = f64x2.add(as0, e0);
      as1 = f64x2.add(as1, e1);
      if (q) {
        ab0 = f64x2.add(ab0, b0);
        ab1 = f64x2.add(ab1, b1);
      }
      if (q || weight) {
        ad0 = f64x2.add(ad0, f64x2.mul(b0, d0));
        ad1 = f64x2.add(ad1, f64x2.mul(b1, d1));
      } else {
        ad0 = f64x2.add(ad0, d0);
        ad1 = f64x2.add(ad1, d1);
      }
      c += 4;
    }
    if (last) c = C;
    const as = f64x2.add(as0, as1), ad = f64x2.add(ad0, ad1), ab = f64x2.add(ab0, ab1);
    s = f64x2.extract_lane(as, 0) + f64x2.extract_lane(as, 1);
    sbd = f64x2.extract_lane(ad, 0) + f64x2.extract_lane(ad, 1);
    sb = f64x2.extract_lane(ab, 0) + f64x2.extract_lane(ab, 1);
    for (; c < C; c++) {
      const off = <usize>c << 2;
      const d = <f64>load<f32>(z + off) - <f64>m;
      if (g) {
        const e = exp64(d);
        s += e;
        store<f32>(g + off, <f32>e);
        store<f32>(CANCEL + off, <f32>(e - <f64><f32>e)); // (C < 4 <= CANCEL_MAX)
      }
      const w: f64 = weight ? <f64>load<f32>(weight + off) : 1;
      if (q) {
        const b = (<f64>load<f32>(q + off) * keep + uni) * w;
        sb += b;
        sbd += b * d;
      } else sbd += w * d;
    }
  }
  const ls = log64(s);
  let loss: f64;
  let B: f64;
  const wt: f64 = q ? 0 : weight ? <f64>load<f32>(weight + (<usize>t << 2)) : 1;
  const dt: f64 = q ? 0 : <f64>load<f32>(z + (<usize>t << 2)) - <f64>m;
  if (q) {
    loss = ls * sb - sbd;
    B = sb;
  } else {
    // (1-ε)·w_t·(log s - (z_t - m)) + (ε/C)·Σ_c w_c·(log s - (z_c - m))
    loss = keep * wt * (ls - dt) + uni * (ls * weightSum - sbd);
    B = keep * wt + uni * weightSum;
  }
  if (!g) return loss;
  const a = k * B / s;
  const va = f64x2.splat(a);
  const vb = f64x2.splat(k * uni); // smoothing: b_c = k·(ε/C)·w_c
  const vk = f64x2.splat(k);
  // ±1/2 with a's sign: a < 0 when the upstream gradient is (the test is |g| < |a·e|/2: with F
  // up to 4 a float32 e's half ulp, which can be an ulp of g's binade, left g 3.2 ulp off)
  const quarter = f64x2.splat(a < 0 ? -0.5 : 0.5);
  let c = 0;
  const C4 = C & ~3;
  if (keepLo) {
    for (; c < C4; c += 4) {
      const off = <usize>c << 2;
      const ev = v128.load(g + off), lv = v128.load(CANCEL + off);
      const b0 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, false, plain)) : f64x2.mul(vb, weight_f64(weight, off, false));
      const b1 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, true, plain)) : f64x2.mul(vb, weight_f64(weight, off, true));
      const g0 = f64x2.sub(f64x2.mul(va, f64x2.add(f32x4_lo_f64(ev), f32x4_lo_f64(lv))), b0);
      const g1 = f64x2.sub(f64x2.mul(va, f64x2.add(f32x4_hi_f64(ev), f32x4_hi_f64(lv))), b1);
      v128.store(g + off, f64_pair_f32x4(g0, g1));
    }
    if (c < C && C >= 4) {
      // the last 4 classes: their first lanes in g are gradients already (kept), the others e's hi
      const off = <usize>(C - 4) << 2;
      const ev = v128.load(g + off), lv = v128.load(CANCEL + off);
      const b0 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, false, plain)) : f64x2.mul(vb, weight_f64(weight, off, false));
      const b1 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, true, plain)) : f64x2.mul(vb, weight_f64(weight, off, true));
      const g0 = f64x2.sub(f64x2.mul(va, f64x2.add(f32x4_lo_f64(ev), f32x4_lo_f64(lv))), b0);
      const g1 = f64x2.sub(f64x2.mul(va, f64x2.add(f32x4_hi_f64(ev), f32x4_hi_f64(lv))), b1);
      const fresh = i32x4.ge_s(i32x4(0, 1, 2, 3), i32x4.splat(4 - (C & 3)));
      v128.store(g + off, v128.bitselect(f64_pair_f32x4(g0, g1), ev, fresh));
      c = C;
    }
    for (; c < C; c++) { // C < 4
      const off = <usize>c << 2;
      const w: f64 = weight ? <f64>load<f32>(weight + off) : 1;
      const b = q ? k * (<f64>load<f32>(q + off) * keep + uni) * w : k * uni * w;
      store<f32>(g + off, <f32>(a * (<f64>load<f32>(g + off) + <f64>load<f32>(CANCEL + off)) - b));
    }
  }
  while (c < C4) {
    // A chunk of up to 2·CANCEL_MAX classes: g from the stored e, and the byte offsets of the lane
    // pairs where |g| < |a·e|/2 (cancelling by more than a bit) listed, branch-free: taken in a
    // loop after the chunk's, they cost no mispredicted branch per vector.
    const stop = min(C4, c + 2 * CANCEL_MAX);
    let n = 0;
    for (; c < stop; c += 4) {
      const off = <usize>c << 2;
      const ev = v128.load(g + off);
      const b0 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, false, plain)) : f64x2.mul(vb, weight_f64(weight, off, false));
      const b1 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, true, plain)) : f64x2.mul(vb, weight_f64(weight, off, true));
      const ae0 = f64x2.mul(va, f32x4_lo_f64(ev));
      const ae1 = f64x2.mul(va, f32x4_hi_f64(ev));
      const g0 = f64x2.sub(ae0, b0);
      const g1 = f64x2.sub(ae1, b1);
      v128.store(g + off, f64_pair_f32x4(g0, g1));
      store<u32>(CANCEL + (<usize>n << 2), <u32>off);
      n += <i32>v128.any_true(f64x2.lt(f64x2.abs(g0), f64x2.mul(ae0, quarter)));
      store<u32>(CANCEL + (<usize>n << 2), <u32>off + 8);
      n += <i32>v128.any_true(f64x2.lt(f64x2.abs(g1), f64x2.mul(ae1, quarter)));
    }
    // there e_c to 1.4e-12: float32's half ulp of e_c would be F/2 > 1 ulp of g_c
    for (let i = 0; i < n; i++) {
      const off = <usize>load<u32>(CANCEL + (<usize>i << 2));
      const wh = weight ? f64x2.promote_low_f32x4(v128.load64_zero(weight + off)) : f64x2.splat(1);
      const bh = q ? f64x2.mul(vk, f64x2.mul(f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(q + off)), vkeep), vuni), wh)) : f64x2.mul(vb, wh);
      const eh = exp_lean8_f64x2(f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(z + off)), m64));
      v128.store64_lane(g + off, f32x4.demote_f64x2_zero(f64x2.sub(f64x2.mul(va, eh), bh)), 0);
    }
  }
  if (c < C && C >= 4) {
    // the last 4 classes from e^(z-m) in f64 (not from g: its first lanes are already gradients)
    const off = <usize>(C - 4) << 2;
    const b0 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, false, plain)) : f64x2.mul(vb, weight_f64(weight, off, false));
    const b1 = q ? f64x2.mul(vk, soft_target_f64(q, weight, off, vkeep, vuni, true, plain)) : f64x2.mul(vb, weight_f64(weight, off, true));
    const zv = v128.load(z + off);
    const g0 = f64x2.sub(f64x2.mul(va, exp_lean8_f64x2(f64x2.sub(f32x4_lo_f64(zv), m64))), b0);
    const g1 = f64x2.sub(f64x2.mul(va, exp_lean8_f64x2(f64x2.sub(f32x4_hi_f64(zv), m64))), b1);
    v128.store(g + off, f64_pair_f32x4(g0, g1));
    c = C;
  }
  for (; c < C; c++) {
    const off = <usize>c << 2;
    const w: f64 = weight ? <f64>load<f32>(weight + off) : 1;
    const b = q ? k * (<f64>load<f32>(q + off) * keep + uni) * w : k * uni * w;
    store<f32>(g + off, <f32>(a * exp64(<f64>load<f32>(z + off) - <f64>m) - b));
  }
  // the target's element: a·e_t - k·((1-ε)·w_t + (ε/C)·w_t), cancelling as p_t nears its target
  if (!q) store<f32>(g + (<usize>t << 2), <f32>(a * f64x2.extract_lane(exp_lean8_f64x2(f64x2.splat(dt)), 0) - k * (keep * wt + uni * wt)));
  return loss;
}

/** Lane j of v for a lane index known only at run time (via a 16-byte spill slot). */
// @ts-ignore: decorator
@inline function lane_at<T>(slot: usize, j: i32): T {
  return load<T>(slot + <usize>j * sizeof<T>());
}

/**
 * Transposes the block's logits into columns: cols[c] holds element c of the L rows (one row per
 * lane), read as L unaligned row vectors per group of L columns and transposed with shuffles.
 * Reads up to one vector past the last row (the TS side pads the buffer). Returns the row maxima.
 */
// @ts-ignore: decorator
@inline function gather_block<T>(block: usize, rowBytes: usize, C: i32, cols: usize): v128 {
  const L = lanes<T>();
  let vmax = v128.splat<T>(<T>-Infinity);
  for (let c = 0; c < C; c += L) {
    const p = block + <usize>c * sizeof<T>();
    const q = cols + (<usize>c << 4);
    const valid = min(L, C - c);
    let c0 = v128.splat<T>(<T>0), c1 = c0, c2 = c0, c3 = c0;
    if (sizeof<T>() == 4) {
      const ra = v128.load(p), rb = v128.load(p + rowBytes), rc = v128.load(p + 2 * rowBytes), rd = v128.load(p + 3 * rowBytes);
      const t0 = v128.shuffle<f32>(ra, rb, 0, 4, 1, 5), t1 = v128.shuffle<f32>(ra, rb, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(rc, rd, 0, 4, 1, 5), t3 = v128.shuffle<f32>(rc, rd, 2, 6, 3, 7);
      c0 = v128.shuffle<f32>(t0, t2, 0, 1, 4, 5);
      c1 = v128.shuffle<f32>(t0, t2, 2, 3, 6, 7);
      c2 = v128.shuffle<f32>(t1, t3, 0, 1, 4, 5);
      c3 = v128.shuffle<f32>(t1, t3, 2, 3, 6, 7);
    } else {
      const ra = v128.load(p), rb = v128.load(p + rowBytes);
      c0 = v128.shuffle<f64>(ra, rb, 0, 2);
      c1 = v128.shuffle<f64>(ra, rb, 1, 3);
    }
    // Columns past C hold the next row's values: neither stored nor counted in the max.
    v128.store(q, c0);
    vmax = vmax_<T>(vmax, c0);
    if (valid > 1) { v128.store(q, c1, 16); vmax = vmax_<T>(vmax, c1); }
    if (valid > 2) { v128.store(q, c2, 32); vmax = vmax_<T>(vmax, c2); }
    if (valid > 3) { v128.store(q, c3, 48); vmax = vmax_<T>(vmax, c3); }
  }
  return vmax;
}

/**
 * The inverse of gather_block for the gradient: writes cols[c]·va back as rows. Groups run from
 * the last to the first and rows in order, so a group's spill past a row's end (into the next
 * row, or the padding) is always overwritten later by that row's own values.
 */
// @ts-ignore: decorator
@inline function scatter_block<T>(gblock: usize, rowBytes: usize, C: i32, cols: usize, va: v128): void {
  const L = lanes<T>();
  const last = (C - 1) - (C - 1) % L;
  for (let c = last; c >= 0; c -= L) {
    const p = gblock + <usize>c * sizeof<T>();
    const q = cols + (<usize>c << 4);
    const valid = min(L, C - c);
    const zero = v128.splat<T>(<T>0);
    const c0 = v128.mul<T>(v128.load(q), va);
    const c1 = valid > 1 ? v128.mul<T>(v128.load(q, 16), va) : zero;
    if (sizeof<T>() == 4) {
      const c2 = valid > 2 ? v128.mul<T>(v128.load(q, 32), va) : zero;
      const c3 = valid > 3 ? v128.mul<T>(v128.load(q, 48), va) : zero;
      const t0 = v128.shuffle<f32>(c0, c1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(c0, c1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(c2, c3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(c2, c3, 2, 6, 3, 7);
      v128.store(p, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
      v128.store(p + rowBytes, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
      v128.store(p + 2 * rowBytes, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
      v128.store(p + 3 * rowBytes, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
    } else {
      v128.store(p, v128.shuffle<f64>(c0, c1, 0, 2));
      v128.store(p + rowBytes, v128.shuffle<f64>(c0, c1, 1, 3));
    }
  }
}

/** cross_entropy_across_rows's two instantiations (marker types, never allocated). */
class SmoothRows {}
class PlainRows {}

/**
 * Index targets with short rows (C < SMALL_C), rows a multiple of the lane count (label smoothing
 * in float32 only: eps, the branches marked "smoothing"):
 * a per-row vector loop would be mostly tails, so each lane takes one row and the classes are
 * walked column by column, CHUNK rows at a time: a first pass takes the exps (and writes the
 * gradient), a second the losses, so that the logs do not wait on each other. scratch holds C + 4
 * vectors (16 bytes each), then 3 floats a row of the chunk; logits and grad need one vector of
 * padding after their last row (gather_block / scatter_block).
 */
function cross_entropy_across_rows<T, S>(
  rows: i32, C: i32, logits: usize, targets: usize, weight: usize,
  rowLoss: usize, grad: usize, gradRow: usize, scratch: usize, gradScale: f64, eps: f64,
): f64 {
  const L = lanes<T>();
  // S: SmoothRows (float32 only) or PlainRows, decided at compile time: the index-target path
  // keeps none of the smoothing code (its branches in the column loops cost it 13% at 4096×10)
  const smooth = changetype<S>(0) instanceof SmoothRows;
  // float32 label smoothing: the loss is B·log s - D, B = (1-ε)·w_t + (ε/C)·Σw,
  // D = (1-ε)·w_t·(z_t - m) + (ε/C)·Σ_c w_c·(z_c - m) (soft_row_f32's, a lane per row); D takes
  // the place of z_t - m in the chunk's scratch.
  const keep = 1 - eps, uni = eps / <f64>C;
  let weightSum: f64 = <f64>C;
  if (smooth && weight) {
    weightSum = 0;
    for (let c = 0; c < C; c++) weightSum += <f64>load<T>(weight + <usize>c * sizeof<T>());
  }
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>C * bytes;
  const cols = scratch; // C vectors: the block's columns, then their exps
  const slotMax = scratch + (<usize>C << 4);
  const slotLogSum = slotMax + 16;
  const slotScale = slotLogSum + 16;
  const slotSum = slotScale + 16; // k/s, for the target's element
  // The exp's constants, loaded once (assembly/simd/math.ts, "a table in linear memory").
  const k0 = kexp<T>(K_MAGIC), k1 = kexp<T>(K_LOG2E), k2 = kexp<T>(K_MLN2HI), k3 = kexp<T>(K_MLN2LO), k4 = kexp<T>(K_CUTOFF);
  const c5 = kexp<T>(K_C5), c4 = kexp<T>(K_C5 + 1), c3 = kexp<T>(K_C5 + 2), c2 = kexp<T>(K_C5 + 3), c1 = kexp<T>(K_C5 + 4);
  // f32: the rows' sums, z_t - m and w_t of a chunk of rows, for the losses' pass after it
  const sums = slotSum + 16, ds = sums + (CHUNK << 2), wts = ds + (CHUNK << 2);
  let total: f64 = 0;
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = min(rows, r0 + CHUNK);
    for (let r = r0; r < r1; r += L) {
      const block = logits + <usize>r * rowBytes;
      const vmax = gather_block<T>(block, rowBytes, C, cols);
      let vsum = v128.splat<T>(<T>0);
      // smoothing: Σ_c w_c·(z_c - m) per row, lanes 0-1 and 2-3
      let sd0 = f64x2.splat(0), sd1 = sd0;
      const m0 = f32x4_lo_f64(vmax), m1 = f32x4_hi_f64(vmax);
      let s0 = f64x2.splat(0), s1 = s0; // smoothing with the gradient: s in f64, lanes 0-1 and 2-3
      if (grad && smooth) {
        // soft_row_f32's exps, a lane per row: e^(z-m) and s from exp_lean8_f64x2 (z - m exact)
        for (let c = 0; c < C; c++) {
          const p = cols + (<usize>c << 4);
          const zc = v128.load(p);
          let d0 = f64x2.sub(f32x4_lo_f64(zc), m0), d1 = f64x2.sub(f32x4_hi_f64(zc), m1);
          const e0 = exp_lean8_f64x2(d0), e1 = exp_lean8_f64x2(d1);
          s0 = f64x2.add(s0, e0);
          s1 = f64x2.add(s1, e1);
          const hv = f64_pair_f32x4(e0, e1);
          v128.store(p, hv);
          // e's low parts, e - hi rounded to float32, in CANCEL's region (C < SMALL_C vectors fit)
          v128.store(CANCEL + (<usize>c << 4), f64_pair_f32x4(f64x2.sub(e0, f32x4_lo_f64(hv)), f64x2.sub(e1, f32x4_hi_f64(hv))));
          if (weight) {
            const w = f64x2.splat(<f64>load<T>(weight + <usize>c * sizeof<T>()));
            d0 = f64x2.mul(w, d0);
            d1 = f64x2.mul(w, d1);
          }
          sd0 = f64x2.add(sd0, d0);
          sd1 = f64x2.add(sd1, d1);
        }
        // for the losses: s - 1 (rounded to float32 at its own scale; the losses take log1p)
        vsum = f64_pair_f32x4(f64x2.sub(s0, f64x2.splat(1)), f64x2.sub(s1, f64x2.splat(1)));
      } else if (grad) {
        // The stored exps become the gradient: they take z - m's rounding error in (TwoSum: the
        // lanes are different rows, so Fast2Sum's condition cannot be had for the block).
        for (let c = 0; c < C; c++) {
          const p = cols + (<usize>c << 4);
          const z = v128.load(p);
          const d = v128.sub<T>(z, vmax);
          const e = vexp_sum_term_k_r<T>(d, sub_residual<T>(z, vmax, d), k0, k1, k2, k3, k4, c5, c4, c3, c2, c1);
          v128.store(p, e);
          vsum = v128.add<T>(vsum, e);
        }
      } else {
        for (let c = 0; c < C; c++) {
          const p = cols + (<usize>c << 4);
          // The rr2-p5 exp (2.3 ulp): measured, the gradients meet the accuracy bar as often as with
          // exp_f32x4 (350 against 351 of 369 tensors, docs/accuracy.md), and it is 10% faster here.
          const zc = v128.load(p);
          const e = vexp_sum_term_k<T>(v128.sub<T>(zc, vmax), k0, k1, k2, k3, k4, c5, c4, c3, c2, c1);
          v128.store(p, e);
          if (smooth) {
            // s in f64 (float32 additions were 2 ulp of s, 4.6 ulp of a loss that the smoothing
            // term does not dwarf: crossEntropy/stress/258x10/smooth/weightTrue/none)
            s0 = f64x2.add(s0, f32x4_lo_f64(e));
            s1 = f64x2.add(s1, f32x4_hi_f64(e));
            // in f64, z - m exact: at ε = 1 this sum is most of the loss (float32: 1.3 ulp of it)
            let d0 = f64x2.sub(f32x4_lo_f64(zc), m0), d1 = f64x2.sub(f32x4_hi_f64(zc), m1);
            if (weight) {
              const w = f64x2.splat(<f64>load<T>(weight + <usize>c * sizeof<T>()));
              d0 = f64x2.mul(w, d0);
              d1 = f64x2.mul(w, d1);
            }
            sd0 = f64x2.add(sd0, d0);
            sd1 = f64x2.add(sd1, d1);
          } else vsum = v128.add<T>(vsum, e);
        }
        // smoothing: s - 1 for the losses, which take log1p (rounded to float32 at the scale of
        // s - 1, not of s: log s is most of a loss that the smoothing term does not dwarf)
        if (smooth) vsum = f64_pair_f32x4(f64x2.sub(s0, f64x2.splat(1)), f64x2.sub(s1, f64x2.splat(1)));
      }
      let vk = v128.splat<T>(<T>0); // k·w_t per row (0 for ignored rows), for the gradient
      if (sizeof<T>() == 4) {
        // The L rows' losses as one vector (scalar per-row code was a third of this loop's time,
        // and waited on the log's latency): each lane rounds exactly as the scalar form below.
        const tv = v128.load(targets + (<usize>r << 2));
        const valid = i32x4.lt_u(tv, i32x4.splat(C)); // a class outside [0, C) reads nothing (ignored)
        const tc = v128.and(tv, valid); // ignored rows read class 0, then masked
        const t0 = <usize>i32x4.extract_lane(tc, 0), t1 = <usize>i32x4.extract_lane(tc, 1);
        const t2 = <usize>i32x4.extract_lane(tc, 2), t3 = <usize>i32x4.extract_lane(tc, 3);
        let zt = f32x4.splat(load<f32>(block + (t0 << 2)));
        zt = f32x4.replace_lane(zt, 1, load<f32>(block + rowBytes + (t1 << 2)));
        zt = f32x4.replace_lane(zt, 2, load<f32>(block + 2 * rowBytes + (t2 << 2)));
        zt = f32x4.replace_lane(zt, 3, load<f32>(block + 3 * rowBytes + (t3 << 2)));
        let wt = f32x4.splat(1);
        if (weight) {
          wt = f32x4.splat(load<f32>(weight + (t0 << 2)));
          wt = f32x4.replace_lane(wt, 1, load<f32>(weight + (t1 << 2)));
          wt = f32x4.replace_lane(wt, 2, load<f32>(weight + (t2 << 2)));
          wt = f32x4.replace_lane(wt, 3, load<f32>(weight + (t3 << 2)));
        }
        // The losses wait for the chunk's second pass: the log's latency would stall this one.
        const at = <usize>(r - r0) << 2;
        v128.store(sums + at, vsum);
        if (smooth) {
          // D in f64 (z_t - m exact), rounded once
          const vk = f64x2.splat(keep), vu = f64x2.splat(uni);
          const dt0 = f64x2.sub(f32x4_lo_f64(zt), m0), dt1 = f64x2.sub(f32x4_hi_f64(zt), m1);
          const D0 = f64x2.add(f64x2.mul(f64x2.mul(vk, f32x4_lo_f64(wt)), dt0), f64x2.mul(vu, sd0));
          const D1 = f64x2.add(f64x2.mul(f64x2.mul(vk, f32x4_hi_f64(wt)), dt1), f64x2.mul(vu, sd1));
          v128.store(ds + at, f64_pair_f32x4(D0, D1));
        } else v128.store(ds + at, f32x4.sub(zt, vmax));
        v128.store(wts + at, wt);
        if (grad && smooth) {
          // soft_row_f32's gradient, a lane per row: g_c = a·e_c - k·(ε/C)·w_c, a = k·B/s, in
          // f64 from e = hi + lo; the target's element a·e_t - k·((1-ε)·w_t + (ε/C)·w_t) from
          // e^(z_t - m) in f64.
          const v0 = i64x2.extend_low_i32x4_s(valid), v1 = i64x2.extend_high_i32x4_s(valid);
          let kk0 = f64x2.splat(gradScale), kk1 = kk0;
          if (gradRow) {
            const gr = v128.load(gradRow + (<usize>r << 2));
            kk0 = f64x2.mul(kk0, f32x4_lo_f64(gr));
            kk1 = f64x2.mul(kk1, f32x4_hi_f64(gr));
          }
          kk0 = v128.and(kk0, v0); // ignored rows: 0
          kk1 = v128.and(kk1, v1);
          const wt0 = f32x4_lo_f64(wt), wt1 = f32x4_hi_f64(wt);
          const vkeep = f64x2.splat(keep), vuw = f64x2.splat(uni * weightSum), vuni = f64x2.splat(uni);
          const a0 = f64x2.div(f64x2.mul(kk0, f64x2.add(f64x2.mul(vkeep, wt0), vuw)), s0);
          const a1 = f64x2.div(f64x2.mul(kk1, f64x2.add(f64x2.mul(vkeep, wt1), vuw)), s1);
          const ku0 = f64x2.mul(kk0, vuni), ku1 = f64x2.mul(kk1, vuni);
          for (let c = 0; c < C; c++) {
            const p = cols + (<usize>c << 4);
            const ev = v128.load(p), lv = v128.load(CANCEL + (<usize>c << 4));
            const w = weight ? f64x2.splat(<f64>load<f32>(weight + (<usize>c << 2))) : f64x2.splat(1);
            // e = hi + lo (to 2^-48): no cancellation is magnified
            const ae0 = f64x2.mul(a0, f64x2.add(f32x4_lo_f64(ev), f32x4_lo_f64(lv)));
            const ae1 = f64x2.mul(a1, f64x2.add(f32x4_hi_f64(ev), f32x4_hi_f64(lv)));
            // ignored rows: 0 (a = 0, but e may be NaN or inf there)
            const g0 = v128.and(f64x2.sub(ae0, f64x2.mul(ku0, w)), v0), g1 = v128.and(f64x2.sub(ae1, f64x2.mul(ku1, w)), v1);
            v128.store(p, f64_pair_f32x4(g0, g1));
          }
          const gblock = grad + <usize>r * rowBytes;
          scatter_block<T>(gblock, rowBytes, C, cols, f32x4.splat(1));
          const et0 = exp_lean8_f64x2(f64x2.sub(f32x4_lo_f64(zt), m0)), et1 = exp_lean8_f64x2(f64x2.sub(f32x4_hi_f64(zt), m1));
          const bt = f64x2.add(f64x2.mul(vkeep, wt0), f64x2.mul(vuni, wt0));
          const bt1 = f64x2.add(f64x2.mul(vkeep, wt1), f64x2.mul(vuni, wt1));
          const gt = f64_pair_f32x4(f64x2.sub(f64x2.mul(a0, et0), f64x2.mul(kk0, bt)), f64x2.sub(f64x2.mul(a1, et1), f64x2.mul(kk1, bt1)));
          if (i32x4.extract_lane(tv, 0) >= 0) store<f32>(gblock + (t0 << 2), f32x4.extract_lane(gt, 0));
          if (i32x4.extract_lane(tv, 1) >= 0) store<f32>(gblock + rowBytes + (t1 << 2), f32x4.extract_lane(gt, 1));
          if (i32x4.extract_lane(tv, 2) >= 0) store<f32>(gblock + 2 * rowBytes + (t2 << 2), f32x4.extract_lane(gt, 2));
          if (i32x4.extract_lane(tv, 3) >= 0) store<f32>(gblock + 3 * rowBytes + (t3 << 2), f32x4.extract_lane(gt, 3));
        } else if (grad) {
          // <f32>(gradScale·gradRow) · w_t
          let k = f32x4.splat(<f32>gradScale);
          if (gradRow) {
            const gr = v128.load(gradRow + (<usize>r << 2));
            const vs = f64x2.splat(gradScale);
            k = f64_pair_f32x4(f64x2.mul(vs, f32x4_lo_f64(gr)), f64x2.mul(vs, f32x4_hi_f64(gr)));
          }
          vk = v128.and(f32x4.mul(k, wt), valid);
        }
      } else {
        v128.store(slotMax, vmax);
        v128.store(slotLogSum, vlog<T>(vsum));
        for (let j = 0; j < L; j++) {
          const row = r + j;
          const t = load<i32>(targets + (<usize>row << 2));
          let loss: f64 = 0;
          let a: T = 0;
          if (<u32>t < <u32>C) {
            const wt: T = weight ? load<T>(weight + (<usize>t) * bytes) : <T>1;
            const ls = lane_at<T>(slotLogSum, j);
            // loss = w_t·(log s - (z_t - m)), log_softmax's order; the last two operations in f64.
            loss = <f64>wt * (<f64>ls - <f64>(load<T>(block + <usize>j * rowBytes + (<usize>t) * bytes) - lane_at<T>(slotMax, j)));
            if (grad) a = <T>(gradRow ? gradScale * <f64>load<T>(gradRow + <usize>row * bytes) : gradScale) * wt;
          }
          store<T>(slotScale + <usize>j * bytes, a);
          if (rowLoss) store<T>(rowLoss + <usize>row * bytes, <T>loss);
          total += loss;
        }
        vk = v128.load(slotScale);
      }
      if (grad && !(smooth)) {
        // grad = k·w_t·(e_c / s - [c = t]); k/s rounded once (a division per L rows).
        const va = v128.div<T>(vk, vsum);
        v128.store(slotLogSum, vsum); // the losses are taken: the slot now holds s
        v128.store(slotSum, va); // and this one k/s
        const gblock = grad + <usize>r * rowBytes;
        scatter_block<T>(gblock, rowBytes, C, cols, va);
        for (let j = 0; j < L; j++) {
          const t = load<i32>(targets + (<usize>(r + j) << 2));
          if (<u32>t >= <u32>C) continue;
          // k·(e_t/s - 1) = (e_t - s)·(k/s), e_t - s in f64: the target's element cancels as p_t → 1.
          const p = gblock + <usize>j * rowBytes + (<usize>t) * bytes;
          const et = <f64>lane_at<T>(cols + (<usize>t << 4), j);
          store<T>(p, <T>((et - <f64>lane_at<T>(slotLogSum, j)) * <f64>lane_at<T>(slotSum, j)));
        }
      }
    }
    if (sizeof<T>() == 4) {
      // The chunk's losses, L rows a vector, the logs independent of each other:
      // loss = w_t·(log s - (z_t - m)), log_softmax's order; the last two operations in f64.
      for (let r = r0; r < r1; r += L) {
        const at = <usize>(r - r0) << 2;
        const valid = i32x4.lt_u(v128.load(targets + (<usize>r << 2)), i32x4.splat(C));
        const ls = smooth ? vlog1p<T>(v128.load(sums + at)) : vlog<T>(v128.load(sums + at)); // smoothing: s - 1
        const d = v128.load(ds + at);
        const wt = v128.load(wts + at);
        let lo: v128, hi: v128;
        if (smooth) {
          // B·log s - D, B = (1-ε)·w_t + (ε/C)·Σw in f64
          const vk = f64x2.splat(keep), vu = f64x2.splat(uni * weightSum);
          const B0 = f64x2.add(f64x2.mul(vk, f32x4_lo_f64(wt)), vu), B1 = f64x2.add(f64x2.mul(vk, f32x4_hi_f64(wt)), vu);
          lo = v128.and(f64x2.sub(f64x2.mul(B0, f32x4_lo_f64(ls)), f32x4_lo_f64(d)), i64x2.extend_low_i32x4_s(valid));
          hi = v128.and(f64x2.sub(f64x2.mul(B1, f32x4_hi_f64(ls)), f32x4_hi_f64(d)), i64x2.extend_high_i32x4_s(valid));
        } else {
          lo = v128.and(f64x2.mul(f32x4_lo_f64(wt), f64x2.sub(f32x4_lo_f64(ls), f32x4_lo_f64(d))), i64x2.extend_low_i32x4_s(valid));
          hi = v128.and(f64x2.mul(f32x4_hi_f64(wt), f64x2.sub(f32x4_hi_f64(ls), f32x4_hi_f64(d))), i64x2.extend_high_i32x4_s(valid));
        }
        if (rowLoss) v128.store(rowLoss + (<usize>r << 2), f64_pair_f32x4(lo, hi));
        // In row order, as the scalar sum.
        total = (((total + f64x2.extract_lane(lo, 0)) + f64x2.extract_lane(lo, 1)) + f64x2.extract_lane(hi, 0)) + f64x2.extract_lane(hi, 1);
      }
    }
  }
  return total;
}

/**
 * Cross-entropy of each row of logits (rows, C) against class indices `targets` (i32, -1 =
 * ignored) or class probabilities `probs` (rows, C). Returns Σ of the row losses in f64.
 * scratch: (C + 4)·16 + 12·SHORT_ROW_CHUNK bytes, used by the short-row path.
 */
export function cross_entropy<T>(
  rows: i32, C: i32,
  logits: usize, targets: usize, probs: usize, weight: usize,
  rowLoss: usize, grad: usize, gradRow: usize,
  scratch: usize, smoothing: f64, gradScale: f64,
): f64 {
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>C * bytes;
  if (C > 0 && C < SMALL_C && !probs && (smoothing == 0 || sizeof<T>() == 4) && rows >= lanes<T>()) {
    // Whole blocks of L rows across the lanes; the few rows left take the per-row path below.
    const main = rows - rows % lanes<T>();
    let total: f64;
    if (sizeof<T>() == 4) {
      total = smoothing != 0
        ? cross_entropy_across_rows<T, SmoothRows>(main, C, logits, targets, weight, rowLoss, grad, gradRow, scratch, gradScale, smoothing)
        : cross_entropy_across_rows<T, PlainRows>(main, C, logits, targets, weight, rowLoss, grad, gradRow, scratch, gradScale, 0);
    } else {
      total = cross_entropy_across_rows<T, PlainRows>(main, C, logits, targets, weight, rowLoss, grad, gradRow, scratch, gradScale, 0);
    }
    const done = <usize>main;
    return total + cross_entropy<T>(
      rows - main, C, logits + done * rowBytes, targets + (done << 2), 0, weight,
      rowLoss ? rowLoss + done * bytes : 0, grad ? grad + done * rowBytes : 0, gradRow ? gradRow + done * bytes : 0,
      scratch, smoothing, gradScale,
    );
  }
  const eps = <T>smoothing;
  const uni = eps / <T>C;
  const weightSum: T = weight ? <T>sum<T>(C, weight) : <T>C;
  // Σ w in f64 for soft_row_f32, whose gradient magnifies its error (sum's float32 blocks would not do)
  let weightSum64: f64 = <f64>C;
  if (weight && sizeof<T>() == 4 && (probs || eps != 0)) {
    weightSum64 = 0;
    for (let c = 0; c < C; c++) weightSum64 += <f64>load<T>(weight + <usize>c * bytes);
  }
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + <usize>r * rowBytes;
    const g = grad ? grad + <usize>r * rowBytes : 0;
    const t = probs ? 0 : load<i32>(targets + (<usize>r << 2));
    if (<u32>t >= <u32>C) {
      if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>0);
      if (g) memory.fill(g, 0, rowBytes);
      continue;
    }
    if (sizeof<T>() == 4 && (probs || eps != 0)) {
      // float32 with smoothing or probabilities: its own row (soft_row_f32)
      const kk = gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale;
      const loss = soft_row_f32(C, z, t, probs ? probs + <usize>r * rowBytes : 0, weight, g, kk, smoothing, weightSum64);
      if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>loss);
      total += loss;
      continue;
    }
    // With the gradient, the stored exps take z - m's rounding error in (as softmax's; Fast2Sum where
    // fast_residual_ok); the loss needs only their sum.
    const m = g ? row_max_min<T>(C, z) : row_max<T>(C, z);
    const s = !g ? exp_sum<T>(C, z, m)
      : sizeof<T>() == 4 && fast_residual_ok(<f64>m, rowMin) ? exp_store_sum_terms_fast<T>(C, z, g, m) : exp_store_sum_terms<T>(C, z, g, m);
    // Losses are log s - (z - m), as log_softmax: z - m is the same float subtraction PyTorch
    // makes, and log s is not first added to m and rounded.
    const ls = log64(s);
    const k = <T>(gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale);
    let loss: f64;
    if (probs) {
      const q = probs + <usize>r * rowBytes;
      loss = prob_sums<T>(C, z, q, weight, m, ls, eps);
      if (g) grad_prob<T>(C, g, q, weight, <f64>k * probWeightSum / s, <f64>k, eps);
    } else {
      const wt: T = weight ? load<T>(weight + (<usize>t) * bytes) : <T>1;
      const zt = load<T>(z + (<usize>t) * bytes);
      loss = <f64>wt * (ls - (<f64>zt - <f64>m)); // z_t - m exact in f64 (for f32)
      if (eps != 0) loss = <f64>(<T>1 - eps) * loss + <f64>uni * smooth_sum<T>(C, z, weight, m, <T>ls);
      if (g) {
        // g_c = k·[((1-ε)·w_t + (ε/C)·S_w)·p_c - (ε/C)·w_c] - k·(1-ε)·w_t·[c = t]
        const a = <f64>k * <f64>((<T>1 - eps) * wt + uni * weightSum) / s;
        const gt = g + (<usize>t) * bytes;
        const et = <f64>load<T>(gt); // e^(z_t - m), before scaling
        if (eps == 0) scale<T>(C, g, g, <T>a);
        else axpb_weight<T>(C, g, weight, a, <f64>(k * uni));
        // The target's a·e_t - k·(1-ε)·w_t (- k·ε/C·w_t) cancels as p_t → 1: rounded once, in f64.
        const kt = <f64>k * <f64>((<T>1 - eps) * wt);
        store<T>(gt, <T>(a * et - kt - (eps != 0 ? <f64>(k * uni) * (weight ? <f64>wt : 1) : 0)));
      }
    }
    if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>loss);
    total += loss;
  }
  return total;
}

/**
 * NLL of input (N, C, inner) (inner = d1·…·dk, 1 for (N, C)) against targets (N·inner, i32,
 * -1 = ignored). Returns Σ of the losses in f64. grad is zeroed then written at the targets.
 */
export function nll<T>(
  N: i32, C: i32, inner: i32,
  input: usize, targets: usize, weight: usize,
  rowLoss: usize, grad: usize, gradRow: usize,
  gradScale: f64,
): f64 {
  const bytes = <usize>sizeof<T>();
  if (grad) memory.fill(grad, 0, <usize>N * <usize>C * <usize>inner * bytes);
  let total: f64 = 0;
  const rows = N * inner;
  for (let r = 0; r < rows; r++) {
    const t = load<i32>(targets + (<usize>r << 2));
    let loss: f64 = 0;
    if (<u32>t < <u32>C) {
      const n = r / inner;
      const s = r - n * inner;
      const idx = (<usize>n * <usize>C + <usize>t) * <usize>inner + <usize>s;
      const wt: T = weight ? load<T>(weight + (<usize>t) * bytes) : <T>1;
      // In f64 the product is exact, so the sum of products that cancel carries no rounding.
      loss = -<f64>wt * <f64>load<T>(input + idx * bytes);
      if (grad) {
        const k = gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale;
        store<T>(grad + idx * bytes, <T>(-<f64>wt * k));
      }
    }
    if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>loss);
    total += loss;
  }
  return total;
}
