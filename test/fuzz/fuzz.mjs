// Differential fuzzer: every exported function, on random shapes, options and values (the
// degenerate ones of each family included), run on the wasm-simd backend and on the float64
// reference ('js'); values and every gradient must agree, and a NaN on one side only is a failure.
// Plain JS so that vitest (against src/) and `npm run fuzz` (against dist/) share it.

/** mulberry32: a case is replayed from (seed, index). The tests' seeded generator too. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random helpers over one stream. */
function tools(random, dtype) {
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

/** One generator per function: (tools) → [args, options]. Options of the WithGrad call only are added later. */
const GENERATORS = {
  softmax: (t) => { const shape = Array.from({ length: t.int(1, 3) }, () => t.dim(20)); return [[t.tensor(shape)], { dim: t.int(-shape.length, shape.length - 1) }]; },
  logSoftmax: (t) => GENERATORS.softmax(t),
  sigmoid: (t) => [[t.tensor([t.dim(), t.dim()], () => t.value(12))], undefined],
  crossEntropy: (t) => {
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
  },
  nllLoss: (t) => {
    const N = t.dim(), C = t.posDim(40);
    const opts = { reduction: t.reduction() };
    if (t.random() < 0.4) opts.weight = t.floats(C, () => t.random() * 2);
    if (t.random() < 0.3) opts.ignoreIndex = t.int(0, C - 1);
    return [[t.tensor([N, C]), Int32Array.from({ length: N }, () => t.int(0, C - 1))], opts];
  },
  binaryCrossEntropy: (t) => {
    const shape = [t.dim(), t.posDim(20)];
    const opts = { reduction: t.reduction() };
    if (t.random() < 0.3) opts.weight = t.tensor([shape[1]], () => t.random());
    return [[t.tensor(shape, t.unit), t.tensor(shape, t.unit)], opts];
  },
  binaryCrossEntropyWithLogits: (t) => {
    const shape = [t.dim(), t.posDim(20)];
    const opts = { reduction: t.reduction() };
    if (t.random() < 0.3) opts.weight = t.tensor([shape[1]], () => t.random());
    if (t.random() < 0.3) opts.posWeight = t.tensor([shape[1]], () => t.random() * 3);
    return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.unit)], opts];
  },
  multilabelSoftMarginLoss: (t) => {
    const shape = [t.dim(), t.posDim(20)];
    const opts = { reduction: t.reduction() };
    if (t.random() < 0.3) opts.weight = t.floats(shape[1], () => t.random());
    return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, () => t.int(0, 1))], opts];
  },
  mseLoss: (t) => { const shape = [t.dim(), t.dim()]; const other = t.random() < 0.2 ? [1, shape[1]] : shape; return [[t.tensor(shape), t.tensor(other)], { reduction: t.reduction() }]; },
  l1Loss: (t) => GENERATORS.mseLoss(t),
  smoothL1Loss: (t) => { const [a, o] = GENERATORS.mseLoss(t); return [a, { ...o, beta: t.pick([0, 0.5, 1, 2]) }]; },
  huberLoss: (t) => { const [a, o] = GENERATORS.mseLoss(t); return [a, { ...o, delta: t.pick([0.5, 1, 2]) }]; },
  klDiv: (t) => {
    const shape = [t.dim(), t.posDim(20)];
    const logTarget = t.random() < 0.3;
    return [[t.tensor(shape), t.tensor(shape, () => (logTarget ? t.value() : t.unit()))], { reduction: t.pick(['mean', 'sum', 'none', 'batchmean']), logTarget }];
  },
  poissonNllLoss: (t) => {
    const shape = [t.dim(), t.dim()];
    const logInput = t.random() < 0.5;
    return [[t.tensor(shape, () => (logInput ? t.value() : t.random() * 3)), t.tensor(shape, () => t.int(0, 5))], { logInput, full: t.random() < 0.5, reduction: t.reduction() }];
  },
  gaussianNllLoss: (t) => {
    const shape = [t.dim(), t.posDim(20)];
    const v = t.random() < 0.2 ? 0.5 + t.random() : t.tensor(t.random() < 0.3 ? [shape[0], 1] : shape, () => t.random() * 2);
    return [[t.tensor(shape), t.tensor(shape), v], { full: t.random() < 0.5, reduction: t.reduction() }];
  },
  hingeEmbeddingLoss: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape), t.tensor(shape, t.sign)], { margin: t.pick([0, 1, 2]), reduction: t.reduction() }]; },
  softMarginLoss: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.sign)], { reduction: t.reduction() }]; },
  marginRankingLoss: (t) => { const n = t.dim(200); return [[t.tensor([n]), t.tensor([n]), t.tensor([n], t.sign)], { margin: t.pick([0, 0.5]), reduction: t.reduction() }]; },
  // The margin losses' inputs are scaled by 1.37, so that no two of the generator's special values
  // (0, ±0.5, ±1) differ by a margin (0.5, 1, 2): such a hinge sits exactly on its kink, where float32
  // and float64 round to different valid subgradients.
  multiMarginLoss: (t) => {
    const N = t.dim(), C = t.posDim(40);
    const opts = { p: t.pick([1, 2]), margin: t.pick([0.5, 1, 2]), reduction: t.reduction() };
    if (t.random() < 0.3) opts.weight = t.floats(C, () => t.random());
    return [[t.tensor([N, C], () => 1.37 * t.value()), Int32Array.from({ length: N }, () => t.int(0, C - 1))], opts];
  },
  multilabelMarginLoss: (t) => {
    const N = t.dim(), C = t.posDim(20);
    const target = new Int32Array(N * C).fill(-1);
    for (let r = 0; r < N; r++) { const k = t.int(0, C); for (let j = 0; j < k; j++) target[r * C + j] = t.int(0, C - 1); }
    return [[t.tensor([N, C], () => 1.37 * t.value()), { data: target, shape: [N, C] }], { reduction: t.reduction() }];
  },
  cosineSimilarity: (t) => {
    // D ≥ 2, as for cosineEmbeddingLoss: a tiny D = 1 vector is ill-conditioned in float32 (exact
    // zero rows, set below, are not: their gradient has no cancellation).
    const shape = [t.dim(), Math.max(2, t.dim())];
    const zero = (x) => { if (t.random() < 0.2 && x.data.length) x.data.fill(0, 0, Math.min(x.data.length, shape[1] || 1)); return x; };
    return [[zero(t.tensor(shape)), zero(t.tensor(shape))], { dim: 1, eps: t.pick([1e-8, 0.1]) }];
  },
  // D ≥ 2: a D = 1 vector near 0 (|x| = 1e-4) makes the gradient a difference of 1/|x|-sized terms,
  // which float32 cannot cancel to better than 1e-3 (PyTorch's float32 neither).
  cosineEmbeddingLoss: (t) => { const N = t.dim(), D = Math.max(2, t.posDim(40)); return [[t.tensor([N, D]), t.tensor([N, D]), t.tensor([N], t.sign)], { margin: t.pick([0, 0.3]), reduction: t.reduction() }]; },
  pairwiseDistance: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape), t.tensor(shape)], { p: t.pick([0, 0.5, 1, 2, 3, Infinity]), eps: t.pick([1e-6, 0]), keepdim: t.random() < 0.3 }]; },
  // Margins that no difference of the generator's special values (0, ±0.5, ±1) can equal: with
  // margin 1, p = 0.5 and n = -0.5 put the hinge exactly on its kink, where float32 and float64
  // round to different sides and both subgradients are right.
  tripletMarginLoss: (t) => { const shape = [t.dim(), t.posDim(40)]; return [[t.tensor(shape), t.tensor(shape), t.tensor(shape)], { margin: t.pick([0.3, 1.3]), p: t.pick([1, 2, 3]), swap: t.random() < 0.5, reduction: t.reduction() }]; },
  tripletMarginWithDistanceLoss: (t) => {
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
  },
  ctcLoss: (t) => {
    const T = t.int(0, 12), N = t.int(1, 4), C = t.int(2, 6), S = t.int(0, 6);
    const blank = t.int(0, C - 1);
    const targets = Int32Array.from({ length: N * S }, () => t.int(0, C - 1)); // may hold blank, and repeats
    const tl = Int32Array.from({ length: N }, () => t.int(0, S)); // may exceed the input length: impossible alignments
    const il = Int32Array.from({ length: N }, () => t.int(0, T));
    return [[{ data: logSoftmaxRows(t, T, N, C), shape: [T, N, C] }, { data: targets, shape: [N, S] }, il, tl], { blank, reduction: t.reduction(), zeroInfinity: t.random() < 0.5 }];
  },
  sigmoidFocalLoss: (t) => { const shape = [t.dim(), t.dim()]; return [[t.tensor(shape, () => t.value(10)), t.tensor(shape, t.unit)], { alpha: t.pick([0.25, -1, 0.5]), gamma: t.pick([0, 0.5, 1, 2, 3.5]), reduction: t.reduction() }]; },
};
const BOX = { generalizedBoxIouLoss: {}, distanceBoxIouLoss: {}, completeBoxIouLoss: {}, iouLoss: {}, eiouLoss: {},
  focalEiouLoss: (t) => ({ gamma: t.pick([0.5, 1, 2]) }),
  // α < 1 makes the loss singular (infinite slope) where IoU or the penalty is 0: gradients there are
  // ±∞ or NaN in PyTorch too, and which of them depends on rounding, so the fuzzer keeps α ≥ 1. For
  // 1 < α < 2 the slope α·P^(α-1) near P = 0 turns float32's rounding of P (touching boxes: C - U ≈
  // 1e-7·C) into gradients of 1e-4: such α are fuzzed in float64 only.
  alphaIouLoss: (t) => ({ alpha: t.pick(t.Arr === Float64Array ? [1, 1.5, 2, 3] : [1, 2, 3]), form: t.pick(['iou', 'giou', 'diou', 'ciou']) }),
  siouLoss: (t) => ({ theta: t.pick([2, 4]) }),
  wiseIouLoss: (t) => (t.random() < 0.5 ? { version: 'v1' } : { version: 'v3', iouMean: 0.2 + t.random(), momentum: t.pick([0, 0.01, 0.5]) }) };
for (const [name, extra] of Object.entries(BOX)) {
  GENERATORS[name] = (t) => [boxPairs(t, t.dim(60)), { reduction: t.reduction(), ...(typeof extra === 'function' ? extra(t) : extra) }];
}

// Kornia's losses (issue 22)
GENERATORS.focalLoss = (t) => {
  const N = t.dim(), C = t.posDim(20);
  const spatial = t.pick([[], [t.dim(9)], [t.dim(5), t.dim(5)]]);
  const inner = spatial.reduce((a, b) => a * b, 1);
  const ignoreIndex = t.pick([-100, null, 0]);
  const targets = Int32Array.from({ length: N * inner }, () => (ignoreIndex === -100 && t.random() < 0.1 ? -100 : t.int(0, C - 1)));
  const options = { alpha: t.pick([0.25, null, 0.8]), gamma: t.pick([0, 0.5, 1, 2, 3.5]), ignoreIndex, reduction: t.reduction() };
  if (t.random() < 0.5) options.weight = t.floats(C, t.unit);
  return [[t.tensor([N, C, ...spatial], () => t.value(10)), { data: targets, shape: [N, ...spatial] }], options];
};
GENERATORS.psnrLoss = (t) => {
  const shape = [t.dim(), t.posDim(40)];
  const a = t.tensor(shape, t.unit);
  // now and then identical images (MSE 0: -∞, NaN gradients)
  const b = t.random() < 0.1 ? { data: a.data.slice(), shape } : t.tensor(shape, t.unit);
  return [[a, b], { maxVal: t.pick([1, 2, 255]) }];
};
GENERATORS.ssimLoss = (t) => {
  const windowSize = t.pick([1, 3, 5, 7, 11]);
  const half = (windowSize - 1) / 2;
  const padding = t.pick(['same', 'valid']);
  const side = () => Math.max(padding === 'valid' ? windowSize - 1 : half + 1, Math.min(t.dim(), 40));
  const shape = [t.int(1, 2), t.int(1, 3), side(), side()];
  const a = t.tensor(shape, t.unit);
  const b = t.random() < 0.1 ? { data: a.data.slice(), shape } : t.tensor(shape, t.unit);
  return [[a, b], { windowSize, padding, maxVal: t.pick([1, 2]), eps: t.pick([1e-12, 0.01]), reduction: t.reduction() }];
};
// The Dice family (MONAI): (B, C, spatial…) with one or two spatial dims, a float target in [0, 1]
// (empty classes now and then) or class indices with toOnehotY, and the options at random.
const DICE = {
  diceLoss: (t) => ({ squaredPred: t.random() < 0.3, jaccard: t.random() < 0.3 }),
  generalizedDiceLoss: (t) => ({ wType: t.pick(['square', 'simple', 'uniform']) }),
  tverskyLoss: (t) => ({ alpha: t.pick([0.5, 0.3, 1]), beta: t.pick([0.5, 0.7, 0]) }),
};
for (const [name, own] of Object.entries(DICE)) {
  GENERATORS[name] = (t) => {
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
}

/** The exported functions the fuzzer covers (a test checks this against the package's exports). */
export const FUZZED = Object.keys(GENERATORS);

/** Tolerance of the SIMD kernels against the float64 reference, relative to each output's scale. */
const TOL = { float32: { rel: 2e-4, abs: 2e-4 }, float64: { rel: 1e-9, abs: 1e-9 } };

function compare(what, a, b, dtype) {
  const xs = typeof a === 'number' ? [a] : Array.from(a.data ?? a);
  const ys = typeof b === 'number' ? [b] : Array.from(b.data ?? b);
  if (xs.length !== ys.length) return `${what}: length ${xs.length} vs ${ys.length}`;
  let scale = 1;
  for (const y of ys) if (Number.isFinite(y)) scale = Math.max(scale, Math.abs(y));
  const { rel, abs } = TOL[dtype];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], y = ys[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `${what}[${i}]: wasm ${x} vs reference ${y} (NaN on one side)`;
      continue;
    }
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) return `${what}[${i}]: wasm ${x} vs reference ${y}`;
      continue;
    }
    if (Math.abs(x - y) > abs * scale + rel * Math.abs(y)) return `${what}[${i}]: wasm ${x} vs reference ${y} (scale ${scale})`;
  }
  return null;
}

/** Converts a case's float arrays to dtype (they are generated once, in the case's own dtype). */
function call(lib, name, args, options, withGrad) {
  const f = lib[withGrad ? `${name}WithGrad` : name];
  return options === undefined ? f(...args) : f(...args, options);
}

function lossOf(r) {
  if (r && typeof r === 'object' && 'iouMean' in r && !('grads' in r)) return r.loss; // wiseIouLoss v3
  return r;
}

/** Counts calls of a typed-array subclass's species: the library must never run it (no user code inside a call). */
let hookCalls = 0;
const hooked = (Base) => class extends Base {
  static get [Symbol.species]() {
    hookCalls++;
    return Base;
  }
};
const HOOKED = { float32: hooked(Float32Array), float64: hooked(Float64Array) };

/** Keys a polluted Object.prototype may hold (the runtime's and the tensor reader's field names). */
const POLLUTION = ['ptr', 'resident', 'gather', 'scatter', 'int32', 'maxBlock', 'whole', 'stride', 'strides', 'offset', 'data', 'shape', 'into', 'per', 'role', 'extra', 'probs', 'weight', 'denominator', 'groupMean', 'constant', 'compute', 'optional', 'params', 'options'];

const isFloatTensor = (a, t) => a && typeof a === 'object' && !Array.isArray(a) && a.data instanceof t.Arr && !(a.data instanceof HOOKED.float32) && !(a.data instanceof HOOKED.float64);

/**
 * Runs `cases` random cases from `seed` against `lib` (the package's exports). Returns the count and
 * the mismatches, each with what is needed to replay it (seed, index, name). On the wasm-simd side a
 * case may also: hold any float tensor argument in wasm memory, passed as the WasmTensor or as a raw
 * view of its `.data`; hand float arrays in as a subclass whose species counts its calls; run with
 * Object.prototype polluted; and, when `growth` is given (a switch of the arena's, for tests), with
 * every allocation detaching wasm memory's buffer.
 */
export function runFuzz(lib, { cases = 1000, seed = 1, from = 0, onProgress, onCase, onStart, growth } = {}) {
  const names = FUZZED;
  const mismatches = [];
  const limit = lib.getMemoryLimit();
  let ran = 0;
  try {
    for (let i = from; i < from + cases; i++) {
      if (onStart) onStart(i);
      const random = rng((seed * 1000003 + i) >>> 0);
      const name = names[i % names.length];
      const dtype = random() < 0.5 ? 'float32' : 'float64';
      const t = tools(random, dtype);
      const [args, options] = GENERATORS[name](t);
      const withGrad = random() < 0.6;
      let opts = options;
      if (withGrad && opts !== undefined && random() < 0.2 && opts.reduction !== 'none' && name !== 'softmax' && name !== 'logSoftmax') opts = { ...opts, gradOutput: t.value() };
      if (withGrad && name === 'sigmoid' && random() < 0.3) opts = { gradOutput: t.tensor(args[0].shape) };
      // Now and then a small memory limit, so that the call runs in chunks.
      const chunked = random() < 0.1;
      // Now and then the first argument lives in wasm memory, and the gradient goes into a kept array.
      const first = args[0];
      const resident = random() < 0.1 && first && first.data instanceof t.Arr && first.data.length > 0 && first.data.byteLength < 8 * 1024 * 1024;
      const into = withGrad && random() < 0.1 && first && first.data instanceof t.Arr ? new t.Arr(first.data.length) : null;
      // The review's dimensions, from a stream of their own (the cases above replay as before).
      const more = rng((seed * 7919 + i * 31 + 17) >>> 0);
      const residentAt = args.map((a, k) => k > 0 && isFloatTensor(a, t) && a.data.length > 0 && a.data.byteLength < 4 * 1024 * 1024 && more() < 0.15);
      const rawView = more() < 0.5;
      const hooks = more() < 0.1;
      const polluted = more() < 0.05 ? POLLUTION[Math.floor(more() * POLLUTION.length)] : null;
      const grow = !!growth && more() < 0.3;
      const hookedArgs = hooks ? args.map((a) => (isFloatTensor(a, t) ? { ...a, data: new HOOKED[dtype](a.data) } : a)) : args;
      hookCalls = 0;
      const outcome = {};
      for (const backend of ['wasm-simd', 'js']) {
        lib.setBackend(backend);
        let tensor = null;
        const others = [];
        try {
          let a = hookedArgs, o = opts;
          if (backend === 'wasm-simd') {
            // the resident tensors first: a small limit set before them would refuse them
            if (resident) {
              tensor = lib.allocTensor(dtype, first.shape);
              tensor.data.set(first.data);
              a = [tensor, ...a.slice(1)];
            }
            const made = a.map((x, k) => {
              if (!residentAt[k]) return null;
              const r = lib.allocTensor(dtype, x.shape);
              r.data.set(args[k].data);
              others.push([r, args[k].data]);
              return r;
            });
            // raw views after the last allocation: an allocation may grow the memory and detach them
            a = a.map((x, k) => (made[k] ? (rawView ? { data: made[k].data, shape: x.shape } : made[k]) : x));
            const residentBytes = (tensor ? tensor.size * 8 + 65536 : 0) + others.reduce((s, [r]) => s + r.size * 8 + 65536, 0);
            if (chunked) lib.setMemoryLimit(Math.max(limit / 16, 2 * 1024 * 1024) + residentBytes);
            if (into) o = { ...(opts ?? {}), gradInto: into };
            if (grow) growth(true);
          }
          if (polluted) Object.defineProperty(Object.prototype, polluted, { value: 0, configurable: true, writable: true });
          try {
            outcome[backend] = { value: call(lib, name, a, o, withGrad) };
          } finally {
            if (polluted) delete Object.prototype[polluted];
            if (grow) growth(false);
          }
          if (tensor && Array.from(tensor.data).some((v, k) => !Object.is(v, first.data[k]))) outcome[backend] = { error: new Error('a resident input was written to') };
          if (others.some(([r, d]) => Array.from(r.data).some((v, k) => !Object.is(v, d[k])))) outcome[backend] = { error: new Error('a resident input was written to') };
        } catch (e) {
          outcome[backend] = { error: e };
        } finally {
          if (tensor) tensor.free();
          for (const [r] of others) r.free();
          if (chunked) lib.setMemoryLimit(limit);
        }
      }
      if (into && outcome['wasm-simd'].value && outcome['wasm-simd'].value.grads[0].data !== into) {
        outcome['wasm-simd'] = { error: new Error('the gradient is not in options.gradInto') };
      }
      ran++;
      const w = outcome['wasm-simd'], r = outcome.js;
      if (onCase) onCase({ name, dtype, args, options: opts, withGrad, outcome });
      const where = { seed, index: i, name: withGrad ? `${name}WithGrad` : name, dtype, chunked, resident, gradInto: !!into,
        residentArgs: residentAt.flatMap((r, k) => (r ? [k] : [])), rawView, hooks, polluted, growth: grow };
      if (hookCalls > 0) {
        mismatches.push({ ...where, problem: `a typed-array subclass's species ran ${hookCalls} time(s) inside the call` });
        continue;
      }
      if (w.error || r.error) {
        const same = w.error && r.error && w.error.constructor === r.error.constructor && w.error.message === r.error.message;
        const clean = (e) => !e || ((e instanceof TypeError || e instanceof RangeError) && e.message.startsWith(`${where.name}:`));
        if (!same || !clean(w.error)) mismatches.push({ ...where, problem: `errors differ or are not clean: wasm ${w.error} / js ${r.error}` });
        continue;
      }
      const problems = [];
      const wl = withGrad ? lossOf(w.value.loss) : lossOf(w.value), rl = withGrad ? lossOf(r.value.loss) : lossOf(r.value);
      // Now and then the same call once more with options.out: the result must land there, bit for bit.
      if (more() < 0.1 && wl && typeof wl === 'object' && opts !== undefined) {
        const out = new t.Arr(wl.data.length);
        lib.setBackend('wasm-simd');
        try {
          const again = call(lib, name, hookedArgs, { ...opts, out }, withGrad);
          const tensor = withGrad ? lossOf(again.loss) : lossOf(again);
          if (tensor.data !== out || Array.from(out).some((v, k) => !Object.is(v, wl.data[k]))) problems.push('options.out: the result is not the allocating call\'s, in out');
        } catch (e) {
          problems.push(`options.out: ${e}`);
        }
      }
      problems.push(compare('loss', wl, rl, dtype));
      if (withGrad) w.value.grads.forEach((g, k) => problems.push(compare(`grads[${k}]`, g, r.value.grads[k], dtype)));
      const problem = problems.find(Boolean);
      if (problem) mismatches.push({ ...where, problem });
      if (onProgress && i % 10000 === 9999) onProgress(i + 1, mismatches.length);
    }
  } finally {
    lib.setBackend('wasm-simd');
    lib.setMemoryLimit(limit);
  }
  return { cases: ran, mismatches };
}
