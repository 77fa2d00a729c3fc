// Panel 2, live training: softmax regression or a one-hidden-layer MLP on 2-D points (blobs or
// spirals, plus the points the user clicks), trained full-batch with Adam. The loss and its
// gradient with respect to the logits come from simdloss, written into one reused buffer
// (gradInto); the model's own backward pass is a few plain-JS loops. Each frame runs a few steps
// and redraws the decision regions (softmax of the logits on a grid), the loss curve and the
// accuracy.
import * as sl from 'simdloss';
import { COLORS, plot, uPlot } from './plot';
import { rng } from '../../test/random.mjs';

const K = 3, H = 32, GRID = 80, STEPS_PER_FRAME = 4, MAX_STEPS = 5000, VIEW = 1.25;
const RGB = [[37, 99, 235], [234, 88, 12], [22, 163, 74]];
type Point = [number, number, number]; // x, y, class

/** The seeded generator (mulberry32, test/random.mjs), so a page load always starts from the same data. */
const random = rng;
const gauss = (rnd: () => number) => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

function dataset(kind: string, rnd: () => number): Point[] {
  const pts: Point[] = [];
  for (let k = 0; k < K; k++) for (let i = 0; i < 70; i++) {
    if (kind === 'blobs') {
      const a = (2 * Math.PI * k) / K + 0.5;
      pts.push([0.5 * Math.cos(a) + 0.22 * gauss(rnd), 0.5 * Math.sin(a) + 0.22 * gauss(rnd), k]);
    } else { // three interleaved spiral arms (as in CS231n's example)
      const r = (i + 1) / 70, t = k * 4.2 + 4 * r + 0.25 * gauss(rnd);
      pts.push([r * Math.sin(t), r * Math.cos(t), k]);
    }
  }
  return pts;
}

class Model {
  params: Float32Array[];
  grads: Float32Array[];
  private m: Float32Array[];
  private v: Float32Array[];
  private t = 0;
  constructor(readonly hidden: number, rnd: () => number) {
    const shapes = hidden ? [[2, hidden], [hidden], [hidden, K], [K]] : [[2, K], [K]];
    this.params = shapes.map(([r, c]) => Float32Array.from({ length: r * (c ?? 1) }, () => (c ? gauss(rnd) / Math.sqrt(r) : 0)));
    this.grads = this.params.map((p) => new Float32Array(p.length));
    this.m = this.params.map((p) => new Float32Array(p.length));
    this.v = this.params.map((p) => new Float32Array(p.length));
  }
  /** logits (N, K) of points x (N, 2); keeps the hidden activations for backward. */
  forward(x: Float32Array, n: number, logits: Float32Array, h?: Float32Array): void {
    const [W1, b1, W2, b2] = this.params;
    const dense = (inp: Float32Array, I: number, W: Float32Array, b: Float32Array, O: number, out: Float32Array, act: boolean) => {
      for (let i = 0; i < n; i++) for (let o = 0; o < O; o++) {
        let s = b[o];
        for (let j = 0; j < I; j++) s += inp[i * I + j] * W[j * O + o];
        out[i * O + o] = act ? Math.tanh(s) : s;
      }
    };
    if (!this.hidden) return dense(x, 2, W1, b1, K, logits, false);
    h ??= new Float32Array(n * this.hidden);
    dense(x, 2, W1, b1, this.hidden, h, true);
    dense(h, this.hidden, W2, b2, K, logits, false);
  }
  /** Gradients of the parameters from dlogits (N, K), then one Adam step. */
  backward(x: Float32Array, n: number, h: Float32Array, dlogits: Float32Array, lr: number): void {
    const g = this.grads;
    for (const a of g) a.fill(0);
    // out = inp·W + b: dW += inpᵀ·dout, db += Σ dout, din = dout·Wᵀ (through tanh: × (1 − h²)).
    const dense = (inp: Float32Array, I: number, W: Float32Array, dW: Float32Array, db: Float32Array, O: number, dout: Float32Array, din?: Float32Array) => {
      for (let i = 0; i < n; i++) for (let o = 0; o < O; o++) {
        const d = dout[i * O + o];
        db[o] += d;
        for (let j = 0; j < I; j++) dW[j * O + o] += inp[i * I + j] * d;
      }
      if (din) for (let i = 0; i < n; i++) for (let j = 0; j < I; j++) {
        let s = 0;
        for (let o = 0; o < O; o++) s += dout[i * O + o] * W[j * O + o];
        din[i * I + j] = s * (1 - inp[i * I + j] ** 2);
      }
    };
    if (!this.hidden) dense(x, 2, this.params[0], g[0], g[1], K, dlogits);
    else {
      const dh = new Float32Array(n * this.hidden);
      dense(h, this.hidden, this.params[2], g[2], g[3], K, dlogits, dh);
      dense(x, 2, this.params[0], g[0], g[1], this.hidden, dh);
    }
    this.t++;
    const c1 = 1 - 0.9 ** this.t, c2 = 1 - 0.999 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k], v = this.v[k], gk = g[k];
      for (let i = 0; i < p.length; i++) {
        m[i] = 0.9 * m[i] + 0.1 * gk[i];
        v[i] = 0.999 * v[i] + 0.001 * gk[i] * gk[i];
        p[i] -= (lr * m[i]) / c1 / (Math.sqrt(v[i] / c2) + 1e-8);
      }
    });
  }
}

export function mountTraining() {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const canvas = $<HTMLCanvasElement>('tr-canvas');
  const ctx = canvas.getContext('2d')!;
  const cell = Object.assign(document.createElement('canvas'), { width: GRID, height: GRID });
  const cellCtx = cell.getContext('2d')!;
  const ui = { data: $<HTMLSelectElement>('tr-data'), model: $<HTMLSelectElement>('tr-model'), loss: $<HTMLSelectElement>('tr-loss'), smooth: $<HTMLInputElement>('tr-smooth'), lr: $<HTMLInputElement>('tr-lr') };

  let rnd = random(1);
  let points = dataset(ui.data.value, rnd);
  let model = new Model(ui.model.value === 'mlp' ? H : 0, rnd);
  let running = true, visible = false, frame = 0, stopAt = MAX_STEPS;
  // The batch as typed arrays, rebuilt when the points change; dlogits is the reused gradient buffer.
  let n = 0, x = new Float32Array(0), labels = new Int32Array(0), oneHot = new Float32Array(0), logits = new Float32Array(0), dlogits = new Float32Array(0), hidden = new Float32Array(0);
  const history = { step: [] as number[], loss: [] as number[], accuracy: [] as number[] };
  const state = { step: 0, loss: NaN, accuracy: NaN, points: 0, history };
  (window as any).__training = state;

  // The grid the regions are drawn from: GRID × GRID points over [-VIEW, VIEW]².
  const gridX = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) gridX.set([(-1 + (2 * (c + 0.5)) / GRID) * VIEW, (1 - (2 * (r + 0.5)) / GRID) * VIEW], (r * GRID + c) * 2);
  const gridLogits = new Float32Array(GRID * GRID * K);

  function rebuild(): void {
    n = points.length;
    x = Float32Array.from(points.flatMap((p) => [p[0], p[1]]));
    labels = Int32Array.from(points, (p) => p[2]);
    logits = new Float32Array(n * K);
    dlogits = new Float32Array(n * K);
    hidden = new Float32Array(n * H);
    smoothTargets();
  }
  /** sigmoidFocalLoss trains on one-hot targets, smoothed as crossEntropy's labelSmoothing does. */
  function smoothTargets(): void {
    const e = Number(ui.smooth.value);
    oneHot = Float32Array.from({ length: n * K }, (_, i) => (i % K === labels[(i / K) | 0] ? 1 - e : 0) + e / K);
  }
  function resetCurve(): void {
    for (const a of Object.values(history)) a.length = 0;
    state.step = 0;
  }

  function step(): void {
    model.forward(x, n, logits, hidden);
    const input = { data: logits, shape: [n, K] };
    const loss = ui.loss.value === 'crossEntropy' ? sl.crossEntropyWithGrad(input, labels, { labelSmoothing: Number(ui.smooth.value), gradInto: dlogits }).loss
      : ui.loss.value === 'multiMarginLoss' ? sl.multiMarginLossWithGrad(input, labels, { gradInto: dlogits }).loss
        : sl.sigmoidFocalLossWithGrad(input, { data: oneHot, shape: [n, K] }, { reduction: 'mean', gradInto: dlogits }).loss;
    model.backward(x, n, hidden, dlogits, 10 ** Number(ui.lr.value));
    let correct = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (logits[i * K + k] > logits[i * K + best]) best = k;
      if (best === labels[i]) correct++;
    }
    // loss and accuracy are those of the parameters before this step's update
    Object.assign(state, { step: state.step + 1, loss, accuracy: correct / n, points: n });
    history.step.push(state.step);
    history.loss.push(loss as number);
    history.accuracy.push(correct / n);
  }

  function draw(): void {
    // Decision regions: each grid cell's colour is the class colours weighted by softmax(logits).
    model.forward(gridX, GRID * GRID, gridLogits);
    const p = sl.softmax({ data: gridLogits, shape: [GRID * GRID, K] }).data;
    const img = cellCtx.createImageData(GRID, GRID);
    for (let i = 0; i < GRID * GRID; i++) for (let ch = 0; ch < 3; ch++) {
      const mix = p[i * K] * RGB[0][ch] + p[i * K + 1] * RGB[1][ch] + p[i * K + 2] * RGB[2][ch];
      img.data[i * 4 + ch] = 255 - (255 - mix) * 0.4;
      img.data[i * 4 + 3] = 255;
    }
    cellCtx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cell, 0, 0, canvas.width, canvas.height);
    for (const [px, py, k] of points) {
      ctx.beginPath();
      ctx.arc(((px / VIEW + 1) / 2) * canvas.width, ((1 - py / VIEW) / 2) * canvas.height, 4.5, 0, 2 * Math.PI);
      ctx.fillStyle = COLORS[k];
      ctx.fill();
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    $('tr-stats').replaceChildren(`step ${state.step} · ${n} points · loss `, bold(Number.isFinite(state.loss) ? state.loss.toPrecision(4) : '–'), ' · accuracy ', bold(Number.isFinite(state.accuracy) ? `${(100 * state.accuracy).toFixed(1)}%` : '–'));
    curve.setData([history.step, history.loss, history.accuracy]);
  }
  const bold = (s: string) => Object.assign(document.createElement('b'), { textContent: s });

  const curve: uPlot = plot($('tr-plot'), {
    height: 280,
    series: [{ label: 'step' }, { label: 'loss', stroke: COLORS[0], width: 2 }, { label: 'accuracy', stroke: COLORS[2], width: 2, scale: 'acc' }],
    scales: { acc: { range: [0, 1] } },
    axes: [{ label: 'step' }, { label: 'loss', stroke: COLORS[0] }, { side: 1, scale: 'acc', label: 'accuracy', stroke: COLORS[2], grid: { show: false } }],
  }, [[], [], []]);

  function loop(): void {
    if (!visible) return;
    if (running && n > 0) {
      for (let s = 0; s < STEPS_PER_FRAME; s++) step();
      if (state.step >= stopAt) setRunning(false);
    }
    draw();
    frame = requestAnimationFrame(loop);
  }
  function setRunning(on: boolean): void {
    running = on;
    if (on) stopAt = state.step + MAX_STEPS;
    $('tr-run').textContent = on ? 'Pause' : 'Train';
  }

  const restart = (newData: boolean) => {
    rnd = random(Date.now() >>> 0);
    if (newData) points = dataset(ui.data.value, rnd);
    model = new Model(ui.model.value === 'mlp' ? H : 0, rnd);
    rebuild();
    resetCurve();
    setRunning(true);
  };
  ui.data.addEventListener('input', () => restart(true));
  ui.model.addEventListener('input', () => restart(false));
  // multiMarginLoss has no label smoothing; sigmoidFocalLoss gets it through its targets.
  ui.loss.addEventListener('input', () => { ui.smooth.disabled = ui.loss.value === 'multiMarginLoss'; resetCurve(); setRunning(true); });
  ui.smooth.addEventListener('input', () => { $('tr-smooth-v').textContent = ui.smooth.value; smoothTargets(); });
  const showLr = () => { $('tr-lr-v').textContent = (10 ** Number(ui.lr.value)).toPrecision(2); };
  ui.lr.addEventListener('input', showLr);
  showLr();
  $('tr-run').addEventListener('click', () => setRunning(!running));
  $('tr-reset').addEventListener('click', () => restart(false));
  $('tr-new').addEventListener('click', () => restart(true));
  $('tr-clear').addEventListener('click', () => { points = []; rebuild(); resetCurve(); });
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    points.push([(((e.clientX - r.left) / r.width) * 2 - 1) * VIEW, (1 - ((e.clientY - r.top) / r.height) * 2) * VIEW, Number($<HTMLSelectElement>('tr-class').value)]);
    rebuild();
    if (!running) setRunning(true);
  });
  rebuild();

  return {
    show: () => { visible = true; frame = requestAnimationFrame(loop); },
    hide: () => { visible = false; cancelAnimationFrame(frame); },
  };
}
