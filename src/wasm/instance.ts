// The kernel module: decoded from the inlined base64, instantiated synchronously on first use
// (the module is small enough for every engine's sync-compile limit), or asynchronously by init().
import { MODULE_BASE64 } from './module-bytes';

type Ptr = number;

/** The module's exports (assembly/index.ts). Pointers are byte offsets into `memory`. */
export interface Kernels {
  memory: WebAssembly.Memory;
  heap_base(): number;
  f32_softmax_fwd(rows: number, n: number, x: Ptr, out: Ptr, log: number): void;
  f64_softmax_fwd(rows: number, n: number, x: Ptr, out: Ptr, log: number): void;
  f32_softmax_bwd(rows: number, n: number, y: Ptr, g: Ptr, dx: Ptr, log: number): void;
  f64_softmax_bwd(rows: number, n: number, y: Ptr, g: Ptr, dx: Ptr, log: number): void;
  f32_sigmoid_fwd(n: number, x: Ptr, out: Ptr): void;
  f64_sigmoid_fwd(n: number, x: Ptr, out: Ptr): void;
  f32_sigmoid_bwd(n: number, y: Ptr, g: Ptr, dx: Ptr): void;
  f64_sigmoid_bwd(n: number, y: Ptr, g: Ptr, dx: Ptr): void;
  f32_cross_entropy(rows: number, C: number, logits: Ptr, targets: Ptr, probs: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, scratch: Ptr, smoothing: number, gradScale: number): number;
  f64_cross_entropy(rows: number, C: number, logits: Ptr, targets: Ptr, probs: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, scratch: Ptr, smoothing: number, gradScale: number): number;
  f32_nll(N: number, C: number, inner: number, input: Ptr, targets: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_nll(N: number, C: number, inner: number, input: Ptr, targets: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_bce(n: number, x: Ptr, t: Ptr, w: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_bce(n: number, x: Ptr, t: Ptr, w: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_bce_logits(n: number, x: Ptr, t: Ptr, w: Ptr, pw: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_bce_logits(n: number, x: Ptr, t: Ptr, w: Ptr, pw: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_mse(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_mse(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_l1(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_l1(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_smooth_l1(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, beta: number, gradScale: number): number;
  f64_smooth_l1(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, beta: number, gradScale: number): number;
  f32_huber(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, delta: number, gradScale: number): number;
  f64_huber(n: number, x: Ptr, y: Ptr, loss: Ptr, grad: Ptr, gradTarget: Ptr, gradRow: Ptr, delta: number, gradScale: number): number;
  f32_cosine_similarity(rows: number, D: number, a: Ptr, b: Ptr, out: Ptr, ga: Ptr, gb: Ptr, gradRow: Ptr, eps: number, addEps: number): void;
  f64_cosine_similarity(rows: number, D: number, a: Ptr, b: Ptr, out: Ptr, ga: Ptr, gb: Ptr, gradRow: Ptr, eps: number, addEps: number): void;
  f32_kl_div(n: number, x: Ptr, t: Ptr, loss: Ptr, gradInput: Ptr, gradTarget: Ptr, gradRow: Ptr, logTarget: number, gradScale: number): number;
  f64_kl_div(n: number, x: Ptr, t: Ptr, loss: Ptr, gradInput: Ptr, gradTarget: Ptr, gradRow: Ptr, logTarget: number, gradScale: number): number;
  f32_hinge_embedding(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, margin: number, gradScale: number): number;
  f64_hinge_embedding(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, margin: number, gradScale: number): number;
  f32_soft_margin(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_soft_margin(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_margin_ranking(n: number, x1: Ptr, x2: Ptr, y: Ptr, loss: Ptr, g1: Ptr, g2: Ptr, g3: Ptr, gradRow: Ptr, margin: number, gradScale: number): number;
  f64_margin_ranking(n: number, x1: Ptr, x2: Ptr, y: Ptr, loss: Ptr, g1: Ptr, g2: Ptr, g3: Ptr, gradRow: Ptr, margin: number, gradScale: number): number;
  f32_multi_margin(n: number, C: number, x: Ptr, target: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, p: number, margin: number, gradScale: number): number;
  f64_multi_margin(n: number, C: number, x: Ptr, target: Ptr, weight: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, p: number, margin: number, gradScale: number): number;
  f32_multilabel_margin(n: number, C: number, x: Ptr, target: Ptr, isTarget: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f64_multilabel_margin(n: number, C: number, x: Ptr, target: Ptr, isTarget: Ptr, rowLoss: Ptr, grad: Ptr, gradRow: Ptr, gradScale: number): number;
  f32_sigmoid_focal(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, alpha: number, gamma: number, gradScale: number): number;
  f64_sigmoid_focal(n: number, x: Ptr, t: Ptr, loss: Ptr, grad: Ptr, gradRow: Ptr, alpha: number, gamma: number, gradScale: number): number;
  f32_pairwise_distance(rows: number, D: number, x1: Ptr, x2: Ptr, out: Ptr, dir: Ptr, p: number, eps: number): void;
  f64_pairwise_distance(rows: number, D: number, x1: Ptr, x2: Ptr, out: Ptr, dir: Ptr, p: number, eps: number): void;
  f64_ctc_loss(Tn: number, C: number, lp: Ptr, labels: Ptr, L: number, blank: number, grad: Ptr, g: number, scratch: Ptr): number;
  ctc_scratch_bytes(Tn: number, L: number, C: number): number;
  f32_box_loss(n: number, kind: number, b1: Ptr, b2: Ptr, loss: Ptr, g1: Ptr, g2: Ptr, gradRow: Ptr, gradScale: number, eps: number, p1: number, p2: number, p3: number, scratch: Ptr): number;
  f64_box_loss(n: number, kind: number, b1: Ptr, b2: Ptr, loss: Ptr, g1: Ptr, g2: Ptr, gradRow: Ptr, gradScale: number, eps: number, p1: number, p2: number, p3: number, scratch: Ptr): number;
  f32_poisson_nll(n: number, x: Ptr, t: Ptr, loss: Ptr, gx: Ptr, gt: Ptr, gradRow: Ptr, logInput: number, full: number, eps: number, gradScale: number): number;
  f64_poisson_nll(n: number, x: Ptr, t: Ptr, loss: Ptr, gx: Ptr, gt: Ptr, gradRow: Ptr, logInput: number, full: number, eps: number, gradScale: number): number;
  f32_gaussian_nll(n: number, x: Ptr, t: Ptr, variance: Ptr, loss: Ptr, gx: Ptr, gt: Ptr, gv: Ptr, gradRow: Ptr, eps: number, gradScale: number): number;
  f64_gaussian_nll(n: number, x: Ptr, t: Ptr, variance: Ptr, loss: Ptr, gx: Ptr, gt: Ptr, gv: Ptr, gradRow: Ptr, eps: number, gradScale: number): number;
  f32_exp(n: number, x: Ptr, out: Ptr): void;
  f64_exp(n: number, x: Ptr, out: Ptr): void;
  f32_log(n: number, x: Ptr, out: Ptr): void;
  f64_log(n: number, x: Ptr, out: Ptr): void;
  [name: string]: unknown;
}

let kernels: Kernels | null = null;
let loadError: unknown = null;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(MODULE_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** True where the engine validates WebAssembly SIMD (the module uses v128 throughout). */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(moduleBytes());
  } catch {
    return false;
  }
}

/** The instantiated kernels, or null where WebAssembly SIMD is unavailable. */
export function loadKernels(): Kernels | null {
  if (kernels || loadError) return kernels;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {});
    kernels = instance.exports as unknown as Kernels;
  } catch (e) {
    loadError = e;
  }
  return kernels;
}

/** Compiles and instantiates asynchronously (for pages that avoid sync compilation). */
export async function loadKernelsAsync(): Promise<Kernels | null> {
  if (kernels || loadError) return kernels;
  try {
    const module = await WebAssembly.compile(moduleBytes());
    const instance = await WebAssembly.instantiate(module, {});
    kernels ??= instance.exports as unknown as Kernels;
  } catch (e) {
    loadError = e;
  }
  return kernels;
}

/** Why the kernels could not be loaded, if they could not. */
export function kernelLoadError(): unknown {
  return loadError;
}
