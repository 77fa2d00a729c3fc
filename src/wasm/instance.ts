// The kernel module: decoded from the inlined base64, instantiated synchronously on first use,
// or asynchronously by init(). Where the engine refuses to compile it (a Content-Security-Policy
// without 'wasm-unsafe-eval', a limit on synchronous compiles) calls run on the float64 reference,
// after one console.warn naming the reason and the fix.
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
/** Why the synchronous compile failed: then calls run on 'js' until init() succeeds. */
let syncError: unknown = null;
/** Why the asynchronous compile (init()) failed: final. */
let asyncError: unknown = null;
let warned = false;

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(MODULE_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Why a compile failed: the engine has no WebAssembly, or no SIMD (the module does not
 * validate), or it refused to compile a valid module (a Content-Security-Policy without
 * 'wasm-unsafe-eval', a limit on synchronous compiles, …).
 */
function failureKind(): 'no-wasm' | 'no-simd' | 'refused' {
  if (typeof WebAssembly !== 'object') return 'no-wasm';
  try {
    if (!WebAssembly.validate(moduleBytes())) return 'no-simd';
  } catch {
    // an engine that refuses validate() too: not a SIMD question
  }
  return 'refused';
}

const FIXES = "under a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src; where synchronous compilation is refused (some WebViews, on the main thread), call `await init()` before the first loss";

/** Records a failed compile; the first refusal of a valid module is reported once with console.warn. */
function failed(e: unknown, sync: boolean): void {
  if (sync) syncError = e;
  else asyncError = e;
  if (warned || failureKind() !== 'refused') return;
  warned = true;
  if (typeof console !== 'undefined') {
    console.warn(`simdloss: the engine refused to compile WebAssembly (${String(e)}); calls run on the plain-JavaScript fallback (backend() is 'js', about 10x slower). To fix: ${FIXES}.`);
  }
}

/** The instantiated kernels, or null where they cannot be compiled (synchronously). */
export function loadKernels(): Kernels | null {
  if (kernels || syncError || asyncError) return kernels;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()), {});
    kernels = instance.exports as unknown as Kernels;
  } catch (e) {
    failed(e, true);
  }
  return kernels;
}

/**
 * Compiles and instantiates asynchronously (init()): also after a failed synchronous compile,
 * which some engines refuse where they allow an asynchronous one.
 */
export async function loadKernelsAsync(): Promise<Kernels | null> {
  if (kernels || asyncError) return kernels;
  try {
    const module = await WebAssembly.compile(moduleBytes());
    const instance = await WebAssembly.instantiate(module, {});
    kernels ??= instance.exports as unknown as Kernels;
  } catch (e) {
    failed(e, false);
  }
  return kernels;
}

/** Why the kernels cannot run here, as a sentence for error messages; null when they can (or were not tried). */
export function kernelUnavailableReason(): string | null {
  const e = asyncError ?? syncError;
  if (kernels || e === null) return null;
  switch (failureKind()) {
    case 'no-wasm': return 'this engine has no WebAssembly';
    case 'no-simd': return `this engine does not support WebAssembly SIMD, which the kernels use throughout (${String(e)})`;
    default: return `the engine refused to compile WebAssembly (${String(e)}); ${asyncError ? FIXES.split('; ')[0] : FIXES}`;
  }
}
