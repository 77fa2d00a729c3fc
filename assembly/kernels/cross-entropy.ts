// cross_entropy and nll_loss, forward and backward fused: one call gives the per-row losses,
// their sum, and (when `grad` is not 0) the gradient. T = f32 | f64.
//
// Rows are contiguous: logits (rows, C). The TypeScript side moves the class dim of
// (N, C, d1..dk) inputs last, checks every target, and maps ignored targets to -1.
// Pointers that are 0 mean "absent": weight (w ≡ 1), probs (class-index targets),
// rowLoss (per-row losses not wanted), grad, gradRow (upstream gradient ≡ 1).
// The gradient of row r is scaled by gradScale · gradRow[r] (gradScale = 1/W for 'mean').
import { hsum, lanes } from '../simd/math';
import { exp_store_sum, exp_sum, row_max, scale, sum } from '../simd/reduce';

/** Σ_c w_c·(lse - z_c) (w ≡ 1 when weight is 0): the label-smoothing term, no cancellation. */
function smooth_sum<T>(C: i32, z: usize, weight: usize, lse: T): f64 {
  const L = lanes<T>();
  const vl = v128.splat<T>(lse);
  let total: f64 = 0;
  let c = 0;
  for (; c + L <= C; c += L) {
    const off = <usize>c * sizeof<T>();
    let d = v128.sub<T>(vl, v128.load(z + off));
    if (weight) d = v128.mul<T>(d, v128.load(weight + off));
    total += hsum<T>(d);
  }
  for (; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    const w: T = weight ? load<T>(weight + off) : <T>1;
    total += <f64>(w * (lse - load<T>(z + off)));
  }
  return total;
}

/** Σ_c w_c·q'_c, the second output of prob_sums. */
let probWeightSum: f64 = 0;

/**
 * Probability targets: returns Σ_c w_c·q'_c·(lse - z_c) and sets probWeightSum = Σ_c w_c·q'_c,
 * where q' = (1-ε)·q + ε/C is the smoothed target.
 */
function prob_sums<T>(C: i32, z: usize, q: usize, weight: usize, lse: T, eps: T): f64 {
  const keep = <T>1 - eps;
  const uni = eps / <T>C;
  let loss: f64 = 0;
  let wsum: f64 = 0;
  for (let c = 0; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    let wq = load<T>(q + off) * keep + uni;
    if (weight) wq *= load<T>(weight + off);
    loss += <f64>(wq * (lse - load<T>(z + off)));
    wsum += <f64>wq;
  }
  probWeightSum = wsum;
  return loss;
}

/** g_c = a·g_c - b·u_c, u = weight (or 1), in place: the smoothed index-target gradient. */
function axpb_weight<T>(C: i32, g: usize, weight: usize, a: T, b: T): void {
  const L = lanes<T>();
  const va = v128.splat<T>(a);
  const vb = v128.splat<T>(b);
  let c = 0;
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

/** Probability-target gradient, in place over e = exp(z - m): g_c = a·e_c - k·w_c·q'_c. */
function grad_prob<T>(C: i32, g: usize, q: usize, weight: usize, a: T, k: T, eps: T): void {
  const keep = <T>1 - eps;
  const uni = eps / <T>C;
  for (let c = 0; c < C; c++) {
    const off = <usize>c * sizeof<T>();
    let wq = load<T>(q + off) * keep + uni;
    if (weight) wq *= load<T>(weight + off);
    store<T>(g + off, a * load<T>(g + off) - k * wq);
  }
}

/**
 * Cross-entropy of each row of logits (rows, C) against class indices `targets` (i32, -1 =
 * ignored) or class probabilities `probs` (rows, C). Returns Σ of the row losses in f64.
 */
export function cross_entropy<T>(
  rows: i32, C: i32,
  logits: usize, targets: usize, probs: usize, weight: usize,
  rowLoss: usize, grad: usize, gradRow: usize,
  smoothing: f64, gradScale: f64,
): f64 {
  const bytes = <usize>sizeof<T>();
  const rowBytes = <usize>C * bytes;
  const eps = <T>smoothing;
  const uni = eps / <T>C;
  const weightSum: T = weight ? <T>sum<T>(C, weight) : <T>C;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + <usize>r * rowBytes;
    const g = grad ? grad + <usize>r * rowBytes : 0;
    const t = probs ? 0 : load<i32>(targets + (<usize>r << 2));
    if (t < 0) {
      if (rowLoss) store<T>(rowLoss + <usize>r * bytes, <T>0);
      if (g) memory.fill(g, 0, rowBytes);
      continue;
    }
    const m = row_max<T>(C, z);
    const s = g ? exp_store_sum<T>(C, z, g, m) : exp_sum<T>(C, z, m);
    const lse = <T>(<f64>m + Math.log(s));
    const k = <T>(gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale);
    let loss: f64;
    if (probs) {
      const q = probs + <usize>r * rowBytes;
      loss = prob_sums<T>(C, z, q, weight, lse, eps);
      if (g) grad_prob<T>(C, g, q, weight, <T>(<f64>k * probWeightSum / s), k, eps);
    } else {
      const wt: T = weight ? load<T>(weight + (<usize>t) * bytes) : <T>1;
      const zt = load<T>(z + (<usize>t) * bytes);
      loss = <f64>wt * (<f64>lse - <f64>zt);
      if (eps != 0) loss = <f64>(<T>1 - eps) * loss + <f64>uni * smooth_sum<T>(C, z, weight, lse);
      if (g) {
        // g_c = k·[((1-ε)·w_t + (ε/C)·S_w)·p_c - (ε/C)·w_c] - k·(1-ε)·w_t·[c = t]
        const a = <T>(<f64>k * <f64>((<T>1 - eps) * wt + uni * weightSum) / s);
        if (eps == 0) scale<T>(C, g, g, a);
        else axpb_weight<T>(C, g, weight, a, k * uni);
        const gt = g + (<usize>t) * bytes;
        store<T>(gt, load<T>(gt) - k * (<T>1 - eps) * wt);
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
    let loss: T = 0;
    if (t >= 0) {
      const n = r / inner;
      const s = r - n * inner;
      const idx = (<usize>n * <usize>C + <usize>t) * <usize>inner + <usize>s;
      const wt: T = weight ? load<T>(weight + (<usize>t) * bytes) : <T>1;
      loss = -wt * load<T>(input + idx * bytes);
      if (grad) {
        const k = gradRow ? gradScale * <f64>load<T>(gradRow + <usize>r * bytes) : gradScale;
        store<T>(grad + idx * bytes, <T>(-<f64>wt * k));
      }
    }
    if (rowLoss) store<T>(rowLoss + <usize>r * bytes, loss);
    total += <f64>loss;
  }
  return total;
}
