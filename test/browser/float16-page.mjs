// The browser side of test/browser/float16.test.ts: crossEntropyWithGrad on Float16Array logits
// (as onnxruntime-web and transformers.js give float16 models' outputs), on the wasm-simd backend,
// checked against the float64 reference on the same values: the loss and every gradient element
// within 1 float16 ulp of the float64 result rounded to float16. Also times the float16 call
// against the float32 call on the same values at 256 × 1000.
import * as sl from '/dist/index.js';
import { ulp16 } from './half.mjs';

/** Park–Miller: the same numbers every run. */
let seed = 1916;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

const round16 = (x) => new Float16Array([x])[0];
/** got's distance from want rounded to float16, in float16 ulps there. */
const ulps = (got, want) => (round16(want) === got ? 0 : Math.abs(got - round16(want)) / ulp16(round16(want)));

/** The median time of one call, over `runs` batches of 10 (Firefox's clock has 1 ms steps). */
function median(f, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    for (let j = 0; j < 10; j++) f();
    times.push((performance.now() - t0) / 10);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

try {
  const hasFloat16Array = typeof Float16Array === 'function';
  if (!hasFloat16Array) {
    let error = null;
    try {
      sl.allocTensor('float16', [1]);
    } catch (e) {
      error = `${e.name}: ${e.message}`;
    }
    window.__result = { hasFloat16Array, allocError: error };
  } else {
    const backend = await sl.init();
    const cases = [];
    // (N, C) logits with spread values, ignored targets, label smoothing and 'none' as a model's loss uses them
    for (const [N, C, options] of [[32, 1000, {}], [8, 50257 >> 4, { labelSmoothing: 0.1 }], [16, 37, { reduction: 'none' }], [24, 8, { ignoreIndex: 2, reduction: 'sum' }]]) {
      const logits = new Float16Array(N * C);
      for (let i = 0; i < logits.length; i++) logits[i] = (random() - 0.5) * 24;
      const labels = Int32Array.from({ length: N }, () => Math.floor(random() * C));
      const input = { data: logits, shape: [N, C] };
      const r = sl.crossEntropyWithGrad(input, labels, options);
      sl.setBackend('js');
      const truth = sl.crossEntropyWithGrad({ data: Float64Array.from(logits), shape: [N, C] }, labels, options);
      sl.setBackend('wasm-simd');
      const lossValues = typeof r.loss === 'number' ? [r.loss] : Array.from(r.loss.data);
      const lossTruth = typeof truth.loss === 'number' ? [truth.loss] : Array.from(truth.loss.data);
      let lossUlps = 0, gradUlps = 0;
      lossValues.forEach((v, i) => (lossUlps = Math.max(lossUlps, ulps(v, lossTruth[i]))));
      r.grad.data.forEach((v, i) => (gradUlps = Math.max(gradUlps, ulps(v, truth.grad.data[i]))));
      cases.push({
        shape: [N, C], options, lossUlps, gradUlps,
        gradType: Object.prototype.toString.call(r.grad.data), lossType: typeof r.loss === 'number' ? 'number' : Object.prototype.toString.call(r.loss.data),
        gradLength: r.grad.data.length, loss: lossValues[0], lossTruth: lossTruth[0],
      });
    }
    // float16 vs float32 at 256 × 1000 (the speed bar: 1.5×)
    const N = 256, C = 1000;
    const f32 = new Float32Array(N * C);
    for (let i = 0; i < f32.length; i++) f32[i] = round16((random() - 0.5) * 8);
    const f16 = new Float16Array(f32);
    const labels = Int32Array.from({ length: N }, () => Math.floor(random() * C));
    const call32 = () => sl.crossEntropyWithGrad({ data: f32, shape: [N, C] }, labels);
    const call16 = () => sl.crossEntropyWithGrad({ data: f16, shape: [N, C] }, labels);
    for (let i = 0; i < 20; i++) { call32(); call16(); }
    let t32 = Infinity, t16 = Infinity;
    for (let round = 0; round < 3; round++) {
      t32 = Math.min(t32, median(call32, 9));
      t16 = Math.min(t16, median(call16, 9));
    }
    // the float16 call is the float32 one rounded once
    const g32 = call32().grad.data, g16 = call16().grad.data;
    let sameAsRounded = true;
    for (let i = 0; i < g32.length; i++) if (round16(g32[i]) !== g16[i]) sameAsRounded = false;
    let mixedError = null;
    try {
      sl.crossEntropy({ data: f16, shape: [N, C] }, labels, { weight: new Float32Array(C) });
    } catch (e) {
      mixedError = `${e.name}: ${e.message}`;
    }
    window.__result = { hasFloat16Array, backend, cases, speed: { f32ms: t32, f16ms: t16, ratio: t16 / t32 }, sameAsRounded, mixedError };
  }
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
