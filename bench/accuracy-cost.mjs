// The accuracy work's two measurements (docs/accuracy.md), after `npm run build`:
//   node bench/accuracy-cost.mjs ulp     max error in float32 ulp of the vector exp, log and sigmoid
//                                        over dense sweeps, against Math.exp / Math.log (float64)
//   node bench/accuracy-cost.mjs speed   ns/element of the f32_exp and f32_log kernels (4096
//                                        elements, in cache), crossEntropy 256x1000 (float32) and
//                                        crossEntropyWithGrad 256x1000 and 4096x10,
//                                        crossEntropy(WithGrad) 4096x10 and 32x32000, softmax
//                                        256x1000, mseLoss(WithGrad) 2^20,
//                                        binaryCrossEntropyWithLogitsWithGrad 2^20 (gradients into
//                                        reused buffers), sigmoid 2^20: min / median / p75 over
//                                        rounds of one run; BASELINE=<built checkout> alternates
//                                        with another build in the same process; ONLY=<regex>
//                                        times only the matching benchmarks
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sl from '../dist/index.js';
import { alternate, randomFloats } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** build/math.wasm (the f32_exp, f32_log kernels) of a built checkout, with a memory of its own. */
async function mathModule(dir) {
  const memory = new WebAssembly.Memory({ initial: 8 });
  const { instance } = await WebAssembly.instantiate(readFileSync(join(dir, 'build', 'math.wasm')), { env: { memory } });
  return { ...instance.exports, memory };
}
const k = await mathModule(root);
const mem = k.memory;
const BASE = 1 << 18; // past every module's static data (HEAP_BASE in src/wasm/modules/layout.ts)
function need(bytes) {
  const pages = Math.ceil((BASE + bytes - mem.buffer.byteLength) / 65536);
  if (pages > 0) mem.grow(pages);
}

/** y = kernel(x) through the raw export (whole vectors). */
function run(name, xs) {
  const n = Math.ceil(xs.length / 4) * 4;
  need(8 * n + 64);
  const px = BASE;
  const py = BASE + 4 * n + 16;
  new Float32Array(mem.buffer, px, n).set(xs);
  k[name](n, px, py);
  return new Float32Array(mem.buffer, py, xs.length).slice();
}

const f32bits = new Int32Array(1);
const f32view = new Float32Array(f32bits.buffer);
/** Signed ulp distance of float32 got from the real number want (ulp at want, float32 spacing). */
function ulpErr(got, want) {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) return 0;
  if (!Number.isFinite(want)) return Infinity;
  const a = Math.abs(want);
  let e = Math.max(Math.floor(Math.log2(a)), -126);
  if (2 ** e > a && e > -126) e--;
  return Math.abs(got - want) / 2 ** (e - 23);
}

/** Every `stride`-th float32 bit pattern from 0 to hi (> 0) and from -0 to lo (< 0). */
function bitSweep(lo, hi, stride) {
  const top = new Int32Array(new Float32Array([hi, -lo]).buffer);
  const count = Math.floor(top[0] / stride) + Math.floor(top[1] / stride) + 2;
  const a = new Float32Array(count);
  const b = new Int32Array(a.buffer);
  let j = 0;
  for (let i = 0; i <= top[0]; i += stride) b[j++] = i;
  for (let i = 0; i <= top[1]; i += stride) b[j++] = i | 0x80000000;
  return a.subarray(0, j);
}

function sweep(lo, hi, count) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.fround(lo + ((hi - lo) * i) / (count - 1));
  return out;
}

function maxUlp(name, xs, ref) {
  let worst = 0;
  let at = NaN;
  const CH = 1 << 16;
  for (let o = 0; o < xs.length; o += CH) {
    const part = xs.subarray(o, o + CH);
    const ys = name.startsWith('f32_') ? run(name, part) : sl.sigmoid({ data: part, shape: [part.length] }).data;
    for (let i = 0; i < part.length; i++) {
      const e = ulpErr(ys[i], ref(part[i]));
      if (e > worst) { worst = e; at = part[i]; }
    }
  }
  return { worst, at };
}

const sigmoidRef = (x) => 1 / (1 + Math.exp(-x));

if (process.argv[2] === 'ulp') {
  const N = 1 << 22;
  const rows = [
    ['f32_exp', 'exp, x in [-87.3, 88] (every 16th float32)', [bitSweep(-87.3, 88, 16)], Math.exp],
    ['f32_exp', 'exp, x in [-1, 1]', [sweep(-1, 1, N)], Math.exp],
    ['f32_log', 'log, x in [2^-149, 2^128) (every 64th float32)', [(() => {
      const a = new Float32Array((0x7f800000 >>> 6));
      const b = new Int32Array(a.buffer);
      for (let i = 0; i < b.length; i++) b[i] = (i << 6) | 1;
      return a;
    })()], Math.log],
    ['f32_log', 'log, x in [0.5, 2]', [sweep(0.5, 2, N)], Math.log],
    ['sigmoid', 'sigmoid, x in [-87.3, 88] (every 16th float32)', [bitSweep(-87.3, 88, 16)], sigmoidRef],
  ];
  for (const [name, what, sets, ref] of rows) {
    let worst = { worst: 0, at: NaN };
    for (const xs of sets) {
      const r = maxUlp(name, xs, ref);
      if (r.worst > worst.worst) worst = r;
    }
    console.log(`${what}: max ${worst.worst.toFixed(3)} ulp (at x = ${worst.at})`);
  }
} else {
  // BASELINE=<another checkout, built>: its dist and build/math.wasm run in the same process,
  // alternated round by round with this one, so load on the machine hits both alike.
  const ROUNDS = Number(process.env.ROUNDS ?? 41);
  const sides = [{ name: 'this', sl, k }];
  if (process.env.BASELINE) {
    const base = process.env.BASELINE;
    const bsl = await import(join(base, 'dist', 'index.js'));
    sides.push({ name: 'baseline', sl: bsl, k: await mathModule(base) });
  }
  // ONLY=<regex>: time only the benchmarks whose label matches.
  const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;
  function time(label, elements, make) {
    if (only && !only.test(label)) return;
    const st = alternate(sides.map((side) => make(side)), elements, { rounds: ROUNDS, calibrateMs: 5 });
    const f3 = (q) => `${q.min.toFixed(3)} / ${q.med.toFixed(3)} / ${q.p75.toFixed(3)}`;
    console.log(`${label} (ns/element, min / median / p75): ${sides.map((s, j) => `${s.name} ${f3(st[j])}`).join('; ')}`);
  }
  const n = 4096;
  const setup = (side, lo, hi, seed) => {
    const m = side.k.memory;
    const need = BASE + 8 * n + 64 - m.buffer.byteLength;
    if (need > 0) m.grow(Math.ceil(need / 65536));
    new Float32Array(m.buffer, BASE, n).set(randomFloats(lo, hi, n, seed));
  };
  time('f32_exp 4096', n, (side) => { setup(side, -10, 10, 3); return () => side.k.f32_exp(n, BASE, BASE + 4 * n + 16); });
  time('f32_log 4096', n, (side) => { setup(side, 1e-3, 1e3, 4); return () => side.k.f32_log(n, BASE, BASE + 4 * n + 16); });
  const N = 256, C = 1000;
  const logits = { data: randomFloats(-4, 4, N * C, 5), shape: [N, C] };
  const target = { data: Int32Array.from({ length: N }, (_, i) => (i * 7919) % C), shape: [N] };
  time('crossEntropy 256x1000', N * C, (side) => () => side.sl.crossEntropy(logits, target));
  time('crossEntropyWithGrad 256x1000', N * C, (side) => {
    const into = new Float32Array(N * C);
    return () => side.sl.crossEntropyWithGrad(logits, target, { gradInto: into });
  });
  const N2 = 4096, C2 = 10;
  const logits2 = { data: randomFloats(-4, 4, N2 * C2, 9), shape: [N2, C2] };
  const target2 = { data: Int32Array.from({ length: N2 }, (_, i) => (i * 7) % C2), shape: [N2] };
  time('crossEntropy 4096x10', N2 * C2, (side) => () => side.sl.crossEntropy(logits2, target2));
  time('crossEntropyWithGrad 4096x10', N2 * C2, (side) => {
    const into = new Float32Array(N2 * C2);
    return () => side.sl.crossEntropyWithGrad(logits2, target2, { gradInto: into });
  });
  const N3 = 32, C3 = 32000;
  const logits3 = { data: randomFloats(-4, 4, N3 * C3, 10), shape: [N3, C3] };
  const target3 = { data: Int32Array.from({ length: N3 }, (_, i) => (i * 7919) % C3), shape: [N3] };
  time('crossEntropy 32x32000', N3 * C3, (side) => () => side.sl.crossEntropy(logits3, target3));
  time('crossEntropyWithGrad 32x32000', N3 * C3, (side) => {
    const into = new Float32Array(N3 * C3);
    return () => side.sl.crossEntropyWithGrad(logits3, target3, { gradInto: into });
  });
  time('softmax 256x1000', N * C, (side) => () => side.sl.softmax(logits, { dim: 1 }));
  const M = 1 << 20;
  const ya = { data: randomFloats(-2, 2, M, 11), shape: [M] };
  const yb = { data: randomFloats(-2, 2, M, 12), shape: [M] };
  time('mseLoss 2^20', M, (side) => () => side.sl.mseLoss(ya, yb));
  time('mseLossWithGrad 2^20', M, (side) => {
    const into = new Float32Array(M);
    return () => side.sl.mseLossWithGrad(ya, yb, { gradInto: [into, null] });
  });
  const x = { data: randomFloats(-6, 6, M, 6), shape: [M] };
  const t = { data: randomFloats(0, 1, M, 7), shape: [M] };
  time('binaryCrossEntropyWithLogitsWithGrad 2^20', M, (side) => {
    const into = new Float32Array(M);
    return () => side.sl.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto: into });
  });
  const xs = { data: randomFloats(-10, 10, M, 8), shape: [M] };
  time('sigmoid 2^20', M, (side) => () => side.sl.sigmoid(xs));
}
