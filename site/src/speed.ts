// Panel 3, speed in your browser: simdloss against the plain-JS loops a careful developer would
// write (each exp once, loss and gradient in one pass, gradients into a reused buffer) on a few
// cases, timed in this page. Both sides' outputs are compared first. Each sample times enough
// calls to last a few milliseconds (browsers coarsen performance.now()); the rounds alternate
// the two sides; the ratio is plain JS's median over simdloss's.
import * as sl from 'simdloss';
import { relaxedSimd, simd } from 'wasm-feature-detect';
import { COLORS, plot, uPlot } from './plot';
// The repository's one seeded generator (mulberry32).
import { rng } from '../../test/random.mjs';
// The same careful baseline as npm run bench (each exp once, loss and gradient fused).
import { bceWithLogitsWithGrad, crossEntropyWithGrad, mse, softmax } from '../../bench/plain-js.mjs';

// ---- the cases ----
interface Case { label: string; simd: () => unknown; plain: () => unknown; outputs: () => [number, number, ArrayLike<number>?, ArrayLike<number>?] }
const random = rng(7);
const uniform = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * random());

function cases(quick: boolean): Case[] {
  const q = quick ? 16 : 1;
  const ce = (N: number, C: number): Case => {
    const x = uniform(N * C, -4, 4), t = Int32Array.from(uniform(N, 0, C), Math.floor), gs = new Float32Array(N * C), gp = new Float32Array(N * C);
    let ls = 0, lp = 0;
    return {
      label: `crossEntropyWithGrad ${N}×${C}`,
      simd: () => { ls = sl.crossEntropyWithGrad({ data: x, shape: [N, C] }, t, { gradInto: gs }).loss as number; },
      plain: () => { lp = crossEntropyWithGrad(x, t, N, C, gp).loss; },
      outputs: () => [ls, lp, gs, gp],
    };
  };
  const sm = (N: number, C: number): Case => {
    // both sides write into a buffer they keep (simdloss through options.out)
    const x = uniform(N * C, -4, 4), out = new Float32Array(N * C), ys = new Float32Array(N * C);
    return { label: `softmax ${N}×${C}`, simd: () => { sl.softmax({ data: x, shape: [N, C] }, { out: ys }); }, plain: () => softmax(x, N, C, out), outputs: () => [0, 0, ys, out] };
  };
  const bce = (n: number): Case => {
    const x = uniform(n, -6, 6), t = uniform(n, 0, 1), gs = new Float32Array(n), gp = new Float32Array(n);
    let ls = 0, lp = 0;
    return {
      label: `binaryCrossEntropyWithLogitsWithGrad 2^${Math.log2(n)}`,
      simd: () => { ls = sl.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto: gs }).loss as number; },
      plain: () => { lp = bceWithLogitsWithGrad(x, t, gp).loss; },
      outputs: () => [ls, lp, gs, gp],
    };
  };
  const ms = (n: number): Case => {
    const a = uniform(n, -1, 1), b = uniform(n, -1, 1);
    let ls = 0, lp = 0;
    return { label: `mseLoss 2^${Math.log2(n)}`, simd: () => { ls = sl.mseLoss(a, b) as number; }, plain: () => { lp = mse(a, b); }, outputs: () => [ls, lp] };
  };
  return [ce(256 / q, 1000), ce(4096 / q, 10), sm(256 / q, 1000), bce(2 ** 18 / q), ms(2 ** 20 / q)];
}

/** Both sides computed the same thing (float32 against float64 arithmetic: relative 1e-4). */
function check(c: Case): void {
  c.simd();
  c.plain();
  const [ls, lp, gs, gp] = c.outputs();
  let worst = Math.abs(ls - lp) / Math.max(1e-6, Math.abs(lp));
  if (gs && gp) {
    let scale = 0, diff = 0;
    for (let i = 0; i < gp.length; i++) { scale = Math.max(scale, Math.abs(gp[i])); diff = Math.max(diff, Math.abs(gs[i] - gp[i])); }
    worst = Math.max(worst, diff / scale);
  }
  if (!(worst < 1e-4)) throw new Error(`${c.label}: simdloss and plain JS disagree (relative difference ${worst})`);
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
/**
 * The step of performance.now(): the smallest nonzero difference seen between two readings (Firefox
 * rounds it to 1 ms by default, Chromium to 0.1 ms or finer).
 */
function clockResolution(): number {
  let step = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    step = Math.min(step, t1 - t0);
  }
  return step;
}
/**
 * Calls per sample, so that one sample lasts at least `ms` milliseconds. The first calls run apart
 * (they compile the code and grow wasm memory), and a count is taken only when two timings in a row
 * reach `ms`: one slow call (a pause, a loaded machine) would otherwise set one call per sample,
 * which a coarse clock times as 0.
 */
function calibrate(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 3; i++) fn();
  for (let reps = 1; ; reps *= 2) if (sample(fn, reps) * reps >= ms && sample(fn, reps) * reps >= ms) return reps;
}
/** Milliseconds per call, the mean of `reps` calls. */
function sample(fn: () => unknown, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[(s.length - 1) >> 1], p75: s[Math.floor(0.75 * (s.length - 1))] };
};
type Stats = ReturnType<typeof stats>;
export interface Result { label: string; simd: Stats; plain: Stats; ratio: number }

/** The page's clock step (ms), measured once. */
let resolution = 0;
async function measure(c: Case, rounds: number, minMs: number): Promise<Result> {
  check(c);
  // a sample spans at least 20 steps of the clock: its rounding then stays within 5%
  const ms = Math.max(minMs, 20 * (resolution ||= clockResolution()));
  const reps = { simd: calibrate(c.simd, ms), plain: calibrate(c.plain, ms) };
  const times = { simd: [] as number[], plain: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const side of (r % 2 ? ['plain', 'simd'] : ['simd', 'plain']) as Array<'simd' | 'plain'>) times[side].push(sample(c[side], reps[side]));
    await tick();
  }
  const simdStats = stats(times.simd), plainStats = stats(times.plain);
  return { label: c.label, simd: simdStats, plain: plainStats, ratio: plainStats.median / simdStats.median };
}

export function mountSpeed() {
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const state = { running: false, quick: false, results: [] as Result[], error: '', env: {} as Record<string, string> };
  (window as any).__speed = state;

  const env = async () => {
    state.env = {
      backend: sl.backend(),
      'WebAssembly SIMD': (await simd()) ? 'validates' : 'does not validate',
      'relaxed SIMD': (await relaxedSimd()) ? 'validates: init() loads the relaxed-SIMD builds of cross-entropy, softmax and BCE' : 'does not validate: the plain SIMD builds run',
      browser: navigator.userAgent,
      'logical cores': String(navigator.hardwareConcurrency ?? '?'),
      'timer resolution': `${(resolution ||= clockResolution()).toPrecision(2)} ms (each sample lasts at least 20 steps)`,
    };
    $('sp-env').replaceChildren(...Object.entries(state.env).flatMap(([k, v]) => [Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v })]));
  };

  // Bars of the ratios on a log axis from 0.1×, so a ratio below 1 is still a bar; the line marks 1×.
  const labels: string[] = [];
  // Bar labels on two lines (name, size); on a narrow plot (a phone) short names, else they overlap.
  const SHORT: Record<string, string> = { 'crossEntropy+grad': 'CE', 'BCE logits+grad': 'BCE', mseLoss: 'MSE' };
  const barLabel = (u: uPlot, label = '') => {
    const cut = label.lastIndexOf(' '), name = label.slice(0, cut);
    const narrow = u.width < 600, size = label.slice(cut + 1);
    return label && `${narrow ? SHORT[name] ?? name : name}\n${narrow ? size.replace('×1000', '×1k') : size}`;
  };
  const bars: uPlot = plot($('sp-plot'), {
    height: 320,
    series: [{ label: 'case' }, { label: 'plain JS time / simdloss time', fill: `${COLORS[0]}cc`, stroke: COLORS[0], paths: uPlot.paths.bars!({ size: [0.6, 90] }), points: { show: false }, fillTo: 0.1 }],
    scales: { x: { time: false, range: (u) => [-0.5, Math.max(1, u.data[0].length) - 0.5] }, y: { distr: 3, log: 10, range: (u, _min, max) => [0.1, Math.max(30, max * 2)] } },
    axes: [
      { splits: (u) => Array.from(u.data[0], Number), values: (u, splits) => splits.map((i) => barLabel(u, labels[i])), gap: 8, size: 60, font: '11px system-ui, sans-serif' },
      { label: 'speed-up (×, log scale)', splits: (u) => [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200].filter((v) => v <= u.scales.y.max!), values: (_u, splits) => splits.map((v) => (v == null ? '' : `${v}×`)) },
    ],
    legend: { show: false },
    hooks: {
      draw: [(u) => {
        const { ctx, bbox } = u, y1 = u.valToPos(1, 'y', true);
        ctx.save();
        ctx.strokeStyle = '#dc2626';
        ctx.lineWidth = devicePixelRatio;
        ctx.beginPath(); ctx.moveTo(bbox.left, y1); ctx.lineTo(bbox.left + bbox.width, y1); ctx.stroke();
        ctx.fillStyle = '#0f172a';
        ctx.font = `600 ${13 * devicePixelRatio}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        state.results.forEach((r, i) => ctx.fillText(`${r.ratio.toFixed(r.ratio < 10 ? 2 : 1)}×`, u.valToPos(i, 'x', true), u.valToPos(r.ratio, 'y', true) - 6 * devicePixelRatio));
        ctx.restore();
      }],
    },
  }, [[], []]);

  function show(): void {
    labels.splice(0, labels.length, ...state.results.map((r) => r.label.replace('WithGrad', '+grad').replace('binaryCrossEntropyWithLogits', 'BCE logits')));
    bars.setData([state.results.map((_, i) => i), state.results.map((r) => r.ratio)]);
    const t = $<HTMLTableElement>('sp-table');
    t.replaceChildren();
    const head = t.insertRow();
    for (const h of ['case', 'simdloss min / median / p75 (ms)', 'plain JS min / median / p75 (ms)', 'ratio (medians)']) head.append(Object.assign(document.createElement('th'), { textContent: h }));
    const ms = (s: Stats) => [s.min, s.median, s.p75].map((v) => (v < 0.1 ? v.toFixed(4) : v.toFixed(3))).join(' / ');
    for (const r of state.results) {
      const tr = t.insertRow();
      for (const v of [r.label, ms(r.simd), ms(r.plain), `${r.ratio.toFixed(2)}×`]) tr.insertCell().textContent = v;
    }
  }

  const button = $<HTMLButtonElement>('sp-run');
  button.addEventListener('click', async () => {
    if (state.running) return;
    const quick = $<HTMLInputElement>('sp-quick').checked;
    Object.assign(state, { running: true, quick, results: [], error: '' });
    button.disabled = true;
    try {
      for (const c of cases(quick)) {
        button.textContent = `Running ${c.label}…`;
        await tick();
        state.results.push(await measure(c, quick ? 5 : 15, quick ? 3 : 15));
        show();
      }
    } catch (e) {
      state.error = String(e);
      button.textContent = `Failed: ${state.error}`;
    } finally {
      state.running = false;
      button.disabled = false;
      if (!state.error) button.textContent = 'Run the benchmark again';
    }
  });
  void env();
  return { show: () => {}, hide: () => {} };
}
