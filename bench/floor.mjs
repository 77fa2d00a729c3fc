// The floor: what one f32x4 exp (or log, or squared difference) costs per element in this engine
// with nothing else in the loop, against the library's hot kernels per element. Shared by Node
// (bench/node.mjs) and the page (bench/page.mjs); the floor module is bench/floor/floor.ts,
// compiled by bench/build-floor.mjs.
//
// Loops of the floor module and of the library's own f32_exp / f32_log exports are timed on
// FLOOR_N floats (64 KiB in, 64 KiB out: in L2). The kernels are timed through the public API on
// operands already in wasm memory (allocTensor, gradInto a WasmTensor), so the copies of the
// end-to-end call are left out; softmax still copies its result out into a new array.
import { rng } from '../test/random.mjs';
import { stats } from './harness.mjs';

export const FLOOR_N = 1 << 14;
const BIG_N = 1 << 20;
/** The element counts of the benchmark's hot cases (4096×10, 256×1000, 2^20 and 32×32000). */
const MOVE_SIZES = [40960, 256000, BIG_N, 1024000];

/** Fills `a` with values in [lo, hi) from the seeded generator (test/random.mjs). */
function randomFill(a, seed, lo, hi) {
  const r = rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** A module's exports with its arrays placed after its static data (at `base`, else its heap
 *  base); grows memory to fit. */
function place(ex, bytesNeeded, base = (ex.heap_base() + 63) & ~63) {
  const need = base + bytesNeeded - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
  return { ex, base };
}

function sameBits(a, b) {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let diff = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) diff++;
  return diff;
}

/**
 * Measures the floor loops and the kernels. Returns { floor: {name: {min, med, p75} in ns per
 * element}, kernels: [...], identical: {...} }.
 */
export async function measureFloor({ floorBytes, libBytes, sl, rounds = 21, roundMs = 5 }) {
  const floorInst = (await WebAssembly.instantiate(floorBytes, {})).instance;
  // The library's exp and log: build/math.wasm (the f32_exp / f32_log kernels), which imports its
  // memory like every family's module; arrays go past every module's static data (which ends at
  // HEAP_BASE, src/wasm/modules/layout.ts, well below 1 MiB).
  const libMemory = new WebAssembly.Memory({ initial: 16 });
  const libInst = (await WebAssembly.instantiate(libBytes, { env: { memory: libMemory } })).instance;
  // Floor module: exp's inputs, log's inputs, one output, then two 2^20 arrays. Library: the same
  // three small arrays.
  floorInst.exports.init();
  const f = place(floorInst.exports, 4 * (3 * FLOOR_N + 2 * BIG_N) + 256);
  const l = place({ ...libInst.exports, memory: libMemory }, 4 * 3 * FLOOR_N + 256, 1 << 20);
  const fx = f.base, flx = fx + 4 * FLOOR_N, fout = flx + 4 * FLOOR_N, fa = fout + 4 * FLOOR_N, fb = fa + 4 * BIG_N;
  const lx = l.base, llx = lx + 4 * FLOOR_N, lout = llx + 4 * FLOOR_N;
  const fview = (p, n) => new Float32Array(f.ex.memory.buffer, p, n);
  const lview = (p, n) => new Float32Array(l.ex.memory.buffer, p, n);

  // Same results, bit for bit, as the library's routines (over exp's whole range, and log's).
  const identical = {};
  for (const [fn, lo, hi, table, inline, lib] of [
    ['exp', -100, 89, 'exp_table', 'exp_inline', 'f32_exp'],
    ['log', 0, 1e6, 'log_table', 'log_inline', 'f32_log'],
  ]) {
    const x = randomFill(new Float32Array(FLOOR_N), 11, lo, hi);
    if (fn === 'log') x.set([0, 1e-40, 1, Infinity, -1, NaN, 1.5e-39, 3.4e38]); // zero, subnormals, edges
    fview(fx, FLOOR_N).set(x);
    lview(lx, FLOOR_N).set(x);
    f.ex[table](FLOOR_N, fx, fout);
    const a = fview(fout, FLOOR_N).slice();
    f.ex[inline](FLOOR_N, fx, fout);
    const b = fview(fout, FLOOR_N).slice();
    l.ex[lib](FLOOR_N, lx, lout);
    const c = lview(lout, FLOOR_N).slice();
    identical[fn] = { againstInline: sameBits(a, b), againstLibrary: sameBits(a, c), of: FLOOR_N };
  }

  // Inputs for timing: exp's arguments as cross-entropy sees them (x − max ≤ 0), log's positive.
  // (The loops have no data-dependent branches; the ranges only keep results normal.)
  const expIn = randomFill(new Float32Array(FLOOR_N), 12, -8, 0);
  const logIn = randomFill(new Float32Array(FLOOR_N), 15, 1e-3, 4);
  fview(fx, FLOOR_N).set(expIn);
  fview(flx, FLOOR_N).set(logIn);
  lview(lx, FLOOR_N).set(expIn);
  lview(llx, FLOOR_N).set(logIn);
  randomFill(fview(fa, BIG_N), 13, -8, 0);
  randomFill(fview(fb, BIG_N), 14, -3, 3);
  const items = {
    'exp, constants from a table (the floor)': { n: FLOOR_N, run: () => f.ex.exp_table(FLOOR_N, fx, fout) },
    'exp, inline v128.const (as the kernels)': { n: FLOOR_N, run: () => f.ex.exp_inline(FLOOR_N, fx, fout) },
    "library's f32_exp export": { n: FLOOR_N, run: () => l.ex.f32_exp(FLOOR_N, lx, lout) },
    'exp, table constants, 2^20 elements (4 MiB in, 4 MiB out)': { n: BIG_N, run: () => f.ex.exp_table(BIG_N, fa, fb) },
    'log, constants from a table (the floor)': { n: FLOOR_N, run: () => f.ex.log_table(FLOOR_N, flx, fout) },
    'log, inline v128.const (as the kernels)': { n: FLOOR_N, run: () => f.ex.log_inline(FLOOR_N, flx, fout) },
    "library's f32_log export": { n: FLOOR_N, run: () => l.ex.f32_log(FLOOR_N, llx, lout) },
    'Σ (a − b)², f32x4, 4 accumulators': { n: FLOOR_N, run: () => f.ex.sqdiff(FLOOR_N, fa, fb) },
    'Σ (a − b)², 2^20 elements (4 MiB each)': { n: BIG_N, run: () => f.ex.sqdiff(BIG_N, fa, fb) },
  };

  // ---- the kernels, on resident operands ----
  const kernels = [];
  const resident = (arr, shape) => {
    const t = sl.allocTensor('float32', shape);
    t.data.set(arr);
    return t;
  };
  const freeList = [];
  const keep = (t) => (freeList.push(t), t);
  for (const [N, C] of [[256, 1000], [4096, 10], [32, 32000]]) {
    const x = keep(resident(randomFill(new Float32Array(N * C), N + C, -4, 4), [N, C]));
    const t = Int32Array.from({ length: N }, (_, i) => (i * 7919) % C);
    const g = keep(sl.allocTensor('float32', [N, C]));
    kernels.push({ name: `crossEntropy ${N}×${C}`, floor: 'exp', n: N * C, run: () => sl.crossEntropy(x, t) });
    kernels.push({ name: `crossEntropyWithGrad ${N}×${C}`, floor: 'exp', n: N * C, run: () => sl.crossEntropyWithGrad(x, t, { gradInto: g }) });
  }
  {
    const n = 1 << 20;
    const x = keep(resident(randomFill(new Float32Array(n), 5, -6, 6), [n]));
    const t = keep(resident(randomFill(new Float32Array(n), 6, 0, 1).map(Math.round), [n]));
    const g = keep(sl.allocTensor('float32', [n]));
    kernels.push({ name: 'binaryCrossEntropyWithLogitsWithGrad 2^20', floor: 'exp+log', n, run: () => sl.binaryCrossEntropyWithLogitsWithGrad(x, t, { gradInto: g }) });
  }
  {
    const x = keep(resident(randomFill(new Float32Array(256 * 1000), 3, -4, 4), [256, 1000]));
    kernels.push({ name: 'softmax 256×1000', floor: 'exp', n: 256 * 1000, run: () => sl.softmax(x) });
  }
  {
    const n = 1 << 20;
    const a = keep(resident(randomFill(new Float32Array(n), 7, -3, 3), [n]));
    const b = keep(resident(randomFill(new Float32Array(n), 8, -3, 3), [n]));
    kernels.push({ name: 'mseLoss 2^20', floor: 'sqdiff', n, run: () => sl.mseLoss(a, b) });
  }
  for (const k of kernels) items[`kernel: ${k.name}`] = k;

  // ---- data movement: what an end-to-end call pays, apart from its kernel, to bring Float32Arrays
  // into wasm memory and back, the runtime's way: blocks copied through one reused staging area (a
  // block of one input and one output is the runtime's 256 KiB: 128 KiB each) ----
  const STAGE = 32 * 1024;
  const stage = new Float32Array(new WebAssembly.Memory({ initial: 4 }).buffer, 0, STAGE);
  for (const n of MOVE_SIZES) {
    const src = randomFill(new Float32Array(n), 16, -1, 1);
    const kept = new Float32Array(n);
    const copyOut = (dst) => {
      for (let i = 0; i < n; i += STAGE) dst.set(stage.subarray(0, Math.min(STAGE, n - i)), i);
      return dst;
    };
    items[`move: in ${n}`] = { n, run: () => { for (let i = 0; i < n; i += STAGE) stage.set(src.subarray(i, Math.min(n, i + STAGE))); } };
    items[`move: kept ${n}`] = { n, run: () => copyOut(kept) };
    items[`move: fresh ${n}`] = { n, run: () => copyOut(new Float32Array(n)) };
  }

  // ---- timing: all items interleaved, round by round ----
  const names = Object.keys(items);
  const reps = {};
  for (const name of names) {
    const it = items[name];
    it.run();
    const t0 = performance.now();
    it.run();
    reps[name] = Math.max(1, Math.round(roundMs / Math.max(performance.now() - t0, 1e-3)));
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds + 2; round++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(j + round) % names.length];
      const it = items[name];
        const t0 = performance.now();
      for (let r = 0; r < reps[name]; r++) it.run();
      const ns = ((performance.now() - t0) * 1e6) / (reps[name] * it.n);
      if (round >= 2) samples[name].push(ns);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  for (const t of freeList) t.free();
  const result = Object.fromEntries(names.map((n) => [n, stats(samples[n])]));
  return {
    n: FLOOR_N,
    floor: Object.fromEntries(names.filter((n) => !n.startsWith('kernel: ') && !n.startsWith('move: ')).map((n) => [n, result[n]])),
    /** ns per element of one array: `in` copied into wasm memory, `kept` copied out into an array
     *  the caller keeps, `fresh` copied out into a new one; by element count. */
    movement: Object.fromEntries(MOVE_SIZES.map((n) => [n, { in: result[`move: in ${n}`], kept: result[`move: kept ${n}`], fresh: result[`move: fresh ${n}`] }])),
    kernels: kernels.map((k) => ({ name: k.name, floor: k.floor, elements: k.n, ns: result[`kernel: ${k.name}`] })),
    identical,
  };
}
