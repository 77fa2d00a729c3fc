// One runtime's run in Node: every case of bench/cases.mjs, then the floor (bench/floor.mjs).
// Started by bench/run.mjs once per Node version (`node bench/node.mjs <out.json> <floor.wasm>`);
// prints progress, writes its results as JSON.
import { readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sl from '../dist/index.js';
import { makeCases } from './cases.mjs';
import { measureFloor } from './floor.mjs';
import { runCase } from './harness.mjs';
import * as plain from './plain-js.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [outPath, floorPath] = process.argv.slice(2);
const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 5 : 21));

// TF.js: only its wasm backend (XNNPACK kernels, SIMD, one thread in Node).
let tf = null;
let tfNote = 'not run';
if (process.env.BENCH_TFJS !== '0') {
  try {
    const log = console.log;
    console.log = () => {}; // tfjs prints a tfjs-node advertisement on import
    tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    console.log = log;
    if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") failed');
    await tf.ready();
    tfNote = `@tensorflow/tfjs-backend-wasm ${tf.version_core}, SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}`;
  } catch (e) {
    tf = null;
    tfNote = `unavailable: ${e.message}`;
  }
}

sl.setBackend('wasm-simd');
// BENCH_COMPARE=/abs/path/to/other/dist/index.js: another simdloss build timed beside this one.
const compare = {};
if (process.env.BENCH_COMPARE) {
  const other = await import(process.env.BENCH_COMPARE);
  other.setBackend('wasm-simd');
  compare[`simdloss ${process.env.BENCH_COMPARE_LABEL ?? 'compared build'}`] = other;
}
const made = makeCases({ sl, plain, tf, quick, compare });
// BENCH_CASES=<regex>: only the cases whose name matches (a partial run; bench/run.mjs passes it on)
const only = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : null;
const cases = only ? made.cases.filter((c) => only.test(c.name)) : made.cases;
const dispose = made.dispose;

/**
 * Bytes a call leaves for the collector (JS heap and array buffers), with --expose-gc (bench/run.mjs
 * passes it): the median over rounds of a few calls each, after a full collection. A round that a
 * scavenge cut short reads low; the median keeps the others.
 */
function allocatedPerCall(f) {
  if (typeof globalThis.gc !== 'function') return null;
  const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const per = [];
  for (let round = 0; round < 9; round++) {
    globalThis.gc();
    const before = used();
    for (let i = 0; i < 32; i++) f();
    per.push(Math.max(0, (used() - before) / 32));
  }
  per.sort((a, b) => a - b);
  return per[4];
}
const results = [];
const loadBefore = loadavg()[0];
const t0 = performance.now();
for (const c of cases) {
  const r = await runCase(c, { rounds });
  const alloc = {};
  for (const [name, f] of Object.entries(c.contenders)) alloc[name] = allocatedPerCall(f);
  if (alloc.simdloss !== null) r.alloc = alloc;
  results.push(r);
  const s = r.stats;
  const ours = s.simdloss.med;
  const cols = Object.entries(s).map(([n, v]) => `${n} ${v.med.toFixed(3)} ms${n === 'simdloss' ? '' : ` ×${(v.med / ours).toFixed(1)}`}`);
  console.log(`  ${process.version} ${`${c.name} ${c.mode}`.padEnd(50)} ${cols.join(' | ')}`);
}
dispose();

let floor = null;
if (floorPath) {
  floor = await measureFloor({ floorBytes: readFileSync(floorPath), libBytes: readFileSync(join(here, '..', 'build', 'math.wasm')), sl });
  const fl = floor.floor['exp, constants from a table (the floor)'];
  console.log(`  ${process.version} floor: exp ${fl.med.toFixed(2)} ns/element (min ${fl.min.toFixed(2)})`);
}

writeFileSync(outPath, JSON.stringify({
  runtime: `Node ${process.version}`,
  engine: `V8 ${process.versions.v8}`,
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${arch()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  tf: tfNote,
  rounds,
  seconds: (performance.now() - t0) / 1000,
  load: [loadBefore, loadavg()[0]],
  results,
  floor,
}, null, 1));
