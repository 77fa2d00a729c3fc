// Which implementation runs: the wasm SIMD kernels, or the float64 reference ('js').
import { Arena } from './wasm/arena';
import { setKernelWrapper, type FamilySpec, type Kernels } from './wasm/kernels';
import {
  compiledModules, currentBuild, kernelsAvailable, kernelUnavailableReason, loadAllAsync, loadModule, makeMemoryShared, memoryIsShared,
  setBuild, setCompiledHook, SHARED_MAX_PAGES, sharedMemory, type WasmModule,
} from './wasm/instance';
import { arrayOf, BLOCK_BYTES, isInt32, lengthOfValues, setParallel, threadsNow, tuning } from './wasm/runtime';
import { PLAIN, plainPages, setPlainMemory } from './wasm/plain';
import { newFloat } from './shapes';
import type { ThreadsHost } from './wasm/threads-host';
import { checkOptions } from './options';
import { typeError } from './errors';
import { WasmTensor } from './wasm/resident';
import type { Backend, Dtype, Float16ArrayLike, StorageDtype } from './types';
import { Float16, wasmBuffer, wasmView } from './wasm/views';
import { loadHalf } from './wasm/half';

let forced: Backend | null = null;
let arena: Arena | null = null;

/**
 * The backend calls run on: `'wasm-simd'` where WebAssembly SIMD works, else `'js'` (the float64
 * TypeScript reference), unless {@link setBackend} forced one. Each family's kernels are compiled
 * synchronously on its first call if {@link init} has not compiled them yet.
 *
 * @returns `'wasm-simd'` or `'js'`.
 * @throws Nothing: a module that cannot be compiled means `'js'`.
 * @example
 * ```ts
 * import { backend } from 'simdloss';
 * backend(); // 'wasm-simd' in Node ≥ 16.4 and current browsers
 * ```
 * @group Setup and memory
 */
export function backend(): Backend {
  if (forced) return forced;
  return kernelsAvailable() ? 'wasm-simd' : 'js';
}

/**
 * Forces a backend (tests, debugging, comparing results).
 *
 * @param name - `'wasm-simd'` (the kernels) or `'js'` (the float64 TypeScript reference).
 * @returns Nothing.
 * @throws RangeError if `name` is neither.
 * @throws Error if `'wasm-simd'` is asked for where the kernels cannot run (the message says why).
 * @example
 * ```ts
 * import { mseLoss, setBackend } from 'simdloss';
 * setBackend('js');
 * const reference = mseLoss(new Float64Array([1, 2]), new Float64Array([0, 0]));
 * setBackend('wasm-simd');
 * ```
 * @group Setup and memory
 */
export function setBackend(name: Backend): void {
  if (name !== 'wasm-simd' && name !== 'js') {
    throw new RangeError(`setBackend: the backend must be 'wasm-simd' or 'js'; got ${JSON.stringify(name)}`);
  }
  if (name === 'wasm-simd' && !kernelsAvailable()) {
    throw new Error(`setBackend: the wasm-simd backend cannot run here: ${kernelUnavailableReason()}`);
  }
  forced = name;
}

/**
 * Options of {@link init}.
 * @group Setup and memory
 */
export interface InitOptions {
  /**
   * `true` (the default) loads the relaxed-SIMD builds of cross-entropy, softmax and
   * binary-cross-entropy and uses them where the engine validates them; `false` keeps the plain
   * SIMD builds, whose results are the same on every machine. Given again, it switches back.
   */
  relaxedSimd?: boolean;
  /**
   * How many threads calls may use: a positive integer, or `'auto'` (the machine's cores, at most
   * 8). Default: as before, 1 unless an earlier `init` said otherwise. With more than one, wasm
   * memory becomes shared, workers (Node's worker_threads; in a browser, workers when the page is
   * cross-origin isolated) instantiate the kernels over it, and large calls whose data is
   * resident ({@link allocTensor}, `gradInto`/`out` WasmTensors) are split among them, with results
   * bit-identical to one thread. Small calls and calls on plain arrays stay on the calling thread.
   * See docs/memory.md, "Threads".
   */
  threads?: number | 'auto';
}

let threadsNoted = false;

/** The machine's logical cores, where the engine says. */
function cores(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof n === 'number' && n > 0) return n;
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => { availableParallelism?: () => number } | undefined } }).process?.getBuiltinModule?.('node:os');
  return os?.availableParallelism?.() ?? 1;
}

/**
 * The threads calls can use now: 1, or the count {@link init}'s `threads` asked for once its
 * workers started (1 again if a worker failed: see docs/memory.md, "Threads").
 *
 * @returns A positive integer.
 * @throws Nothing.
 * @example
 * ```ts
 * import { init, threadCount } from 'simdloss';
 * await init({ threads: 2 });
 * threadCount(); // 2 in Node; 1 in a browser page that is not cross-origin isolated
 * ```
 * @group Setup and memory
 */
export function threadCount(): number {
  return threadsNow();
}

/**
 * Compiles the kernels asynchronously: every family's module the bundle holds (one per family, 2–70 KB
 * of WebAssembly each). Optional: without it each family's first call compiles its module
 * synchronously; in a browser's main thread, `await init()` first.
 * Where a synchronous compile was refused (some engines allow only asynchronous ones), init()
 * tries again. It also loads the relaxed-SIMD builds of cross-entropy, softmax and
 * binary-cross-entropy (fused multiply-add in exp and log) and uses them where the engine
 * validates them (Node 22+, current Chromium); results then differ from the plain build's in the
 * last bits. `init({ relaxedSimd: false })` keeps the plain builds: the same results everywhere.
 * `init({ threads: 2 })` starts workers over a shared wasm memory (once they have started, it
 * resolves): large calls on resident data then use them, with results bit-identical to one
 * thread (docs/memory.md, "Threads"); `threads: 1` stops them.
 *
 * @param options - `relaxedSimd` (default: as before, `true` unless an earlier `init` said
 * `false`); `threads` (default: as before, 1 unless an earlier `init` said otherwise).
 * @returns The backend calls will run on, as {@link backend} returns it.
 * @throws TypeError if `options` is not a plain object of the options above, `relaxedSimd` is
 * not a boolean, or `threads` is neither an integer from 1 to 64 nor `'auto'`. Nothing else: a
 * module that cannot be compiled resolves to `'js'` (after one console.warn with the reason, when
 * the engine refused a valid module), and threads that cannot run here (a browser page that is
 * not cross-origin isolated) leave one thread, after one console.info saying why.
 * @example
 * ```ts
 * import { init } from 'simdloss';
 * const where = await init(); // 'wasm-simd' or 'js'
 * await init({ relaxedSimd: false }); // the plain SIMD builds: identical results on every machine
 * await init({ threads: 2 }); // large calls on resident data use two threads
 * await init({ threads: 1 });
 * ```
 * @group Setup and memory
 */
export async function init(options?: InitOptions): Promise<Backend> {
  const opts = checkOptions('init', options, ['relaxedSimd', 'threads']);
  const relaxed = opts.relaxedSimd;
  if (relaxed !== undefined && typeof relaxed !== 'boolean') throw typeError('init', 'options.relaxedSimd', 'a boolean', relaxed);
  const asked = opts.threads;
  if (asked !== undefined && asked !== 'auto' && !(typeof asked === 'number' && Number.isInteger(asked) && asked >= 1 && asked <= 64)) {
    throw typeError('init', 'options.threads', "an integer from 1 to 64 or 'auto'", asked);
  }
  const threads = asked === undefined ? null : asked === 'auto' ? Math.max(1, Math.min(8, cores())) : asked;
  const rebuild = relaxed !== undefined && currentBuild() !== (relaxed ? 'relaxed' : 'simd');
  // the workers instantiate the modules as compiled now: they start again when those change
  const running = threadsNow();
  const restart = running > 1 && (rebuild || (threads !== null && threads !== running));
  // the pool is a chunk of its own, loaded when threads are asked for
  const pool = (threads !== null && threads > 1) || running > 1 ? await import('./wasm/threads') : null;
  pool?.connect(threadsHost());
  if (pool && (restart || threads === 1)) pool.stopPool();
  // switching builds drops the compiled modules; loadAllAsync compiles them again as the build says
  if (rebuild) setBuild(relaxed ? 'relaxed' : 'simd');
  let want = threads ?? (restart ? lastThreads : running);
  if (pool && want > 1 && kernelsAvailable()) {
    const why = pool.threadsUnavailableReason();
    if (why !== null) {
      if (!threadsNoted && typeof console !== 'undefined') console.info(`simdloss: init({ threads: ${want} }) runs on one thread: ${why}.`);
      threadsNoted = true;
      want = 1;
    } else {
      const moved = pool.shareMemory();
      if (moved && arena) arena.setMemory(moved.to, moved.old);
    }
  }
  // float16 conversion (src/wasm/half.ts): a chunk imported here where the engine has Float16Array,
  // so that calls after init() have it from the first (a synchronous loop would never let the
  // import started by its first float16 call finish)
  if (Float16 !== undefined) await loadHalf();
  await loadAllAsync();
  if (pool && want > 1 && threadsNow() !== want && memoryIsShared() && backend() === 'wasm-simd') {
    arena ??= new Arena(sharedMemory());
    await pool.startThreads(want, arena, sharedMemory());
  }
  if (threads !== null) lastThreads = want;
  return backend();
}

/** The main code's parts the threads' chunk uses, handed to it (src/wasm/threads-host.ts says why). */
const threadsHost = (): ThreadsHost => ({
  newFloat, setKernelWrapper, compiledModules, makeMemoryShared, setCompiledHook, SHARED_MAX_PAGES, PLAIN, plainPages, setPlainMemory,
  WasmTensor, arrayOf, BLOCK_BYTES, isInt32, lengthOfValues, setParallel, tuning, wasmBuffer, wasmView,
});

/** The thread count the last init() asked for (and could have): kept when init() is called again without `threads`. */
let lastThreads = 1;

/**
 * The kernels of family `module` and the arena, reset for a call of `fn`, when the wasm backend is
 * active and the family's module compiles; else null (the call runs on the reference).
 * @group Setup and memory
 */
export function wasm<F extends FamilySpec>(fn: string, module: WasmModule<F>): { k: Kernels<F>; arena: Arena } | null {
  const k = wasmKernels(fn, module);
  return k ? { k, arena: arena! } : null;
}

/**
 * wasm() for the lean path (src/lean.ts), which allocates nothing: the kernels, or null; after a
 * non-null answer the arena, reset for `fn`, is callArena().
 */
export function wasmKernels<F extends FamilySpec>(fn: string, module: WasmModule<F>): Kernels<F> | null {
  if (backend() !== 'wasm-simd') return null;
  const k = loadModule(module);
  if (!k) return null;
  arena ??= new Arena(sharedMemory());
  arena.reset(fn);
  return k;
}

/** The arena wasmKernels() reset. */
export const callArena = (): Arena => arena!;

function wasmArena(fn: string): Arena {
  if (!kernelsAvailable()) throw new Error(`${fn}: needs the wasm-simd backend, which cannot run here: ${kernelUnavailableReason()}`);
  arena ??= new Arena(sharedMemory());
  return arena;
}

/**
 * The module memory's buffer, once the module exists (views of it detach when it grows).
 * @group Setup and memory
 */
export function wasmMemoryBuffer(): ArrayBufferLike | null {
  return arena ? arena.memory.buffer : null;
}

/**
 * Allocates a tensor in wasm memory: every loss reads it in place, without copying it in. Fill it
 * through `.data` (read `.data` afresh after each simdloss call: growing memory detaches old
 * views) and free it with `.free()` when done. A training loop's buffers are the use.
 *
 * @param dtype - `'float32'`, `'float64'` or `'float16'` (a `Float16Array` tensor, computed in float32; where the runtime has Float16Array).
 * @param shape - The tensor's shape, non-negative integers.
 * @returns A {@link WasmTensor} of that dtype and shape (its contents are not zeroed).
 * @throws RangeError if `dtype` or `shape` is invalid, or the memory limit leaves no room.
 * @throws TypeError if `dtype` is `'float16'` where the runtime has no Float16Array (Node 20).
 * @throws Error if the wasm-simd backend cannot run here.
 * @example
 * ```ts
 * import { allocTensor, mseLoss } from 'simdloss';
 * const x = allocTensor('float32', [1024]);
 * x.data.set(new Float32Array(1024).fill(1));
 * mseLoss(x, new Float32Array(1024)); // 1, read in place
 * x.free();
 * ```
 * @group Setup and memory
 */
export function allocTensor(dtype: 'float32', shape: readonly number[]): WasmTensor<Float32Array>;
export function allocTensor(dtype: 'float64', shape: readonly number[]): WasmTensor<Float64Array>;
export function allocTensor(dtype: 'float16', shape: readonly number[]): WasmTensor<Float16ArrayLike>;
export function allocTensor(dtype: StorageDtype, shape: readonly number[]): WasmTensor;
export function allocTensor(dtype: StorageDtype, shape: readonly number[]): WasmTensor {
  if (dtype === 'float16' && Float16 === undefined) {
    throw new TypeError("allocTensor: dtype 'float16' needs Float16Array, which is not available in this runtime (Node 24+, Chromium 135+ and Firefox 129+ have it); use 'float32'");
  }
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'float16') {
    throw new RangeError(`allocTensor: dtype must be 'float32'${Float16 ? ", 'float64' or 'float16'" : " or 'float64'"}; got ${JSON.stringify(dtype)}`);
  }
  return new WasmTensor(wasmArena('allocTensor'), dtype, shape);
}

/**
 * Caps the kernel module's memory (default 64 MiB): larger inputs are processed in chunks.
 *
 * @param bytes - The cap, in bytes.
 * @returns Nothing.
 * @throws RangeError if `bytes` is not an integer between the resident tensors plus 1 MiB and 4 GiB.
 * @throws Error if the wasm-simd backend cannot run here.
 * @example
 * ```ts
 * import { setMemoryLimit } from 'simdloss';
 * setMemoryLimit(16 * 1024 * 1024);
 * ```
 * @group Setup and memory
 */
export function setMemoryLimit(bytes: number): void {
  wasmArena('setMemoryLimit').setLimit(bytes);
}

/**
 * The cap on wasm memory, as {@link setMemoryLimit} set it.
 *
 * @returns The cap, in bytes.
 * @throws Error if the wasm-simd backend cannot run here.
 * @example
 * ```ts
 * import { getMemoryLimit } from 'simdloss';
 * getMemoryLimit(); // 67108864 unless set
 * ```
 * @group Setup and memory
 */
export function getMemoryLimit(): number {
  return wasmArena('getMemoryLimit').getLimit();
}

/**
 * The wasm memory the kernel module holds now (WebAssembly memory never shrinks).
 *
 * @returns Bytes.
 * @throws Error if the wasm-simd backend cannot run here.
 * @example
 * ```ts
 * import { memoryUsage } from 'simdloss';
 * memoryUsage(); // bytes
 * ```
 * @group Setup and memory
 */
export function memoryUsage(): number {
  return wasmArena('memoryUsage').memory.buffer.byteLength;
}
