// The page side of the browser run (bundled by bench/browser.mjs): the same cases and harness as
// Node, on the same simdloss build, in a Chromium page; window.runBench returns the results.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as sl from '../dist/index.js';
import { makeCases } from './cases.mjs';
import { measureFloor } from './floor.mjs';
import { runCase } from './harness.mjs';
import * as plain from './plain-js.mjs';

async function bytes(path) {
  return new Uint8Array(await (await fetch(path)).arrayBuffer());
}

window.runBench = async ({ rounds, quick, tfjs }) => {
  let tfNote = 'not run';
  let peer = null;
  if (tfjs) {
    try {
      setWasmPaths('/tfjs/');
      if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") failed');
      await tf.ready();
      peer = tf;
      tfNote = `@tensorflow/tfjs-backend-wasm ${tf.version_core}, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}`;
    } catch (e) {
      tfNote = `unavailable: ${e.message}`;
    }
  }
  await sl.init();
  sl.setBackend('wasm-simd');
  const t0 = performance.now();
  const { cases, dispose } = makeCases({ sl, plain, tf: peer, quick });
  const results = [];
  for (const c of cases) {
    const r = await runCase(c, { rounds });
    results.push(r);
    const ours = r.stats.simdloss.med;
    console.log(`  Chromium ${`${c.name} ${c.mode}`.padEnd(50)} ${Object.entries(r.stats).map(([n, v]) => `${n} ${v.med.toFixed(3)} ms${n === 'simdloss' ? '' : ` ×${(v.med / ours).toFixed(1)}`}`).join(' | ')}`);
  }
  dispose();
  const floor = await measureFloor({ floorBytes: await bytes('/floor.wasm'), libBytes: await bytes('/math.wasm'), sl });
  return { tf: tfNote, rounds, seconds: (performance.now() - t0) / 1000, results, floor, crossOriginIsolated: self.crossOriginIsolated };
};
