// MONAI's Dice losses (DiceLoss, GeneralizedDiceLoss, TverskyLoss; docs/semantics.md §17): the
// per-element work, in f64 (float32 arguments are widened by the runtime: docs/accuracy.md, "float32
// computed in float64"). One item is one batch item of C channels × S spatial elements, each
// channel's S values contiguous (the (B, C, spatial…) layout as it comes).
//
// dice_forward: the activation (none, sigmoid, softmax over the channels) into p, and per channel
// the sums Σ p·g, Σ p (Σ p² squared) and Σ g (Σ g²); the target g is a float tensor of the input's
// layout, or class labels (S int32 per item) read as one-hot g = (label == c).
// dice_backward: from per-channel coefficients (kI, kP, kG) of ∂loss/∂(Σ p·g, Σ p, Σ g), the
// per-element gradients ∂/∂p = kI·g + kP·(1 or 2p), ∂/∂g = kI·p + kG·(1 or 2g), then back through
// the activation. The tiny per-class formulas that give the coefficients are in src/losses/dice.ts.
import { exp_f64x2, vsigmoid } from '../simd/math';

const ACT_SIGMOID = 1;
const ACT_SOFTMAX = 2;

/** One-hot g of two labels for class c: (label == c) as 1.0 or 0.0 in each f64 lane. */
// @ts-ignore: decorator
@inline function onehot2(labels: usize, s: i32, vc: v128, one: v128): v128 {
  const l = v128.load64_zero(labels + (<usize>s << 2));
  return v128.and(i64x2.extend_low_i32x4_s(i32x4.eq(l, vc)), one);
}

/** The activation of item x (C rows of S) into p: σ elementwise, or softmax over the C rows at each s. */
function activate(C: i32, S: i32, x: usize, p: usize, act: i32): void {
  const n = C * S;
  if (act == ACT_SIGMOID) {
    let i = 0;
    for (; i + 2 <= n; i += 2) v128.store(p + (<usize>i << 3), vsigmoid<f64>(v128.load(x + (<usize>i << 3))));
    for (; i < n; i++) store<f64>(p + (<usize>i << 3), f64x2.extract_lane(vsigmoid<f64>(f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
    return;
  }
  // softmax over the channels: two spatial positions at a time, the channels strided by S
  const row = <usize>S << 3;
  let s = 0;
  for (; s + 2 <= S; s += 2) {
    const off = <usize>s << 3;
    let m = v128.load(x + off);
    for (let c = 1; c < C; c++) m = f64x2.pmax(m, v128.load(x + <usize>c * row + off));
    let sum = f64x2.splat(0);
    for (let c = 0; c < C; c++) {
      const e = exp_f64x2(f64x2.sub(v128.load(x + <usize>c * row + off), m));
      v128.store(p + <usize>c * row + off, e);
      sum = f64x2.add(sum, e);
    }
    for (let c = 0; c < C; c++) v128.store(p + <usize>c * row + off, f64x2.div(v128.load(p + <usize>c * row + off), sum));
  }
  for (; s < S; s++) {
    const off = <usize>s << 3;
    let m = load<f64>(x + off);
    for (let c = 1; c < C; c++) m = max(m, load<f64>(x + <usize>c * row + off));
    let sum = 0.0;
    for (let c = 0; c < C; c++) {
      const e = f64x2.extract_lane(exp_f64x2(f64x2.splat(load<f64>(x + <usize>c * row + off) - m)), 0);
      store<f64>(p + <usize>c * row + off, e);
      sum += e;
    }
    for (let c = 0; c < C; c++) store<f64>(p + <usize>c * row + off, load<f64>(p + <usize>c * row + off) / sum);
  }
}

/**
 * For each of `items` batch items: p = act(x) (written when act != 0; otherwise p is x and not
 * written), then sums[3c..3c+2] = (Σ p·g, Σ p or Σ p², Σ g or Σ g²) over the S elements of channel c.
 * The target is `t` (C·S floats per item) or, when t is 0, `labels` (S int32 per item).
 */
export function dice_forward(items: i32, C: i32, S: i32, x: usize, t: usize, labels: usize, p: usize, sums: usize, act: i32, squared: bool): void {
  const itemBytes = <usize>C * <usize>S << 3;
  const one = f64x2.splat(1);
  for (let b = 0; b < items; b++) {
    const xb = x + <usize>b * itemBytes;
    let pb = xb;
    if (act != 0) {
      pb = p + <usize>b * itemBytes;
      activate(C, S, xb, pb, act);
    }
    const tb = t ? t + <usize>b * itemBytes : 0;
    const lb = t ? 0 : labels + (<usize>b * <usize>S << 2);
    for (let c = 0; c < C; c++) {
      const pr = pb + (<usize>c * <usize>S << 3);
      const tr = tb + (<usize>c * <usize>S << 3);
      const vc = i32x4.splat(c);
      let vi = f64x2.splat(0), vp = vi, vg = vi;
      let s = 0;
      for (; s + 2 <= S; s += 2) {
        const pv = v128.load(pr + (<usize>s << 3));
        const gv = t ? v128.load(tr + (<usize>s << 3)) : onehot2(lb, s, vc, one);
        vi = f64x2.add(vi, f64x2.mul(pv, gv));
        vp = f64x2.add(vp, squared ? f64x2.mul(pv, pv) : pv);
        vg = f64x2.add(vg, squared ? f64x2.mul(gv, gv) : gv);
      }
      let si = f64x2.extract_lane(vi, 0) + f64x2.extract_lane(vi, 1);
      let sp = f64x2.extract_lane(vp, 0) + f64x2.extract_lane(vp, 1);
      let sg = f64x2.extract_lane(vg, 0) + f64x2.extract_lane(vg, 1);
      for (; s < S; s++) {
        const pv = load<f64>(pr + (<usize>s << 3));
        const gv = t ? load<f64>(tr + (<usize>s << 3)) : load<i32>(lb + (<usize>s << 2)) == c ? 1.0 : 0.0;
        si += pv * gv;
        sp += squared ? pv * pv : pv;
        sg += squared ? gv * gv : gv;
      }
      const o = sums + (<usize>(b * C + c) * 3 << 3);
      store<f64>(o, si);
      store<f64>(o, sp, 8);
      store<f64>(o, sg, 16);
    }
  }
}

/**
 * For each item: with coef[3c..3c+2] = (kI, kP, kG) of channel c, dx = act'(∂/∂p) where
 * ∂/∂p = kI·g + kP·(1 or 2p); and dt = kI·p + kG·(1 or 2g) when dt is not 0 (a float target).
 * p is the activated prediction (x itself when act is 0). A channel with zero coefficients (the
 * dropped background) gets ∂/∂p = 0, but softmax still passes gradient to it from the others.
 */
export function dice_backward(items: i32, C: i32, S: i32, x: usize, p: usize, t: usize, labels: usize, coef: usize, dx: usize, dt: usize, act: i32, squared: bool): void {
  const itemBytes = <usize>C * <usize>S << 3;
  const one = f64x2.splat(1);
  for (let b = 0; b < items; b++) {
    const pb = act != 0 ? p + <usize>b * itemBytes : x + <usize>b * itemBytes;
    const db = dx + <usize>b * itemBytes;
    const tb = t ? t + <usize>b * itemBytes : 0;
    const lb = t ? 0 : labels + (<usize>b * <usize>S << 2);
    for (let c = 0; c < C; c++) {
      const k = coef + (<usize>(b * C + c) * 3 << 3);
      const kI = load<f64>(k), kP = load<f64>(k, 8), kG = load<f64>(k, 16);
      const vkI = f64x2.splat(kI), vkP = f64x2.splat(kP), vkG = f64x2.splat(kG);
      const r = <usize>c * <usize>S << 3;
      const pr = pb + r, dr = db + r, tr = tb + r;
      const gr = dt ? dt + <usize>b * itemBytes + r : 0;
      const vc = i32x4.splat(c);
      let s = 0;
      for (; s + 2 <= S; s += 2) {
        const off = <usize>s << 3;
        const pv = v128.load(pr + off);
        const gv = t ? v128.load(tr + off) : onehot2(lb, s, vc, one);
        let dp = f64x2.add(f64x2.mul(vkI, gv), squared ? f64x2.mul(vkP, f64x2.add(pv, pv)) : vkP);
        if (act == ACT_SIGMOID) dp = f64x2.mul(f64x2.mul(dp, pv), f64x2.sub(one, pv));
        v128.store(dr + off, dp);
        if (gr) v128.store(gr + off, f64x2.add(f64x2.mul(vkI, pv), squared ? f64x2.mul(vkG, f64x2.add(gv, gv)) : vkG));
      }
      for (; s < S; s++) {
        const off = <usize>s << 3;
        const pv = load<f64>(pr + off);
        const gv = t ? load<f64>(tr + off) : load<i32>(lb + (<usize>s << 2)) == c ? 1.0 : 0.0;
        let dp = kI * gv + (squared ? kP * (pv + pv) : kP);
        if (act == ACT_SIGMOID) dp = dp * pv * (1 - pv);
        store<f64>(dr + off, dp);
        if (gr) store<f64>(gr + off, kI * pv + (squared ? kG * (gv + gv) : kG));
      }
    }
    if (act != ACT_SOFTMAX) continue;
    // softmax: dx_c = p_c·(d_c - Σ_c' p_c'·d_c') at each s, d the gradient just written
    const row = <usize>S << 3;
    let s = 0;
    for (; s + 2 <= S; s += 2) {
      const off = <usize>s << 3;
      let acc = f64x2.splat(0);
      for (let c = 0; c < C; c++) acc = f64x2.add(acc, f64x2.mul(v128.load(pb + <usize>c * row + off), v128.load(db + <usize>c * row + off)));
      for (let c = 0; c < C; c++) {
        const at = <usize>c * row + off;
        v128.store(db + at, f64x2.mul(v128.load(pb + at), f64x2.sub(v128.load(db + at), acc)));
      }
    }
    for (; s < S; s++) {
      const off = <usize>s << 3;
      let acc = 0.0;
      for (let c = 0; c < C; c++) acc += load<f64>(pb + <usize>c * row + off) * load<f64>(db + <usize>c * row + off);
      for (let c = 0; c < C; c++) {
        const at = <usize>c * row + off;
        store<f64>(db + at, load<f64>(pb + at) * (load<f64>(db + at) - acc));
      }
    }
  }
}
