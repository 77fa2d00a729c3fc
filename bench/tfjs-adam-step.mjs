// One Adam step of a small MLP on TensorFlow.js's wasm backend: the loss from simdloss/tfjs's
// crossEntropy against tf.losses.softmaxCrossEntropy (report only; docs/training.md).
// node bench/tfjs-adam-step.mjs (after npm run build); on Node 24: npx -y node@24 bench/tfjs-adam-step.mjs
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { losses } from 'simdloss/tfjs';

if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") failed');
await tf.ready();
const ROUNDS = Number(process.env.ROUNDS ?? 15), STEPS = Number(process.env.STEPS ?? 20);

function setup(batch, inputs, hidden, classes, seed) {
  const x = tf.randomNormal([batch, inputs], 0, 1, 'float32', seed);
  const labels = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => (i * 7919) % classes), 'int32');
  const onehot = tf.oneHot(labels, classes).toFloat();
  const params = [tf.variable(tf.randomNormal([inputs, hidden], 0, 0.1, 'float32', seed + 1)), tf.variable(tf.zeros([hidden])),
    tf.variable(tf.randomNormal([hidden, classes], 0, 0.1, 'float32', seed + 2)), tf.variable(tf.zeros([classes]))];
  const logits = () => x.matMul(params[0]).add(params[1]).relu().matMul(params[2]).add(params[3]);
  return { x, labels, onehot, params, logits };
}

const ce = losses.crossEntropy();
const median = (a) => a.slice().sort((p, q) => p - q)[a.length >> 1];
for (const [batch, inputs, hidden, classes] of [[64, 32, 64, 10], [256, 64, 128, 1000]]) {
  const s = setup(batch, inputs, hidden, classes, 5);
  const contenders = {
    'simdloss/tfjs crossEntropy': { opt: tf.train.adam(1e-3), loss: () => ce(s.logits(), s.labels) },
    'tf.losses.softmaxCrossEntropy': { opt: tf.train.adam(1e-3), loss: () => tf.losses.softmaxCrossEntropy(s.onehot, s.logits()) },
  };
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const step = ({ opt, loss }) => { const l = opt.minimize(loss, true); l.dataSync(); l.dispose(); };
  for (const c of Object.values(contenders)) for (let i = 0; i < 5; i++) step(c); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, c] of Object.entries(contenders)) { // alternate round by round
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) step(c);
      times[k].push((performance.now() - t0) / STEPS);
    }
  }
  console.log(`Node ${process.versions.node}, tfjs ${tf.version_core} wasm (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}), MLP ${inputs}-${hidden}-${classes}, batch ${batch}: ms per Adam step, min / median`);
  for (const [k, t] of Object.entries(times)) console.log(`  ${k.padEnd(30)} ${Math.min(...t).toFixed(3)} / ${median(t).toFixed(3)}`);
  const [a, b] = Object.values(times).map(median);
  console.log(`  ratio of medians (tf's / simdloss's): ${(b / a).toFixed(2)}`);
}

// The loss and its gradient alone (tf.grad with respect to fixed logits): the share a loss can change.
for (const [batch, classes] of [[64, 10], [256, 1000]]) {
  const logits = tf.randomNormal([batch, classes], 0, 2, 'float32', 9);
  const labels = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => (i * 7919) % classes), 'int32');
  const onehot = tf.oneHot(labels, classes).toFloat();
  const contenders = {
    'simdloss/tfjs crossEntropy': tf.grad((l) => ce(l, labels)),
    'tf.losses.softmaxCrossEntropy': tf.grad((l) => tf.losses.softmaxCrossEntropy(onehot, l)),
  };
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const run = (g) => { const d = g(logits); d.dataSync(); d.dispose(); };
  for (const g of Object.values(contenders)) for (let i = 0; i < 5; i++) run(g);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, g] of Object.entries(contenders)) {
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) run(g);
      times[k].push((performance.now() - t0) / STEPS);
    }
  }
  console.log(`Node ${process.versions.node}: loss + gradient only, ${batch}×${classes} logits: ms per call, min / median`);
  for (const [k, t] of Object.entries(times)) console.log(`  ${k.padEnd(30)} ${Math.min(...t).toFixed(3)} / ${median(t).toFixed(3)}`);
  const [a, b] = Object.values(times).map(median);
  console.log(`  ratio of medians (tf's / simdloss's): ${(b / a).toFixed(2)}`);
}
