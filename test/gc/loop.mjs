// Counts the young-generation collections of 10^6 calls (issue 17's measure: PerformanceObserver
// 'gc' entries), for test/gc.test.ts, which runs it in a Node of its own with a 16 MiB young
// generation (a long-running app's; a fresh process starts smaller, which would count each
// collection of the same garbage several times). Prints one JSON line: { name: collections }.
import { PerformanceObserver, constants } from 'node:perf_hooks';

const lib = await import(process.argv[2]);
await lib.init();

const floats = (n) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 3);
const logits = { data: floats(320), shape: [32, 10] };
const targets = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 10);
const grad = new Float32Array(320), out = new Float32Array(320);
const x = floats(1024), y = floats(1024).reverse();

let minor = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if ((e.detail?.kind ?? e.kind) === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

let sink = 0;
// as a training loop writes them: a new options object each call
const loops = {
  'nothing': () => { sink++; },
  'crossEntropyWithGrad 32×10, gradInto': () => lib.crossEntropyWithGrad(logits, targets, { gradInto: grad }),
  'softmax 32×10, out': () => lib.softmax(logits, { out }),
  'crossEntropy 32×10': () => lib.crossEntropy(logits, targets),
  'mseLoss 1024': () => lib.mseLoss(x, y),
};
const counts = {};
for (const [name, f] of Object.entries(loops)) {
  for (let i = 0; i < 100_000; i++) f(); // optimized before counting
  await settle();
  minor = 0;
  for (let i = 0; i < 1_000_000; i++) f();
  await settle();
  counts[name] = minor;
}
console.log(JSON.stringify(counts));
