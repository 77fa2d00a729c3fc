// Differential fuzzer: every exported function, on random shapes, options and values (the
// degenerate ones of each family included), run on the wasm-simd backend and on the float64
// reference ('js'); values and every gradient must agree, and a NaN on one side only is a failure.
// Plain JS so that vitest (against src/) and `npm run fuzz` (against dist/) share it. The generators
// are the catalogue's (test/catalog.mjs), in its order: case i of a seed fuzzes function i % count.
import { CATALOG, tools } from '../catalog.mjs';
import { rng } from '../random.mjs';

/** One generator per function, from the catalogue: (tools) → [args, options]. Options of the WithGrad call only are added later. */
const GENERATORS = Object.fromEntries(CATALOG.map((e) => [e.name, e.fuzz]));

/** The exported functions the fuzzer covers (a test checks this against the package's exports). */
export const FUZZED = Object.keys(GENERATORS);

/** Tolerance of the SIMD kernels against the float64 reference, relative to each output's scale. */
const TOL = { float32: { rel: 2e-4, abs: 2e-4 }, float64: { rel: 1e-9, abs: 1e-9 } };

function compare(what, a, b, dtype) {
  const xs = typeof a === 'number' ? [a] : Array.from(a.data ?? a);
  const ys = typeof b === 'number' ? [b] : Array.from(b.data ?? b);
  if (xs.length !== ys.length) return `${what}: length ${xs.length} vs ${ys.length}`;
  let scale = 1;
  for (const y of ys) if (Number.isFinite(y)) scale = Math.max(scale, Math.abs(y));
  const { rel, abs } = TOL[dtype];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], y = ys[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return `${what}[${i}]: wasm ${x} vs reference ${y} (NaN on one side)`;
      continue;
    }
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (x !== y) return `${what}[${i}]: wasm ${x} vs reference ${y}`;
      continue;
    }
    if (Math.abs(x - y) > abs * scale + rel * Math.abs(y)) return `${what}[${i}]: wasm ${x} vs reference ${y} (scale ${scale})`;
  }
  return null;
}

/** Converts a case's float arrays to dtype (they are generated once, in the case's own dtype). */
function call(lib, name, args, options, withGrad) {
  const f = lib[withGrad ? `${name}WithGrad` : name];
  return options === undefined ? f(...args) : f(...args, options);
}

function lossOf(r) {
  if (r && typeof r === 'object' && 'iouMean' in r && !('grads' in r)) return r.loss; // wiseIouLoss v3
  return r;
}

/** Counts calls of a typed-array subclass's species: the library must never run it (no user code inside a call). */
let hookCalls = 0;
const hooked = (Base) => class extends Base {
  static get [Symbol.species]() {
    hookCalls++;
    return Base;
  }
};
const HOOKED = { float32: hooked(Float32Array), float64: hooked(Float64Array) };

/** Keys a polluted Object.prototype may hold (the runtime's and the tensor reader's field names). */
const POLLUTION = ['ptr', 'resident', 'gather', 'scatter', 'int32', 'maxBlock', 'whole', 'stride', 'strides', 'offset', 'data', 'shape', 'into', 'per', 'role', 'extra', 'probs', 'weight', 'denominator', 'groupMean', 'constant', 'compute', 'optional', 'params', 'options'];

const isFloatTensor = (a, t) => a && typeof a === 'object' && !Array.isArray(a) && a.data instanceof t.Arr && !(a.data instanceof HOOKED.float32) && !(a.data instanceof HOOKED.float64);

/**
 * Runs `cases` random cases from `seed` against `lib` (the package's exports). Returns the count and
 * the mismatches, each with what is needed to replay it (seed, index, name). On the wasm-simd side a
 * case may also: hold any float tensor argument in wasm memory, passed as the WasmTensor or as a raw
 * view of its `.data`; hand float arrays in as a subclass whose species counts its calls; run with
 * Object.prototype polluted; and, when `growth` is given (a switch of the arena's, for tests), with
 * every allocation detaching wasm memory's buffer.
 */
export function runFuzz(lib, { cases = 1000, seed = 1, from = 0, onProgress, onCase, onStart, growth } = {}) {
  const names = FUZZED;
  const mismatches = [];
  const limit = lib.getMemoryLimit();
  let ran = 0;
  try {
    for (let i = from; i < from + cases; i++) {
      if (onStart) onStart(i);
      const random = rng((seed * 1000003 + i) >>> 0);
      const name = names[i % names.length];
      const dtype = random() < 0.5 ? 'float32' : 'float64';
      const t = tools(random, dtype);
      const [args, options] = GENERATORS[name](t);
      const withGrad = random() < 0.6;
      let opts = options;
      if (withGrad && opts !== undefined && random() < 0.2 && opts.reduction !== 'none' && name !== 'softmax' && name !== 'logSoftmax') opts = { ...opts, gradOutput: t.value() };
      if (withGrad && name === 'sigmoid' && random() < 0.3) opts = { gradOutput: t.tensor(args[0].shape) };
      // Now and then a small memory limit, so that the call runs in chunks.
      const chunked = random() < 0.1;
      // Now and then the first argument lives in wasm memory, and the gradient goes into a kept array.
      const first = args[0];
      const resident = random() < 0.1 && first && first.data instanceof t.Arr && first.data.length > 0 && first.data.byteLength < 8 * 1024 * 1024;
      const into = withGrad && random() < 0.1 && first && first.data instanceof t.Arr ? new t.Arr(first.data.length) : null;
      // The review's dimensions, from a stream of their own (the cases above replay as before).
      const more = rng((seed * 7919 + i * 31 + 17) >>> 0);
      const residentAt = args.map((a, k) => k > 0 && isFloatTensor(a, t) && a.data.length > 0 && a.data.byteLength < 4 * 1024 * 1024 && more() < 0.15);
      const rawView = more() < 0.5;
      const hooks = more() < 0.1;
      const polluted = more() < 0.05 ? POLLUTION[Math.floor(more() * POLLUTION.length)] : null;
      const grow = !!growth && more() < 0.3;
      const hookedArgs = hooks ? args.map((a) => (isFloatTensor(a, t) ? { ...a, data: new HOOKED[dtype](a.data) } : a)) : args;
      hookCalls = 0;
      const outcome = {};
      for (const backend of ['wasm-simd', 'js']) {
        lib.setBackend(backend);
        let tensor = null;
        const others = [];
        try {
          let a = hookedArgs, o = opts;
          if (backend === 'wasm-simd') {
            // the resident tensors first: a small limit set before them would refuse them
            if (resident) {
              tensor = lib.allocTensor(dtype, first.shape);
              tensor.data.set(first.data);
              a = [tensor, ...a.slice(1)];
            }
            const made = a.map((x, k) => {
              if (!residentAt[k]) return null;
              const r = lib.allocTensor(dtype, x.shape);
              r.data.set(args[k].data);
              others.push([r, args[k].data]);
              return r;
            });
            // raw views after the last allocation: an allocation may grow the memory and detach them
            a = a.map((x, k) => (made[k] ? (rawView ? { data: made[k].data, shape: x.shape } : made[k]) : x));
            const residentBytes = (tensor ? tensor.size * 8 + 65536 : 0) + others.reduce((s, [r]) => s + r.size * 8 + 65536, 0);
            if (chunked) lib.setMemoryLimit(Math.max(limit / 16, 2 * 1024 * 1024) + residentBytes);
            if (into) o = { ...(opts ?? {}), gradInto: into };
            if (grow) growth(true);
          }
          if (polluted) Object.defineProperty(Object.prototype, polluted, { value: 0, configurable: true, writable: true });
          try {
            outcome[backend] = { value: call(lib, name, a, o, withGrad) };
          } finally {
            if (polluted) delete Object.prototype[polluted];
            if (grow) growth(false);
          }
          if (tensor && Array.from(tensor.data).some((v, k) => !Object.is(v, first.data[k]))) outcome[backend] = { error: new Error('a resident input was written to') };
          if (others.some(([r, d]) => Array.from(r.data).some((v, k) => !Object.is(v, d[k])))) outcome[backend] = { error: new Error('a resident input was written to') };
        } catch (e) {
          outcome[backend] = { error: e };
        } finally {
          if (tensor) tensor.free();
          for (const [r] of others) r.free();
          if (chunked) lib.setMemoryLimit(limit);
        }
      }
      if (into && outcome['wasm-simd'].value && outcome['wasm-simd'].value.grads[0].data !== into) {
        outcome['wasm-simd'] = { error: new Error('the gradient is not in options.gradInto') };
      }
      ran++;
      const w = outcome['wasm-simd'], r = outcome.js;
      if (onCase) onCase({ name, dtype, args, options: opts, withGrad, outcome });
      const where = { seed, index: i, name: withGrad ? `${name}WithGrad` : name, dtype, chunked, resident, gradInto: !!into,
        residentArgs: residentAt.flatMap((r, k) => (r ? [k] : [])), rawView, hooks, polluted, growth: grow };
      if (hookCalls > 0) {
        mismatches.push({ ...where, problem: `a typed-array subclass's species ran ${hookCalls} time(s) inside the call` });
        continue;
      }
      if (w.error || r.error) {
        const same = w.error && r.error && w.error.constructor === r.error.constructor && w.error.message === r.error.message;
        const clean = (e) => !e || ((e instanceof TypeError || e instanceof RangeError) && e.message.startsWith(`${where.name}:`));
        if (!same || !clean(w.error)) mismatches.push({ ...where, problem: `errors differ or are not clean: wasm ${w.error} / js ${r.error}` });
        continue;
      }
      const problems = [];
      const wl = withGrad ? lossOf(w.value.loss) : lossOf(w.value), rl = withGrad ? lossOf(r.value.loss) : lossOf(r.value);
      // Now and then the same call once more with options.out: the result must land there, bit for bit.
      if (more() < 0.1 && wl && typeof wl === 'object' && opts !== undefined) {
        const out = new t.Arr(wl.data.length);
        lib.setBackend('wasm-simd');
        try {
          const again = call(lib, name, hookedArgs, { ...opts, out }, withGrad);
          const tensor = withGrad ? lossOf(again.loss) : lossOf(again);
          if (tensor.data !== out || Array.from(out).some((v, k) => !Object.is(v, wl.data[k]))) problems.push('options.out: the result is not the allocating call\'s, in out');
        } catch (e) {
          problems.push(`options.out: ${e}`);
        }
      }
      problems.push(compare('loss', wl, rl, dtype));
      if (withGrad) w.value.grads.forEach((g, k) => problems.push(compare(`grads[${k}]`, g, r.value.grads[k], dtype)));
      const problem = problems.find(Boolean);
      if (problem) mismatches.push({ ...where, problem });
      if (onProgress && i % 10000 === 9999) onProgress(i + 1, mismatches.length);
    }
  } finally {
    lib.setBackend('wasm-simd');
    lib.setMemoryLimit(limit);
  }
  return { cases: ran, mismatches };
}
