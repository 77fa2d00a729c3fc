// Panel 1, the loss explorer. Every function of the catalogue is shown as a curve: a batch of
// inputs that differ in one coordinate x goes through one call of its …WithGrad twin (reduction
// 'none'), and the plot shows each element's loss and its gradient with respect to x. The box
// losses get their own view: two boxes to drag, the whole IoU family's values and gradients, and
// the losses as the prediction slides horizontally past the target. Every plotted number comes
// from simdloss; the page only builds the inputs.
import * as sl from 'simdloss';
import { COLORS, fixed, plot, uPlot, vline } from './plot';

type Value = number | string | boolean;
type Values = Record<string, any>;
/** A control: a slider (min/max/step), a choice (choices) or a checkbox (boolean value). `axis`: a point on the x axis, drawn and set by dragging the plot. */
interface Control { key: string; label: string; value: Value; min?: number; max?: number; step?: number; choices?: Value[]; axis?: boolean }
interface Curve { y: ArrayLike<number>; g: ArrayLike<number> }
export interface Spec {
  name: string; torch: string; group: string; x: string; y?: string;
  range: (v: Values) => [number, number];
  controls: Control[];
  /** The call shown above the plot. */
  call: (v: Values) => string;
  run?: (xs: Float64Array, v: Values) => Curve;
  /** Box losses: the options of this loss. */
  box?: (v: Values) => Values;
}

const slider = (key: string, label: string, min: number, max: number, step: number, value: number, axis = false): Control => ({ key, label, min, max, step, value, axis });
const choice = (key: string, label: string, choices: Value[], value = choices[0]): Control => ({ key, label, choices, value });
const check = (key: string, label: string, value = false): Control => ({ key, label, value });
const target = (min = -3, max = 3, value = 1) => slider('t', 'target', min, max, 0.05, value, true);

const withGrad = (name: string) => (sl as any)[`${name}WithGrad`] as (...args: any[]) => any;
const full = (n: number, v: number) => new Float64Array(n).fill(v);
const ints = (n: number, v: number) => new Int32Array(n).fill(v);
/** The (N, C) tensor whose row i is row(xs[i]). */
function rows(xs: Float64Array, C: number, row: (x: number) => number[]) {
  const data = new Float64Array(xs.length * C);
  xs.forEach((x, i) => data.set(row(x), i * C));
  return { data, shape: [xs.length, C] };
}
const intRows = (xs: Float64Array, C: number, row: (x: number) => number[]) => ({ data: Int32Array.from(rows(xs, C, row).data), shape: [xs.length, C] });
/** Column c of an (N, C) array. */
const column = (a: ArrayLike<number>, C: number, c = 0) => Float64Array.from({ length: a.length / C }, (_, i) => a[i * C + c]);

/** input[i] = xs[i] against a constant second argument (the target), elementwise. */
function pointwise(name: string, torch: string, group: string, controls: Control[], options: (v: Values) => Values = () => ({}), range = (): [number, number] => [-4, 4], x = 'input x'): Spec {
  return {
    name, torch, group, x, range, controls,
    call: (v) => `${name}WithGrad(x, target, ${fmt({ ...options(v), reduction: 'none' })})`,
    run: (xs, v) => {
      const r = withGrad(name)(xs, full(xs.length, v.t), { ...options(v), reduction: 'none' });
      return { y: r.loss.data, g: r.grad.data };
    },
  };
}
/** A loss over rows: input row i is row(xs[i]), x is its first column; `rest` are the other arguments. */
function perRow(name: string, xs: Float64Array, C: number, row: (x: number) => number[], rest: unknown[], options: Values): Curve {
  const r = withGrad(name)(rows(xs, C, row), ...rest, { ...options, reduction: 'none' });
  return { y: r.loss.data, g: column(r.grad.data, C) };
}
/** softmax/logSoftmax of (x, b, 0): component 0 and its derivative (the upstream gradient picks component 0). */
function activation(name: string, torch: string, y: string): Spec {
  return {
    name, torch, group: 'Activations', x: 'logit x of (x, b, 0)', y, range: () => [-6, 6],
    controls: [slider('b', 'logit b', -4, 4, 0.1, 1, true)],
    call: () => `${name}WithGrad(logits, { gradOutput: oneHot0 }) → column 0`,
    run: (xs, v) => {
      const r = withGrad(name)(rows(xs, 3, (x) => [x, v.b, 0]), { gradOutput: rows(xs, 3, () => [1, 0, 0]) });
      return { y: column(r.loss.data, 3), g: column(r.grad.data, 3) };
    },
  };
}
const classes = choice('k', 'target class', [0, 1, 2]);
const label = (key = 'y') => choice(key, 'label y', [1, -1]);
const pnorm = choice('p', 'p', [2, 1, 1.5, 3, Infinity]);
const fmt = (o: Values) => `{ ${Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : v instanceof Float64Array ? `[${v[0]}, …]` : v}`).join(', ')} }`;

/** The (3) logits of the classification examples: x, 1, -1 (class 0 is the one that moves). */
const logits3 = (x: number) => [x, 1, -1];
/** The fixed logits (blank, 1, 2) of the CTC example's four frames. */
const CTC_LOGITS = [[1, 0.5, 0], [0, 1.5, 0.5], [0.5, 0, 1.5], [1, 0.5, 0.5]];
const tripletRun = (name: string) => (xs: Float64Array, v: Values) => {
  const { t, ...o } = v;
  return perRow(name, xs, 2, (x) => [x, 0], [rows(xs, 2, () => [0, 1]), rows(xs, 2, () => [t, -1])], o);
};

const boxOptions: Record<string, Control[]> = {
  focalEiouLoss: [slider('gamma', 'γ', 0, 2, 0.05, 0.5)],
  alphaIouLoss: [slider('alpha', 'α', 0.5, 5, 0.1, 3), choice('form', 'form', ['iou', 'giou', 'diou', 'ciou'])],
  siouLoss: [slider('theta', 'θ', 1, 8, 0.5, 4)],
  wiseIouLoss: [choice('version', 'version', ['v1', 'v3']), slider('iouMean', 'v3 running mean of 1 − IoU', 0.05, 1, 0.01, 0.5)],
};
const BOXES: Array<[string, string]> = [
  ['generalizedBoxIouLoss', 'torchvision.ops.generalized_box_iou_loss'], ['distanceBoxIouLoss', 'torchvision.ops.distance_box_iou_loss'],
  ['completeBoxIouLoss', 'torchvision.ops.complete_box_iou_loss'], ['iouLoss', 'IoU (Yu et al. 2016)'], ['eiouLoss', 'EIoU (Zhang et al. 2022)'],
  ['focalEiouLoss', 'Focal-EIoU (Zhang et al. 2022)'], ['alphaIouLoss', 'α-IoU (He et al. 2021)'], ['siouLoss', 'SIoU (Gevorgyan 2022)'],
  ['wiseIouLoss', 'Wise-IoU (Tong et al. 2023)'],
];

/** The Dice family: item i is one channel of logits (x, 1, −1, 2), through a sigmoid, against the target (t, 1, 0, 1). */
function segmentation(name: string, torch: string, controls: Control[], options: (v: Values) => Values): Spec {
  return {
    name, torch, group: 'Segmentation (MONAI)', x: 'logit x of (x, 1, −1, 2); target (t, 1, 0, 1)', range: () => [-6, 6],
    controls: [slider('t', 'target of x', 0, 1, 0.05, 1), ...controls],
    call: (v) => `${name}WithGrad(logits, target, ${fmt({ sigmoid: true, ...options(v), reduction: 'none' })})`,
    run: (xs, v) => {
      const shape = [xs.length, 1, 4];
      const r = withGrad(name)({ data: rows(xs, 4, (x) => [x, 1, -1, 2]).data, shape }, { data: rows(xs, 4, () => [v.t, 1, 0, 1]).data, shape },
        { sigmoid: true, ...options(v), reduction: 'none' });
      return { y: r.loss.data, g: column(r.grad.data, 4) };
    },
  };
}

export const SPECS: Spec[] = [
  activation('softmax', 'F.softmax', 'softmax(x, b, 0)₀'),
  activation('logSoftmax', 'F.log_softmax', 'log_softmax(x, b, 0)₀'),
  { name: 'sigmoid', torch: 'torch.sigmoid', group: 'Activations', x: 'x', y: 'sigmoid(x)', range: () => [-8, 8], controls: [], call: () => 'sigmoidWithGrad(x)',
    run: (xs) => { const r = sl.sigmoidWithGrad(xs); return { y: r.loss.data, g: r.grad.data }; } },

  { name: 'crossEntropy', torch: 'F.cross_entropy', group: 'Classification', x: 'logit x of (x, 1, −1)', range: () => [-6, 6],
    controls: [classes, slider('labelSmoothing', 'label smoothing', 0, 1, 0.01, 0)],
    call: (v) => `crossEntropyWithGrad(logits, [${v.k}, …], ${fmt({ labelSmoothing: v.labelSmoothing, reduction: 'none' })})`,
    run: (xs, v) => perRow('crossEntropy', xs, 3, logits3, [ints(xs.length, v.k)], { labelSmoothing: v.labelSmoothing }) },
  { name: 'nllLoss', torch: 'F.nll_loss', group: 'Classification', x: 'log-probability x of (x, −1, −2)', range: () => [-6, 0],
    controls: [classes], call: (v) => `nllLossWithGrad(logProbs, [${v.k}, …], { reduction: 'none' })`,
    run: (xs, v) => perRow('nllLoss', xs, 3, (x) => [x, -1, -2], [ints(xs.length, v.k)], {}) },
  pointwise('binaryCrossEntropy', 'F.binary_cross_entropy', 'Classification', [target(0, 1, 1)], () => ({}), () => [0.01, 0.99], 'probability p'),
  pointwise('binaryCrossEntropyWithLogits', 'F.binary_cross_entropy_with_logits', 'Classification',
    [slider('t', 'target', 0, 1, 0.05, 1), slider('posWeight', 'posWeight', 0.25, 4, 0.05, 1)], (v) => ({ posWeight: new Float64Array([v.posWeight]) }), () => [-6, 6], 'logit x'),
  { name: 'multilabelSoftMarginLoss', torch: 'F.multilabel_soft_margin_loss', group: 'Classification', x: 'logit x of (x, 0.5)', range: () => [-6, 6],
    controls: [slider('t', 'target of x', 0, 1, 0.05, 1)], call: (v) => `multilabelSoftMarginLossWithGrad(logits, [[${v.t}, 0], …], { reduction: 'none' })`,
    run: (xs, v) => perRow('multilabelSoftMarginLoss', xs, 2, (x) => [x, 0.5], [rows(xs, 2, () => [v.t, 0])], {}) },
  pointwise('sigmoidFocalLoss', 'torchvision.ops.sigmoid_focal_loss', 'Classification',
    [slider('t', 'target', 0, 1, 0.05, 1), slider('alpha', 'α', 0, 1, 0.05, 0.25), slider('gamma', 'γ', 0, 5, 0.1, 2)],
    (v) => ({ alpha: v.alpha, gamma: v.gamma }), () => [-6, 6], 'logit x'),

  pointwise('mseLoss', 'F.mse_loss', 'Regression', [target()]),
  pointwise('l1Loss', 'F.l1_loss', 'Regression', [target()]),
  pointwise('smoothL1Loss', 'F.smooth_l1_loss', 'Regression', [target(), slider('beta', 'β', 0, 3, 0.05, 1)], (v) => ({ beta: v.beta })),
  pointwise('huberLoss', 'F.huber_loss', 'Regression', [target(), slider('delta', 'δ', 0.05, 3, 0.05, 1)], (v) => ({ delta: v.delta })),

  { name: 'klDiv', torch: 'F.kl_div', group: 'Distributions', x: 'log-probability input x', range: () => [-6, 0],
    controls: [slider('p', 'target probability', 0.01, 1, 0.01, 0.3), check('logTarget', 'target as log-probability')],
    call: (v) => `klDivWithGrad(x, ${v.logTarget ? 'log(p)' : 'p'}, ${fmt({ logTarget: v.logTarget, reduction: 'none' })})`,
    run: (xs, v) => { const r = sl.klDivWithGrad(xs, full(xs.length, v.logTarget ? Math.log(v.p) : v.p), { logTarget: v.logTarget, reduction: 'none' }) as any; return { y: r.loss.data, g: r.grad.data }; } },
  pointwise('poissonNllLoss', 'F.poisson_nll_loss', 'Distributions', [slider('t', 'target count', 0, 6, 0.1, 2), check('logInput', 'logInput', true), check('full', 'full')],
    (v) => ({ logInput: v.logInput, full: v.full }), undefined, 'input x (the log-rate if logInput, else the rate)'),
  { name: 'gaussianNllLoss', torch: 'F.gaussian_nll_loss', group: 'Distributions', x: 'mean x', range: () => [-4, 4],
    controls: [target(), slider('var', 'var', 0.05, 4, 0.05, 1), check('full', 'full')],
    call: (v) => `gaussianNllLossWithGrad(x, target, ${v.var}, ${fmt({ full: v.full, reduction: 'none' })})`,
    run: (xs, v) => { const r = sl.gaussianNllLossWithGrad(xs, full(xs.length, v.t), v.var, { full: v.full, reduction: 'none' }) as any; return { y: r.loss.data, g: r.grad.data }; } },

  pointwise('hingeEmbeddingLoss', 'F.hinge_embedding_loss', 'Margin', [label('t'), slider('margin', 'margin', 0, 3, 0.05, 1)], (v) => ({ margin: v.margin }), () => [-1, 3]),
  pointwise('softMarginLoss', 'F.soft_margin_loss', 'Margin', [label('t')]),
  { name: 'marginRankingLoss', torch: 'F.margin_ranking_loss', group: 'Margin', x: 'input1 x', range: () => [-4, 4],
    controls: [slider('t', 'input2', -3, 3, 0.05, 0.5, true), label(), slider('margin', 'margin', 0, 2, 0.05, 0)],
    call: (v) => `marginRankingLossWithGrad(x, input2, y, ${fmt({ margin: v.margin, reduction: 'none' })})`,
    run: (xs, v) => { const r = sl.marginRankingLossWithGrad(xs, full(xs.length, v.t), full(xs.length, v.y), { margin: v.margin, reduction: 'none' }) as any; return { y: r.loss.data, g: r.grad.data }; } },
  { name: 'multiMarginLoss', torch: 'F.multi_margin_loss', group: 'Margin', x: 'score x of (x, 1, −1)', range: () => [-4, 4],
    controls: [classes, choice('p', 'p', [1, 2]), slider('margin', 'margin', 0, 3, 0.05, 1)],
    call: (v) => `multiMarginLossWithGrad(scores, [${v.k}, …], ${fmt({ p: v.p, margin: v.margin, reduction: 'none' })})`,
    run: (xs, v) => perRow('multiMarginLoss', xs, 3, logits3, [ints(xs.length, v.k)], { p: v.p, margin: v.margin }) },
  { name: 'multilabelMarginLoss', torch: 'F.multilabel_margin_loss', group: 'Margin', x: 'score x of (x, 1, −1)', range: () => [-4, 4],
    controls: [choice('labels', 'positive classes', ['0', '1', '0 2', '1 2'])],
    call: (v) => `multilabelMarginLossWithGrad(scores, [[${v.labels.split(' ').join(', ')}, -1, …], …], { reduction: 'none' })`,
    run: (xs, v) => {
      const labels = [...(v.labels as string).split(' ').map(Number), -1, -1].slice(0, 3);
      return perRow('multilabelMarginLoss', xs, 3, logits3, [intRows(xs, 3, () => labels)], {});
    } },

  { name: 'cosineSimilarity', torch: 'F.cosine_similarity', group: 'Similarity', x: 'x1 = (x, 1)', y: 'cosine similarity', range: () => [-5, 5],
    controls: [slider('t', 'x2 = (t, 1)', -3, 3, 0.05, 1, true)], call: () => 'cosineSimilarityWithGrad(x1, x2)',
    run: (xs, v) => { const r = sl.cosineSimilarityWithGrad(rows(xs, 2, (x) => [x, 1]), rows(xs, 2, () => [v.t, 1])); return { y: r.loss.data, g: column(r.grad.data, 2) }; } },
  { name: 'cosineEmbeddingLoss', torch: 'F.cosine_embedding_loss', group: 'Similarity', x: 'input1 = (x, 1)', range: () => [-5, 5],
    controls: [slider('t', 'input2 = (t, 1)', -3, 3, 0.05, 1, true), label(), slider('margin', 'margin', -1, 1, 0.05, 0)],
    call: (v) => `cosineEmbeddingLossWithGrad(x1, x2, y, ${fmt({ margin: v.margin, reduction: 'none' })})`,
    run: (xs, v) => perRow('cosineEmbeddingLoss', xs, 2, (x) => [x, 1], [rows(xs, 2, () => [v.t, 1]), full(xs.length, v.y)], { margin: v.margin }) },
  { name: 'pairwiseDistance', torch: 'F.pairwise_distance', group: 'Similarity', x: 'x1 = (x, 0)', y: 'distance', range: () => [-4, 4],
    controls: [slider('t', 'x2 = (t, 1)', -3, 3, 0.05, 0.5, true), pnorm], call: (v) => `pairwiseDistanceWithGrad(x1, x2, { p: ${v.p} })`,
    run: (xs, v) => { const r = sl.pairwiseDistanceWithGrad(rows(xs, 2, (x) => [x, 0]), rows(xs, 2, () => [v.t, 1]), { p: v.p }); return { y: r.loss.data, g: column(r.grad.data, 2) }; } },
  { name: 'tripletMarginLoss', torch: 'F.triplet_margin_loss', group: 'Similarity', x: 'anchor (x, 0); positive (0, 1)', range: () => [-4, 4],
    controls: [slider('t', 'negative (t, −1)', -3, 3, 0.05, 1.5, true), slider('margin', 'margin', 0, 3, 0.05, 1), pnorm, check('swap', 'swap')],
    call: (v) => `tripletMarginLossWithGrad(anchor, positive, negative, ${fmt({ margin: v.margin, p: v.p, swap: v.swap, reduction: 'none' })})`,
    run: tripletRun('tripletMarginLoss') },
  { name: 'tripletMarginWithDistanceLoss', torch: 'F.triplet_margin_with_distance_loss', group: 'Similarity', x: 'anchor (x, 0); positive (0, 1)', range: () => [-4, 4],
    controls: [slider('t', 'negative (t, −1)', -3, 3, 0.05, 1.5, true), choice('distance', 'distance', ['pairwise', 'cosine']), slider('margin', 'margin', 0, 2, 0.05, 1), check('swap', 'swap')],
    call: (v) => `tripletMarginWithDistanceLossWithGrad(anchor, positive, negative, ${fmt({ distance: v.distance, margin: v.margin, swap: v.swap, reduction: 'none' })})`,
    run: tripletRun('tripletMarginWithDistanceLoss') },

  { name: 'ctcLoss', torch: 'F.ctc_loss', group: 'Sequences', x: 'logit x of one class at one frame (4 frames, classes blank, 1, 2)', range: () => [-6, 6],
    controls: [choice('seq', 'target sequence', ['1 2', '2 1', '1 1', '2']), choice('frame', 'frame', [1, 0, 2, 3]), choice('cls', 'class', [1, 2, 0]), check('zeroInfinity', 'zeroInfinity')],
    call: (v) => `ctcLossWithGrad(logSoftmax(logits, { dim: 2 }), [[${v.seq.split(' ').join(', ')}]], [4], [${v.seq.split(' ').length}], ${fmt({ zeroInfinity: v.zeroInfinity, reduction: 'none' })}), then logSoftmaxWithGrad(…, { gradOutput })`,
    run: (xs, v) => {
      // logits (T=4, N, C=3): CTC_LOGITS, with logits[frame, i, cls] = xs[i]. The CTC
      // gradient with respect to the log-probabilities goes back through logSoftmax.
      const T = 4, C = 3, N = xs.length, seq = (v.seq as string).split(' ').map(Number);
      const logits = new Float64Array(T * N * C);
      for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) {
        const row = [...CTC_LOGITS[t]];
        if (t === v.frame) row[v.cls] = xs[i];
        logits.set(row, (t * N + i) * C);
      }
      const input = { data: logits, shape: [T, N, C] };
      const lp = sl.logSoftmax(input, { dim: 2 });
      const ctc = sl.ctcLossWithGrad(lp, intRows(xs, seq.length, () => seq), ints(N, T), ints(N, seq.length), { zeroInfinity: v.zeroInfinity, reduction: 'none' }) as any;
      const back = sl.logSoftmaxWithGrad(input, { dim: 2, gradOutput: ctc.grad });
      return { y: ctc.loss.data, g: Float64Array.from(xs, (_, i) => back.grad.data[(v.frame * N + i) * C + v.cls]) };
    } },

  segmentation('diceLoss', 'monai.losses.DiceLoss', [check('squaredPred', 'squaredPred'), check('jaccard', 'jaccard')], (v) => ({ squaredPred: v.squaredPred, jaccard: v.jaccard })),
  segmentation('generalizedDiceLoss', 'monai.losses.GeneralizedDiceLoss', [choice('wType', 'wType', ['square', 'simple', 'uniform'])], (v) => ({ wType: v.wType })),
  segmentation('tverskyLoss', 'monai.losses.TverskyLoss', [slider('alpha', 'α (false positives)', 0, 1, 0.05, 0.5), slider('beta', 'β (false negatives)', 0, 1, 0.05, 0.5)],
    (v) => ({ alpha: v.alpha, beta: v.beta })),

  ...BOXES.map(([name, torch]): Spec => ({
    name, torch, group: 'Detection: box losses (IoU family)', x: 'horizontal offset of the prediction from the target (centers)', range: () => [-6, 6],
    controls: boxOptions[name] ?? [],
    call: (v) => `${name}WithGrad(pred, target, ${fmt({ ...boxArgs(name, v), reduction: 'none' })})`,
    box: (v) => boxArgs(name, v),
  })),
];

function boxArgs(name: string, v: Values): Values {
  if (name !== 'wiseIouLoss') return { ...v };
  return v.version === 'v3' ? { version: 'v3', iouMean: v.iouMean, momentum: 0 } : { version: 'v1' };
}

const N = 401;
/** Pinned curves: the palette without the live curves' blue and orange (and red, too near orange). */
const PIN_COLORS = [COLORS[2], COLORS[3], COLORS[5], COLORS[7], COLORS[6], COLORS[8]];
const SLIDE = 241;
type Box = [number, number, number, number];

export function mountExplorer() {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const select = $<HTMLSelectElement>('ex-fn');
  const values: Record<string, Values> = Object.fromEntries(SPECS.map((s) => [s.name, Object.fromEntries(s.controls.map((c) => [c.key, c.value]))]));
  let spec = SPECS[0];
  const pins: Array<{ label: string; xs: Float64Array; y: ArrayLike<number> }> = [];
  const state: any = {};
  (window as any).__explorer = state;

  for (const group of new Set(SPECS.map((s) => s.group))) {
    const og = document.createElement('optgroup');
    og.label = group;
    for (const s of SPECS.filter((s) => s.group === group)) og.append(new Option(s.name, s.name));
    select.append(og);
  }
  select.value = 'crossEntropy';

  // The line plot: loss on the left axis, gradient on the right; pinned curves dashed.
  let line: uPlot | undefined;
  function makeLine(): void {
    line?.destroy();
    const axisCtl = spec.controls.find((c) => c.axis);
    $('ex-hint').textContent = `${axisCtl ? `Drag on the plot to move the ${axisCtl.label} (the dashed line). ` : ''}Pin a curve to compare it with another function or option (dashed).`;
    line = plot($('ex-plot'), {
      height: 360,
      series: [
        { label: spec.x },
        ...pins.map((p, i) => ({ label: p.label, stroke: PIN_COLORS[i % PIN_COLORS.length], width: 1.5, dash: [6, 4] })),
        { label: spec.y ?? 'loss', stroke: COLORS[0], width: 2.5 },
        { label: 'gradient ∂/∂x', stroke: COLORS[1], width: 2, scale: 'g' },
      ],
      axes: [{ label: spec.x }, { label: spec.y ?? 'loss', stroke: COLORS[0] }, { side: 1, scale: 'g', label: 'gradient', stroke: COLORS[1], grid: { show: false } }],
      hooks: { draw: [(u) => { if (axisCtl) vline(u, values[spec.name][axisCtl.key]); }] },
    }, [[]]);
    // Dragging on the plot moves the control that lives on the x axis.
    if (axisCtl) {
      const over = line.over;
      const move = (e: PointerEvent) => {
        const x = line!.posToVal(e.offsetX, 'x');
        setValue(axisCtl, Math.min(axisCtl.max!, Math.max(axisCtl.min!, Math.round(x / axisCtl.step!) * axisCtl.step!)));
      };
      over.addEventListener('pointerdown', (e) => { over.setPointerCapture(e.pointerId); move(e); });
      over.addEventListener('pointermove', (e) => { if (over.hasPointerCapture(e.pointerId)) move(e); });
    }
  }

  function controlsFor(s: Spec): void {
    const box = $('ex-ctls');
    box.replaceChildren();
    for (const c of s.controls) {
      const wrap = document.createElement('label');
      wrap.append(`${c.label} `);
      const v = values[s.name][c.key];
      let input: HTMLInputElement | HTMLSelectElement;
      if (c.choices) {
        input = document.createElement('select');
        c.choices.forEach((ch, i) => input.append(new Option(String(ch), String(i), false, ch === v)));
        input.addEventListener('input', () => setValue(c, c.choices![Number(input.value)], false));
      } else if (typeof c.value === 'boolean') {
        input = Object.assign(document.createElement('input'), { type: 'checkbox', checked: v });
        input.addEventListener('input', () => setValue(c, (input as HTMLInputElement).checked, false));
      } else {
        input = Object.assign(document.createElement('input'), { type: 'range', min: c.min, max: c.max, step: c.step, value: v });
        input.addEventListener('input', () => setValue(c, Number(input.value), false));
      }
      input.id = `ex-${c.key}`;
      wrap.append(input);
      if (typeof c.value === 'number' && !c.choices) wrap.append(Object.assign(document.createElement('output'), { id: `ex-${c.key}-v`, value: String(v) }));
      box.append(wrap);
    }
  }

  function setValue(c: Control, v: Value, syncInput = true): void {
    values[spec.name][c.key] = v;
    const out = document.getElementById(`ex-${c.key}-v`);
    if (out) out.textContent = String(v);
    if (syncInput) ($(`ex-${c.key}`) as HTMLInputElement).value = String(v);
    render();
  }

  function choose(name: string): void {
    spec = SPECS.find((s) => s.name === name)!;
    controlsFor(spec);
    $('ex-torch').textContent = `≙ ${spec.torch}`;
    $('ex-line').hidden = !!spec.box;
    $('ex-boxes').hidden = !spec.box;
    $('ex-pin').hidden = $('ex-clear').hidden = !!spec.box;
    if (!spec.box) makeLine();
    render();
  }

  function render(): void {
    const v = values[spec.name];
    $('ex-call').textContent = spec.call(v);
    if (spec.box) return renderBoxes();
    const [a, b] = spec.range(v);
    const xs = Float64Array.from({ length: N }, (_, i) => a + ((b - a) * i) / (N - 1));
    const { y, g } = spec.run!(xs, v);
    Object.assign(state, { name: spec.name, values: { ...v }, xs, loss: y, grad: g, boxes: undefined, slideSeries: undefined });
    // Pinned curves are redrawn on this x grid only when their range matches; else skipped.
    const pinned = pins.map((p) => (p.xs[0] === a && p.xs[N - 1] === b ? p.y : new Array(N).fill(null)));
    line!.setData([xs, ...pinned, y, g] as uPlot.AlignedData);
  }

  $('ex-pin').addEventListener('click', () => {
    const v = values[spec.name];
    const opts = spec.controls.map((c) => `${c.label.split(' ')[0]}=${v[c.key]}`).join(' ');
    pins.push({ label: `${spec.name} ${opts}`.trim(), xs: state.xs, y: state.loss });
    makeLine();
    render();
  });
  $('ex-clear').addEventListener('click', () => { pins.length = 0; makeLine(); render(); });
  select.addEventListener('input', () => choose(select.value));

  // ---- the box view ----
  const canvas = $<HTMLCanvasElement>('ex-canvas');
  const ctx = canvas.getContext('2d')!;
  const UNIT = 40; // pixels per box unit
  const boxes: { pred: Box; target: Box } = { pred: [1.5, 2, 5.5, 5], target: [5, 3, 9.5, 6.5] };
  let slide: uPlot | undefined;
  let slideFor = ''; // the loss drawn thick in the slide plot
  // Nine curves overlap: the selected loss (or the one whose legend entry is pointed at) is drawn
  // thick and opaque, the others thin and translucent; the legend hides and shows each.
  const shown: Record<string, boolean> = Object.fromEntries(BOXES.map(([name]) => [name, true]));
  let hovered = '';
  const emphasized = () => hovered || spec.name;
  const FAINT = '66'; // alpha of the other curves' strokes (#rrggbbaa): 0.4
  // Series k + 1 of the slide plot is BOXES[order[k]]: the selected loss last, so it is drawn on top.
  let order: number[] = [];
  const legend = $('ex-legend');
  const keys = BOXES.map(([name], i) => {
    const key = Object.assign(document.createElement('button'), { type: 'button', className: 'key' });
    key.dataset.loss = name;
    const value = Object.assign(document.createElement('span'), { className: 'value' });
    key.append(Object.assign(document.createElement('span'), { className: `swatch c${i}` }), name, value);
    key.addEventListener('click', () => { shown[name] = !shown[name]; styleSlide(); });
    key.addEventListener('pointerenter', () => { hovered = name; styleSlide(); });
    key.addEventListener('pointerleave', () => { hovered = ''; styleSlide(); });
    legend.append(key);
    return { key, value };
  });

  /** Applies the emphasis and visibility to the slide plot's series and the legend, and redraws. */
  function styleSlide(): void {
    if (!slide) return;
    order.forEach((b, k) => {
      const name = BOXES[b][0], s = slide!.series[k + 1], on = name === emphasized();
      s.width = on ? 3.5 : 1.5;
      if (s.show !== shown[name]) slide!.setSeries(k + 1, { show: shown[name] });
      keys[b].key.setAttribute('aria-pressed', String(shown[name]));
      keys[b].key.classList.toggle('selected', name === spec.name);
      keys[b].key.classList.toggle('emphasized', on);
    });
    slide.redraw(false); // (true would re-range x from the scale's old limits, before setData has run)
    legendValues(slide.cursor.idx);
    // what is drawn, for the browser test
    state.slideSeries = order.map((b, k) => {
      const s = slide!.series[k + 1];
      return { name: BOXES[b][0], stroke: (s.stroke as (u: uPlot, i: number) => string)(slide!, k + 1), width: s.width, show: s.show };
    });
  }
  /** The legend's numbers: the curves at the pointer, else the table's values (at the dashed line). */
  function legendValues(idx: number | null | undefined): void {
    const bx = state.boxes;
    if (!bx) return;
    BOXES.forEach(([name], b) => { keys[b].value.textContent = fixed(idx == null ? bx.table[name].loss : bx.slide[name][idx]); });
  }
  let drag: { which: 'pred' | 'target'; resize: boolean; x: number; y: number } | undefined;

  const boxCall = (name: string, pred: unknown, opts: Values) => withGrad(name)(pred, new Float64Array(boxes.target), { ...opts, reduction: 'none' });
  const optionsOf = (name: string) => SPECS.find((s) => s.name === name)!.box!(values[name]);

  function renderBoxes(): void {
    const { pred, target: tgt } = boxes;
    // The table: each loss and its gradient with respect to the prediction (x1, y1, x2, y2).
    const table: Record<string, { loss: number; grad: number[] }> = {};
    for (const [name] of BOXES) {
      const r = boxCall(name, new Float64Array(pred), optionsOf(name));
      table[name] = { loss: r.loss.data[0], grad: Array.from(r.grad.data as Float64Array) };
    }
    const t = $<HTMLTableElement>('ex-table');
    t.replaceChildren();
    const head = t.insertRow();
    for (const h of ['loss', 'value', '∂/∂x1', '∂/∂y1', '∂/∂x2', '∂/∂y2']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
    BOXES.forEach(([name], i) => {
      const tr = t.insertRow();
      tr.classList.toggle('selected', name === spec.name);
      const c0 = tr.insertCell();
      c0.append(Object.assign(document.createElement('span'), { className: `swatch c${i}` }), name);
      for (const v of [table[name].loss, ...table[name].grad]) tr.insertCell().textContent = fixed(v);
    });

    // The slide: the prediction moved horizontally, center offset from -span to span.
    const w = pred[2] - pred[0], tw = tgt[2] - tgt[0], span = Math.max(6, (w + tw) * 0.9);
    const tcx = (tgt[0] + tgt[2]) / 2;
    const offs = Float64Array.from({ length: SLIDE }, (_, i) => -span + (2 * span * i) / (SLIDE - 1));
    const moved = { data: new Float64Array(SLIDE * 4), shape: [SLIDE, 4] };
    offs.forEach((d, i) => moved.data.set([tcx + d - w / 2, pred[1], tcx + d + w / 2, pred[3]], i * 4));
    const curves = BOXES.map(([name]) => boxCall(name, moved, optionsOf(name)).loss.data as Float64Array);
    const now = (pred[0] + pred[2]) / 2 - tcx;
    if (!slide || slideFor !== spec.name) {
      slide?.destroy();
      const sel = BOXES.findIndex(([name]) => name === spec.name);
      order = [...BOXES.keys()].filter((b) => b !== sel).concat(sel);
      shown[spec.name] = true; // the loss just chosen is on view
      slide = plot($('ex-slide'), {
        height: 300,
        series: [{ label: 'offset' }, ...order.map((b) => ({
          label: BOXES[b][0],
          stroke: () => (BOXES[b][0] === emphasized() ? COLORS[b] : COLORS[b] + FAINT),
          width: 1.5,
          show: shown[BOXES[b][0]],
        }))],
        axes: [{ label: 'center offset, prediction − target' }, { label: 'loss' }],
        legend: { show: false }, // the page's own legend (#ex-legend): uPlot's cannot dim or thicken
        hooks: { draw: [(u) => vline(u, state.boxes.offset)], setCursor: [(u) => legendValues(u.cursor.idx)] },
      }, [[]]);
      slideFor = spec.name;
    }
    const slideCurves = Object.fromEntries(BOXES.map(([n], i) => [n, curves[i]]));
    Object.assign(state, { name: spec.name, values: { ...values[spec.name] }, boxes: { pred: [...pred], target: [...tgt], table, offsets: offs, slide: slideCurves, offset: now } });
    slide.setData([offs, ...order.map((b) => curves[b])]);
    styleSlide();
    drawBoxes(table[spec.name].grad);
  }

  function drawBoxes(grad: number[]): void {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#e2e8f0';
    ctx.lineWidth = 1;
    for (let x = 0; x <= canvas.width; x += UNIT) { ctx.beginPath(); ctx.moveTo(x + 0.5, 0); ctx.lineTo(x + 0.5, canvas.height); ctx.stroke(); }
    for (let y = 0; y <= canvas.height; y += UNIT) { ctx.beginPath(); ctx.moveTo(0, y + 0.5); ctx.lineTo(canvas.width, y + 0.5); ctx.stroke(); }
    const draw = (b: Box, color: string, fill: string) => {
      ctx.fillStyle = fill;
      ctx.fillRect(b[0] * UNIT, b[1] * UNIT, (b[2] - b[0]) * UNIT, (b[3] - b[1]) * UNIT);
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.strokeRect(b[0] * UNIT, b[1] * UNIT, (b[2] - b[0]) * UNIT, (b[3] - b[1]) * UNIT);
      ctx.fillStyle = color;
      ctx.fillRect(b[2] * UNIT - 5, b[3] * UNIT - 5, 10, 10);
    };
    draw(boxes.target, '#ea580c', 'rgba(234, 88, 12, 0.12)');
    draw(boxes.pred, '#2563eb', 'rgba(37, 99, 235, 0.15)');
    // The direction of −∂loss/∂(center) of the prediction: where gradient descent would move it.
    const p = boxes.pred, cx = ((p[0] + p[2]) / 2) * UNIT, cy = ((p[1] + p[3]) / 2) * UNIT;
    const gx = -(grad[0] + grad[2]), gy = -(grad[1] + grad[3]), len = Math.hypot(gx, gy);
    if (len > 1e-9) {
      const s = (1.5 * UNIT) / len, ex = cx + gx * s, ey = cy + gy * s, ang = Math.atan2(gy, gx);
      ctx.strokeStyle = ctx.fillStyle = '#0f172a';
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(ex, ey); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(ex, ey);
      ctx.lineTo(ex - 10 * Math.cos(ang - 0.4), ey - 10 * Math.sin(ang - 0.4));
      ctx.lineTo(ex - 10 * Math.cos(ang + 0.4), ey - 10 * Math.sin(ang + 0.4));
      ctx.fill();
    }
  }

  const toUnits = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width / UNIT, ((e.clientY - r.top) * canvas.height) / r.height / UNIT];
  };
  canvas.addEventListener('pointerdown', (e) => {
    const [x, y] = toUnits(e);
    for (const which of ['pred', 'target'] as const) {
      const b = boxes[which];
      const resize = Math.abs(x - b[2]) < 0.3 && Math.abs(y - b[3]) < 0.3;
      if (resize || (x > b[0] && x < b[2] && y > b[1] && y < b[3])) {
        drag = { which, resize, x, y };
        canvas.setPointerCapture(e.pointerId);
        return;
      }
    }
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const [x, y] = toUnits(e), b = boxes[drag.which], dx = x - drag.x, dy = y - drag.y;
    if (drag.resize) { b[2] = Math.max(b[0] + 0.3, b[2] + dx); b[3] = Math.max(b[1] + 0.3, b[3] + dy); } else { b[0] += dx; b[2] += dx; b[1] += dy; b[3] += dy; }
    Object.assign(drag, { x, y });
    render();
  });
  canvas.addEventListener('pointerup', () => { drag = undefined; });

  return { show: () => { if (!line && !slide) choose(select.value); }, hide: () => {} };
}
