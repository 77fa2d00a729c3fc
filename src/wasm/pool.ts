// Threads (init({ threads })): a pool of workers that instantiate every family's module over the
// one shared wasm memory and run blocks of a call beside the caller's thread.
//
// How a call is split (src/wasm/runtime.ts, runParallel): the runtime's blocks are fixed by the
// call's shape alone, never by the thread count. The runtime runs the loss's block function once
// per block with recording on: the wasm exports kernel() handed out are wrapped here, and record
// their calls (export and arguments) instead of running them. The recorded calls go into a table
// in wasm memory; the caller's thread and the workers take blocks from one counter, each block's
// kernel result goes into its own float64 slot, and the caller sums the slots in block order. So
// every block runs the same kernel on the same data as on one thread, and the sum is the same sum:
// results are bit-identical for any thread count.
//
// The job protocol (one Int32Array over a SharedArrayBuffer, `ctl`): the caller writes the job's
// fields, DONE = 0, NEXT = tag << 16 (tag: the job's sequence number mod 2^15), then SEQ, and
// wakes sleeping workers. A thread claims block b by compare-exchange of NEXT from tag·2^16 + b
// to + 1, only while NEXT's tag is its job's (a worker that wakes late for a finished job finds
// another tag and claims nothing), runs it, writes its slot, and adds 1 to DONE. Workers spin
// briefly after a job (a round trip costs about 1.5 µs awake against 15–30 µs asleep), then
// sleep in Atomics.wait. A worker that does not finish its block within the timeout makes the
// call throw, and the pool is stopped: later calls run on one thread.
import type { Arena } from './arena';
import { withoutDataSegments, withSharedMemoryImport } from './shared-module';
import { host } from './threads-host';

const SEQ = 0, NEXT = 1, DONE = 2, SLEEPERS = 3, STOP = 4, NBLOCKS = 5, TABLE = 6, PART = 7, SPIN_US = 8, CRASH = 9;
const CTL_INTS = 16;
/** Bytes of each worker's own list of cancelling lanes (cross-entropy's thread_scratch: CANCEL_MAX·4). */
const WORKER_SCRATCH = 4096;

/** What a kernel returns while a call is being recorded: a value no kernel returns, to tell a block function that passes the kernel's result through. */
const RECORDED = -1.2345678901234567e-300;

/** The worker's code, run from its source text (so the package ships no file to locate): it takes nothing from this module's scope. */
function workerMain(env: { data: WorkerData; post: (m: unknown) => void }): void {
  const { memory, ctlBuffer, modules, scratch } = env.data;
  const ctl = new Int32Array(ctlBuffer);
  const fns: Array<(...a: number[]) => number | undefined> = [];
  modules.forEach((mod, mi) => {
    const inst = new WebAssembly.Instance(mod, { env: { memory } });
    const ex = inst.exports as Record<string, unknown>;
    Object.keys(ex).forEach((k, ei) => { fns[mi * 256 + ei] = ex[k] as (...a: number[]) => number; });
    if (typeof ex.thread_scratch === 'function') (ex.thread_scratch as (at: number) => void)(scratch);
  });
  env.post('ready');
  let f64 = new Float64Array(memory.buffer);
  const args: number[] = [];
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    let s = Atomics.load(ctl, 0);
    if (s === seen) {
      const until = performance.now() + Atomics.load(ctl, 8) / 1000;
      let i = 0;
      while ((s = Atomics.load(ctl, 0)) === seen) {
        if ((++i & 1023) === 0 && performance.now() > until) {
          Atomics.add(ctl, 3, 1);
          Atomics.wait(ctl, 0, seen);
          Atomics.sub(ctl, 3, 1);
        }
      }
    }
    seen = s;
    if (Atomics.load(ctl, 4) !== 0) return;
    const tag = (s & 0x7fff) << 16;
    for (;;) {
      const w = Atomics.load(ctl, 1);
      if ((w & ~0xffff) !== tag) break;
      const b = w & 0xffff;
      if (b >= ctl[5]) break;
      if (Atomics.compareExchange(ctl, 1, w, w + 1) !== w) continue;
      // a test's crash: the worker dies holding a block (test/threads.test.ts)
      if (Atomics.load(ctl, 9) !== 0) throw new Error('simdloss: worker crashed on purpose (test)');
      const table = (ctl[6] >>> 0) / 8, part = (ctl[7] >>> 0) / 8;
      if (f64.length < part + ctl[5] || f64.length === 0) f64 = new Float64Array(memory.buffer);
      let at = table + f64[table + b];
      const calls = f64[at++];
      let r: number | undefined = 0;
      for (let c = 0; c < calls; c++) {
        const fn = fns[f64[at++]];
        const n = f64[at++];
        args.length = n;
        for (let a = 0; a < n; a++) args[a] = f64[at++];
        r = fn(...args);
      }
      f64[part + b] = r === undefined ? NaN : r;
      Atomics.add(ctl, 2, 1);
    }
  }
}

interface WorkerData {
  memory: WebAssembly.Memory;
  ctlBuffer: SharedArrayBuffer;
  modules: WebAssembly.Module[];
  /** This worker's own scratch (cross-entropy's CANCEL list), a resident block. */
  scratch: number;
}

/** A started worker: Node's worker_threads Worker or a browser Worker, behind what the pool needs. */
interface PoolWorker {
  terminate(): void;
}

export interface Pool {
  readonly threads: number;
  /** False once a worker exited or timed out: calls then run on one thread. */
  alive: boolean;
  ctl: Int32Array;
  seq: number;
  /** Each worker's scratch block (freed on stop). */
  scratch: number[];
  workers: PoolWorker[];
  /** Export function → its id (module index · 256 + export index), the same in every worker. */
  ids: Map<unknown, number>;
  /** id → the caller's export. */
  fns: Array<(...a: number[]) => number | undefined>;
}

/**
 * An export → the same export of the instance over the plain memory (src/wasm/plain.ts). Made
 * with the pool, and kept when it stops (init({ threads: 1 })): the memory stays shared, and the
 * calls on one thread keep staging in the plain one.
 */
let plainOf: Map<unknown, (...a: number[]) => unknown> | null = null;

let pool: Pool | null = null;
/** How long the caller waits for a worker's block before it gives up (ms). Tests lower it. */
let timeoutMs = 5000;
/** How long a worker spins after a job before it sleeps (µs). */
let spinUs = 300;

/** Test switches (not public API): the caller's timeout, and a crash of the next worker that takes a block. */
export const poolTesting = {
  setTimeout(ms: number): void {
    timeoutMs = ms;
  },
  crashNextWorker(): void {
    if (pool) Atomics.store(pool.ctl, CRASH, 1);
  },
  /** Calls run in parallel so far. */
  parallelCalls: 0,
};

/** The pool, when one runs and is alive. */
export function activePool(): Pool | null {
  return pool !== null && pool.alive ? pool : null;
}

/** The threads calls can use now: 1 + the pool's workers. */
export function poolThreads(): number {
  return pool !== null && pool.alive ? pool.threads : 1;
}

// ---- recording ----

let recording = false;
/** The recorded block functions: per block [calls, (id, nargs, args…)…], flattened. */
const REC: number[] = [];
let blockCalls = 0;
let blockStart = 0;
let badRecord = false;

function record(id: number, args: IArguments): number {
  if (id < 0) {
    badRecord = true;
    return RECORDED;
  }
  REC.push(id, args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as number;
    // an argument computed from a recorded result: the block cannot be replayed
    if (typeof a !== 'number' || a === RECORDED) badRecord = true;
    REC.push(a);
  }
  blockCalls++;
  return RECORDED;
}

function wrapper(f: (...a: number[]) => unknown): unknown {
  const p = pool;
  const id = p?.ids.get(f) ?? -1;
  // a call staged in the plain memory runs the plain instance's export (src/wasm/plain.ts):
  // every module compiled has one (made at the pool's start, or as the module compiles)
  const g = plainOf?.get(f) ?? null;
  return function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    if (recording) return record(id, arguments);
    if (host.PLAIN.on) {
      if (g === null) throw new Error('simdloss: a kernel without an instance over the plain memory (src/wasm/pool.ts)');
      // eslint-disable-next-line prefer-rest-params, prefer-spread
      return g.apply(null, arguments as unknown as number[]);
    }
    // eslint-disable-next-line prefer-rest-params, prefer-spread
    return f.apply(null, arguments as unknown as number[]);
  };
}

/** Per block: whether it passes its (one) kernel call's result through, else the constant it returned. */
const PASS: boolean[] = [];
const CONST: number[] = [];
const OFFSETS: number[] = [];

export function beginRecording(): void {
  recording = true;
  REC.length = 0;
  PASS.length = 0;
  CONST.length = 0;
  OFFSETS.length = 0;
  badRecord = false;
}

export function beginBlock(): void {
  blockCalls = 0;
  blockStart = REC.length;
  REC.push(0);
}

/** Ends a block whose function returned r; false when the block cannot be replayed in a worker. */
export function endBlock(r: unknown): boolean {
  REC[blockStart] = blockCalls;
  OFFSETS.push(blockStart);
  if (badRecord || blockCalls === 0) return false;
  if (r === RECORDED) {
    if (blockCalls !== 1) return false;
    PASS.push(true);
    CONST.push(0);
    return true;
  }
  // a constant (a block function that runs void kernels and returns 0), or undefined as one thread sums it
  if (r !== 0 && r !== undefined) return false;
  PASS.push(false);
  CONST.push(r === undefined ? NaN : 0);
  return true;
}

export function endRecording(): void {
  recording = false;
}

/** The bytes the recorded table takes in wasm memory. */
export function recordedBytes(blocks: number): number {
  return (blocks + REC.length) * 8 + 8 * blocks;
}

/**
 * Runs the recorded blocks on the caller's thread and the workers; `at` is an allocation of
 * recordedBytes(blocks). Returns the sum of the blocks' results in block order.
 */
export function runRecorded(p: Pool, blocks: number, at: number, fn: string): number {
  const table = at, part = at + (blocks + REC.length) * 8;
  const f64 = new Float64Array(host.wasmBuffer());
  const t = table / 8;
  for (let b = 0; b < blocks; b++) f64[t + b] = blocks + OFFSETS[b];
  for (let i = 0; i < REC.length; i++) f64[t + blocks + i] = REC[i];
  const ctl = p.ctl;
  poolTesting.parallelCalls++;
  ctl[NBLOCKS] = blocks;
  ctl[TABLE] = table;
  ctl[PART] = part;
  Atomics.store(ctl, DONE, 0);
  const seq = (p.seq + 1) & 0x3fffffff;
  p.seq = seq;
  const tag = (seq & 0x7fff) << 16;
  Atomics.store(ctl, NEXT, tag);
  Atomics.store(ctl, SEQ, seq);
  if (Atomics.load(ctl, SLEEPERS) > 0) Atomics.notify(ctl, SEQ);
  // the caller's share: blocks from the same counter
  const fns = p.fns;
  const args: number[] = [];
  const pt = part / 8;
  for (;;) {
    const w = Atomics.load(ctl, NEXT);
    const b = w & 0xffff;
    if (b >= blocks) break;
    if (Atomics.compareExchange(ctl, NEXT, w, w + 1) !== w) continue;
    let q = t + f64[t + b];
    const calls = f64[q++];
    let r: number | undefined = 0;
    for (let c = 0; c < calls; c++) {
      const f = fns[f64[q++]];
      const n = f64[q++];
      args.length = n;
      for (let a = 0; a < n; a++) args[a] = f64[q++];
      r = f(...args);
    }
    f64[pt + b] = r === undefined ? NaN : r;
    Atomics.add(ctl, DONE, 1);
  }
  // the workers' share: wait for it, never forever
  if (Atomics.load(ctl, DONE) < blocks) {
    const deadline = performance.now() + timeoutMs;
    let i = 0;
    while (Atomics.load(ctl, DONE) < blocks) {
      if ((++i & 4095) === 0 && performance.now() > deadline) {
        stopPool();
        throw new Error(`${fn}: a worker thread did not finish its part of the call within ${timeoutMs} ms (it crashed or is stuck); the threads were stopped and calls run on one thread until init({ threads }) is called again`);
      }
    }
  }
  let total = 0;
  for (let b = 0; b < blocks; b++) total += PASS[b] ? f64[pt + b] : CONST[b];
  return total;
}

// ---- starting and stopping ----

/** Makes the modules' memory shared (instance.ts), the modules importing it as such. */
export function shareMemory(): ReturnType<typeof host.makeMemoryShared> {
  return host.makeMemoryShared(withSharedMemoryImport);
}

/** Stops the pool (workers terminated, their scratch freed on the next start): calls run on one thread. */
export function stopPool(): void {
  const p = pool;
  if (!p) return;
  pool = null;
  p.alive = false;
  Atomics.store(p.ctl, STOP, 1);
  Atomics.add(p.ctl, SEQ, 1);
  Atomics.notify(p.ctl, SEQ);
  for (const w of p.workers) w.terminate();
  host.setParallel(null);
  // the kernel wrapper (with no pool, it never records) and the plain memory stay: see plainOf
  freeScratch = p.scratch;
}
let freeScratch: number[] = [];

const isNode = typeof process === 'object' && process !== null && typeof process.versions === 'object' && typeof process.versions?.node === 'string';

/** Whether threads can run here: Node's worker_threads, or a cross-origin-isolated browser page; else why not. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'this page is not cross-origin isolated (no SharedArrayBuffer: serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (isNode) return null;
  if (typeof Worker !== 'function') return 'this environment has no Worker';
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return 'this page is not cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  return null;
}

/**
 * Starts `threads - 1` workers over `memory` (shared), each instantiating every compiled module,
 * and installs the recording wrapper. Resolves once every worker is ready.
 */
export async function startPool(threads: number, arena: Arena, memory: WebAssembly.Memory): Promise<void> {
  stopPool();
  for (const s of freeScratch) arena.freeResident(s);
  freeScratch = [];
  const mods = host.compiledModules();
  const ids = new Map<unknown, number>();
  const fns: Array<(...a: number[]) => number | undefined> = [];
  mods.forEach((m, mi) => {
    const ex = m.exports as Record<string, unknown>;
    Object.keys(ex).forEach((k, ei) => {
      ids.set(ex[k], mi * 256 + ei);
      fns[mi * 256 + ei] = ex[k] as (...a: number[]) => number;
    });
  });
  // workers instantiate modules without data segments: the caller's instances placed them
  const workerModules = await Promise.all(mods.map((m) => WebAssembly.compile(withoutDataSegments(m.bytes))));
  // the plain memory for the calls that stay on this thread, and every module's instance over it
  // (src/wasm/plain.ts): those of an earlier pool are kept (their code is compiled and warm), and
  // only a module compiled since gets one
  const plainMemory = host.PLAIN.memory ?? new WebAssembly.Memory({ initial: host.plainPages(2 * host.BLOCK_BYTES) });
  const plainMap = host.PLAIN.memory !== null && plainOf !== null ? plainOf : new Map<unknown, (...a: number[]) => unknown>();
  await Promise.all(mods.map(async (m) => {
    if (plainMap.has(Object.values(m.exports)[0])) return;
    const { instance } = await WebAssembly.instantiate(m.plain(), { env: { memory: plainMemory } });
    pairExports(plainMap, m.exports, instance.exports);
  }));
  const ctl = new Int32Array(new SharedArrayBuffer(CTL_INTS * 4));
  ctl[SPIN_US] = spinUs;
  const scratch = Array.from({ length: threads - 1 }, () => arena.allocResident(WORKER_SCRATCH, 'init'));
  const workers: PoolWorker[] = [];
  const p: Pool = { threads, alive: false, ctl, seq: 0, scratch, workers, ids, fns };
  try {
    await Promise.all(scratch.map(async (s) => {
      workers.push(await startWorker({ memory, ctlBuffer: ctl.buffer as SharedArrayBuffer, modules: workerModules, scratch: s }, () => {
        // a worker that exits on its own (crashed, or terminated from outside): the others are
        // stopped too, and calls run on one thread until init({ threads }) is called again
        if (pool === p) stopPool();
      }));
    }));
  } catch (e) {
    for (const w of workers) w.terminate();
    for (const s of scratch) arena.freeResident(s);
    throw e;
  }
  p.alive = true;
  pool = p;
  plainOf = plainMap;
  host.setPlainMemory(plainMemory);
  host.setKernelWrapper(wrapper);
  // a module compiled from now on (on its first use) gets its plain instance then, synchronously
  // as its compile is
  host.setCompiledHook((c) => {
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(c.plain()), { env: { memory: plainMemory } });
      pairExports(plainMap, c.exports, instance.exports);
    } catch {
      host.setPlainMemory(null); // calls stage in the shared memory, as before
    }
  });
}

/** Maps each export of `shared` to the export of the same name in `plain`. */
function pairExports(map: Map<unknown, (...a: number[]) => unknown>, shared: object, plain: object): void {
  const p = plain as Record<string, (...a: number[]) => unknown>;
  for (const [k, f] of Object.entries(shared)) map.set(f, p[k]);
}

const WORKER_START_MS = 30_000;

async function startWorker(data: WorkerData, onExit: () => void): Promise<PoolWorker> {
  if (isNode) {
    const wt = await nodeWorkerThreads();
    const w = new wt.Worker(`(${workerMain.toString()})({ data: require('node:worker_threads').workerData, post: (m) => require('node:worker_threads').parentPort.postMessage(m) })`, { eval: true, workerData: data });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`init: a worker thread did not start within ${WORKER_START_MS} ms`)), WORKER_START_MS);
      w.once('message', () => { clearTimeout(timer); resolve(); });
      w.once('error', (e: unknown) => { clearTimeout(timer); reject(e); });
      w.once('exit', (code: number) => { clearTimeout(timer); reject(new Error(`init: a worker thread exited (code ${code}) before it started`)); });
    });
    w.on('exit', onExit);
    w.on('error', () => {});
    // a script with threads on ends when its work does
    w.unref();
    return { terminate: () => void w.terminate() };
  }
  const src = `onmessage = (e) => { onmessage = null; (${workerMain.toString()})({ data: e.data, post: (m) => postMessage(m) }); };`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`init: a worker did not start within ${WORKER_START_MS} ms`)), WORKER_START_MS);
    w.onmessage = () => { clearTimeout(timer); resolve(); };
    w.onerror = (e) => { clearTimeout(timer); reject(new Error(`init: a worker failed to start (${e.message})`)); };
    w.postMessage(data);
  });
  w.onerror = () => onExit();
  return { terminate: () => w.terminate() };
}

interface NodeWorker {
  once(event: string, f: (...a: never[]) => void): void;
  on(event: string, f: (...a: never[]) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** Node's worker_threads, without a static import a browser bundle would have to resolve. */
async function nodeWorkerThreads(): Promise<{ Worker: new (src: string, o: object) => NodeWorker }> {
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get === 'function') return get('node:worker_threads') as { Worker: new (src: string, o: object) => NodeWorker };
  const id = ['node', 'worker_threads'].join(':');
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ id)) as { Worker: new (src: string, o: object) => NodeWorker };
}
