// The cost of computing float32 calls in float64 (docs/accuracy.md, "float32 computed in float64"),
// after `npm run build`:
//   BASELINE=<another checkout, built> node bench/f64-cost.mjs
// One representative float32 call per family, ns per element (per box pair for the box loss),
// min / median / p75 over ROUNDS rounds (default 21) of one run. With BASELINE, that build's
// dist/index.js runs in the same process, alternated round by round with this one, so that load on
// the machine hits both alike. Gradients go into reused buffers where the function takes gradInto.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { alternate, randomFloats } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.ROUNDS ?? 21);
const sides = [{ name: 'this', sl: await import(pathToFileURL(join(root, 'dist', 'index.js')).href) }];
if (process.env.BASELINE) sides.unshift({ name: 'baseline', sl: await import(pathToFileURL(join(process.env.BASELINE, 'dist', 'index.js')).href) });
for (const s of sides) s.sl.setBackend('wasm-simd');


const fmt = (q) => [q.min, q.med, q.p75].map((x) => x.toFixed(2)).join(' / ');

function time(label, elements, make) {
  const st = alternate(sides.map((side) => make(side.sl)), elements, { rounds: ROUNDS, calibrateMs: 20 });
  const cost = st.length === 2 ? `; cost ${['min', 'med', 'p75'].map((k) => `${st[1][k] >= st[0][k] ? '+' : ''}${Math.round((100 * (st[1][k] - st[0][k])) / st[0][k])}%`).join(' / ')}` : '';
  console.log(`${label} (ns, min / median / p75): ${sides.map((s, j) => `${s.name} ${fmt(st[j])}`).join('; ')}${cost}`);
}

console.log(`node ${process.version}, ${ROUNDS} rounds`);

// box-iou: 4096 pairs of valid boxes (x1 < x2, y1 < y2)
{
  const P = 4096;
  const boxes = (seed) => {
    const r = randomFloats(0, 1, P * 4, seed);
    const b = new Float32Array(P * 4);
    for (let i = 0; i < P; i++) {
      const x = r[4 * i] * 100, y = r[4 * i + 1] * 100;
      b.set([x, y, x + 1 + r[4 * i + 2] * 50, y + 1 + r[4 * i + 3] * 50], 4 * i);
    }
    return { data: b, shape: [P, 4] };
  };
  const b1 = boxes(1), b2 = boxes(2);
  time('generalizedBoxIouLossWithGrad 4096 pairs (per pair)', P, (sl) => {
    const into = [new Float32Array(P * 4), new Float32Array(P * 4)];
    return () => sl.generalizedBoxIouLossWithGrad(b1, b2, { reduction: 'mean', gradInto: into });
  });
}

const M = 1 << 18;
{
  const x = { data: randomFloats(-6, 6, M, 3), shape: [M] };
  const t = { data: Float32Array.from(randomFloats(0, 1, M, 4), (v) => (v < 0.3 ? 1 : 0)), shape: [M] };
  time('sigmoidFocalLossWithGrad 2^18', M, (sl) => {
    const into = new Float32Array(M);
    return () => sl.sigmoidFocalLossWithGrad(x, t, { reduction: 'mean', gradInto: into });
  });
}
{
  const N = 256, D = 128;
  const a = { data: randomFloats(-1, 1, N * D, 5), shape: [N, D] };
  const p = { data: randomFloats(-1, 1, N * D, 6), shape: [N, D] };
  const n = { data: randomFloats(-1, 1, N * D, 7), shape: [N, D] };
  time('tripletMarginLossWithGrad 256x128', N * D, (sl) => {
    const into = [new Float32Array(N * D), new Float32Array(N * D), new Float32Array(N * D)];
    return () => sl.tripletMarginLossWithGrad(a, p, n, { gradInto: into });
  });
}
{
  const N = 1024, D = 256;
  const a = { data: randomFloats(-1, 1, N * D, 8), shape: [N, D] };
  const b = { data: randomFloats(-1, 1, N * D, 9), shape: [N, D] };
  time('cosineSimilarity 1024x256', N * D, (sl) => () => sl.cosineSimilarity(a, b));
  time('pairwiseDistance 1024x256', N * D, (sl) => () => sl.pairwiseDistance(a, b));
}
{
  // log-probabilities and probabilities
  const q = { data: Float32Array.from(randomFloats(0.01, 1, M, 10), Math.log), shape: [M] };
  const p = { data: randomFloats(0, 1, M, 11), shape: [M] };
  time('klDiv 2^18', M, (sl) => () => sl.klDiv(q, p, { reduction: 'batchmean' }));
  const rate = { data: randomFloats(-3, 3, M, 12), shape: [M] };
  const counts = { data: Float32Array.from(randomFloats(0, 10, M, 13), Math.floor), shape: [M] };
  time('poissonNllLoss 2^18', M, (sl) => () => sl.poissonNllLoss(rate, counts));
  const prob = { data: randomFloats(0.001, 0.999, M, 14), shape: [M] };
  time('binaryCrossEntropy 2^18', M, (sl) => () => sl.binaryCrossEntropy(prob, p));
  const mu = { data: randomFloats(-2, 2, M, 15), shape: [M] };
  const v = { data: randomFloats(0.1, 2, M, 16), shape: [M] };
  time('gaussianNllLoss 2^18', M, (sl) => () => sl.gaussianNllLoss(mu, rate, v));
}
