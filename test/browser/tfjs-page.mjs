// The browser side of test/browser/tfjs.test.ts: simdloss/tfjs (dist/tfjs.js, unbundled) on
// TensorFlow.js's wasm backend in Chromium. The page's import map sends 'simdloss' to
// /dist/index.js and '@tensorflow/tfjs-core' (what dist/tfjs.js imports) to the same bundle of
// @tensorflow/tfjs + @tensorflow/tfjs-backend-wasm the page uses, so there is one tf engine.
import * as tf from '@tensorflow/tfjs';
import { losses } from '/dist/tfjs.js';

/** Park–Miller, as in docs/training.md: the same numbers every run. */
let seed = 19;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

try {
  tf.setWasmPaths('/tfwasm/');
  const backendSet = await tf.setBackend('wasm');
  await tf.ready();
  const backend = tf.getBackend();
  const numTensorsAtStart = tf.memory().numTensors;
  const crossEntropy = losses.crossEntropy();

  // (a) The adapted loss's value and gradient (tf.customGrad, through tf.grad) against tf's own
  // softmaxCrossEntropy on one-hot labels (its default reduction is the mean over the batch).
  const N = 6, C = 5;
  const logits = tf.tensor2d(Float32Array.from({ length: N * C }, () => 4 * (random() - 0.5)), [N, C]);
  const labels = tf.tensor1d(Int32Array.from({ length: N }, () => Math.floor(random() * C)), 'int32');
  const onehot = tf.tidy(() => tf.oneHot(labels, C).toFloat());
  const ours = tf.grad((l) => crossEntropy(l, labels))(logits);
  const theirs = tf.grad((l) => tf.losses.softmaxCrossEntropy(onehot, l))(logits);
  const value = crossEntropy(logits, labels);
  const tfValue = tf.losses.softmaxCrossEntropy(onehot, logits);
  const gradient = {
    ours: Array.from(ours.dataSync()), theirs: Array.from(theirs.dataSync()), shape: ours.shape,
    value: value.dataSync()[0], tfValue: tfValue.dataSync()[0],
  };
  tf.dispose([logits, labels, onehot, ours, theirs, value, tfValue]);

  // (b) A 2-layer perceptron on three blobs, optimizer.minimize for 30 steps; (c) the tensor
  // count after every step.
  const M = 90, D = 2, H = 16, K = 3;
  const X = new Float32Array(M * D), y = new Int32Array(M);
  for (let i = 0; i < M; i++) {
    y[i] = i % K;
    const angle = (2 * Math.PI * y[i]) / K;
    X[i * D] = 2 * Math.cos(angle) + 2 * (random() - 0.5);
    X[i * D + 1] = 2 * Math.sin(angle) + 2 * (random() - 0.5);
  }
  const xs = tf.tensor2d(X, [M, D]), ys = tf.tensor1d(y, 'int32');
  const [w1, c1, w2, c2] = tf.tidy(() => [
    tf.variable(tf.randomNormal([D, H], 0, 0.5, 'float32', 1)), tf.variable(tf.zeros([H])),
    tf.variable(tf.randomNormal([H, K], 0, 0.5, 'float32', 2)), tf.variable(tf.zeros([K])),
  ]);
  const optimizer = tf.train.adam(0.05);
  const history = [], numTensors = [];
  for (let step = 0; step < 30; step++) {
    const loss = optimizer.minimize(() => crossEntropy(xs.matMul(w1).add(c1).relu().matMul(w2).add(c2), ys), true);
    history.push(loss.dataSync()[0]);
    loss.dispose();
    numTensors.push(tf.memory().numTensors);
  }
  optimizer.dispose();
  tf.dispose([xs, ys, w1, c1, w2, c2]);
  window.__result = { backendSet, backend, gradient, history, numTensors, numTensorsAtStart, numTensorsAtEnd: tf.memory().numTensors };
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
