// Float16Array against Float32Array on the same values (issue 19: a float16 call within 1.5× the
// float32 call at 256×1000 and 2^20). Needs a runtime with Float16Array (Node 24):
//   npm run build && npx -y node@24 bench/float16.mjs
// Both dtypes alternate round by round in one process; per call the min / median / p75 of the
// rounds, and the ratios float16 / float32 of the mins and of the medians.
import { loadavg } from 'node:os';
import { rng } from '../test/random.mjs';

if (typeof Float16Array === 'undefined') throw new Error('bench/float16.mjs: this runtime has no Float16Array (Node 24 has)');
const sl = await import('../dist/index.js');
await sl.init(); // loads the half module (src/wasm/half.ts)
const random = rng(16);
const floats = (n, lo, hi) => Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
const rounds = Number(process.env.BENCH_ROUNDS ?? 31);

const N = 256, C = 1000, n = 1 << 20;
const x32 = floats(N * C, -4, 4), x16 = new Float16Array(x32), x32r = new Float32Array(x16); // the same values
const t = Int32Array.from({ length: N }, () => Math.floor(random() * C));
const a16 = new Float16Array(floats(n, -3, 3)), b16 = new Float16Array(floats(n, -3, 3));
const a32 = new Float32Array(a16), b32 = new Float32Array(b16);
const g32 = new Float32Array(N * C), g16 = new Float16Array(N * C), m32 = new Float32Array(n), m16 = new Float16Array(n);
const cases = [
  ['crossEntropy 256×1000', () => sl.crossEntropy({ data: x32r, shape: [N, C] }, t), () => sl.crossEntropy({ data: x16, shape: [N, C] }, t)],
  ['crossEntropyWithGrad 256×1000, gradInto', () => sl.crossEntropyWithGrad({ data: x32r, shape: [N, C] }, t, { gradInto: g32 }), () => sl.crossEntropyWithGrad({ data: x16, shape: [N, C] }, t, { gradInto: g16 })],
  ['mseLoss 2^20', () => sl.mseLoss(a32, b32), () => sl.mseLoss(a16, b16)],
  ['mseLossWithGrad 2^20, gradInto', () => sl.mseLossWithGrad(a32, b32, { gradInto: m32 }), () => sl.mseLossWithGrad(a16, b16, { gradInto: m16 })],
];
const q = (s, p) => s[Math.min(s.length - 1, Math.round((s.length - 1) * p))];
console.log(`${process.version}, ${rounds} rounds, load average ${loadavg()[0].toFixed(1)}`);
console.log('| call | float32 ms (min / median / p75) | float16 ms | float16 / float32 (min; median) |');
console.log('|---|---:|---:|---:|');
for (const [name, f32, f16] of cases) {
  const reps = Math.max(1, Math.round(20 / Math.max(0.05, (() => { const s = performance.now(); f32(); return performance.now() - s; })())));
  for (let i = 0; i < 5; i++) { f32(); f16(); }
  const t32 = [], t16 = [];
  for (let r = 0; r < rounds; r++) {
    for (const [f, out] of r % 2 ? [[f16, t16], [f32, t32]] : [[f32, t32], [f16, t16]]) {
      const s = performance.now();
      for (let i = 0; i < reps; i++) f();
      out.push((performance.now() - s) / reps);
    }
  }
  t32.sort((p, q2) => p - q2);
  t16.sort((p, q2) => p - q2);
  const f3 = (s) => `${s[0].toFixed(3)} / ${q(s, 0.5).toFixed(3)} / ${q(s, 0.75).toFixed(3)}`;
  console.log(`| ${name} | ${f3(t32)} | ${f3(t16)} | ${(t16[0] / t32[0]).toFixed(2)}×; ${(q(t16, 0.5) / q(t32, 0.5)).toFixed(2)}× |`);
}
