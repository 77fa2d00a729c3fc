// The kernel list: every wasm kernel, once. scripts/build-wasm.mjs reads it and generates each
// family's AssemblyScript entry (the f32_/f64_ exports), compiles one module per family and writes
// the constants below for assembly/ (assembly/generated/constants.ts). The TypeScript types of the
// exports (`Kernels`) and the dtype dispatch (`kernel(k, name, dtype)`) are derived from it here.
// See docs/CONTRACT.md, "The kernel list and the modules".
//
// A kernel is `name: { dtypes, args, returns }`:
// - `dtypes`: the instantiations of the generic `name<T>` in assembly/kernels/<source>.ts, exported
//   as `f32_name` / `f64_name`; `[]` exports a non-generic function under its own name, and
//   `generic: false` calls the non-generic `name` from the dtype-named export (ctc: f64 only).
// - `args`: `'name:role'` in order. Roles: `size` (an i32 count or dimension), `in` / `out` /
//   `scratch` (byte pointers into the shared memory: read, written, or the kernel's working space;
//   0 for an absent optional operand), and scalars `f64`, `i32`, `bool`.
// - `returns`: `f64` (the block's loss sum), `void`.
// - `constants`: numbers and string lists both sides use. A list becomes one i32 per entry in
//   assembly (`KIND: ['iou', 'focal-eiou']` gives `KIND_IOU = 0`, `KIND_FOCAL_EIOU = 1`); the
//   TypeScript side uses the list's order (`KIND.indexOf(kind)`). Names are unique across families.
//
// Each family is its own export, so that a bundle keeps only the families its losses use.

export type Role = 'size' | 'in' | 'out' | 'scratch' | 'f64' | 'i32' | 'bool';
export type WasmDtype = 'f32' | 'f64';

export interface KernelSpec {
  readonly dtypes: readonly WasmDtype[];
  readonly args: readonly `${string}:${Role}`[];
  readonly returns: 'f64' | 'void';
  /** False for a non-generic function exported under a dtype's name (ctc_loss: f64 only). */
  readonly generic?: false;
  /**
   * The size of the kernel's `scratch`-role argument, which its named call then makes (the record
   * leaves it out; scripts/build-wasm.mjs): `whole`, a function of this file that gives the bytes
   * of one area for the whole call (0: none, pointer 0); or `per` values per item (a number, or
   * such a function giving the values) and `extra` values more (the kernel's padding). A function
   * takes the record's arguments named in `of`, then, with `bytes`, the compute dtype's bytes per value.
   */
  readonly scratch?: { readonly whole: string; readonly of: readonly string[]; readonly bytes?: true }
    | { readonly per: number | string; readonly of?: readonly string[]; readonly extra?: number };
}

export interface FamilySpec {
  /** assembly/kernels/<source>.ts, and the module's name. */
  readonly source: string;
  readonly kernels: { readonly [name: string]: KernelSpec };
  readonly constants?: { readonly [name: string]: number | readonly string[] };
  /**
   * Kernels one block runs one after the other (a forward, then its backward while the block is
   * in cache): each pair gets a named call of its own, `${first}_${second}`, whose operands are
   * the two records' (one given to both is one operand; scripts/build-wasm.mjs).
   */
  readonly pairs?: readonly (readonly [string, string])[];
}

const both = ['f32', 'f64'] as const;
/** Families computed in float64 for float32 arguments too (docs/accuracy.md): no f32 instantiation. */
const f64 = ['f64'] as const;

export const softmaxKernels = {
  source: 'softmax',
  kernels: {
    softmax_fwd: { dtypes: both, args: ['rows:size', 'n:size', 'x:in', 'out:out', 'log:i32'], returns: 'void' },
    softmax_bwd: { dtypes: both, args: ['rows:size', 'n:size', 'x:in', 'y:in', 'g:in', 'dx:out', 'log:i32'], returns: 'void' },
    sigmoid_fwd: { dtypes: both, args: ['n:size', 'x:in', 'out:out'], returns: 'void' },
    sigmoid_bwd: { dtypes: both, args: ['n:size', 'y:in', 'g:in', 'dx:out'], returns: 'void' },
  },
  pairs: [['softmax_fwd', 'softmax_bwd'], ['sigmoid_fwd', 'sigmoid_bwd']],
} as const satisfies FamilySpec;

export const crossEntropyKernels = {
  source: 'cross-entropy',
  kernels: {
    cross_entropy: {
      dtypes: both,
      args: ['rows:size', 'C:size', 'logits:in', 'targets:in', 'probs:in', 'weight:in', 'rowLoss:out', 'grad:out', 'gradRow:in', 'scratch:scratch', 'smoothing:f64', 'gradScale:f64'],
      returns: 'f64',
      scratch: { whole: 'crossEntropyScratch', of: ['C'] },
    },
    nll: {
      dtypes: both,
      args: ['N:size', 'C:size', 'inner:size', 'input:in', 'targets:in', 'weight:in', 'rowLoss:out', 'grad:out', 'gradRow:in', 'gradScale:f64'],
      returns: 'f64',
    },
    /** A worker's instance (threads, src/wasm/pool.ts): its own 4 KiB for soft_row_f32's list of cancelling lanes. */
    thread_scratch: { dtypes: [], args: ['at:scratch'], returns: 'void' },
  },
  constants: {
    /** Rows shorter than this take the across-rows path (one row per lane), which needs scratch. */
    SMALL_C: 32,
    /** Rows per chunk of that path: it keeps 3 floats a row of scratch for the chunk's losses. */
    SHORT_ROW_CHUNK: 64,
  },
} as const satisfies FamilySpec;

export const binaryCrossEntropyKernels = {
  source: 'binary-cross-entropy',
  kernels: {
    bce: { dtypes: f64, args: ['n:size', 'x:in', 't:in', 'w:in', 'loss:out', 'grad:out', 'gradRow:in', 'gradScale:f64'], returns: 'f64' },
    bce_logits: { dtypes: both, args: ['n:size', 'x:in', 't:in', 'w:in', 'pw:in', 'loss:out', 'grad:out', 'gradRow:in', 'gradScale:f64'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

export const regressionKernels = {
  source: 'regression',
  kernels: {
    mse: { dtypes: both, args: ['n:size', 'x:in', 'y:in', 'loss:out', 'grad:out', 'gradTarget:out', 'gradRow:in', 'gradScale:f64'], returns: 'f64' },
    l1: { dtypes: both, args: ['n:size', 'x:in', 'y:in', 'loss:out', 'grad:out', 'gradTarget:out', 'gradRow:in', 'gradScale:f64'], returns: 'f64' },
    smooth_l1: { dtypes: both, args: ['n:size', 'x:in', 'y:in', 'loss:out', 'grad:out', 'gradTarget:out', 'gradRow:in', 'beta:f64', 'gradScale:f64'], returns: 'f64' },
    huber: { dtypes: both, args: ['n:size', 'x:in', 'y:in', 'loss:out', 'grad:out', 'gradTarget:out', 'gradRow:in', 'delta:f64', 'gradScale:f64'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

export const cosineSimilarityKernels = {
  source: 'cosine-similarity',
  kernels: {
    cosine_similarity: { dtypes: f64, args: ['rows:size', 'D:size', 'a:in', 'b:in', 'out:out', 'ga:out', 'gb:out', 'gradRow:in', 'eps:f64', 'addEps:bool'], returns: 'void' },
  },
} as const satisfies FamilySpec;

export const klDivKernels = {
  source: 'kl-div',
  kernels: {
    kl_div: { dtypes: f64, args: ['n:size', 'x:in', 't:in', 'loss:out', 'gradInput:out', 'gradTarget:out', 'gradRow:in', 'logTarget:i32', 'gradScale:f64'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

export const marginKernels = {
  source: 'margin',
  kernels: {
    hinge_embedding: { dtypes: both, args: ['n:size', 'x:in', 't:in', 'loss:out', 'grad:out', 'gradRow:in', 'margin:f64', 'gradScale:f64'], returns: 'f64' },
    soft_margin: { dtypes: both, args: ['n:size', 'x:in', 't:in', 'loss:out', 'grad:out', 'gradRow:in', 'gradScale:f64'], returns: 'f64' },
    margin_ranking: {
      dtypes: both,
      args: ['n:size', 'x1:in', 'x2:in', 'y:in', 'loss:out', 'g1:out', 'g2:out', 'g3:out', 'gradRow:in', 'margin:f64', 'gradScale:f64'],
      returns: 'f64',
    },
  },
} as const satisfies FamilySpec;

export const multiMarginKernels = {
  source: 'multi-margin',
  kernels: {
    multi_margin: {
      dtypes: both,
      args: ['n:size', 'C:size', 'x:in', 'target:in', 'weight:in', 'rowLoss:out', 'grad:out', 'gradRow:in', 'p:i32', 'margin:f64', 'gradScale:f64'],
      returns: 'f64',
    },
    multilabel_margin: {
      dtypes: both,
      args: ['n:size', 'C:size', 'x:in', 'target:in', 'isTarget:scratch', 'rowLoss:out', 'grad:out', 'gradRow:in', 'gradScale:f64'],
      returns: 'f64',
      /** isTarget: a flag per class, reset for each row */
      scratch: { whole: 'multilabelMarginScratch', of: ['C'], bytes: true },
    },
  },
} as const satisfies FamilySpec;

export const focalKernels = {
  source: 'focal',
  kernels: {
    sigmoid_focal: { dtypes: f64, args: ['n:size', 'x:in', 't:in', 'loss:out', 'grad:out', 'gradRow:in', 'alpha:f64', 'gamma:f64', 'gradScale:f64'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

export const distanceKernels = {
  source: 'distance',
  kernels: {
    pairwise_distance: { dtypes: f64, args: ['rows:size', 'D:size', 'x1:in', 'x2:in', 'out:out', 'dir:out', 'p:f64', 'eps:f64'], returns: 'void' },
  },
} as const satisfies FamilySpec;

export const ctcKernels = {
  source: 'ctc',
  kernels: {
    // f64 only: float32 input is widened by the caller
    ctc_loss: { dtypes: ['f64'], generic: false, args: ['Tn:size', 'C:size', 'lp:in', 'labels:in', 'L:size', 'blank:i32', 'grad:out', 'g:f64', 'scratch:scratch'], returns: 'f64' },
    ctc_scratch_bytes: { dtypes: [], args: ['Tn:size', 'L:size', 'C:size'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

export const boxIouKernels = {
  source: 'box-iou',
  kernels: {
    box_loss: {
      dtypes: f64,
      args: ['n:size', 'kind:i32', 'b1:in', 'b2:in', 'loss:out', 'g1:out', 'g2:out', 'gradRow:in', 'gradScale:f64', 'eps:f64', 'p1:f64', 'p2:f64', 'p3:f64', 'scratch:scratch'],
      returns: 'f64',
      /** the pair geometry in SoA: 16 values a pair, and 4 pairs of padding */
      scratch: { per: 16, extra: 64 },
    },
  },
  constants: {
    /** box_loss's `kind` argument: the index in this list. */
    KIND: ['iou', 'giou', 'diou', 'ciou', 'eiou', 'focal-eiou', 'alpha-iou', 'siou', 'wiou-v1', 'wiou-v3'],
    /** alpha-IoU's base loss (box_loss's `p2` for kind 'alpha-iou'): the index in this list. */
    FORM: ['iou', 'giou', 'diou', 'ciou'],
  },
} as const satisfies FamilySpec;

export const likelihoodKernels = {
  source: 'likelihood',
  kernels: {
    poisson_nll: {
      dtypes: f64,
      args: ['n:size', 'x:in', 't:in', 'loss:out', 'gx:out', 'gt:out', 'gradRow:in', 'logInput:i32', 'full:i32', 'eps:f64', 'gradScale:f64'],
      returns: 'f64',
    },
    gaussian_nll: {
      dtypes: f64,
      args: ['n:size', 'x:in', 't:in', 'variance:in', 'loss:out', 'gx:out', 'gt:out', 'gv:out', 'gradRow:in', 'eps:f64', 'gradScale:f64'],
      returns: 'f64',
    },
  },
} as const satisfies FamilySpec;

// ---- Kornia 0.7.4: softmax focal loss; PSNR and SSIM losses (docs/semantics.md §15, §16) ----

export const softmaxFocalKernels = {
  source: 'softmax-focal',
  kernels: {
    // float32 is computed in float64 too (docs/accuracy.md): its f32 build missed the bar on 9% of the fixtures' tensors
    softmax_focal: {
      dtypes: f64,
      args: ['rows:size', 'C:size', 'x:in', 'targets:in', 'weight:in', 'loss:out', 'grad:out', 'gradRow:in', 'gamma:f64', 'gradScale:f64'],
      returns: 'f64',
    },
  },
} as const satisfies FamilySpec;

export const imageQualityKernels = {
  source: 'image-quality',
  kernels: {
    sq_diff: { dtypes: both, args: ['n:size', 'x:in', 'y:in', 'gx:out', 'gy:out', 'scale:f64'], returns: 'f64' },
    // float32 is computed in float64 too: SSIM's variances cancel (E[x²] - μ²), docs/accuracy.md
    ssim: {
      dtypes: f64,
      args: ['planes:size', 'H:size', 'W:size', 'k:size', 'x:in', 'y:in', 'window:in', 'loss:out', 'g1:out', 'g2:out', 'gradRow:in', 'scratch:scratch',
        'valid:i32', 'c1:f64', 'c2:f64', 'eps:f64', 'gradScale:f64'],
      returns: 'f64',
      scratch: { per: 'ssimScratch', of: ['H', 'W', 'k'] },
    },
  },
} as const satisfies FamilySpec;

// ---- MONAI 1.3.2: the Dice family (docs/semantics.md §17) ----

export const diceKernels = {
  source: 'dice',
  kernels: {
    // f64 only, non-generic: float32 arguments are widened (docs/accuracy.md)
    dice_forward: { dtypes: ['f64'], generic: false, args: ['items:size', 'C:size', 'S:size', 'x:in', 't:in', 'labels:in', 'p:out', 'sums:out', 'act:i32', 'squared:bool'], returns: 'void' },
    dice_backward: {
      dtypes: ['f64'], generic: false,
      args: ['items:size', 'C:size', 'S:size', 'x:in', 'p:in', 't:in', 'labels:in', 'coef:in', 'dx:out', 'dt:out', 'act:i32', 'squared:bool'],
      returns: 'void',
    },
  },
  pairs: [['dice_forward', 'dice_backward']],
} as const satisfies FamilySpec;

/**
 * float16 <-> float32 conversion of staged operands: Float16Array arguments are widened in wasm
 * memory and float16 results narrowed there (src/wasm/half.ts). Not a loss family: a chunk of its
 * own (`lazy` in FAMILIES), which the runtime imports on the first call with Float16Array data.
 */
export const halfKernels = {
  source: 'half',
  kernels: {
    f16_to_f32: { dtypes: [], args: ['n:size', 'src:in', 'dst:out'], returns: 'void' },
    f32_to_f16: { dtypes: [], args: ['n:size', 'src:in', 'dst:out'], returns: 'void' },
  },
} as const satisfies FamilySpec;

// ---- Kornia 0.7.4: the Lovász losses (docs/semantics.md §18) ----

export const lovaszKernels = {
  source: 'lovasz',
  kernels: {
    // f64 only: float32 input is widened by the caller (docs/accuracy.md)
    lovasz_hinge: { dtypes: ['f64'], generic: false, args: ['rows:size', 'n:size', 'x:in', 'labels:in', 'grad:out', 'scratch:scratch', 'gradScale:f64'], returns: 'f64' },
    lovasz_softmax: {
      dtypes: ['f64'], generic: false,
      args: ['images:size', 'C:size', 'n:size', 'x:in', 'labels:in', 'weight:in', 'grad:out', 'scratch:scratch', 'gradScale:f64'],
      returns: 'f64',
    },
    lovasz_scratch_bytes: { dtypes: [], args: ['C:size', 'n:size'], returns: 'f64' },
  },
} as const satisfies FamilySpec;

/** The vector exp and log over arrays: for the accuracy tests only (no loss imports this module). */
export const mathKernels = {
  source: 'math',
  kernels: {
    exp: { dtypes: both, args: ['n:size', 'x:in', 'out:out'], returns: 'void' },
    log: { dtypes: both, args: ['n:size', 'x:in', 'out:out'], returns: 'void' },
  },
} as const satisfies FamilySpec;

/**
 * Every family, in the order of their memory regions. `relaxed: true` builds the family a second
 * time with relaxed SIMD (assembly/simd/relaxed.ts), picked at load time where the engine
 * validates it: the families whose hot loops are exp/log polynomials and row maxima. Regression
 * has neither (its min/max clamps must keep a NaN, which the relaxed forms do not promise): its
 * relaxed build would be the same bytes. `lazy: true` makes the module's bytes a chunk of their own
 * (src/wasm/modules/<source>.ts exports them as BYTES, and the barrel leaves the module out),
 * imported where first needed: only half, which few apps need (src/wasm/half.ts).
 */
export const FAMILIES: readonly { spec: FamilySpec; relaxed?: boolean; lazy?: boolean }[] = [
  { spec: crossEntropyKernels, relaxed: true },
  { spec: softmaxKernels, relaxed: true },
  { spec: binaryCrossEntropyKernels, relaxed: true },
  { spec: regressionKernels },
  { spec: cosineSimilarityKernels },
  { spec: klDivKernels },
  { spec: marginKernels },
  { spec: multiMarginKernels },
  { spec: focalKernels },
  { spec: distanceKernels },
  { spec: ctcKernels },
  { spec: boxIouKernels },
  { spec: likelihoodKernels },
  { spec: softmaxFocalKernels },
  { spec: imageQualityKernels },
  { spec: diceKernels },
  { spec: halfKernels, lazy: true },
  { spec: lovaszKernels },
  { spec: mathKernels, relaxed: true },
];

// ---- scratch sizes (the `scratch` of a list entry names one of these) ----

/**
 * cross_entropy's scratch, in bytes: the across-rows path for rows shorter than SMALL_C keeps the
 * rows' lanes ((C + 4) vectors) and 3 floats a row of a chunk; none (0) for longer rows. Also the
 * lean form's (src/losses/cross-entropy.ts).
 */
export const crossEntropyScratch = (C: number): number =>
  C < crossEntropyKernels.constants.SMALL_C ? (C + 4) * 16 + 3 * 4 * crossEntropyKernels.constants.SHORT_ROW_CHUNK : 0;

/** multilabel_margin's `isTarget`: one value per class, for the whole call. */
export const multilabelMarginScratch = (C: number, bytes: number): number => C * bytes;

/** ssim's scratch per plane, in values: the nine filtered maps of H·W and four rows of the padded width. */
export const ssimScratch = (H: number, W: number, k: number): number => 9 * H * W + 4 * (W + 2 * k);

// ---- types and dispatch derived from the list ----

type Numbers<A> = { -readonly [I in keyof A]: number };
type Fn<K extends KernelSpec> = (...args: Numbers<K['args']>) => K['returns'] extends 'void' ? void : number;

type ExportName<N extends string, D extends WasmDtype> = [D] extends [never] ? N : `${D}_${N}`;

/** A family module's exports, as the list declares them. Pointers are byte offsets into the shared memory. */
export type Kernels<F extends FamilySpec> = {
  readonly [N in keyof F['kernels'] & string as ExportName<N, F['kernels'][N]['dtypes'][number]>]: Fn<F['kernels'][N]>;
};

/** The names of F's kernels that have a `dtype` instantiation. */
type Typed<F extends FamilySpec> = { [N in keyof F['kernels'] & string]: F['kernels'][N]['dtypes'] extends readonly [] ? never : N }[keyof F['kernels'] & string];

/**
 * The export of kernel `name` for `dtype`: `kernel(k, 'mse', 'float32')` is `k.f32_mse`. The one
 * place a dtype turns into an export name.
 */
export function kernel<F extends FamilySpec, N extends Typed<F>>(k: Kernels<F>, name: N, dtype: 'float32' | 'float64'): Fn<F['kernels'][N]> {
  // looked up once per module and name: building the export's name is a string concatenation,
  // and a lookup by a concatenated name costs more than a small kernel call (src/lean.ts); the
  // last answer is kept apart, since a loop of one call asks the same thing each time
  if (k === last.k && name === last.name && dtype === last.dtype) return last.f as Fn<F['kernels'][N]>;
  const cache = dtype === 'float32' ? F32_EXPORTS : F64_EXPORTS;
  let byName = cache.get(k);
  if (byName === undefined) cache.set(k, (byName = new Map()));
  let f = byName.get(name);
  if (f === undefined) {
    f = (k as unknown as Record<string, unknown>)[(dtype === 'float32' ? 'f32_' : 'f64_') + name];
    if (typeof f !== 'function') throw new Error(`simdloss: the kernel ${name} has no ${dtype} export (src/wasm/kernels.ts)`);
    if (wrapKernel) f = wrapKernel(f as (...a: number[]) => unknown);
    byName.set(name, f);
  }
  last.k = k;
  last.name = name;
  last.dtype = dtype;
  last.f = f;
  return f as Fn<F['kernels'][N]>;
}

const last: { k: object | null; name: string; dtype: string; f: unknown } = { k: null, name: '', dtype: '', f: null };

let F32_EXPORTS = new WeakMap<object, Map<string, unknown>>();
let F64_EXPORTS = new WeakMap<object, Map<string, unknown>>();
/** The worker pool's wrapper of an export (src/wasm/pool.ts: it records the call instead while the runtime plans a parallel one), or null. */
let wrapKernel: ((f: (...a: number[]) => unknown) => unknown) | null = null;

/** Installs (or, with null, removes) the pool's wrapper of the exports kernel() gives out. */
export function setKernelWrapper(w: ((f: (...a: number[]) => unknown) => unknown) | null): void {
  wrapKernel = w;
  last.k = null;
  F32_EXPORTS = new WeakMap();
  F64_EXPORTS = new WeakMap();
}
