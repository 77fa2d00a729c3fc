// The wasm ABI: every kernel, instantiated for f32 and f64. Nothing else lives here.
// Arguments: sizes first, then byte pointers, then scalars (see docs/CONTRACT.md).
import { cross_entropy, nll } from './kernels/cross-entropy';
import { sigmoid_bwd, sigmoid_fwd, softmax_bwd, softmax_fwd } from './kernels/softmax';
import { exp_f32x4, exp_f64x2, log_f32x4, log_f64x2 } from './simd/math';

/** Start of free linear memory: the TypeScript arena allocates from here. */
export function heap_base(): usize {
  return __heap_base;
}

// ---- softmax family ----
export function f32_softmax_fwd(rows: i32, n: i32, x: usize, out: usize, log: i32): void { softmax_fwd<f32>(rows, n, x, out, log); }
export function f64_softmax_fwd(rows: i32, n: i32, x: usize, out: usize, log: i32): void { softmax_fwd<f64>(rows, n, x, out, log); }
export function f32_softmax_bwd(rows: i32, n: i32, y: usize, g: usize, dx: usize, log: i32): void { softmax_bwd<f32>(rows, n, y, g, dx, log); }
export function f64_softmax_bwd(rows: i32, n: i32, y: usize, g: usize, dx: usize, log: i32): void { softmax_bwd<f64>(rows, n, y, g, dx, log); }
export function f32_sigmoid_fwd(n: i32, x: usize, out: usize): void { sigmoid_fwd<f32>(n, x, out); }
export function f64_sigmoid_fwd(n: i32, x: usize, out: usize): void { sigmoid_fwd<f64>(n, x, out); }
export function f32_sigmoid_bwd(n: i32, y: usize, g: usize, dx: usize): void { sigmoid_bwd<f32>(n, y, g, dx); }
export function f64_sigmoid_bwd(n: i32, y: usize, g: usize, dx: usize): void { sigmoid_bwd<f64>(n, y, g, dx); }

// ---- cross-entropy family ----
export function f32_cross_entropy(rows: i32, C: i32, logits: usize, targets: usize, probs: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, scratch: usize, smoothing: f64, gradScale: f64): f64 {
  return cross_entropy<f32>(rows, C, logits, targets, probs, weight, rowLoss, grad, gradRow, scratch, smoothing, gradScale);
}
export function f64_cross_entropy(rows: i32, C: i32, logits: usize, targets: usize, probs: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, scratch: usize, smoothing: f64, gradScale: f64): f64 {
  return cross_entropy<f64>(rows, C, logits, targets, probs, weight, rowLoss, grad, gradRow, scratch, smoothing, gradScale);
}
export function f32_nll(N: i32, C: i32, inner: i32, input: usize, targets: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  return nll<f32>(N, C, inner, input, targets, weight, rowLoss, grad, gradRow, gradScale);
}
export function f64_nll(N: i32, C: i32, inner: i32, input: usize, targets: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 {
  return nll<f64>(N, C, inner, input, targets, weight, rowLoss, grad, gradRow, gradScale);
}

// ---- the vector math itself, elementwise over arrays (for the accuracy tests) ----
export function f32_exp(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), exp_f32x4(v128.load(x + (<usize>i << 2))));
}
export function f64_exp(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 2) v128.store(out + (<usize>i << 3), exp_f64x2(v128.load(x + (<usize>i << 3))));
}
export function f32_log(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 4) v128.store(out + (<usize>i << 2), log_f32x4(v128.load(x + (<usize>i << 2))));
}
export function f64_log(n: i32, x: usize, out: usize): void {
  for (let i = 0; i < n; i += 2) v128.store(out + (<usize>i << 3), log_f64x2(v128.load(x + (<usize>i << 3))));
}

// ---- binary-cross-entropy family ----
import { bce, bce_logits } from './kernels/binary-cross-entropy';
export function f32_bce(n: i32, x: usize, t: usize, w: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return bce<f32>(n, x, t, w, loss, grad, gradRow, gradScale); }
export function f64_bce(n: i32, x: usize, t: usize, w: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return bce<f64>(n, x, t, w, loss, grad, gradRow, gradScale); }
export function f32_bce_logits(n: i32, x: usize, t: usize, w: usize, pw: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return bce_logits<f32>(n, x, t, w, pw, loss, grad, gradRow, gradScale); }
export function f64_bce_logits(n: i32, x: usize, t: usize, w: usize, pw: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return bce_logits<f64>(n, x, t, w, pw, loss, grad, gradRow, gradScale); }

// ---- regression family ----
import { huber, l1, mse, smooth_l1 } from './kernels/regression';
export function f32_mse(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 { return mse<f32>(n, x, y, loss, grad, gradTarget, gradRow, gradScale); }
export function f64_mse(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 { return mse<f64>(n, x, y, loss, grad, gradTarget, gradRow, gradScale); }
export function f32_l1(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 { return l1<f32>(n, x, y, loss, grad, gradTarget, gradRow, gradScale); }
export function f64_l1(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, gradScale: f64): f64 { return l1<f64>(n, x, y, loss, grad, gradTarget, gradRow, gradScale); }
export function f32_smooth_l1(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, beta: f64, gradScale: f64): f64 { return smooth_l1<f32>(n, x, y, loss, grad, gradTarget, gradRow, beta, gradScale); }
export function f64_smooth_l1(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, beta: f64, gradScale: f64): f64 { return smooth_l1<f64>(n, x, y, loss, grad, gradTarget, gradRow, beta, gradScale); }
export function f32_huber(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, delta: f64, gradScale: f64): f64 { return huber<f32>(n, x, y, loss, grad, gradTarget, gradRow, delta, gradScale); }
export function f64_huber(n: i32, x: usize, y: usize, loss: usize, grad: usize, gradTarget: usize, gradRow: usize, delta: f64, gradScale: f64): f64 { return huber<f64>(n, x, y, loss, grad, gradTarget, gradRow, delta, gradScale); }

// ---- cosine-similarity family ----
import { cosine_similarity } from './kernels/cosine-similarity';
export function f32_cosine_similarity(rows: i32, D: i32, a: usize, b: usize, out: usize, ga: usize, gb: usize, gradRow: usize, eps: f64, addEps: bool): void { cosine_similarity<f32>(rows, D, a, b, out, ga, gb, gradRow, eps, addEps); }
export function f64_cosine_similarity(rows: i32, D: i32, a: usize, b: usize, out: usize, ga: usize, gb: usize, gradRow: usize, eps: f64, addEps: bool): void { cosine_similarity<f64>(rows, D, a, b, out, ga, gb, gradRow, eps, addEps); }

// ---- kl-div family ----
import { kl_div } from './kernels/kl-div';
export function f32_kl_div(n: i32, x: usize, t: usize, loss: usize, gradInput: usize, gradTarget: usize, gradRow: usize, logTarget: i32, gradScale: f64): f64 { return kl_div<f32>(n, x, t, loss, gradInput, gradTarget, gradRow, logTarget, gradScale); }
export function f64_kl_div(n: i32, x: usize, t: usize, loss: usize, gradInput: usize, gradTarget: usize, gradRow: usize, logTarget: i32, gradScale: f64): f64 { return kl_div<f64>(n, x, t, loss, gradInput, gradTarget, gradRow, logTarget, gradScale); }

// ---- margin family ----
import { hinge_embedding, margin_ranking, soft_margin } from './kernels/margin';
export function f32_hinge_embedding(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, margin: f64, gradScale: f64): f64 { return hinge_embedding<f32>(n, x, t, loss, grad, gradRow, margin, gradScale); }
export function f64_hinge_embedding(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, margin: f64, gradScale: f64): f64 { return hinge_embedding<f64>(n, x, t, loss, grad, gradRow, margin, gradScale); }
export function f32_soft_margin(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return soft_margin<f32>(n, x, t, loss, grad, gradRow, gradScale); }
export function f64_soft_margin(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return soft_margin<f64>(n, x, t, loss, grad, gradRow, gradScale); }
export function f32_margin_ranking(n: i32, x1: usize, x2: usize, y: usize, loss: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, margin: f64, gradScale: f64): f64 { return margin_ranking<f32>(n, x1, x2, y, loss, g1, g2, g3, gradRow, margin, gradScale); }
export function f64_margin_ranking(n: i32, x1: usize, x2: usize, y: usize, loss: usize, g1: usize, g2: usize, g3: usize, gradRow: usize, margin: f64, gradScale: f64): f64 { return margin_ranking<f64>(n, x1, x2, y, loss, g1, g2, g3, gradRow, margin, gradScale); }

// ---- multi-margin family ----
import { multi_margin, multilabel_margin } from './kernels/multi-margin';
export function f32_multi_margin(n: i32, C: i32, x: usize, target: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, p: i32, margin: f64, gradScale: f64): f64 { return multi_margin<f32>(n, C, x, target, weight, rowLoss, grad, gradRow, p, margin, gradScale); }
export function f64_multi_margin(n: i32, C: i32, x: usize, target: usize, weight: usize, rowLoss: usize, grad: usize, gradRow: usize, p: i32, margin: f64, gradScale: f64): f64 { return multi_margin<f64>(n, C, x, target, weight, rowLoss, grad, gradRow, p, margin, gradScale); }
export function f32_multilabel_margin(n: i32, C: i32, x: usize, target: usize, isTarget: usize, rowLoss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return multilabel_margin<f32>(n, C, x, target, isTarget, rowLoss, grad, gradRow, gradScale); }
export function f64_multilabel_margin(n: i32, C: i32, x: usize, target: usize, isTarget: usize, rowLoss: usize, grad: usize, gradRow: usize, gradScale: f64): f64 { return multilabel_margin<f64>(n, C, x, target, isTarget, rowLoss, grad, gradRow, gradScale); }

// ---- focal family ----
import { sigmoid_focal } from './kernels/focal';
export function f32_sigmoid_focal(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, alpha: f64, gamma: f64, gradScale: f64): f64 { return sigmoid_focal<f32>(n, x, t, loss, grad, gradRow, alpha, gamma, gradScale); }
export function f64_sigmoid_focal(n: i32, x: usize, t: usize, loss: usize, grad: usize, gradRow: usize, alpha: f64, gamma: f64, gradScale: f64): f64 { return sigmoid_focal<f64>(n, x, t, loss, grad, gradRow, alpha, gamma, gradScale); }

// ---- distance family ----
import { pairwise_distance } from './kernels/distance';
export function f32_pairwise_distance(rows: i32, D: i32, x1: usize, x2: usize, out: usize, dir: usize, p: f64, eps: f64): void { pairwise_distance<f32>(rows, D, x1, x2, out, dir, p, eps); }
export function f64_pairwise_distance(rows: i32, D: i32, x1: usize, x2: usize, out: usize, dir: usize, p: f64, eps: f64): void { pairwise_distance<f64>(rows, D, x1, x2, out, dir, p, eps); }

// ---- ctc family (f64 only: float32 input is widened by the caller) ----
import { ctc_loss, ctc_scratch_bytes } from './kernels/ctc';
export function f64_ctc_loss(Tn: i32, C: i32, lp: usize, labels: usize, L: i32, blank: i32, grad: usize, g: f64, scratch: usize): f64 { return ctc_loss(Tn, C, lp, labels, L, blank, grad, g, scratch); }
export { ctc_scratch_bytes };

// ---- box-iou family ----
import { box_loss } from './kernels/box-iou';
export function f32_box_loss(n: i32, kind: i32, b1: usize, b2: usize, loss: usize, g1: usize, g2: usize, gradRow: usize, gradScale: f64, eps: f64, p1: f64, p2: f64, p3: f64, scratch: usize): f64 { return box_loss<f32>(n, kind, b1, b2, loss, g1, g2, gradRow, gradScale, eps, p1, p2, p3, scratch); }
export function f64_box_loss(n: i32, kind: i32, b1: usize, b2: usize, loss: usize, g1: usize, g2: usize, gradRow: usize, gradScale: f64, eps: f64, p1: f64, p2: f64, p3: f64, scratch: usize): f64 { return box_loss<f64>(n, kind, b1, b2, loss, g1, g2, gradRow, gradScale, eps, p1, p2, p3, scratch); }

// ---- likelihood family ----
import { gaussian_nll, poisson_nll } from './kernels/likelihood';
export function f32_poisson_nll(n: i32, x: usize, t: usize, loss: usize, gx: usize, gt: usize, gradRow: usize, logInput: i32, full: i32, eps: f64, gradScale: f64): f64 { return poisson_nll<f32>(n, x, t, loss, gx, gt, gradRow, logInput, full, eps, gradScale); }
export function f64_poisson_nll(n: i32, x: usize, t: usize, loss: usize, gx: usize, gt: usize, gradRow: usize, logInput: i32, full: i32, eps: f64, gradScale: f64): f64 { return poisson_nll<f64>(n, x, t, loss, gx, gt, gradRow, logInput, full, eps, gradScale); }
export function f32_gaussian_nll(n: i32, x: usize, t: usize, variance: usize, loss: usize, gx: usize, gt: usize, gv: usize, gradRow: usize, eps: f64, gradScale: f64): f64 { return gaussian_nll<f32>(n, x, t, variance, loss, gx, gt, gv, gradRow, eps, gradScale); }
export function f64_gaussian_nll(n: i32, x: usize, t: usize, variance: usize, loss: usize, gx: usize, gt: usize, gv: usize, gradRow: usize, eps: f64, gradScale: f64): f64 { return gaussian_nll<f64>(n, x, t, variance, loss, gx, gt, gv, gradRow, eps, gradScale); }
