// Label smoothing and probability targets against the index-target call (issue 17, item 3), after
// `npm run build`:
//   node bench/smoothing-cost.mjs
// Float32 crossEntropy and crossEntropyWithGrad (gradient into a kept buffer) at 256x1000 and
// 4096x10, with class indices, with labelSmoothing 0.1, and with probability targets: ns per
// element, min / median / p75 over rounds of one run, and each one's ratio to the index-target
// call of the same build (min / median). All calls of a size alternate round by round, so load
// on the machine hits them alike. BASELINE=<built checkout> runs another build in the same
// process; ROUNDS (default 41), ONLY=<regex> on the label.
import { join } from 'node:path';
import { alternate, randomFloats } from './harness.mjs';

// THIS=<built checkout> times that build as 'this' (default: this checkout).
const sl = await import(process.env.THIS ? join(process.env.THIS, 'dist', 'index.js') : '../dist/index.js');
const ROUNDS = Number(process.env.ROUNDS ?? 41);
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
const sides = [{ name: 'this', sl }];
if (process.env.BASELINE) sides.push({ name: 'baseline', sl: await import(join(process.env.BASELINE, 'dist', 'index.js')) });

/** Softmax-like probability rows: positive, each row summing to 1 (in float64, then rounded). */
function probRows(N, C, seed) {
  const u = randomFloats(0, 1, N * C, seed);
  const q = new Float32Array(N * C);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(4 * u[n * C + c]);
    for (let c = 0; c < C; c++) q[n * C + c] = Math.exp(4 * u[n * C + c]) / s;
  }
  return q;
}

console.log(`node ${process.version}, ${ROUNDS} rounds`);
for (const [N, C, seed] of [[256, 1000, 5], [4096, 10, 9]]) {
  const logits = { data: randomFloats(-4, 4, N * C, seed), shape: [N, C] };
  const index = { data: Int32Array.from({ length: N }, (_, i) => (i * 7919) % C), shape: [N] };
  const probs = { data: probRows(N, C, seed + 1), shape: [N, C] };
  const variants = [
    ['index', index, {}],
    ['smoothing 0.1', index, { labelSmoothing: 0.1 }],
    ['probabilities', probs, {}],
  ];
  for (const grad of [false, true]) {
    const fn = grad ? 'crossEntropyWithGrad' : 'crossEntropy';
    const calls = [];
    for (const side of sides) {
      for (const [what, target, opts] of variants) {
        const into = new Float32Array(N * C);
        calls.push({
          label: `${side.name}: ${fn} ${N}x${C} ${what}`,
          side: side.name,
          what,
          f: grad ? () => side.sl.crossEntropyWithGrad(logits, target, { ...opts, gradInto: into }) : () => side.sl.crossEntropy(logits, target, opts),
        });
      }
    }
    const run = calls.filter((c) => !only || only.test(c.label));
    if (!run.length) continue;
    const st = alternate(run.map((c) => c.f), N * C, { rounds: ROUNDS, calibrateMs: 5 });
    const f3 = (q) => `${q.min.toFixed(3)} / ${q.med.toFixed(3)} / ${q.p75.toFixed(3)}`;
    run.forEach((c, j) => {
      const base = run.findIndex((d) => d.side === c.side && d.what === 'index');
      const ratio = base >= 0 && base !== j ? `  ×${(st[j].min / st[base].min).toFixed(2)} / ×${(st[j].med / st[base].med).toFixed(2)} of index` : '';
      console.log(`${c.label} (ns/element, min / median / p75): ${f3(st[j])}${ratio}`);
    });
  }
}
