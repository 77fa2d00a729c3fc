// The benchmark's cases, shared by Node (bench/node.mjs) and the browser page (bench/page.mjs).
// Each case gives its contenders the same Float32Array inputs and is timed in one of two modes,
// symmetric on both sides:
//   fresh:  every contender returns a new result array per call (simdloss's default API);
//   reused: simdloss writes into a caller-owned Float32Array (options.gradInto) and the plain-JS
//           loop into a buffer it keeps.
// Forward-only cases return a number, so they have no mode: they are listed with the fresh ones.
// TF.js (wasm backend) always returns new tensors: it is a contender in the fresh mode only.
import { rng } from '../test/random.mjs';

/**
 * The targets, as ratios of the contender's median time over simdloss's (higher =
 * simdloss faster). Every case also has the floor of 1× plain JS (bench/report.mjs).
 */
function target(family, mode, N, C) {
  switch (family) {
    case 'crossEntropy':
      return { 'plain JS': N === 4096 && C === 10 ? 8 : 10, 'TF.js wasm': 5 };
    case 'crossEntropyWithGrad':
      return { 'plain JS': mode === 'reused' ? 10 : 6, 'TF.js wasm': 5 };
    case 'binaryCrossEntropyWithLogitsWithGrad':
      return mode === 'reused' ? { 'plain JS': 8 } : { 'TF.js wasm': 5 };
    case 'softmax':
      return { 'plain JS': 10, 'TF.js wasm': 2.5 };
    default: // mseLoss, l1Loss, smoothL1Loss
      return { 'plain JS': 4 };
  }
}

// ---------- deterministic inputs (the one seeded generator, test/random.mjs) ----------
function floats(n, seed, lo, hi) {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}
function classes(N, C, seed) {
  const r = rng(seed);
  return Int32Array.from({ length: N }, () => Math.floor(r() * C));
}

/**
 * The cases: [{ id, name, family, mode, elements, target, contenders, dispose? }].
 * `sl` is simdloss's module, `plain` bench/plain-js.mjs, `tf` TF.js with its wasm backend active
 * (or null to leave it out). `compare` maps a contender name to another simdloss build (its
 * module), timed beside this one in every case (before/after a change, in one run).
 */
export function makeCases({ sl, plain, tf, quick = false, compare = {} }) {
  const cases = [];
  // simdloss's contender(s): `build(module)` makes the call for one build.
  const ours = (build) => ({ simdloss: build(sl), ...Object.fromEntries(Object.entries(compare).map(([n, m]) => [n, build(m)])) });
  const tfDisposers = [];
  // A TF.js call as a careful user writes it: tensors made and freed inside tidy(), values read
  // with dataSync() outside it (tidy walks what its callback returns).
  const tfRun = (build) => {
    const r = tf.tidy(build);
    const res = {};
    if (r.loss) res.loss = r.loss.dataSync()[0];
    if (r.out) res.out = r.out.dataSync();
    tf.dispose(Object.values(r));
    return res;
  };

  const sizes = quick ? [[256, 1000]] : [[256, 1000], [4096, 10], [32, 32000]];
  for (const [N, C] of sizes) {
    const x = floats(N * C, N + C, -4, 4);
    const t = classes(N, C, C);
    const input = { data: x, shape: [N, C] };
    let labels = null; // TF.js needs one-hot labels: made once per size, kept as a tensor
    if (tf) {
      const oh = new Float32Array(N * C);
      for (let n = 0; n < N; n++) oh[n * C + t[n]] = 1;
      labels = tf.tensor2d(oh, [N, C]);
      tfDisposers.push(labels);
    }
    const name = `${N}×${C}`;
    cases.push({
      id: `ce-fwd-${name}`, name: `crossEntropy ${name}`, family: 'crossEntropy', mode: 'fresh', elements: N * C,
      target: target('crossEntropy', 'fresh', N, C),
      contenders: {
        ...ours((m) => () => ({ loss: m.crossEntropy(input, t) })),
        'plain JS': () => ({ loss: plain.crossEntropy(x, t, N, C) }),
        ...(tf && { 'TF.js wasm': () => tfRun(() => ({ loss: tf.losses.softmaxCrossEntropy(labels, tf.tensor2d(x, [N, C])) })) }),
      },
    });
    for (const mode of ['fresh', 'reused']) {
      const slInto = new Float32Array(N * C);
      const jsInto = new Float32Array(N * C);
      const tfGrad = tf && ((z) => tf.losses.softmaxCrossEntropy(labels, z));
      cases.push({
        id: `ce-grad-${name}-${mode}`, name: `crossEntropyWithGrad ${name}`, family: 'crossEntropyWithGrad', mode, elements: N * C,
        target: target('crossEntropyWithGrad', mode, N, C),
        contenders: {
          ...ours((m) => mode === 'fresh'
            ? () => { const r = m.crossEntropyWithGrad(input, t); return { loss: r.loss, out: r.grad.data }; }
            : () => { const r = m.crossEntropyWithGrad(input, t, { gradInto: slInto }); return { loss: r.loss, out: r.grad.data }; }),
          'plain JS': () => { const r = plain.crossEntropyWithGrad(x, t, N, C, mode === 'fresh' ? undefined : jsInto); return { loss: r.loss, out: r.grad }; },
          ...(tf && mode === 'fresh' && {
            'TF.js wasm': () => tfRun(() => { const { value, grad } = tf.valueAndGrad(tfGrad)(tf.tensor2d(x, [N, C])); return { loss: value, out: grad }; }),
          }),
        },
      });
    }
  }

  if (!quick) {
    // Label smoothing and probability targets (issue 17): the same call with a target
    // distribution, gradient into a kept buffer; no target of the issue's own, the plain-JS floor.
    const [N, C] = [256, 1000];
    const x = floats(N * C, N + C, -4, 4);
    const t = classes(N, C, C);
    const input = { data: x, shape: [N, C] };
    const u = floats(N * C, 4, 0, 4);
    const q = new Float32Array(N * C);
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(u[n * C + c]);
      for (let c = 0; c < C; c++) q[n * C + c] = Math.exp(u[n * C + c]) / s;
    }
    const probs = { data: q, shape: [N, C] };
    for (const [what, target, eps] of [['labelSmoothing 0.1', t, 0.1], ['probabilities', probs, 0]]) {
      const slInto = new Float32Array(N * C);
      const jsInto = new Float32Array(N * C);
      const opts = eps ? { labelSmoothing: eps } : {};
      cases.push({
        id: `ce-grad-${N}×${C}-${eps ? 'smooth' : 'probs'}-reused`, name: `crossEntropyWithGrad ${N}×${C} ${what}`, family: 'crossEntropyWithGrad', mode: 'reused', elements: N * C,
        target: {},
        contenders: {
          ...ours((m) => () => { const r = m.crossEntropyWithGrad(input, target, { ...opts, gradInto: slInto }); return { loss: r.loss, out: r.grad.data }; }),
          'plain JS': () => { const r = plain.crossEntropySoftWithGrad(x, t, eps ? null : q, eps, N, C, jsInto); return { loss: r.loss, out: r.grad }; },
        },
      });
    }
  }

  {
    const [N, C] = [256, 1000];
    const x = floats(N * C, 3, -4, 4);
    const input = { data: x, shape: [N, C] };
    cases.push({
      id: 'softmax-256×1000-fresh', name: 'softmax 256×1000', family: 'softmax', mode: 'fresh', elements: N * C,
      target: target('softmax', 'fresh'),
      contenders: {
        ...ours((m) => () => ({ out: m.softmax(input).data })),
        'plain JS': () => ({ out: plain.softmax(x, N, C) }),
        ...(tf && { 'TF.js wasm': () => tfRun(() => ({ out: tf.softmax(tf.tensor2d(x, [N, C])) })) }),
      },
    });
    // both sides write into a buffer they keep: simdloss through options.out (issue 17)
    const slOut = new Float32Array(N * C), jsOut = new Float32Array(N * C);
    cases.push({
      id: 'softmax-256×1000-reused', name: 'softmax 256×1000', family: 'softmax', mode: 'reused', elements: N * C,
      target: target('softmax', 'reused'),
      contenders: {
        ...ours((m) => () => ({ out: m.softmax(input, { out: slOut }).data })),
        'plain JS': () => ({ out: plain.softmax(x, N, C, jsOut) }),
      },
    });
  }

  if (!quick) {
    const n = 1 << 20;
    const x = floats(n, 5, -6, 6);
    const t = floats(n, 6, 0, 1).map(Math.round);
    let labels = null;
    if (tf) {
      labels = tf.tensor1d(t);
      tfDisposers.push(labels);
    }
    for (const mode of ['fresh', 'reused']) {
      const slInto = new Float32Array(n);
      const jsInto = new Float32Array(n);
      const tfLoss = tf && ((z) => tf.losses.sigmoidCrossEntropy(labels, z));
      cases.push({
        id: `bce-logits-grad-2^20-${mode}`, name: 'binaryCrossEntropyWithLogitsWithGrad 2^20', family: 'binaryCrossEntropyWithLogitsWithGrad', mode, elements: n,
        target: target('binaryCrossEntropyWithLogitsWithGrad', mode),
        contenders: {
          ...ours((m) => mode === 'fresh'
            ? () => { const r = m.binaryCrossEntropyWithLogitsWithGrad(x, t); return { loss: r.loss, out: r.grad.data }; }
            : () => { const r = m.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto: slInto }); return { loss: r.loss, out: r.grad.data }; }),
          'plain JS': () => { const r = plain.bceWithLogitsWithGrad(x, t, mode === 'fresh' ? undefined : jsInto); return { loss: r.loss, out: r.grad }; },
          ...(tf && mode === 'fresh' && {
            'TF.js wasm': () => tfRun(() => { const { value, grad } = tf.valueAndGrad(tfLoss)(tf.tensor1d(x)); return { loss: value, out: grad }; }),
          }),
        },
      });
    }
  }

  {
    const n = 1 << 20;
    const a = floats(n, 7, -3, 3);
    const b = floats(n, 8, -3, 3);
    for (const [family, js] of [['mseLoss', plain.mse], ['l1Loss', plain.l1], ['smoothL1Loss', plain.smoothL1]]) {
      if (quick && family !== 'mseLoss') continue;
      cases.push({
        id: `${family}-2^20`, name: `${family} 2^20`, family, mode: 'fresh', elements: n,
        target: target(family, 'fresh'),
        contenders: {
          ...ours((m) => () => ({ loss: m[family](a, b) })),
          'plain JS': () => ({ loss: js(a, b) }),
        },
      });
    }
  }

  if (!quick) {
    // The sizes most calls have (issue 17): a handful of rows or elements, where the fixed cost of
    // a call (options, shapes, staging, the kernel call) is most of it. Reused mode: both sides
    // write into a buffer they keep. The floor is 1× plain JS from 1024 elements (mseLoss),
    // 256 (BCE) and 32×10 (cross-entropy, softmax), 4× from 2^16 and 256×100; smaller sizes are
    // reported without a target.
    const small = (family, mode, atLeast) => (atLeast ? { 'plain JS': atLeast } : {});
    for (const [N, C, floor] of [[1, 10, 0], [32, 10, 1], [256, 100, 4]]) {
      const x = floats(N * C, 11 + N, -4, 4);
      const t = classes(N, C, 13 + N);
      const input = { data: x, shape: [N, C] };
      const name = `${N}×${C}`;
      const slInto = new Float32Array(N * C), jsInto = new Float32Array(N * C);
      cases.push({
        id: `ce-fwd-${name}`, name: `crossEntropy ${name}`, family: 'crossEntropy', mode: 'fresh', elements: N * C, target: small('crossEntropy', 'fresh', floor),
        contenders: { ...ours((m) => () => ({ loss: m.crossEntropy(input, t) })), 'plain JS': () => ({ loss: plain.crossEntropy(x, t, N, C) }) },
      });
      cases.push({
        id: `ce-grad-${name}-reused`, name: `crossEntropyWithGrad ${name}`, family: 'crossEntropyWithGrad', mode: 'reused', elements: N * C, target: small('crossEntropyWithGrad', 'reused', floor),
        contenders: {
          ...ours((m) => () => { const r = m.crossEntropyWithGrad(input, t, { gradInto: slInto }); return { loss: r.loss, out: r.grad.data }; }),
          'plain JS': () => { const r = plain.crossEntropyWithGrad(x, t, N, C, jsInto); return { loss: r.loss, out: r.grad }; },
        },
      });
      const slOut = new Float32Array(N * C), jsOut = new Float32Array(N * C);
      cases.push({
        id: `softmax-${name}-reused`, name: `softmax ${name}`, family: 'softmax', mode: 'reused', elements: N * C, target: small('softmax', 'reused', floor),
        contenders: { ...ours((m) => () => ({ out: m.softmax(input, { out: slOut }).data })), 'plain JS': () => ({ out: plain.softmax(x, N, C, jsOut) }) },
      });
    }
    for (const [n, floorMse, floorBce] of [[16, 0, 0], [256, 0, 1], [1024, 1, 1], [1 << 16, 4, 4]]) {
      const a = floats(n, 17, -3, 3), b = floats(n, 19, -3, 3);
      cases.push({
        id: `mseLoss-${n}`, name: `mseLoss ${n}`, family: 'mseLoss', mode: 'fresh', elements: n, target: small('mseLoss', 'fresh', floorMse),
        contenders: { ...ours((m) => () => ({ loss: m.mseLoss(a, b) })), 'plain JS': () => ({ loss: plain.mse(a, b) }) },
      });
      const x = floats(n, 23, -6, 6), t = floats(n, 29, 0, 1).map(Math.round);
      const slInto = new Float32Array(n), jsInto = new Float32Array(n);
      cases.push({
        id: `bce-logits-grad-${n}-reused`, name: `binaryCrossEntropyWithLogitsWithGrad ${n}`, family: 'binaryCrossEntropyWithLogitsWithGrad', mode: 'reused', elements: n,
        target: small('binaryCrossEntropyWithLogitsWithGrad', 'reused', floorBce),
        contenders: {
          ...ours((m) => () => { const r = m.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto: slInto }); return { loss: r.loss, out: r.grad.data }; }),
          'plain JS': () => { const r = plain.bceWithLogitsWithGrad(x, t, jsInto); return { loss: r.loss, out: r.grad }; },
        },
      });
    }
  }

  return { cases, dispose: () => tf && tf.dispose(tfDisposers) };
}
