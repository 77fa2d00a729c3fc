// Box-regression losses over n pairs of boxes (x1, y1, x2, y2), forward and both gradients fused.
// T = f32 | f64. The boxes are transposed into scratch (structure of arrays, docs/simd.md §5) so
// that one vector holds one coordinate of L pairs; each loss is a function of the pair's geometry
//   Q = (I, U, cw, ch, dx, dy, w1, h1, w2, h2)
// giving its value and ∂L/∂Q, and one chain rule through the geometry gives the coordinate
// gradients (min/max ties split 0.5/0.5, no gradient through an empty intersection), exactly as
// src/reference/box-iou.ts (docs/semantics.md §13). atan (CIoU's aspect term) is evaluated per lane
// with Math.atan: one term of two losses, not worth a vector approximation.
// The kernel list instantiates f64 only: float32 arguments are computed in float64 (docs/accuracy.md).
import { hsum, lane, lanes, log64, vexp, vexp_any, vlog } from '../simd/math';

import {
  FORM_CIOU, FORM_GIOU, FORM_DIOU, KIND_ALPHA_IOU as ALPHA_IOU, KIND_CIOU as CIOU, KIND_DIOU as DIOU, KIND_EIOU as EIOU,
  KIND_FOCAL_EIOU as FOCAL_EIOU, KIND_GIOU as GIOU, KIND_IOU as IOU, KIND_SIOU as SIOU, KIND_WIOU_V3 as WIOU_V3,
} from '../generated/constants';
const CIOU_K: f64 = 0.40528473456935105; // 4/π²

// @ts-ignore: decorator
@inline function splat<T>(x: f64): v128 {
  return v128.splat<T>(<T>x);
}

/** The share of min(a, b) that goes to a: 1, 0, or 0.5 on a tie. */
// @ts-ignore: decorator
@inline function min_share<T>(a: v128, b: v128): v128 {
  return v128.add<T>(v128.and(splat<T>(1), v128.lt<T>(a, b)), v128.and(splat<T>(0.5), v128.eq<T>(a, b)));
}

// @ts-ignore: decorator
@inline function sign<T>(x: v128): v128 {
  return v128.sub<T>(v128.and(splat<T>(1), v128.gt<T>(x, splat<T>(0))), v128.and(splat<T>(1), v128.lt<T>(x, splat<T>(0))));
}

/** x^k for x >= 0 and a uniform k, with x^0 = 1 (0^0 included). */
// @ts-ignore: decorator
@inline function vpow<T>(x: v128, k: f64): v128 {
  if (k == 0) return splat<T>(1);
  if (k == 1) return x;
  // PyTorch's pow(tensor, scalar) special cases (aten/src/ATen/native/cpu/PowKernel.cpp), also
  // the accurate ones: exp(k·log x) carries the log's and the exp's errors.
  if (k == 2) return v128.mul<T>(x, x);
  if (k == 3) return v128.mul<T>(v128.mul<T>(x, x), x);
  if (k == 0.5) return v128.sqrt<T>(x);
  if (k == -0.5) return v128.div<T>(splat<T>(1), v128.sqrt<T>(x));
  if (k == -1) return v128.div<T>(splat<T>(1), x);
  if (k == -2) return v128.div<T>(splat<T>(1), v128.mul<T>(x, x));
  return vexp_any<T>(v128.mul<T>(splat<T>(k), vlog<T>(x)));
}

/** atan per lane (CIoU only). */
function vatan<T>(x: v128): v128 {
  let r = v128.splat<T>(<T>Math.atan(<f64>lane<T>(x, 0)));
  r = v128.replace_lane<T>(r, 1, <T>Math.atan(<f64>lane<T>(x, 1)));
  if (sizeof<T>() == 4) {
    r = v128.replace_lane<T>(r, 2, <T>Math.atan(<f64>lane<T>(x, 2)));
    r = v128.replace_lane<T>(r, 3, <T>Math.atan(<f64>lane<T>(x, 3)));
  }
  return r;
}

// ∂L/∂Q of the current vector of pairs: set by the loss function the kernel calls (each loss
// sets the ones it depends on), then read by the chain rule. Module globals, so that each loss
// is a small function with one result, its value; box_loss zeroes them per vector.
let dI: v128, dU: v128, dcw: v128, dch: v128, ddx: v128, ddy: v128, dw1: v128, dh1: v128, dw2: v128, dh2: v128;
// ∂L/∂v of CIoU's aspect term v (CIoU, and α-IoU's CIoU form), taken through v by aspect().
let dv: v128;

/** 1 - IoU (Yu et al. 2016): ∂ through IoU alone. */
// @ts-ignore: decorator
@inline function iou_loss<T>(liou: v128, iouI: v128, iouU: v128): v128 {
  dI = v128.neg<T>(iouI);
  dU = v128.neg<T>(iouU);
  return liou;
}

/** GIoU: 1 - IoU + (C - U)/C, C = cw·ch the enclosing area (+ eps). */
// @ts-ignore: decorator
@inline function giou_loss<T>(liou: v128, iouI: v128, iouU: v128, U: v128, cw: v128, ch: v128, ve: v128): v128 {
  const out = iou_loss<T>(liou, iouI, iouU);
  const C = v128.mul<T>(cw, ch);
  const Ce = v128.add<T>(C, ve);
  dU = v128.sub<T>(dU, v128.div<T>(splat<T>(1), Ce));
  const dC = v128.div<T>(v128.add<T>(U, ve), v128.mul<T>(Ce, Ce));
  dcw = v128.mul<T>(dC, ch);
  dch = v128.mul<T>(dC, cw);
  return v128.add<T>(out, v128.div<T>(v128.sub<T>(C, U), Ce));
}

/** DIoU: 1 - IoU + d²/c², d the distance between the centers and c the enclosing box's diagonal. */
// @ts-ignore: decorator
@inline function diou_loss<T>(liou: v128, iouI: v128, iouU: v128, dist: v128, distDx: v128, distDy: v128, distC: v128, cw: v128, ch: v128): v128 {
  const out = iou_loss<T>(liou, iouI, iouU);
  ddx = distDx;
  ddy = distDy;
  dcw = v128.mul<T>(distC, cw);
  dch = v128.mul<T>(distC, ch);
  return v128.add<T>(out, dist);
}

/** CIoU: DIoU + α·v, α = v/(1 - IoU + v + eps) a constant (torchvision computes it under no_grad). */
// @ts-ignore: decorator
@inline function ciou_loss<T>(liou: v128, iouI: v128, iouU: v128, dist: v128, distDx: v128, distDy: v128, distC: v128, cw: v128, ch: v128, v: v128, ve: v128): v128 {
  const out = diou_loss<T>(liou, iouI, iouU, dist, distDx, distDy, distC, cw, ch);
  const alpha = v128.div<T>(v, v128.add<T>(v128.add<T>(liou, v), ve));
  dv = alpha;
  return v128.add<T>(out, v128.mul<T>(alpha, v));
}

/**
 * EIoU: 1 - IoU + d²/c² + (w1 - w2)²/(cw² + eps) + (h1 - h2)²/(ch² + eps); Focal-EIoU weights it
 * by IoU^γ (a constant): wgt is 1 or that weight.
 */
// @ts-ignore: decorator
@inline function eiou_loss<T>(wgt: v128, liou: v128, iouI: v128, iouU: v128, dist: v128, distDx: v128, distDy: v128, distC: v128,
  cw: v128, ch: v128, w1: v128, h1: v128, w2: v128, h2: v128, ve: v128): v128 {
  const two = splat<T>(2);
  const fw = v128.add<T>(v128.mul<T>(cw, cw), ve), fh = v128.add<T>(v128.mul<T>(ch, ch), ve);
  const ew = v128.sub<T>(w1, w2), eh = v128.sub<T>(h1, h2);
  const sw = v128.div<T>(v128.mul<T>(ew, ew), fw), sh = v128.div<T>(v128.mul<T>(eh, eh), fh);
  dI = v128.neg<T>(v128.mul<T>(wgt, iouI));
  dU = v128.neg<T>(v128.mul<T>(wgt, iouU));
  ddx = v128.mul<T>(wgt, distDx);
  ddy = v128.mul<T>(wgt, distDy);
  const gw = v128.mul<T>(wgt, v128.div<T>(v128.mul<T>(two, ew), fw)), gh = v128.mul<T>(wgt, v128.div<T>(v128.mul<T>(two, eh), fh));
  dw1 = gw;
  dw2 = v128.neg<T>(gw);
  dh1 = gh;
  dh2 = v128.neg<T>(gh);
  dcw = v128.mul<T>(wgt, v128.sub<T>(v128.mul<T>(distC, cw), v128.div<T>(v128.mul<T>(v128.mul<T>(two, sw), cw), fw)));
  dch = v128.mul<T>(wgt, v128.sub<T>(v128.mul<T>(distC, ch), v128.div<T>(v128.mul<T>(v128.mul<T>(two, sh), ch), fh)));
  return v128.mul<T>(wgt, v128.add<T>(v128.add<T>(liou, dist), v128.add<T>(sw, sh)));
}

/**
 * α-IoU: 1 - IoU^α + P^α, P the penalty of the base form (FORM_*: CIoU's adds (βv)^α with β
 * constant, as CIoU's α).
 */
// @ts-ignore: decorator
@inline function alpha_iou_loss<T>(a: f64, form: f64, iou: v128, iouI: v128, iouU: v128, liou: v128, U: v128, cw: v128, ch: v128,
  dist: v128, distDx: v128, distDy: v128, distC: v128, v: v128, ve: v128): v128 {
  const va = splat<T>(a);
  const k = v128.mul<T>(va, vpow<T>(iou, a - 1));
  let out = v128.sub<T>(splat<T>(1), vpow<T>(iou, a));
  dI = v128.neg<T>(v128.mul<T>(k, iouI));
  dU = v128.neg<T>(v128.mul<T>(k, iouU));
  if (form == FORM_GIOU) {
    const C = v128.mul<T>(cw, ch);
    const Ce = v128.add<T>(C, ve);
    // C - U is 0 for nested or equal boxes and can round a hair below it: clamp before the
    // power (a log of a negative is NaN). The derivative is P's own, taken at the clamped
    // value, so it does not jump with the sign of a rounding error.
    const P = v128.div<T>(v128.max<T>(v128.sub<T>(C, U), splat<T>(0)), Ce);
    const kp = v128.mul<T>(va, vpow<T>(P, a - 1));
    out = v128.add<T>(out, vpow<T>(P, a));
    dU = v128.sub<T>(dU, v128.div<T>(kp, Ce));
    const dC = v128.div<T>(v128.mul<T>(kp, v128.add<T>(U, ve)), v128.mul<T>(Ce, Ce));
    dcw = v128.mul<T>(dC, ch);
    dch = v128.mul<T>(dC, cw);
  } else if (form == FORM_DIOU || form == FORM_CIOU) {
    const kp = v128.mul<T>(va, vpow<T>(dist, a - 1));
    out = v128.add<T>(out, vpow<T>(dist, a));
    ddx = v128.mul<T>(kp, distDx);
    ddy = v128.mul<T>(kp, distDy);
    dcw = v128.mul<T>(kp, v128.mul<T>(distC, cw));
    dch = v128.mul<T>(kp, v128.mul<T>(distC, ch));
    if (form == FORM_CIOU) {
      const beta = v128.div<T>(v, v128.add<T>(v128.add<T>(liou, v), ve));
      const bv = v128.mul<T>(beta, v);
      out = v128.add<T>(out, vpow<T>(bv, a));
      dv = v128.mul<T>(v128.mul<T>(va, vpow<T>(bv, a - 1)), beta);
    }
  }
  return out;
}

/**
 * SIoU: 1 - IoU + (Δ + Ω)/2. Angle Λ = 2|dx||dy|/(d² + eps), γ = 2 - Λ; distance
 * Δ = 2 - e^(-γ·rx) - e^(-γ·ry); shape Ω = Σ (1 - e^(-ω))^θ, ω = |w1 - w2|/(max(w1, w2) + eps).
 */
// @ts-ignore: decorator
@inline function siou_loss<T>(theta: f64, liou: v128, iouI: v128, iouU: v128, d2: v128, dx: v128, dy: v128, cw: v128, ch: v128,
  w1: v128, h1: v128, w2: v128, h2: v128, ve: v128): v128 {
  const one = splat<T>(1), half = splat<T>(0.5), two = splat<T>(2);
  const out = iou_loss<T>(liou, iouI, iouU);
  const ax = v128.abs<T>(dx), ay = v128.abs<T>(dy);
  const S = v128.add<T>(d2, ve);
  const lambda = v128.div<T>(v128.mul<T>(two, v128.mul<T>(ax, ay)), S);
  const gamma = v128.sub<T>(two, lambda);
  const fw = v128.add<T>(v128.mul<T>(cw, cw), ve), fh = v128.add<T>(v128.mul<T>(ch, ch), ve);
  const rx = v128.div<T>(v128.mul<T>(dx, dx), fw), ry = v128.div<T>(v128.mul<T>(dy, dy), fh);
  const ex = vexp<T>(v128.neg<T>(v128.mul<T>(gamma, rx))), ey = vexp<T>(v128.neg<T>(v128.mul<T>(gamma, ry)));
  const mw = v128.add<T>(v128.max<T>(w1, w2), ve), mh = v128.add<T>(v128.max<T>(h1, h2), ve);
  const ow = v128.div<T>(v128.abs<T>(v128.sub<T>(w1, w2)), mw), oh = v128.div<T>(v128.abs<T>(v128.sub<T>(h1, h2)), mh);
  const eow = vexp<T>(v128.neg<T>(ow)), eoh = vexp<T>(v128.neg<T>(oh));
  const sw = v128.sub<T>(one, eow), sh = v128.sub<T>(one, eoh);
  const omega = v128.add<T>(vpow<T>(sw, theta), vpow<T>(sh, theta));
  // ∂L/∂Λ = -½(rx·ex + ry·ey)
  const dLambda = v128.neg<T>(v128.mul<T>(half, v128.add<T>(v128.mul<T>(rx, ex), v128.mul<T>(ry, ey))));
  const S2 = v128.mul<T>(S, S);
  const lx = v128.sub<T>(v128.div<T>(v128.mul<T>(two, ay), S), v128.div<T>(v128.mul<T>(v128.mul<T>(two, v128.mul<T>(ax, ay)), v128.mul<T>(two, ax)), S2));
  const ly = v128.sub<T>(v128.div<T>(v128.mul<T>(two, ax), S), v128.div<T>(v128.mul<T>(v128.mul<T>(two, v128.mul<T>(ax, ay)), v128.mul<T>(two, ay)), S2));
  const hgx = v128.mul<T>(half, v128.mul<T>(ex, gamma)), hgy = v128.mul<T>(half, v128.mul<T>(ey, gamma));
  ddx = v128.add<T>(v128.mul<T>(v128.mul<T>(dLambda, lx), sign<T>(dx)), v128.mul<T>(hgx, v128.div<T>(v128.mul<T>(two, dx), fw)));
  ddy = v128.add<T>(v128.mul<T>(v128.mul<T>(dLambda, ly), sign<T>(dy)), v128.mul<T>(hgy, v128.div<T>(v128.mul<T>(two, dy), fh)));
  dcw = v128.neg<T>(v128.mul<T>(hgx, v128.div<T>(v128.mul<T>(v128.mul<T>(dx, dx), v128.mul<T>(two, cw)), v128.mul<T>(fw, fw))));
  dch = v128.neg<T>(v128.mul<T>(hgy, v128.div<T>(v128.mul<T>(v128.mul<T>(dy, dy), v128.mul<T>(two, ch)), v128.mul<T>(fh, fh))));
  const th = splat<T>(0.5 * theta);
  const kw = theta == 0 ? splat<T>(0) : v128.mul<T>(th, v128.mul<T>(vpow<T>(sw, theta - 1), eow));
  const kh = theta == 0 ? splat<T>(0) : v128.mul<T>(th, v128.mul<T>(vpow<T>(sh, theta - 1), eoh));
  const tw = min_share<T>(w2, w1), tth = min_share<T>(h2, h1); // share of the max going to w1, h1
  const sgw = v128.div<T>(sign<T>(v128.sub<T>(w1, w2)), mw), sgh = v128.div<T>(sign<T>(v128.sub<T>(h1, h2)), mh);
  const qw = v128.div<T>(ow, mw), qh = v128.div<T>(oh, mh);
  dw1 = v128.mul<T>(kw, v128.sub<T>(sgw, v128.mul<T>(qw, tw)));
  dw2 = v128.mul<T>(kw, v128.sub<T>(v128.neg<T>(sgw), v128.mul<T>(qw, v128.sub<T>(one, tw))));
  dh1 = v128.mul<T>(kh, v128.sub<T>(sgh, v128.mul<T>(qh, tth)));
  dh2 = v128.mul<T>(kh, v128.sub<T>(v128.neg<T>(sgh), v128.mul<T>(qh, v128.sub<T>(one, tth))));
  return v128.add<T>(out, v128.mul<T>(half, v128.add<T>(v128.sub<T>(v128.sub<T>(two, ex), ey), omega)));
}

/**
 * Wise-IoU: R·(1 - IoU), R = exp(d²/c²) with c² constant; v3 (v3 true) scales by
 * r = β/(δ·α^(β-δ)), β = (1 - IoU)/mean a constant: mean p1, α p2, δ p3.
 */
// @ts-ignore: decorator
@inline function wise_iou_loss<T>(v3: bool, mean: f64, alpha: f64, delta: f64, liou: v128, iouI: v128, iouU: v128,
  dist: v128, c2: v128, dx: v128, dy: v128): v128 {
  const R = vexp_any<T>(dist);
  let r = splat<T>(1);
  if (v3) {
    const beta = v128.div<T>(liou, splat<T>(mean));
    const pw = vexp_any<T>(v128.mul<T>(v128.sub<T>(beta, splat<T>(delta)), splat<T>(log64(alpha))));
    r = v128.div<T>(beta, v128.mul<T>(splat<T>(delta), pw));
  }
  const rR = v128.mul<T>(r, R);
  dI = v128.neg<T>(v128.mul<T>(rR, iouI));
  dU = v128.neg<T>(v128.mul<T>(rR, iouU));
  const k = v128.div<T>(v128.mul<T>(v128.mul<T>(rR, liou), splat<T>(2)), c2);
  ddx = v128.mul<T>(k, dx);
  ddy = v128.mul<T>(k, dy);
  return v128.mul<T>(rR, liou);
}

/**
 * CIoU's aspect term through v = K·t², t = atan(w2/h2) - atan(w1/h1): adds dv·∂v/∂(w, h) to the
 * size partials. ∂v/∂w1 = -2Kt·h1/(w1² + h1²), ∂v/∂h1 = 2Kt·w1/(w1² + h1²), opposite for box 2.
 */
// @ts-ignore: decorator
@inline function aspect<T>(t: v128, w1: v128, h1: v128, w2: v128, h2: v128): void {
  const k = v128.mul<T>(dv, v128.mul<T>(splat<T>(2 * CIOU_K), t));
  const r1 = v128.div<T>(k, v128.add<T>(v128.mul<T>(w1, w1), v128.mul<T>(h1, h1)));
  const r2 = v128.div<T>(k, v128.add<T>(v128.mul<T>(w2, w2), v128.mul<T>(h2, h2)));
  dw1 = v128.sub<T>(dw1, v128.mul<T>(r1, h1));
  dh1 = v128.add<T>(dh1, v128.mul<T>(r1, w1));
  dw2 = v128.add<T>(dw2, v128.mul<T>(r2, h2));
  dh2 = v128.sub<T>(dh2, v128.mul<T>(r2, w2));
}

/**
 * Σ of the n pair losses: the shared geometry, the loss of `kind` (one function above each), the
 * chain rule back to the coordinates. b1, b2: n × 4 (AoS); loss (n), g1, g2 (n × 4) and gradRow (n) may be 0;
 * scratch: 16·(n + L) values of T. Gradients are scaled by gradScale (and gradRow).
 * Parameters: see BoxLossSpec in src/reference/box-iou.ts (p1, p2, p3).
 */
export function box_loss<T>(n: i32, kind: i32, b1: usize, b2: usize, loss: usize, g1: usize, g2: usize, gradRow: usize,
  gradScale: f64, eps: f64, p1: f64, p2: f64, p3: f64, scratch: usize): f64 {
  const L = lanes<T>();
  const bytes = <usize>sizeof<T>();
  const nL = (n + L - 1) / L * L;
  const plane = <usize>nL * bytes;
  // SoA planes: 0-3 boxes1, 4-7 boxes2, 8-15 their gradients. Padding lanes hold unit boxes.
  for (let i = 0; i < nL; i++) {
    for (let c = 0; c < 4; c++) {
      const off = (<usize>i << 2) + <usize>c;
      store<T>(scratch + <usize>c * plane + <usize>i * bytes, i < n ? load<T>(b1 + off * bytes) : <T>(c >> 1));
      store<T>(scratch + <usize>(c + 4) * plane + <usize>i * bytes, i < n ? load<T>(b2 + off * bytes) : <T>(c >> 1));
    }
  }
  const zero = splat<T>(0);
  const one = splat<T>(1);
  const half = splat<T>(0.5);
  const two = splat<T>(2);
  const ve = splat<T>(eps);
  const aspectTerm = kind == CIOU || (kind == ALPHA_IOU && p2 == FORM_CIOU);
  let total: f64 = 0;
  for (let i = 0; i < nL; i += L) {
    const off = <usize>i * bytes;
    const x1 = v128.load(scratch + off), y1 = v128.load(scratch + plane + off);
    const x2 = v128.load(scratch + 2 * plane + off), y2 = v128.load(scratch + 3 * plane + off);
    const X1 = v128.load(scratch + 4 * plane + off), Y1 = v128.load(scratch + 5 * plane + off);
    const X2 = v128.load(scratch + 6 * plane + off), Y2 = v128.load(scratch + 7 * plane + off);

    // geometry
    const iw = v128.sub<T>(v128.min<T>(x2, X2), v128.max<T>(x1, X1));
    const ih = v128.sub<T>(v128.min<T>(y2, Y2), v128.max<T>(y1, Y1));
    const inside = v128.and(v128.gt<T>(iw, zero), v128.gt<T>(ih, zero));
    const w1 = v128.sub<T>(x2, x1), h1 = v128.sub<T>(y2, y1), w2 = v128.sub<T>(X2, X1), h2 = v128.sub<T>(Y2, Y1);
    const I = v128.and(v128.mul<T>(iw, ih), inside);
    const U = v128.sub<T>(v128.add<T>(v128.mul<T>(w1, h1), v128.mul<T>(w2, h2)), I);
    const cw = v128.sub<T>(v128.max<T>(x2, X2), v128.min<T>(x1, X1));
    const ch = v128.sub<T>(v128.max<T>(y2, Y2), v128.min<T>(y1, Y1));
    const dx = v128.mul<T>(half, v128.sub<T>(v128.add<T>(x1, x2), v128.add<T>(X1, X2)));
    const dy = v128.mul<T>(half, v128.sub<T>(v128.add<T>(y1, y2), v128.add<T>(Y1, Y2)));

    // IoU and the center distance, which most losses share
    const vie = kind == CIOU ? splat<T>(1e-7) : ve; // CIoU's IoU and distance: torchvision's fixed 1e-7
    const Ue = v128.add<T>(U, vie);
    const iou = v128.div<T>(I, Ue);
    const iouI = v128.div<T>(one, Ue); // ∂iou/∂I
    const iouU = v128.neg<T>(v128.div<T>(iou, Ue)); // ∂iou/∂U
    const d2 = v128.add<T>(v128.mul<T>(dx, dx), v128.mul<T>(dy, dy));
    const c2 = v128.add<T>(v128.add<T>(v128.mul<T>(cw, cw), v128.mul<T>(ch, ch)), vie);
    const dist = v128.div<T>(d2, c2);
    const distDx = v128.div<T>(v128.mul<T>(two, dx), c2); // ∂(d²/c²)/∂dx
    const distDy = v128.div<T>(v128.mul<T>(two, dy), c2);
    const distC = v128.neg<T>(v128.div<T>(v128.mul<T>(two, dist), c2)); // ∂(d²/c²)/∂cw = distC·cw
    const liou = v128.sub<T>(one, iou);
    // CIoU's aspect term v = K·t², t = atan(w2/h2) - atan(w1/h1)
    const t = aspectTerm ? v128.sub<T>(vatan<T>(v128.div<T>(w2, h2)), vatan<T>(v128.div<T>(w1, h1))) : zero;
    const v = v128.mul<T>(splat<T>(CIOU_K), v128.mul<T>(t, t));

    // the loss, which sets ∂L/∂Q
    dI = dU = dcw = dch = ddx = ddy = dw1 = dh1 = dw2 = dh2 = dv = zero;
    let out: v128;
    switch (kind) {
      case IOU: out = iou_loss<T>(liou, iouI, iouU); break;
      case GIOU: out = giou_loss<T>(liou, iouI, iouU, U, cw, ch, ve); break;
      case DIOU: out = diou_loss<T>(liou, iouI, iouU, dist, distDx, distDy, distC, cw, ch); break;
      case CIOU: out = ciou_loss<T>(liou, iouI, iouU, dist, distDx, distDy, distC, cw, ch, v, ve); break;
      case EIOU: out = eiou_loss<T>(one, liou, iouI, iouU, dist, distDx, distDy, distC, cw, ch, w1, h1, w2, h2, ve); break;
      case FOCAL_EIOU: out = eiou_loss<T>(vpow<T>(iou, p1), liou, iouI, iouU, dist, distDx, distDy, distC, cw, ch, w1, h1, w2, h2, ve); break;
      case ALPHA_IOU: out = alpha_iou_loss<T>(p1, p2, iou, iouI, iouU, liou, U, cw, ch, dist, distDx, distDy, distC, v, ve); break;
      case SIOU: out = siou_loss<T>(p1, liou, iouI, iouU, d2, dx, dy, cw, ch, w1, h1, w2, h2, ve); break;
      default: out = wise_iou_loss<T>(kind == WIOU_V3, p1, p2, p3, liou, iouI, iouU, dist, c2, dx, dy);
    }
    if (aspectTerm) aspect<T>(t, w1, h1, w2, h2);

    if (loss) v128.store(loss + off, out);
    if (i + L <= n) total += hsum<T>(out);
    else for (let j = 0; j < n - i; j++) total += <f64>lane<T>(out, j);
    if (!g1) continue;

    // the chain rule through the geometry, times the upstream gradient
    const up = gradRow ? v128.mul<T>(splat<T>(gradScale), v128.load(gradRow + off)) : splat<T>(gradScale);
    const gI = v128.sub<T>(dI, dU);
    const giw = v128.and(v128.mul<T>(gI, ih), inside);
    const gih = v128.and(v128.mul<T>(gI, iw), inside);
    const gw1 = v128.add<T>(dw1, v128.mul<T>(dU, h1)), gh1 = v128.add<T>(dh1, v128.mul<T>(dU, w1));
    const gw2 = v128.add<T>(dw2, v128.mul<T>(dU, h2)), gh2 = v128.add<T>(dh2, v128.mul<T>(dU, w2));
    const hx = v128.mul<T>(half, ddx), hy = v128.mul<T>(half, ddy);
    // x: lo1 = x1, hi1 = x2, lo2 = X1, hi2 = X2 (and the same for y)
    const gx1 = v128.sub<T>(v128.sub<T>(v128.sub<T>(hx, gw1), v128.mul<T>(giw, min_share<T>(X1, x1))), v128.mul<T>(dcw, min_share<T>(x1, X1)));
    const gx2 = v128.add<T>(v128.add<T>(v128.add<T>(gw1, hx), v128.mul<T>(giw, min_share<T>(x2, X2))), v128.mul<T>(dcw, min_share<T>(X2, x2)));
    const gX1 = v128.sub<T>(v128.sub<T>(v128.neg<T>(v128.add<T>(gw2, hx)), v128.mul<T>(giw, min_share<T>(x1, X1))), v128.mul<T>(dcw, min_share<T>(X1, x1)));
    const gX2 = v128.add<T>(v128.add<T>(v128.sub<T>(gw2, hx), v128.mul<T>(giw, min_share<T>(X2, x2))), v128.mul<T>(dcw, min_share<T>(x2, X2)));
    const gy1 = v128.sub<T>(v128.sub<T>(v128.sub<T>(hy, gh1), v128.mul<T>(gih, min_share<T>(Y1, y1))), v128.mul<T>(dch, min_share<T>(y1, Y1)));
    const gy2 = v128.add<T>(v128.add<T>(v128.add<T>(gh1, hy), v128.mul<T>(gih, min_share<T>(y2, Y2))), v128.mul<T>(dch, min_share<T>(Y2, y2)));
    const gY1 = v128.sub<T>(v128.sub<T>(v128.neg<T>(v128.add<T>(gh2, hy)), v128.mul<T>(gih, min_share<T>(y1, Y1))), v128.mul<T>(dch, min_share<T>(Y1, y1)));
    const gY2 = v128.add<T>(v128.add<T>(v128.sub<T>(gh2, hy), v128.mul<T>(gih, min_share<T>(Y2, y2))), v128.mul<T>(dch, min_share<T>(y2, Y2)));
    const gp = scratch + 8 * plane + off;
    v128.store(gp, v128.mul<T>(gx1, up));
    v128.store(gp + plane, v128.mul<T>(gy1, up));
    v128.store(gp + 2 * plane, v128.mul<T>(gx2, up));
    v128.store(gp + 3 * plane, v128.mul<T>(gy2, up));
    v128.store(gp + 4 * plane, v128.mul<T>(gX1, up));
    v128.store(gp + 5 * plane, v128.mul<T>(gY1, up));
    v128.store(gp + 6 * plane, v128.mul<T>(gX2, up));
    v128.store(gp + 7 * plane, v128.mul<T>(gY2, up));
  }
  if (g1) {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 4; c++) {
        const off = ((<usize>i << 2) + <usize>c) * bytes;
        store<T>(g1 + off, load<T>(scratch + <usize>(8 + c) * plane + <usize>i * bytes));
        store<T>(g2 + off, load<T>(scratch + <usize>(12 + c) * plane + <usize>i * bytes));
      }
    }
  }
  return total;
}
