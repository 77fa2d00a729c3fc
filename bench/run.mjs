// npm run bench: simdloss against what a user would pick instead, in one Node process.
//
// For each case every contender gets the same inputs; its output is checked against simdloss's
// float64 reference before anything is timed (a fast wrong answer fails the run). Then the
// contenders are alternated round by round (so drift and noise hit them alike), each round timing
// enough calls to last ~10 ms, and the median per-call time over the rounds is reported.
// Writes bench/RESULTS.md and bench/chart.svg.
import { cpus, totalmem } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as sl from '../dist/index.js';
import * as plain from './plain-js.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = 3;
const ROUND_MS = 10;
const quick = process.argv.includes('--quick');

// ---------- inputs ----------
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}
function floats(Arr, n, seed, lo, hi) {
  const r = lcg(seed);
  const a = new Arr(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}
function labels(N, C, seed) {
  const r = lcg(seed);
  return Int32Array.from({ length: N }, () => Math.floor(r() * C));
}
function oneHot(t, N, C) {
  const a = new Float32Array(N * C);
  for (let n = 0; n < N; n++) a[n * C + t[n]] = 1;
  return a;
}

// ---------- tfjs helpers (backend switched between rounds, outside the timing) ----------
const tfBackends = { 'tfjs cpu': 'cpu', 'tfjs wasm': 'wasm' };
async function useTf(name) {
  if (tf.getBackend() !== tfBackends[name]) {
    await tf.setBackend(tfBackends[name]);
    await tf.ready();
  }
}
/**
 * Runs a tfjs computation the way a careful user would: tensors built and freed inside tidy(),
 * values read outside it (tidy walks whatever its callback returns, so returning a large typed
 * array from inside it would be slow and unfair to tfjs).
 */
function tfRun(build) {
  const out = tf.tidy(build); // { loss?: Tensor, grad?: Tensor }
  const result = {};
  if (out.loss) result.loss = out.loss.dataSync()[0];
  if (out.grad) result.grad = out.grad.dataSync();
  tf.dispose(Object.values(out));
  return result;
}

// ---------- cases ----------
// WithGrad cases: simdloss and the plain-JS loop both write the gradient into a buffer they reuse
// (simdloss: options.gradInto), as a training loop does; `fresh` times simdloss's default instead,
// a new gradient array per call.
function crossEntropyCase(N, C, withGrad, Arr = Float32Array, fresh = false) {
  const x = floats(Arr, N * C, N + C, -4, 4);
  const t = labels(N, C, C);
  const input = { data: x, shape: [N, C] };
  const grad = new Float64Array(N * C);
  const gradInto = new Arr(N * C);
  const oh = oneHot(t, N, C);
  const x32 = x instanceof Float32Array ? x : Float32Array.from(x); // tfjs has no float64
  const tfCall = () => tfRun(() => {
    const logits = tf.tensor2d(x32, [N, C], 'float32');
    const labelsT = tf.tensor2d(oh, [N, C]);
    if (!withGrad) return { loss: tf.losses.softmaxCrossEntropy(labelsT, logits) };
    const { value, grad } = tf.valueAndGrad((z) => tf.losses.softmaxCrossEntropy(labelsT, z))(logits);
    return { loss: value, grad };
  });
  const ours = withGrad
    ? () => { const r = sl.crossEntropyWithGrad(input, t, fresh ? {} : { gradInto }); return { loss: r.loss, grad: r.grad.data }; }
    : () => ({ loss: sl.crossEntropy(input, t) });
  return {
    name: `crossEntropy${withGrad ? 'WithGrad' : ''} ${N}×${C}${Arr === Float64Array ? ' (Float64Array)' : ''}${fresh ? ', a new gradient array per call' : ''}`,
    family: withGrad ? (fresh ? 'crossEntropyWithGrad, new array' : 'crossEntropyWithGrad') : 'crossEntropy',
    elements: N * C,
    contenders: {
      'simdloss wasm-simd': ours,
      'simdloss js': ours,
      'plain JS': () => ({ loss: plain.crossEntropy(x, t, N, C, withGrad ? grad : null), grad: withGrad ? grad : undefined }),
      'tfjs cpu': tfCall,
      'tfjs wasm': tfCall,
    },
  };
}

function softmaxCase(N, C) {
  const x = floats(Float32Array, N * C, 3, -4, 4);
  const out = new Float32Array(N * C);
  const tfCall = () => tfRun(() => ({ grad: tf.softmax(tf.tensor2d(x, [N, C])) }));
  return {
    name: `softmax ${N}×${C}`,
    family: 'softmax',
    elements: N * C,
    contenders: {
      'simdloss wasm-simd': () => ({ grad: sl.softmax({ data: x, shape: [N, C] }).data }),
      'simdloss js': () => ({ grad: sl.softmax({ data: x, shape: [N, C] }).data }),
      'plain JS': () => ({ grad: plain.softmax(x, N, C, out) }),
      'tfjs cpu': tfCall,
      'tfjs wasm': tfCall,
    },
  };
}

function bceCase(n) {
  const x = floats(Float32Array, n, 5, -6, 6);
  const t = floats(Float32Array, n, 6, 0, 1).map(Math.round);
  const grad = new Float32Array(n);
  const tfCall = () => tfRun(() => {
    const labelsT = tf.tensor1d(t);
    const { value, grad } = tf.valueAndGrad((z) => tf.losses.sigmoidCrossEntropy(labelsT, z))(tf.tensor1d(x));
    return { loss: value, grad };
  });
  const gradInto = new Float32Array(n);
  const ours = () => {
    const r = sl.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto });
    return { loss: r.loss, grad: r.grad.data };
  };
  return {
    name: `binaryCrossEntropyWithLogitsWithGrad 2^${Math.log2(n)}`,
    family: 'binaryCrossEntropyWithLogitsWithGrad',
    elements: n,
    contenders: {
      'simdloss wasm-simd': ours,
      'simdloss js': ours,
      'plain JS': () => ({ loss: plain.bceWithLogits(x, t, grad), grad }),
      'tfjs cpu': tfCall,
      'tfjs wasm': tfCall,
    },
  };
}

function regressionCase(kind, n, resident = false) {
  const a = floats(Float32Array, n, 7, -3, 3);
  const b = floats(Float32Array, n, 8, -3, 3);
  // With `resident`, simdloss reads tensors that already live in wasm memory (allocTensor), as a
  // training loop reusing its buffers would; the other contenders keep their usual JS arrays.
  let ra = a, rb = b;
  if (resident) {
    ra = sl.allocTensor('float32', [n]);
    ra.data.set(a);
    rb = sl.allocTensor('float32', [n]);
    rb.data.set(b);
  }
  const ours = { mseLoss: sl.mseLoss, l1Loss: sl.l1Loss, smoothL1Loss: sl.smoothL1Loss }[kind];
  const js = { mseLoss: plain.mse, l1Loss: plain.l1, smoothL1Loss: plain.smoothL1 }[kind];
  const tfLoss = {
    mseLoss: (y, p) => tf.losses.meanSquaredError(y, p),
    l1Loss: (y, p) => tf.losses.absoluteDifference(y, p),
    smoothL1Loss: (y, p) => tf.losses.huberLoss(y, p, undefined, 1), // Huber(δ=1) = SmoothL1(β=1)
  }[kind];
  const tfCall = () => tfRun(() => ({ loss: tfLoss(tf.tensor1d(b), tf.tensor1d(a)) }));
  return {
    name: `${kind} 2^${Math.log2(n)}${resident ? ', data in wasm memory' : ''}`,
    family: resident ? `${kind} resident` : kind,
    elements: n,
    contenders: {
      'simdloss wasm-simd': () => ({ loss: ours(ra, rb) }),
      'simdloss js': () => ({ loss: ours(ra, rb) }),
      'plain JS': () => ({ loss: js(a, b) }),
      'tfjs cpu': tfCall,
      'tfjs wasm': tfCall,
    },
  };
}

const cases = quick
  ? [crossEntropyCase(256, 1000, true), crossEntropyCase(4096, 10, false), softmaxCase(256, 1000)]
  : [
      ...[[256, 1000], [4096, 10], [32, 32000], [8, 128000]].flatMap(([N, C]) => [crossEntropyCase(N, C, false), crossEntropyCase(N, C, true)]),
      softmaxCase(256, 1000),
      bceCase(1 << 20),
      regressionCase('mseLoss', 1 << 20),
      regressionCase('l1Loss', 1 << 20),
      regressionCase('smoothL1Loss', 1 << 20),
      regressionCase('mseLoss', 1 << 20, true),
      regressionCase('l1Loss', 1 << 20, true),
      regressionCase('smoothL1Loss', 1 << 20, true),
      crossEntropyCase(256, 1000, true, Float64Array),
      crossEntropyCase(256, 1000, true, Float32Array, true),
    ];

// ---------- running ----------
async function select(name) {
  if (name.startsWith('tfjs')) await useTf(name);
  else sl.setBackend(name === 'simdloss js' ? 'js' : 'wasm-simd');
}

/**
 * A contender's error against simdloss's float64 reference: the loss's relative error and the
 * gradient's max error relative to its largest element. A simdloss contender outside 1e-5 fails
 * the run (a fast wrong answer); a peer outside 1e-4 is timed anyway and reported as inaccurate.
 */
function check(caseName, name, got, want) {
  let err = 0;
  if (want.loss !== undefined) err = Math.abs(got.loss - want.loss) / Math.max(Math.abs(want.loss), 1e-30);
  if (want.grad && got.grad) {
    let scale = 0;
    for (let i = 0; i < want.grad.length; i++) scale = Math.max(scale, Math.abs(want.grad[i]));
    for (let i = 0; i < want.grad.length; i++) err = Math.max(err, Math.abs(got.grad[i] - want.grad[i]) / scale);
  }
  if (!(err <= 1e-5) && name.startsWith('simdloss')) throw new Error(`${caseName}: ${name} is off the reference by ${err.toExponential(2)}`);
  return err;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function runCase(c) {
  const names = Object.keys(c.contenders);
  // The reference: simdloss's float64 'js' backend on float64 copies of the same inputs is what
  // the tests trust; here the float32 'js' result (computed in float64, rounded) serves.
  await select('simdloss js');
  const want = c.contenders['simdloss js']();
  // a copy: the simdloss contenders write their gradients into one reused buffer
  if (want.grad) want.grad = Float64Array.from(want.grad);
  const reps = {};
  const errors = {};
  for (const name of names) {
    await select(name);
    const got = c.contenders[name]();
    errors[name] = check(c.name, name, got, want);
    const t0 = performance.now();
    c.contenders[name]();
    const one = Math.max(performance.now() - t0, 1e-3);
    reps[name] = Math.max(1, Math.ceil(ROUND_MS / one));
  }
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Rotate the order each round so no contender always runs first.
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + round) % names.length];
      await select(name);
      c.contenders[name](); // untimed: moves tfjs data to the backend, warms caches
      const t0 = performance.now();
      for (let r = 0; r < reps[name]; r++) c.contenders[name]();
      const dt = (performance.now() - t0) / reps[name];
      if (round >= WARMUP) times[name].push(dt);
    }
  }
  return { med: Object.fromEntries(names.map((n) => [n, median(times[n])])), errors };
}

const results = [];
for (const c of cases) {
  const { med, errors } = await runCase(c);
  results.push({ c, med, errors });
  const ours = med['simdloss wasm-simd'];
  const cols = Object.entries(med).map(([n, t]) => `${n} ${t.toFixed(3)} ms${n === 'simdloss wasm-simd' ? '' : ` (×${(t / ours).toFixed(1)})`}`);
  console.log(`${c.name.padEnd(44)} ${cols.join(' | ')}`);
}
sl.setBackend('wasm-simd');

// ---------- targets (issue: ratios against plain JS and tfjs wasm) ----------
const TARGETS = {
  crossEntropy: [10, 5],
  crossEntropyWithGrad: [10, 5],
  binaryCrossEntropyWithLogitsWithGrad: [8, 4],
  mseLoss: [4, 2],
  l1Loss: [4, 2],
  smoothL1Loss: [4, 2],
  'mseLoss resident': [10, 0],
  'l1Loss resident': [10, 0],
  'smoothL1Loss resident': [10, 0],
};

// ---------- RESULTS.md and chart ----------
const pkg = (name) => JSON.parse(readFileSync(join(here, '..', 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
const contenders = Object.keys(cases[0].contenders);
const lines = [];
lines.push('# Benchmark results', '');
lines.push(`Written by \`npm run bench\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 10)}. Median time per call over ${ROUNDS} rounds after ${WARMUP} warm-up rounds, contenders alternated round by round, each output checked against simdloss's float64 reference first. Float32Array unless noted; end to end from JS arrays (copies into and out of wasm memory included). WithGrad cases: simdloss and the plain-JS loop write the gradient into a buffer they reuse (simdloss: \`options.gradInto\`), as a training loop does; TF.js returns new tensors; the last row shows simdloss's default, a new gradient array per call. Ratios are contender time / simdloss wasm-simd time (higher = simdloss faster). One run on a shared, noisy machine: read ratios, not absolute times.`, '');
lines.push(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; simdloss ${JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version}; @tensorflow/tfjs ${pkg('@tensorflow/tfjs')}, @tensorflow/tfjs-backend-wasm ${pkg('@tensorflow/tfjs-backend-wasm')} (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, no threads).`, '');
lines.push(`| case | elements | simdloss wasm-simd (ms) | ${contenders.slice(1).map((n) => `${n} (ms, ×)`).join(' | ')} | target (×JS / ×tfjs-wasm) |`);
lines.push(`|---|---:|---:|${contenders.slice(1).map(() => '---:').join('|')}|---|`);
for (const { c, med } of results) {
  const ours = med['simdloss wasm-simd'];
  const target = TARGETS[c.family];
  let verdict = '';
  if (target && !c.name.includes('Float64')) {
    const okJs = med['plain JS'] / ours >= target[0];
    const okTf = med['tfjs wasm'] / ours >= target[1];
    const label = target[1] ? `${target[0]}× / ${target[1]}×` : `${target[0]}× JS`;
    verdict = `${label}: ${okJs && okTf ? 'met' : `**missed** (${!okJs ? 'JS' : ''}${!okJs && !okTf ? ', ' : ''}${!okTf ? 'tfjs wasm' : ''})`}`;
  }
  lines.push(`| ${c.name} | ${c.elements.toLocaleString('en-US')} | ${ours.toFixed(3)} | ${contenders.slice(1).map((n) => `${med[n].toFixed(3)} (×${(med[n] / ours).toFixed(1)})`).join(' | ')} | ${verdict} |`);
}
const inaccurate = results.flatMap(({ c, errors }) => Object.entries(errors).filter(([, e]) => e > 1e-4).map(([n, e]) => `${n} on ${c.name} (${e.toExponential(1)})`));
lines.push('', `Accuracy: every simdloss result was within 1e-5 of the float64 reference. ${inaccurate.length ? `Peers off the reference by more than 1e-4 (relative loss error, or gradient error relative to its largest element), timed anyway: ${inaccurate.join('; ')}.` : 'Every peer was within 1e-4.'}`);
lines.push('', '![speed-up of simdloss over each contender](chart.svg)', '');
writeFileSync(join(here, 'RESULTS.md'), lines.join('\n'));

// Horizontal bars: log2 of the speed-up over plain JS and over tfjs wasm, per case.
const W = 860, rowH = 34, left = 330, scaleMax = Math.log2(512);
const series = [['plain JS', '#4c78a8'], ['tfjs wasm', '#f58518'], ['tfjs cpu', '#54a24b']];
const H = 60 + results.length * rowH;
const bar = (v) => (Math.max(0, Math.log2(Math.max(v, 1))) / scaleMax) * (W - left - 40);
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
svg += `<text x="10" y="20" font-size="14">simdloss wasm-simd speed-up (× faster, log scale) over:</text>\n`;
series.forEach(([n, col], i) => { svg += `<rect x="${380 + i * 120}" y="10" width="12" height="12" fill="${col}"/><text x="${396 + i * 120}" y="21">${n}</text>\n`; });
for (const x of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) svg += `<line x1="${left + bar(x)}" y1="32" x2="${left + bar(x)}" y2="${H - 10}" stroke="#ddd"/><text x="${left + bar(x) - 6}" y="${H - 0}" fill="#888">${x}×</text>\n`;
results.forEach(({ c, med }, r) => {
  const y = 40 + r * rowH;
  svg += `<text x="10" y="${y + 16}">${c.name.replace('&', '&amp;')}</text>\n`;
  series.forEach(([n, col], i) => {
    const v = med[n] / med['simdloss wasm-simd'];
    svg += `<rect x="${left}" y="${y + i * 9}" width="${bar(v).toFixed(1)}" height="8" fill="${col}"><title>${n}: ×${v.toFixed(1)}</title></rect>\n`;
  });
});
svg += '</svg>\n';
writeFileSync(join(here, 'chart.svg'), svg);
console.log(`\nwrote bench/RESULTS.md and bench/chart.svg`);
