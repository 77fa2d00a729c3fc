// float64 reference of the box-regression losses (docs/semantics.md §13), one pair of
// boxes (x1, y1, x2, y2) at a time. Every loss is a function of the pair's geometry
//   Q = (I, U, cw, ch, dx, dy, w1, h1, w2, h2)
// (intersection, union, enclosing box size, center offset, the two sizes): a loss returns its value
// and ∂L/∂Q, and one chain rule through the geometry (boxGradients) gives the coordinate gradients,
// with torchvision's autograd conventions (min/max ties split 0.5/0.5, no gradient through an
// empty intersection). Factors the papers' code detaches are constants here too.
export type BoxLossKind = 'iou' | 'giou' | 'diou' | 'ciou' | 'eiou' | 'focal-eiou' | 'alpha-iou' | 'siou' | 'wiou-v1' | 'wiou-v3';
export type AlphaIouForm = 'iou' | 'giou' | 'diou' | 'ciou';

/**
 * A loss and its parameters, by name (every field set; the ones a kind does not use are 0). The
 * kernel takes them packed as p1, p2, p3 (src/losses/box-iou.ts packs them): the reference does
 * not share that packing, so a packing bug shows in the kernel-against-reference tests.
 */
export interface BoxLossSpec {
  kind: BoxLossKind;
  eps: number;
  /** focal-eiou: γ. */
  gamma: number;
  /** alpha-iou: α; wiou-v3: α. */
  alpha: number;
  /** alpha-iou: the base loss. */
  form: AlphaIouForm;
  /** siou: θ. */
  theta: number;
  /** wiou-v3: the running mean of 1 - IoU (after this call's update). */
  iouMean: number;
  /** wiou-v3: δ. */
  delta: number;
}

/** A spec of `kind` with the parameters not given at 0 (and the alpha-iou form 'iou'). */
export function boxLossSpec(kind: BoxLossKind, eps: number, given: Partial<Omit<BoxLossSpec, 'kind' | 'eps'>> = {}): BoxLossSpec {
  const s: BoxLossSpec = { kind, eps, gamma: 0, alpha: 0, form: 'iou', theta: 0, iouMean: 0, delta: 0 };
  for (const key of ['gamma', 'alpha', 'theta', 'iouMean', 'delta'] as const) if (Object.prototype.hasOwnProperty.call(given, key)) s[key] = given[key]!;
  if (Object.prototype.hasOwnProperty.call(given, 'form')) s.form = given.form!;
  return s;
}

/** 4/π², CIoU's aspect-ratio constant (torchvision computes it in double). */
export const CIOU_K = 4 / (Math.PI * Math.PI);

interface Geometry {
  I: number; U: number; cw: number; ch: number; dx: number; dy: number; w1: number; h1: number; w2: number; h2: number;
  iw: number; ih: number;
}

/** ∂L/∂Q, named after Q's members. */
type Partials = Record<'I' | 'U' | 'cw' | 'ch' | 'dx' | 'dy' | 'w1' | 'h1' | 'w2' | 'h2', number>;

function geometry(a: ArrayLike<number>, b: ArrayLike<number>): Geometry {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  const w1 = a[2] - a[0], h1 = a[3] - a[1], w2 = b[2] - b[0], h2 = b[3] - b[1];
  const I = iw > 0 && ih > 0 ? iw * ih : 0;
  return {
    I, U: w1 * h1 + w2 * h2 - I, iw, ih, w1, h1, w2, h2,
    cw: Math.max(a[2], b[2]) - Math.min(a[0], b[0]),
    ch: Math.max(a[3], b[3]) - Math.min(a[1], b[1]),
    dx: (a[0] + a[2]) / 2 - (b[0] + b[2]) / 2,
    dy: (a[1] + a[3]) / 2 - (b[1] + b[3]) / 2,
  };
}

/** x^k for x >= 0, with 0^0 = 1. */
function pow(x: number, k: number): number {
  return k === 0 ? 1 : Math.pow(x, k);
}

/** The loss of one pair and ∂L/∂Q. */
export function boxLossOfGeometry(q: Geometry, s: BoxLossSpec): { L: number; d: Partials } {
  const { I, U, cw, ch, dx, dy, w1, h1, w2, h2 } = q;
  const e = s.eps;
  const d: Partials = { I: 0, U: 0, cw: 0, ch: 0, dx: 0, dy: 0, w1: 0, h1: 0, w2: 0, h2: 0 };
  // CIoU's IoU and distance use torchvision's fixed 1e-7; the user's eps enters only its α
  const ie = s.kind === 'ciou' ? 1e-7 : e;
  const iou = I / (U + ie);
  /** adds k·∂iou to d */
  const dIou = (k: number) => {
    d.I += k / (U + ie);
    d.U -= (k * I) / ((U + ie) * (U + ie));
  };
  const c2 = cw * cw + ch * ch + ie;
  const d2 = dx * dx + dy * dy;
  /** adds k·∂(d²/c²) */
  const dDist = (k: number) => {
    d.dx += (k * 2 * dx) / c2;
    d.dy += (k * 2 * dy) / c2;
    d.cw -= (k * d2 * 2 * cw) / (c2 * c2);
    d.ch -= (k * d2 * 2 * ch) / (c2 * c2);
  };
  /** CIoU's v = K(atan(w2/h2) - atan(w1/h1))²; adds k·∂v */
  const t = Math.atan(w2 / h2) - Math.atan(w1 / h1);
  const v = CIOU_K * t * t;
  const dV = (k: number) => {
    const c = k * 2 * CIOU_K * t;
    d.w1 -= (c * h1) / (w1 * w1 + h1 * h1);
    d.h1 += (c * w1) / (w1 * w1 + h1 * h1);
    d.w2 += (c * h2) / (w2 * w2 + h2 * h2);
    d.h2 -= (c * w2) / (w2 * w2 + h2 * h2);
  };
  /** EIoU's size terms (w1 - w2)²/(cw² + eps) + (h1 - h2)²/(ch² + eps); adds k·∂ */
  const eiouSize = (w1 - w2) ** 2 / (cw * cw + e) + (h1 - h2) ** 2 / (ch * ch + e);
  const dSize = (k: number) => {
    const fw = cw * cw + e, fh = ch * ch + e;
    d.w1 += (k * 2 * (w1 - w2)) / fw;
    d.w2 -= (k * 2 * (w1 - w2)) / fw;
    d.h1 += (k * 2 * (h1 - h2)) / fh;
    d.h2 -= (k * 2 * (h1 - h2)) / fh;
    d.cw -= (k * (w1 - w2) ** 2 * 2 * cw) / (fw * fw);
    d.ch -= (k * (h1 - h2) ** 2 * 2 * ch) / (fh * fh);
  };
  switch (s.kind) {
    case 'iou':
      dIou(-1);
      return { L: 1 - iou, d };
    case 'giou': {
      const C = cw * ch;
      dIou(-1);
      d.U -= 1 / (C + e);
      const dC = (U + e) / ((C + e) * (C + e));
      d.cw += dC * ch;
      d.ch += dC * cw;
      return { L: 1 - iou + (C - U) / (C + e), d };
    }
    case 'diou':
      dIou(-1);
      dDist(1);
      return { L: 1 - iou + d2 / c2, d };
    case 'ciou': {
      const alpha = v / (1 - iou + v + e); // no gradient (torchvision: under no_grad)
      dIou(-1);
      dDist(1);
      dV(alpha);
      return { L: 1 - iou + d2 / c2 + alpha * v, d };
    }
    case 'eiou':
    case 'focal-eiou': {
      const w = s.kind === 'eiou' ? 1 : pow(iou, s.gamma); // IoU^γ, detached
      dIou(-w);
      dDist(w);
      dSize(w);
      return { L: w * (1 - iou + d2 / c2 + eiouSize), d };
    }
    case 'alpha-iou': {
      const a = s.alpha;
      const form = s.form;
      dIou(-a * pow(iou, a - 1));
      let L = 1 - pow(iou, a);
      if (form === 'giou') {
        const C = cw * ch;
        // clamped at 0: C - U rounds a hair below 0 for nested boxes, and P^α of a negative is NaN;
        // the derivative is P's own at the clamped value (it must not jump with a rounding error)
        const P = Math.max(C - U, 0) / (C + e);
        const k = a * pow(P, a - 1);
        d.U -= k / (C + e);
        const dC = (k * (U + e)) / ((C + e) * (C + e));
        d.cw += dC * ch;
        d.ch += dC * cw;
        L += pow(P, a);
      } else if (form === 'diou' || form === 'ciou') {
        const P = d2 / c2;
        dDist(a * pow(P, a - 1));
        L += pow(P, a);
        if (form === 'ciou') {
          const beta = v / (1 - iou + v + e); // detached, as CIoU's α
          dV(a * pow(beta * v, a - 1) * beta);
          L += pow(beta * v, a);
        }
      }
      return { L, d };
    }
    case 'siou': {
      // angle Λ = sin(2·arcsin(|dy|/σ)) = 2|dx||dy|/σ², σ² = dx² + dy² (+ eps)
      const ax = Math.abs(dx), ay = Math.abs(dy);
      const S = d2 + e;
      const lambda = (2 * ax * ay) / S;
      const gamma = 2 - lambda;
      const fw = cw * cw + e, fh = ch * ch + e;
      const rx = (dx * dx) / fw, ry = (dy * dy) / fh;
      const ex = Math.exp(-gamma * rx), ey = Math.exp(-gamma * ry);
      const delta = 2 - ex - ey;
      // shape Ω = Σ (1 - e^(-ω))^θ, ω = |w1 - w2| / (max(w1, w2) + eps)
      const theta = s.theta;
      const mw = Math.max(w1, w2) + e, mh = Math.max(h1, h2) + e;
      const ow = Math.abs(w1 - w2) / mw, oh = Math.abs(h1 - h2) / mh;
      const sw = 1 - Math.exp(-ow), sh = 1 - Math.exp(-oh);
      const omega = pow(sw, theta) + pow(sh, theta);
      dIou(-1);
      // ∂Δ = ex·(γ∂rx + rx∂γ) + ey·(γ∂ry + ry∂γ), ∂γ = -∂Λ
      const dGamma = 0.5 * (ex * rx + ey * ry);
      const dLambda = -dGamma;
      d.dx += dLambda * ((2 * ay) / S - (2 * ax * ay * 2 * ax) / (S * S)) * Math.sign(dx);
      d.dy += dLambda * ((2 * ax) / S - (2 * ax * ay * 2 * ay) / (S * S)) * Math.sign(dy);
      d.dx += 0.5 * ex * gamma * ((2 * dx) / fw);
      d.dy += 0.5 * ey * gamma * ((2 * dy) / fh);
      d.cw -= 0.5 * ex * gamma * ((dx * dx * 2 * cw) / (fw * fw));
      d.ch -= 0.5 * ey * gamma * ((dy * dy * 2 * ch) / (fh * fh));
      // ∂Ω/∂ω = θ(1 - e^(-ω))^(θ-1)·e^(-ω); ω's max splits a tie 0.5/0.5
      const kw = theta === 0 ? 0 : 0.5 * theta * pow(sw, theta - 1) * Math.exp(-ow);
      const kh = theta === 0 ? 0 : 0.5 * theta * pow(sh, theta - 1) * Math.exp(-oh);
      const tw = w1 > w2 ? 1 : w1 === w2 ? 0.5 : 0, th = h1 > h2 ? 1 : h1 === h2 ? 0.5 : 0;
      const sgw = Math.sign(w1 - w2), sgh = Math.sign(h1 - h2);
      d.w1 += kw * (sgw / mw - (ow / mw) * tw);
      d.w2 += kw * (-sgw / mw - (ow / mw) * (1 - tw));
      d.h1 += kh * (sgh / mh - (oh / mh) * th);
      d.h2 += kh * (-sgh / mh - (oh / mh) * (1 - th));
      return { L: 1 - iou + (delta + omega) / 2, d };
    }
    case 'wiou-v1':
    case 'wiou-v3': {
      // R = exp(d²/(cw² + ch²)*), the denominator detached; v3 scales by r = β/(δ·α^(β-δ)), β = (1 - IoU)*/mean
      const R = Math.exp(d2 / c2);
      const li = 1 - iou;
      let r = 1;
      if (s.kind === 'wiou-v3') {
        const beta = li / s.iouMean;
        r = beta / (s.delta * Math.pow(s.alpha, beta - s.delta));
      }
      dIou(-r * R);
      d.dx += (r * li * R * 2 * dx) / c2;
      d.dy += (r * li * R * 2 * dy) / c2;
      return { L: r * R * li, d };
    }
  }
}

/** The share of min(a, b) (or max) that goes to a: 1, 0, or 0.5 on a tie (PyTorch). */
function minShare(a: number, b: number): number {
  return a < b ? 1 : a === b ? 0.5 : 0;
}

/** ∂L/∂(box1) and ∂L/∂(box2) from ∂L/∂Q, through the geometry. */
export function boxGradients(a: ArrayLike<number>, b: ArrayLike<number>, q: Geometry, d: Partials): [number[], number[]] {
  const gI = d.I - d.U;
  const inside = q.iw > 0 && q.ih > 0 ? 1 : 0;
  const giw = gI * q.ih * inside, gih = gI * q.iw * inside;
  const gw1 = d.w1 + d.U * q.h1, gh1 = d.h1 + d.U * q.w1;
  const gw2 = d.w2 + d.U * q.h2, gh2 = d.h2 + d.U * q.w2;
  const axis = (lo1: number, hi1: number, lo2: number, hi2: number, gw: number, gwg: number, gi: number, gc: number, gd: number) => [
    // lo1, hi1, lo2, hi2
    -gw + gd / 2 - gi * minShare(lo2, lo1) - gc * minShare(lo1, lo2),
    gw + gd / 2 + gi * minShare(hi1, hi2) + gc * minShare(hi2, hi1),
    -gwg - gd / 2 - gi * minShare(lo1, lo2) - gc * minShare(lo2, lo1),
    gwg - gd / 2 + gi * minShare(hi2, hi1) + gc * minShare(hi1, hi2),
  ];
  const [x1, x2, X1, X2] = axis(a[0], a[2], b[0], b[2], gw1, gw2, giw, d.cw, d.dx);
  const [y1, y2, Y1, Y2] = axis(a[1], a[3], b[1], b[3], gh1, gh2, gih, d.ch, d.dy);
  return [[x1, y1, x2, y2], [X1, Y1, X2, Y2]];
}

/** Per-pair losses over n pairs of boxes (n × 4 each), and the gradients times gradScale·gradRow. */
export function boxLossReference(b1: ArrayLike<number>, b2: ArrayLike<number>, n: number, s: BoxLossSpec, wantGrad: boolean,
  gradRow: ArrayLike<number> | null, gradScale: number): { elementLoss: Float64Array; total: number; grads: Float64Array[] } {
  const elementLoss = new Float64Array(n);
  const grads = wantGrad ? [new Float64Array(4 * n), new Float64Array(4 * n)] : [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const a = [b1[4 * i], b1[4 * i + 1], b1[4 * i + 2], b1[4 * i + 3]];
    const b = [b2[4 * i], b2[4 * i + 1], b2[4 * i + 2], b2[4 * i + 3]];
    const q = geometry(a, b);
    const { L, d } = boxLossOfGeometry(q, s);
    elementLoss[i] = L;
    total += L;
    if (!wantGrad) continue;
    const k = gradScale * (gradRow ? gradRow[i] : 1);
    const [g1, g2] = boxGradients(a, b, q, d);
    for (let j = 0; j < 4; j++) {
      grads[0][4 * i + j] = g1[j] * k;
      grads[1][4 * i + j] = g2[j] * k;
    }
  }
  return { elementLoss, total, grads };
}
