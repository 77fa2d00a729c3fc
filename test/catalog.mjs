// The catalogue of calls (issue 21; in the spirit of PyTorch's OpInfo): every public function once,
// with its family, its positional arguments and which of them get a gradient, its own options, its
// sample calls and its fuzzer generator. Plain JS so that vitest, the browser pages and the fuzzer
// script (`npm run fuzz`, against dist/) all import it. Derived from it:
//   test/browser/calls.mjs     FUNCTIONS and makeCalls (the browser test, the options test)
//   test/fuzz/fuzz.mjs         the generators (FUZZED: the catalogue's order, which the replay of
//                              a case (seed, index) depends on)
//   test/options.test.ts       each function's options
//   test/accuracy.test.ts      the families held to the float32 bar
//   scripts/bundle-sizes.mjs, test/bundle-size.test.ts   the families' one-function apps, the modules
//   vitest.config.ts           the family suites of the 'simd' and 'threads' projects
// test/contract.test.ts checks the catalogue against the exports and every place a family touches
// (docs/CONTRACT.md, "Adding a family").
import { rng } from './random.mjs';

export { rng };

/**
 * The families, in the order of README.md's bundle-size table: `bundle` is the function of the
 * family's one-function app (scripts/bundle-sizes.mjs), `label` the table's name for it when the
 * app holds another family's module too.
 */
export const FAMILIES = [
  { name: 'regression', bundle: 'mseLoss' },
  { name: 'cross-entropy', bundle: 'crossEntropy' },
  { name: 'softmax', bundle: 'softmax' },
  { name: 'binary-cross-entropy', bundle: 'binaryCrossEntropyWithLogits' },
  { name: 'cosine-similarity', bundle: 'cosineSimilarity' },
  { name: 'kl-div', bundle: 'klDiv' },
  { name: 'margin', bundle: 'hingeEmbeddingLoss' },
  { name: 'multi-margin', bundle: 'multiMarginLoss' },
  { name: 'focal', bundle: 'sigmoidFocalLoss' },
  { name: 'distance', bundle: 'pairwiseDistance', label: 'distance (with cosine-similarity)' },
  { name: 'ctc', bundle: 'ctcLoss' },
  { name: 'box-iou', bundle: 'generalizedBoxIouLoss' },
  { name: 'likelihood', bundle: 'poissonNllLoss' },
  { name: 'softmax-focal', bundle: 'focalLoss' }, // Kornia's (issue 22)
  { name: 'image-quality', bundle: 'ssimLoss' }, // Kornia's (issue 22)
  { name: 'dice', bundle: 'diceLoss' }, // MONAI's (issue 22)
  { name: 'lovasz', bundle: 'lovaszSoftmaxLoss' }, // Kornia's (issue 22)
];

// ---- the sample calls: one seeded generator per dtype ----

/**
 * The sample inputs every function's `samples` draws from, for one dtype: deterministic (seed 1
 * for float32, 2 for float64). `sl` is the library (ctcLoss's log-probabilities come from its
 * logSoftmax).
 */
export function sampleInputs(sl, dtype) {
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  const r = rng(dtype === 'float32' ? 1 : 2);
  const floats = (n, lo, hi) => Arr.from({ length: n }, () => lo + (hi - lo) * r());
  const s = { sl, Arr, r, floats };
  s.x = { data: floats(60, -4, 4), shape: [6, 10] };
  s.probs = { data: floats(60, 0.01, 0.99), shape: [6, 10] };
  s.soft = { data: floats(60, 0, 1), shape: [6, 10] };
  s.y = { data: floats(60, -4, 4), shape: [6, 10] };
  s.target = Int32Array.from({ length: 6 }, () => Math.floor(r() * 10));
  s.weight = floats(10, 0.5, 2);
  s.labels = { data: Arr.from({ length: 60 }, () => (r() < 0.5 ? -1 : 1)), shape: [6, 10] };
  const corners = () => { const c = floats(2, 0, 4); const w = floats(2, 0.5, 3); return [c[0], c[1], c[0] + w[0], c[1] + w[1]]; };
  s.boxes1 = { data: Arr.from(Array.from({ length: 6 }, corners).flat()), shape: [6, 4] };
  s.boxes2 = { data: Arr.from(Array.from({ length: 6 }, corners).flat()), shape: [6, 4] };
  // the Dice family: (B, C, spatial) = (2, 3, 10), a float target or class indices (2, 1, 10)
  s.seg = { data: s.x.data, shape: [2, 3, 10] };
  s.segSoft = { data: s.soft.data, shape: [2, 3, 10] };
  s.segLabels = { data: Int32Array.from({ length: 20 }, () => Math.floor(r() * 3)), shape: [2, 1, 10] };
  // the Lovász losses: images (N, C, H, W) of x's values, and their labels
  s.masks = { data: Int32Array.from({ length: 60 }, () => (r() < 0.4 ? 1 : 0)), shape: [2, 3, 10] };
  s.classes = { data: Int32Array.from({ length: 20 }, () => Math.floor(r() * 3)), shape: [2, 2, 5] };
  s.classWeight = floats(3, 0.5, 2);
  return s;
}

// ---- the fuzzer's random helpers (test/fuzz/fuzz.mjs runs the generators with them) ----

/** Random helpers over one stream (the fuzzer's `random`), for a case of `dtype`. */
export function tools(random, dtype) {
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  // Sizes around the vector widths, with zero and one, and now and then one large one per case (two
  // would make a case of 10^6 elements and more, and three of gigabytes).
  let big = false;
  const dim = (max = 40) => {
    if (!big && random() < 0.05) {
      big = true;
      return int(100, 1100);
    }
    return Math.min(max, pick([0, 1, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 32, 33]));
  };
  const posDim = (max) => Math.max(1, dim(max));
  const value = (scale = 3) => {
    const u = random();
    if (u < 0.04) return 0;
    if (u < 0.06) return pick([-1, 1, 0.5, -0.5]);
    if (u < 0.09) return (random() - 0.5) * 60; // saturating tails
    return (random() - 0.5) * 2 * scale;
  };
  const floats = (n, f = value) => Arr.from({ length: n }, () => f());
  const tensor = (shape, f = value) => ({ data: floats(shape.reduce((a, b) => a * b, 1), f), shape });
  const unit = () => (random() < 0.1 ? pick([0, 1]) : random());
  const sign = () => (random() < 0.5 ? -1 : 1);
  const reduction = () => pick(['mean', 'sum', 'none']);
  return { Arr, int, pick, dim, posDim, value, floats, tensor, unit, sign, reduction, random };
}

/** Random boxes (x1, y1, x2, y2), and pairs in the degenerate relations: nested, equal, touching, same centre. */
function boxPairs(t, n) {
  const a = new t.Arr(n * 4), b = new t.Arr(n * 4);
  for (let i = 0; i < n; i++) {
    const x = t.value(5), y = t.value(5), w = 0.05 + t.random() * 4, h = 0.05 + t.random() * 4;
    a.set([x, y, x + w, y + h], i * 4);
    const kind = t.int(0, 5);
    let q;
    if (kind === 0) q = [x, y, x + w, y + h]; // equal
    else if (kind === 1) { const s = 0.1 + 0.8 * t.random(); q = [x + (1 - s) * w * t.random(), y + (1 - s) * h * t.random(), 0, 0]; q[2] = q[0] + s * w; q[3] = q[1] + s * h; } // nested
    else if (kind === 2) q = [x + w, y, x + 2 * w, y + h]; // touching
    else if (kind === 3) { const s = 0.3 + t.random(); q = [x + w / 2 - s * w / 2, y + h / 2 - s * h / 3, x + w / 2 + s * w / 2, y + h / 2 + s * h / 3]; } // same centre
    else { const qx = t.value(5), qy = t.value(5); q = [qx, qy, qx + 0.05 + t.random() * 4, qy + 0.05 + t.random() * 4]; }
    b.set(q, i * 4);
  }
  return [{ data: a, shape: [n, 4] }, { data: b, shape: [n, 4] }];
}

const logSoftmaxRows = (t, T, N, C) => {
  const d = t.floats(T * N * C);
  for (let r = 0; r < T * N; r++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, d[r * C + c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(d[r * C + c] - m);
    for (let c = 0; c < C; c++) d[r * C + c] = d[r * C + c] - m - Math.log(s);
  }
  return d;
};

// ---- shared generators ----

const softmaxFuzz = (t) => { const shape = Array.from({ length: t.int(1, 3) }, () => t.dim(20)); return [[t.tensor(shape)], { dim: t.int(-shape.length, shape.length - 1) }]; };
const pairFuzz = (t) => { const shape = [t.dim(), t.dim()]; const other = t.random() < 0.2 ? [1, shape[1]] : shape; return [[t.tensor(shape), t.tensor(other)], { reduction: t.reduction() }]; };
/** A box loss's generator: random pairs, a reduction, and the loss's own options. */
const boxFuzz = (extra) => (t) => [boxPairs(t, t.dim(60)), { reduction: t.reduction(), ...(typeof extra === 'function' ? extra(t) : extra) }];
const BOX = ['reduction', 'eps'];
const boxSamples = (...options) => (s) => options.map((o) => [s.boxes1, s.boxes2, o]);
/** The Dice family's generator: (B, C, spatial…) with one or two spatial dims, a float target in
 *  [0, 1] (empty classes now and then) or class indices with toOnehotY, and the options at random. */
const diceFuzz = (name, own) => (t) => {
  const B = Math.min(t.dim(), 4), C = Math.min(t.posDim(), 5);
  const spatial = t.random() < 0.5 ? [t.dim(60)] : [Math.min(t.dim(), 9), Math.min(t.dim(), 9)];
  const shape = [B, C, ...spatial];
  const S = spatial.reduce((a, b) => a * b, 1);
  const act = t.pick(['none', 'sigmoid', 'softmax']);
  const opts = { ...own(t), sigmoid: act === 'sigmoid', softmax: act === 'softmax', includeBackground: t.random() < 0.7, batch: t.random() < 0.3, reduction: t.reduction() };
  if (t.random() < 0.2) opts.smoothNr = t.pick([0, 1]);
  if (name === 'diceLoss' && t.random() < 0.3) opts.weight = t.random() < 0.5 ? t.random() : Array.from({ length: opts.includeBackground || C === 1 ? C : C - 1 }, () => t.random());
  const input = t.tensor(shape, () => (act === 'none' ? t.unit() : t.value()));
  if (t.random() < 0.5) {
    opts.toOnehotY = true;
    return [[input, { data: Int32Array.from({ length: B * S }, () => t.int(0, C - 1)), shape: [B, 1, ...spatial] }], opts];
  }
  const target = t.tensor(shape, t.unit);
  if (t.random() < 0.3 && S > 0) target.data.fill(0, 0, S); // class 0 of item 0 empty
  return [[input, target], opts];
};
const DICE = ['sigmoid', 'softmax', 'includeBackground', 'toOnehotY', 'smoothNr', 'smoothDr', 'batch', 'reduction'];

/**
 * Every public function, in the fuzzer's order (a fuzz case (seed, index) runs function
 * index % length). Fields:
 * - `family`: its src/losses/<family>.ts
 * - `args`: its positional arguments' names; `grads`: those WithGrad returns a gradient for (in
 *   that order), when they are float tensors
 * - `options`: its own options (PyTorch's keyword arguments, camelCase); every function also takes
 *   `out` unless `scalar` (its result is always a number); WithGrad adds gradOutput and gradInto
 * - `samples(s)`: its sample calls (argument lists, options last) over `sampleInputs(sl, dtype)`
 * - `fuzz(t)`: the fuzzer's generator over `tools(random, dtype)`, returning [args, options]
 *   (undefined options: the call passes none)
 * Every function has its WithGrad twin (`${name}WithGrad`, the same arguments).
 */
export const CATALOG = [
  { name: 'softmax', family: 'softmax', args: ['input'], grads: ['input'], options: ['dim'],
    samples: (s) => [[s.x, { dim: 1 }], [s.x, { dim: 0 }]],
    fuzz: softmaxFuzz },
  { name: 'logSoftmax', family: 'softmax', args: ['input'], grads: ['input'], options: ['dim'],
    samples: (s) => [[s.x, {}]],
    fuzz: softmaxFuzz },
  { name: 'sigmoid', family: 'softmax', args: ['input'], grads: ['input'], options: [],
    samples: (s) => [[s.x]],
    fuzz: (t) => [[t.tensor([t.dim(), t.dim()], () => t.value(12))], undefined] },
  { name: 'crossEntropy', family: 'cross-entropy', args: ['input', 'target'], grads: ['input'], options: ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing'],
    samples: (s) => [[s.x, s.target, {}], [s.x, s.target, { weight: s.weight, labelSmoothing: 0.1, reduction: 'sum' }], [s.x, s.soft, { reduction: 'none' }]],
    fuzz: (t) => {
      const N = t.dim(), C = t.posDim(40), k = t.random() < 0.2 ? t.posDim(5) : 0;
      const shape = k ? [N, C, k] : [N, C];
      const rows = N * (k || 1);
      const probs = t.random() < 0.3;
      const opts = { reduction: t.reduction() };
      if (t.random() < 0.4) opts.weight = t.floats(C, () => t.random() * 2);
      if (t.random() < 0.4) opts.labelSmoothing = t.pick([0, 0.1, 0.5, 1]);
      let target;
      if (probs) target = t.tensor(shape, () => t.random());
      else {
        target = { data: Int32Array.from({ length: rows }, () => (t.random() < 0.1 ? -100 : t.int(0, C - 1))), shape: k ? [N, k] : [N] };
        if (t.random() < 0.05) target.data.fill(-100); // all ignored
      }
      return [[t.tensor(shape, () => t.value(t.pick([3, 30]))), target], opts];
    } },
  { name: 'nllLoss', family: 'cross-entropy', args: ['input', 'target'], grads: ['input'], options: ['weight', 'ignoreIndex', 'reduction'],
    samples: (s) => [[s.x, s.target, { weight: s.weight }], [s.x, s.target, { reduction: 'none' }]],
    fuzz: (t) => {
      const N = t.dim(), C = t.posDim(40);
      const opts = { reduction: t.reduction() };
      if (t.random() < 0.4) opts.weight = t.floats(C, () => t.random() * 2);
      if (t.random() < 0.3) opts.ignoreIndex = t.int(0, C - 1);
      return [[t.tensor([N, C]), Int32Array.from({ length: N }, () => t.int(0, C - 1))], opts];
    } },
  { name: 'binaryCrossEntropy', family: 'binary-cross-entropy', args: ['input', 'target'], grads: ['input'], options: ['weight', 'reduction'],
    samples: (s) => [[s.probs, s.soft, {}], [s.probs, s.soft, { weight: s.weight, reduction: 'none' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(20)];
      const opts = { reduction: t.reduction() };
      if (t.random() < 0.3) opts.weight = t.tensor([shape[1]], () => t.random());
      return [[t.tensor(shape, t.unit), t.tensor(shape, t.unit)], opts];
    } },
  { name: 'binaryCrossEntropyWithLogits', family: 'binary-cross-entropy', args: ['input', 'target'], grads: ['input'], options: ['weight', 'posWeight', 'reduction'],
    samples: (s) => [[s.x, s.soft, { posWeight: s.weight }], [s.x, s.soft, { reduction: 'sum' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(20)];
      const opts = { reduction: t.reduction() };
      if (t.random() < 0.3) opts.weight = t.tensor([shape[1]], () => t.random());
      if (t.random() < 0.3) opts.posWeight = t.tensor([shape[1]], () => t.random() * 3);
      return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.unit)], opts];
    } },
  { name: 'multilabelSoftMarginLoss', family: 'binary-cross-entropy', args: ['input', 'target'], grads: ['input'], options: ['weight', 'reduction'],
    samples: (s) => [[s.x, s.soft, { weight: s.weight }], [s.x, s.soft, { reduction: 'none' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(20)];
      const opts = { reduction: t.reduction() };
      if (t.random() < 0.3) opts.weight = t.floats(shape[1], () => t.random());
      return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, () => t.int(0, 1))], opts];
    } },
  { name: 'mseLoss', family: 'regression', args: ['input', 'target'], grads: ['input', 'target'], options: ['reduction'],
    samples: (s) => [[s.x, s.y, {}], [s.x, s.y, { reduction: 'none' }]],
    fuzz: pairFuzz },
  { name: 'l1Loss', family: 'regression', args: ['input', 'target'], grads: ['input', 'target'], options: ['reduction'],
    samples: (s) => [[s.x, s.y, { reduction: 'sum' }]],
    fuzz: pairFuzz },
  { name: 'smoothL1Loss', family: 'regression', args: ['input', 'target'], grads: ['input', 'target'], options: ['reduction', 'beta'],
    samples: (s) => [[s.x, s.y, { beta: 0.5 }], [s.x, s.y, { reduction: 'none' }]],
    fuzz: (t) => { const [a, o] = pairFuzz(t); return [a, { ...o, beta: t.pick([0, 0.5, 1, 2]) }]; } },
  { name: 'huberLoss', family: 'regression', args: ['input', 'target'], grads: ['input', 'target'], options: ['reduction', 'delta'],
    samples: (s) => [[s.x, s.y, { delta: 2 }]],
    fuzz: (t) => { const [a, o] = pairFuzz(t); return [a, { ...o, delta: t.pick([0.5, 1, 2]) }]; } },
  { name: 'klDiv', family: 'kl-div', args: ['input', 'target'], grads: ['input', 'target'], options: ['reduction', 'logTarget'],
    samples: (s) => [[s.x, s.soft, { reduction: 'batchmean' }], [s.x, s.x, { logTarget: true, reduction: 'none' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(20)];
      const logTarget = t.random() < 0.3;
      return [[t.tensor(shape), t.tensor(shape, () => (logTarget ? t.value() : t.unit()))], { reduction: t.pick(['mean', 'sum', 'none', 'batchmean']), logTarget }];
    } },
  { name: 'poissonNllLoss', family: 'likelihood', args: ['input', 'target'], grads: ['input', 'target'], options: ['logInput', 'full', 'eps', 'reduction'],
    samples: (s) => [[s.x, s.soft, { full: true }], [s.probs, s.soft, { logInput: false, reduction: 'none' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.dim()];
      const logInput = t.random() < 0.5;
      return [[t.tensor(shape, () => (logInput ? t.value() : t.random() * 3)), t.tensor(shape, () => t.int(0, 5))], { logInput, full: t.random() < 0.5, reduction: t.reduction() }];
    } },
  { name: 'gaussianNllLoss', family: 'likelihood', args: ['input', 'target', 'variance'], grads: ['input', 'target', 'variance'], options: ['full', 'eps', 'reduction'],
    samples: (s) => [[s.x, s.y, s.probs, {}], [s.x, s.y, 0.5, { full: true, reduction: 'sum' }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(20)];
      const v = t.random() < 0.2 ? 0.5 + t.random() : t.tensor(t.random() < 0.3 ? [shape[0], 1] : shape, () => t.random() * 2);
      return [[t.tensor(shape), t.tensor(shape), v], { full: t.random() < 0.5, reduction: t.reduction() }];
    } },
  { name: 'hingeEmbeddingLoss', family: 'margin', args: ['input', 'target'], grads: ['input'], options: ['margin', 'reduction'],
    samples: (s) => [[s.x, s.labels, { margin: 0.5 }]],
    fuzz: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape), t.tensor(shape, t.sign)], { margin: t.pick([0, 1, 2]), reduction: t.reduction() }]; } },
  { name: 'softMarginLoss', family: 'margin', args: ['input', 'target'], grads: ['input'], options: ['reduction'],
    samples: (s) => [[s.x, s.labels, { reduction: 'none' }]],
    fuzz: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.sign)], { reduction: t.reduction() }]; } },
  { name: 'marginRankingLoss', family: 'margin', args: ['input1', 'input2', 'target'], grads: ['input1', 'input2', 'target'], options: ['margin', 'reduction'],
    samples: (s) => [[s.x, s.y, s.labels, { margin: 0.1 }]],
    fuzz: (t) => { const n = t.dim(200); return [[t.tensor([n]), t.tensor([n]), t.tensor([n], t.sign)], { margin: t.pick([0, 0.5]), reduction: t.reduction() }]; } },
  // The margin losses' inputs are scaled by 1.37, so that no two of the generator's special values
  // (0, ±0.5, ±1) differ by a margin (0.5, 1, 2): such a hinge sits exactly on its kink, where float32
  // and float64 round to different valid subgradients.
  { name: 'multiMarginLoss', family: 'multi-margin', args: ['input', 'target'], grads: ['input'], options: ['p', 'margin', 'weight', 'reduction'],
    samples: (s) => [[s.x, s.target, { p: 2, weight: s.weight }], [s.x, s.target, { reduction: 'none' }]],
    fuzz: (t) => {
      const N = t.dim(), C = t.posDim(40);
      const opts = { p: t.pick([1, 2]), margin: t.pick([0.5, 1, 2]), reduction: t.reduction() };
      if (t.random() < 0.3) opts.weight = t.floats(C, () => t.random());
      return [[t.tensor([N, C], () => 1.37 * t.value()), Int32Array.from({ length: N }, () => t.int(0, C - 1))], opts];
    } },
  { name: 'multilabelMarginLoss', family: 'multi-margin', args: ['input', 'target'], grads: ['input'], options: ['reduction'],
    samples: (s) => [[s.x, { data: Int32Array.from({ length: 60 }, (_, i) => (i % 10 < 3 ? (i * 7) % 10 : -1)), shape: [6, 10] }, {}]],
    fuzz: (t) => {
      const N = t.dim(), C = t.posDim(20);
      const target = new Int32Array(N * C).fill(-1);
      for (let r = 0; r < N; r++) { const k = t.int(0, C); for (let j = 0; j < k; j++) target[r * C + j] = t.int(0, C - 1); }
      return [[t.tensor([N, C], () => 1.37 * t.value()), { data: target, shape: [N, C] }], { reduction: t.reduction() }];
    } },
  { name: 'cosineSimilarity', family: 'cosine-similarity', args: ['x1', 'x2'], grads: ['x1', 'x2'], options: ['dim', 'eps'],
    samples: (s) => [[s.x, s.y, {}], [s.x, s.y, { dim: 0 }]],
    fuzz: (t) => {
      // D ≥ 2, as for cosineEmbeddingLoss: a tiny D = 1 vector is ill-conditioned in float32 (exact
      // zero rows, set below, are not: their gradient has no cancellation).
      const shape = [t.dim(), Math.max(2, t.dim())];
      const zero = (x) => { if (t.random() < 0.2 && x.data.length) x.data.fill(0, 0, Math.min(x.data.length, shape[1] || 1)); return x; };
      return [[zero(t.tensor(shape)), zero(t.tensor(shape))], { dim: 1, eps: t.pick([1e-8, 0.1]) }];
    } },
  // D ≥ 2: a D = 1 vector near 0 (|x| = 1e-4) makes the gradient a difference of 1/|x|-sized terms,
  // which float32 cannot cancel to better than 1e-3 (PyTorch's float32 neither).
  { name: 'cosineEmbeddingLoss', family: 'cosine-similarity', args: ['input1', 'input2', 'target'], grads: ['input1', 'input2'], options: ['margin', 'reduction'],
    samples: (s) => [[s.x, s.y, Int32Array.from(s.target, (v) => (v % 2 ? 1 : -1)), { margin: 0.2 }]],
    fuzz: (t) => { const N = t.dim(), D = Math.max(2, t.posDim(40)); return [[t.tensor([N, D]), t.tensor([N, D]), t.tensor([N], t.sign)], { margin: t.pick([0, 0.3]), reduction: t.reduction() }]; } },
  { name: 'pairwiseDistance', family: 'distance', args: ['x1', 'x2'], grads: ['x1', 'x2'], options: ['p', 'eps', 'keepdim'],
    samples: (s) => [[s.x, s.y, {}], [s.x, s.y, { p: 1, keepdim: true }]],
    fuzz: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape), t.tensor(shape)], { p: t.pick([0, 0.5, 1, 2, 3, Infinity]), eps: t.pick([1e-6, 0]), keepdim: t.random() < 0.3 }]; } },
  // Margins that no difference of the generator's special values (0, ±0.5, ±1) can equal: with
  // margin 1, p = 0.5 and n = -0.5 put the hinge exactly on its kink, where float32 and float64
  // round to different sides and both subgradients are right.
  { name: 'tripletMarginLoss', family: 'distance', args: ['anchor', 'positive', 'negative'], grads: ['anchor', 'positive', 'negative'], options: ['margin', 'p', 'eps', 'swap', 'reduction'],
    samples: (s) => [[s.x, s.y, s.soft, { swap: true }], [s.x, s.y, s.soft, { p: Infinity, reduction: 'none' }]],
    fuzz: (t) => { const shape = [t.dim(), t.posDim(40)]; return [[t.tensor(shape), t.tensor(shape), t.tensor(shape)], { margin: t.pick([0.3, 1.3]), p: t.pick([1, 2, 3]), swap: t.random() < 0.5, reduction: t.reduction() }]; } },
  { name: 'tripletMarginWithDistanceLoss', family: 'distance', args: ['anchor', 'positive', 'negative'], grads: ['anchor', 'positive', 'negative'], options: ['distance', 'margin', 'swap', 'reduction'],
    samples: (s) => [[s.x, s.y, s.soft, { distance: 'cosine', margin: 0.5 }]],
    fuzz: (t) => {
      const distance = t.pick(['pairwise', 'cosine']);
      // The cosine distance of D = 1 vectors is 0, 1 or 2, so the hinge sits exactly on its kink, where
      // either side is a valid subgradient; a zero vector has 1/eps-sized gradient terms that cancel,
      // which float32 cannot do exactly. Both are kept out of the cosine cases.
      if (distance === 'cosine') {
        const shape = [t.dim(), Math.max(2, t.posDim(40))];
        const f = () => t.value() || 0.5;
        return [[t.tensor(shape, f), t.tensor(shape, f), t.tensor(shape, f)], { distance, margin: t.pick([0.25, 1]), swap: t.random() < 0.5, reduction: t.reduction() }];
      }
      const shape = [t.dim(), t.posDim(40)];
      return [[t.tensor(shape), t.tensor(shape), t.tensor(shape)], { distance, margin: t.pick([0.3, 1.3]), swap: t.random() < 0.5, reduction: t.reduction() }];
    } },
  { name: 'ctcLoss', family: 'ctc', args: ['logProbs', 'targets', 'inputLengths', 'targetLengths'], grads: ['logProbs'], options: ['blank', 'reduction', 'zeroInfinity'],
    samples: (s) => [[s.sl.logSoftmax({ data: s.x.data, shape: [6, 2, 5] }, { dim: 2 }), { data: [1, 2, 3, 4, 4, 0], shape: [2, 3] }, [6, 5], [3, 2], {}]],
    fuzz: (t) => {
      const T = t.int(0, 12), N = t.int(1, 4), C = t.int(2, 6), S = t.int(0, 6);
      const blank = t.int(0, C - 1);
      const targets = Int32Array.from({ length: N * S }, () => t.int(0, C - 1)); // may hold blank, and repeats
      const tl = Int32Array.from({ length: N }, () => t.int(0, S)); // may exceed the input length: impossible alignments
      const il = Int32Array.from({ length: N }, () => t.int(0, T));
      return [[{ data: logSoftmaxRows(t, T, N, C), shape: [T, N, C] }, { data: targets, shape: [N, S] }, il, tl], { blank, reduction: t.reduction(), zeroInfinity: t.random() < 0.5 }];
    } },
  { name: 'sigmoidFocalLoss', family: 'focal', args: ['inputs', 'targets'], grads: ['inputs'], options: ['alpha', 'gamma', 'reduction'],
    samples: (s) => [[s.x, s.soft, {}], [s.x, s.soft, { gamma: 0.5, reduction: 'mean' }]],
    fuzz: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.unit)], { alpha: t.pick([0.25, -1, 0.5]), gamma: t.pick([0, 0.5, 1, 2, 3.5]), reduction: t.reduction() }]; } },
  // images (N, C, H, W): W small, so that one image (the kernel's item, with its sort scratch) fits
  // the fuzzer's smallest memory limit; labels now and then all one class (degenerate masks).
  // Always a number (no reduction): no options.out.
  { name: 'lovaszHingeLoss', family: 'lovasz', args: ['input', 'target'], grads: ['input'], options: [], scalar: true,
    samples: (s) => [[{ data: s.x.data, shape: [2, 1, 3, 10] }, s.masks]],
    fuzz: (t) => {
      const N = t.int(0, 3), H = t.dim(), W = t.int(0, 9);
      const one = t.random() < 0.15 ? t.int(0, 1) : -1;
      return [[t.tensor([N, 1, H, W], () => t.value(t.pick([3, 30]))), { data: Int32Array.from({ length: N * H * W }, () => (one >= 0 ? one : t.int(0, 1))), shape: [N, H, W] }], {}];
    } },
  { name: 'lovaszSoftmaxLoss', family: 'lovasz', args: ['input', 'target'], grads: ['input'], options: ['weight'], scalar: true,
    samples: (s) => [[{ data: s.x.data, shape: [2, 3, 2, 5] }, s.classes, {}], [{ data: s.x.data, shape: [2, 3, 2, 5] }, s.classes, { weight: s.classWeight }]],
    fuzz: (t) => {
      const N = t.int(0, 3), C = t.int(2, 5), H = t.dim(), W = t.int(0, 9);
      const one = t.random() < 0.15 ? t.int(0, C - 1) : -1;
      const opts = t.random() < 0.4 ? { weight: t.floats(C, () => t.random() * 2) } : {};
      return [[t.tensor([N, C, H, W], () => t.value(t.pick([3, 30]))), { data: Int32Array.from({ length: N * H * W }, () => (one >= 0 ? one : t.int(0, C - 1))), shape: [N, H, W] }], opts];
    } },
  { name: 'generalizedBoxIouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: BOX,
    samples: boxSamples({}), fuzz: boxFuzz({}) },
  { name: 'distanceBoxIouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: BOX,
    samples: boxSamples({ reduction: 'sum' }), fuzz: boxFuzz({}) },
  { name: 'completeBoxIouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: BOX,
    samples: boxSamples({ reduction: 'mean' }), fuzz: boxFuzz({}) },
  { name: 'iouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: BOX,
    samples: boxSamples({}), fuzz: boxFuzz({}) },
  { name: 'eiouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: BOX,
    samples: boxSamples({}), fuzz: boxFuzz({}) },
  { name: 'focalEiouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: [...BOX, 'gamma'],
    samples: boxSamples({}), fuzz: boxFuzz((t) => ({ gamma: t.pick([0.5, 1, 2]) })) },
  // α < 1 makes the loss singular (infinite slope) where IoU or the penalty is 0: gradients there are
  // ±∞ or NaN in PyTorch too, and which of them depends on rounding, so the fuzzer keeps α ≥ 1. For
  // 1 < α < 2 the slope α·P^(α-1) near P = 0 turns float32's rounding of P (touching boxes: C - U ≈
  // 1e-7·C) into gradients of 1e-4: such α are fuzzed in float64 only.
  { name: 'alphaIouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: [...BOX, 'alpha', 'form'],
    samples: boxSamples({ form: 'ciou' }),
    fuzz: boxFuzz((t) => ({ alpha: t.pick(t.Arr === Float64Array ? [1, 1.5, 2, 3] : [1, 2, 3]), form: t.pick(['iou', 'giou', 'diou', 'ciou']) })) },
  { name: 'siouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: [...BOX, 'theta'],
    samples: boxSamples({}), fuzz: boxFuzz((t) => ({ theta: t.pick([2, 4]) })) },
  { name: 'wiseIouLoss', family: 'box-iou', args: ['boxes1', 'boxes2'], grads: ['boxes1', 'boxes2'], options: [...BOX, 'version', 'iouMean', 'momentum', 'alpha', 'delta'],
    samples: boxSamples({}, { version: 'v3', iouMean: 0.7, momentum: 0.1, reduction: 'mean' }),
    fuzz: boxFuzz((t) => (t.random() < 0.5 ? { version: 'v1' } : { version: 'v3', iouMean: 0.2 + t.random(), momentum: t.pick([0, 0.01, 0.5]) })) },
  // Kornia's losses (issue 22)
  { name: 'focalLoss', family: 'softmax-focal', args: ['input', 'target'], grads: ['input'], options: ['alpha', 'gamma', 'weight', 'ignoreIndex', 'reduction'],
    samples: (s) => [[s.x, s.target, { alpha: 0.25 }],
      [{ data: s.x.data, shape: [2, 3, 10] }, { data: Int32Array.from({ length: 20 }, (_, i) => (i % 7 === 0 ? -100 : i % 3)), shape: [2, 10] }, { alpha: null, gamma: 1.5, weight: s.weight.slice(0, 3), reduction: 'mean' }]],
    fuzz: (t) => {
      const N = t.dim(), C = t.posDim(20);
      const spatial = t.pick([[], [t.dim(9)], [t.dim(5), t.dim(5)]]);
      const inner = spatial.reduce((a, b) => a * b, 1);
      const ignoreIndex = t.pick([-100, null, 0]);
      const targets = Int32Array.from({ length: N * inner }, () => (ignoreIndex === -100 && t.random() < 0.1 ? -100 : t.int(0, C - 1)));
      const options = { alpha: t.pick([0.25, null, 0.8]), gamma: t.pick([0, 0.5, 1, 2, 3.5]), ignoreIndex, reduction: t.reduction() };
      if (t.random() < 0.5) options.weight = t.floats(C, t.unit);
      return [[t.tensor([N, C, ...spatial], () => t.value(10)), { data: targets, shape: [N, ...spatial] }], options];
    } },
  // always a number (no reduction): no options.out
  { name: 'psnrLoss', family: 'image-quality', args: ['input', 'target'], grads: ['input', 'target'], options: ['maxVal'], scalar: true,
    samples: (s) => [[s.probs, s.soft, { maxVal: 1 }]],
    fuzz: (t) => {
      const shape = [t.dim(), t.posDim(40)];
      const a = t.tensor(shape, t.unit);
      // now and then identical images (MSE 0: -∞, NaN gradients)
      const b = t.random() < 0.1 ? { data: a.data.slice(), shape } : t.tensor(shape, t.unit);
      return [[a, b], { maxVal: t.pick([1, 2, 255]) }];
    } },
  { name: 'ssimLoss', family: 'image-quality', args: ['img1', 'img2'], grads: ['img1', 'img2'], options: ['windowSize', 'maxVal', 'eps', 'reduction', 'padding'],
    samples: (s) => [[{ data: s.probs.data, shape: [1, 1, 6, 10] }, { data: s.soft.data, shape: [1, 1, 6, 10] }, { windowSize: 5 }],
      [{ data: s.probs.data, shape: [2, 1, 3, 10] }, { data: s.soft.data, shape: [2, 1, 3, 10] }, { windowSize: 3, padding: 'valid', reduction: 'none' }]],
    fuzz: (t) => {
      const windowSize = t.pick([1, 3, 5, 7, 11]);
      const half = (windowSize - 1) / 2;
      const padding = t.pick(['same', 'valid']);
      const side = () => Math.max(padding === 'valid' ? windowSize - 1 : half + 1, Math.min(t.dim(), 40));
      const shape = [t.int(1, 2), t.int(1, 3), side(), side()];
      const a = t.tensor(shape, t.unit);
      const b = t.random() < 0.1 ? { data: a.data.slice(), shape } : t.tensor(shape, t.unit);
      return [[a, b], { windowSize, padding, maxVal: t.pick([1, 2]), eps: t.pick([1e-12, 0.01]), reduction: t.reduction() }];
    } },
  // The Dice family (MONAI)
  { name: 'diceLoss', family: 'dice', args: ['input', 'target'], grads: ['input', 'target'], options: [...DICE, 'squaredPred', 'jaccard', 'weight'],
    samples: (s) => [[s.seg, s.segLabels, { softmax: true, toOnehotY: true }], [s.seg, s.segSoft, { sigmoid: true, squaredPred: true, weight: [1, 2, 0.5], reduction: 'none' }]],
    fuzz: diceFuzz('diceLoss', (t) => ({ squaredPred: t.random() < 0.3, jaccard: t.random() < 0.3 })) },
  { name: 'generalizedDiceLoss', family: 'dice', args: ['input', 'target'], grads: ['input', 'target'], options: [...DICE, 'wType'],
    samples: (s) => [[s.seg, s.segLabels, { softmax: true, toOnehotY: true, includeBackground: false }], [s.seg, s.segSoft, { sigmoid: true, wType: 'simple', reduction: 'sum' }]],
    fuzz: diceFuzz('generalizedDiceLoss', (t) => ({ wType: t.pick(['square', 'simple', 'uniform']) })) },
  { name: 'tverskyLoss', family: 'dice', args: ['input', 'target'], grads: ['input', 'target'], options: [...DICE, 'alpha', 'beta'],
    samples: (s) => [[s.seg, s.segLabels, { softmax: true, toOnehotY: true, alpha: 0.3, beta: 0.7 }], [s.seg, s.segSoft, { sigmoid: true, batch: true, reduction: 'none' }]],
    fuzz: diceFuzz('tverskyLoss', (t) => ({ alpha: t.pick([0.5, 0.3, 1]), beta: t.pick([0.5, 0.7, 0]) })) },
];

/** The public functions' names, in the catalogue's order. */
export const FUNCTIONS = CATALOG.map((e) => e.name);

/** Each function's options as its error message lists them: its own, then `out` unless `scalar`. */
export const optionsOf = (e) => (e.scalar ? e.options : [...e.options, 'out']);

/** The sample calls of every function for one dtype: { name: [args, ...] }. */
export function makeCalls(sl, dtype) {
  const s = sampleInputs(sl, dtype);
  return Object.fromEntries(CATALOG.map((e) => [e.name, e.samples(s)]));
}
