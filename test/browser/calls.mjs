// The calls the browser test makes, in the page and in Node alike: every public function,
// forward and WithGrad, Float32Array and Float64Array, every reduction. Inputs are deterministic.
// Returns plain JSON-able values (NaN and ±Infinity as strings) so the page can hand them back.

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

export function encode(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (v && v.data) return { shape: Array.from(v.shape), data: Array.from(v.data, encode) };
  return v;
}

export const FUNCTIONS = [
  'softmax', 'logSoftmax', 'sigmoid', 'crossEntropy', 'nllLoss', 'binaryCrossEntropy', 'binaryCrossEntropyWithLogits',
  'multilabelSoftMarginLoss', 'cosineSimilarity', 'mseLoss', 'l1Loss', 'smoothL1Loss', 'huberLoss', 'klDiv',
  'hingeEmbeddingLoss', 'softMarginLoss', 'marginRankingLoss', 'poissonNllLoss', 'gaussianNllLoss', 'multiMarginLoss',
  'multilabelMarginLoss', 'cosineEmbeddingLoss', 'pairwiseDistance', 'tripletMarginLoss', 'tripletMarginWithDistanceLoss', 'ctcLoss',
  'sigmoidFocalLoss', 'generalizedBoxIouLoss', 'distanceBoxIouLoss', 'completeBoxIouLoss', 'iouLoss', 'eiouLoss', 'focalEiouLoss',
  'alphaIouLoss', 'siouLoss', 'wiseIouLoss',
  // Kornia's losses (issue 22)
  'focalLoss', 'psnrLoss', 'ssimLoss',
  'diceLoss', 'generalizedDiceLoss', 'tverskyLoss',
];

/** The argument lists each function is called with, for one dtype: { name: [args, ...] }. */
export function makeCalls(sl, dtype) {
  const Arr = dtype === 'float32' ? Float32Array : Float64Array;
  const r = lcg(dtype === 'float32' ? 1 : 2);
  const floats = (n, lo, hi) => Arr.from({ length: n }, () => lo + (hi - lo) * r());
  const x = { data: floats(60, -4, 4), shape: [6, 10] };
  const probs = { data: floats(60, 0.01, 0.99), shape: [6, 10] };
  const soft = { data: floats(60, 0, 1), shape: [6, 10] };
  const y = { data: floats(60, -4, 4), shape: [6, 10] };
  const target = Int32Array.from({ length: 6 }, () => Math.floor(r() * 10));
  const weight = floats(10, 0.5, 2);
  const labels = { data: Arr.from({ length: 60 }, () => (r() < 0.5 ? -1 : 1)), shape: [6, 10] };
  const corners = () => { const c = floats(2, 0, 4); const s = floats(2, 0.5, 3); return [c[0], c[1], c[0] + s[0], c[1] + s[1]]; };
  const boxes1 = { data: Arr.from(Array.from({ length: 6 }, corners).flat()), shape: [6, 4] };
  const boxes2 = { data: Arr.from(Array.from({ length: 6 }, corners).flat()), shape: [6, 4] };
  const calls = {
    softmax: [[x, { dim: 1 }], [x, { dim: 0 }]],
    logSoftmax: [[x, {}]],
    sigmoid: [[x]],
    crossEntropy: [[x, target, {}], [x, target, { weight, labelSmoothing: 0.1, reduction: 'sum' }], [x, soft, { reduction: 'none' }]],
    nllLoss: [[x, target, { weight }], [x, target, { reduction: 'none' }]],
    binaryCrossEntropy: [[probs, soft, {}], [probs, soft, { weight, reduction: 'none' }]],
    binaryCrossEntropyWithLogits: [[x, soft, { posWeight: weight }], [x, soft, { reduction: 'sum' }]],
    multilabelSoftMarginLoss: [[x, soft, { weight }], [x, soft, { reduction: 'none' }]],
    cosineSimilarity: [[x, y, {}], [x, y, { dim: 0 }]],
    mseLoss: [[x, y, {}], [x, y, { reduction: 'none' }]],
    l1Loss: [[x, y, { reduction: 'sum' }]],
    smoothL1Loss: [[x, y, { beta: 0.5 }], [x, y, { reduction: 'none' }]],
    huberLoss: [[x, y, { delta: 2 }]],
    klDiv: [[x, soft, { reduction: 'batchmean' }], [x, x, { logTarget: true, reduction: 'none' }]],
    hingeEmbeddingLoss: [[x, labels, { margin: 0.5 }]],
    softMarginLoss: [[x, labels, { reduction: 'none' }]],
    marginRankingLoss: [[x, y, labels, { margin: 0.1 }]],
    poissonNllLoss: [[x, soft, { full: true }], [probs, soft, { logInput: false, reduction: 'none' }]],
    gaussianNllLoss: [[x, y, probs, {}], [x, y, 0.5, { full: true, reduction: 'sum' }]],
    multiMarginLoss: [[x, target, { p: 2, weight }], [x, target, { reduction: 'none' }]],
    multilabelMarginLoss: [[x, { data: Int32Array.from({ length: 60 }, (_, i) => (i % 10 < 3 ? (i * 7) % 10 : -1)), shape: [6, 10] }, {}]],
    cosineEmbeddingLoss: [[x, y, Int32Array.from(target, (v) => (v % 2 ? 1 : -1)), { margin: 0.2 }]],
    pairwiseDistance: [[x, y, {}], [x, y, { p: 1, keepdim: true }]],
    tripletMarginLoss: [[x, y, soft, { swap: true }], [x, y, soft, { p: Infinity, reduction: 'none' }]],
    tripletMarginWithDistanceLoss: [[x, y, soft, { distance: 'cosine', margin: 0.5 }]],
    ctcLoss: [[sl.logSoftmax({ data: x.data, shape: [6, 2, 5] }, { dim: 2 }), { data: [1, 2, 3, 4, 4, 0], shape: [2, 3] }, [6, 5], [3, 2], {}]],
    sigmoidFocalLoss: [[x, soft, {}], [x, soft, { gamma: 0.5, reduction: 'mean' }]],
    generalizedBoxIouLoss: [[boxes1, boxes2, {}]],
    distanceBoxIouLoss: [[boxes1, boxes2, { reduction: 'sum' }]],
    completeBoxIouLoss: [[boxes1, boxes2, { reduction: 'mean' }]],
    iouLoss: [[boxes1, boxes2, {}]],
    eiouLoss: [[boxes1, boxes2, {}]],
    focalEiouLoss: [[boxes1, boxes2, {}]],
    alphaIouLoss: [[boxes1, boxes2, { form: 'ciou' }]],
    siouLoss: [[boxes1, boxes2, {}]],
    wiseIouLoss: [[boxes1, boxes2, {}], [boxes1, boxes2, { version: 'v3', iouMean: 0.7, momentum: 0.1, reduction: 'mean' }]],
    // Kornia's losses (issue 22)
    focalLoss: [[x, target, { alpha: 0.25 }],
      [{ data: x.data, shape: [2, 3, 10] }, { data: Int32Array.from({ length: 20 }, (_, i) => (i % 7 === 0 ? -100 : i % 3)), shape: [2, 10] }, { alpha: null, gamma: 1.5, weight: weight.slice(0, 3), reduction: 'mean' }]],
    psnrLoss: [[probs, soft, { maxVal: 1 }]],
    ssimLoss: [[{ data: probs.data, shape: [1, 1, 6, 10] }, { data: soft.data, shape: [1, 1, 6, 10] }, { windowSize: 5 }],
      [{ data: probs.data, shape: [2, 1, 3, 10] }, { data: soft.data, shape: [2, 1, 3, 10] }, { windowSize: 3, padding: 'valid', reduction: 'none' }]],
  };
  // the Dice family: (B, C, spatial) = (2, 3, 10), a float target or class indices (2, 1, 10)
  const seg = { data: x.data, shape: [2, 3, 10] };
  const segSoft = { data: soft.data, shape: [2, 3, 10] };
  const segLabels = { data: Int32Array.from({ length: 20 }, () => Math.floor(r() * 3)), shape: [2, 1, 10] };
  calls.diceLoss = [[seg, segLabels, { softmax: true, toOnehotY: true }], [seg, segSoft, { sigmoid: true, squaredPred: true, weight: [1, 2, 0.5], reduction: 'none' }]];
  calls.generalizedDiceLoss = [[seg, segLabels, { softmax: true, toOnehotY: true, includeBackground: false }], [seg, segSoft, { sigmoid: true, wType: 'simple', reduction: 'sum' }]];
  calls.tverskyLoss = [[seg, segLabels, { softmax: true, toOnehotY: true, alpha: 0.3, beta: 0.7 }], [seg, segSoft, { sigmoid: true, batch: true, reduction: 'none' }]];
  return calls;
}

export function runCalls(sl) {
  const out = { backend: sl.backend(), results: {} };
  for (const dtype of ['float32', 'float64']) {
    const calls = makeCalls(sl, dtype);
    for (const name of FUNCTIONS) {
      calls[name].forEach((args, i) => {
        out.results[`${dtype} ${name} #${i}`] = encode(sl[name](...args));
        const g = sl[`${name}WithGrad`](...args);
        out.results[`${dtype} ${name}WithGrad #${i}`] = { loss: encode(g.loss), grads: g.grads.map(encode) };
      });
    }
  }
  return out;
}
