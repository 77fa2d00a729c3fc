// The kernel modules: one per family (src/wasm/kernels.ts), each inlined as hex in its own
// generated file (src/wasm/modules/<family>.ts) that only the family's losses import, so a bundle
// keeps only the modules its losses use. Every module imports the one shared memory: resident
// tensors (allocTensor) are read by every family. A family is compiled synchronously on its first
// use, or asynchronously by init() (every family the bundle holds).
//
// The hot families are also built with relaxed SIMD, each in a chunk of its own that init() imports
// (a bundle's initial code holds the plain builds only): after init(), a family runs its relaxed
// build where the engine validates it (WebAssembly.validate), else the plain SIMD one. Swapping a
// compiled plain build for the relaxed one is safe between calls: the kernels keep no state, and
// the memory is shared.
//
// Where the engine refuses to compile (a Content-Security-Policy without 'wasm-unsafe-eval', a
// limit on synchronous compiles) calls run on the float64 reference, after one console.warn
// naming the reason and the fix.
import type { FamilySpec, Kernels } from './kernels';
import { HEAP_BASE } from './modules/layout';

const PAGE = 65536;

/** A family's module: its bytes as hex (plain SIMD), and for the hot families a loader of the relaxed-SIMD build. */
export interface WasmModule<F extends FamilySpec = FamilySpec> {
  readonly name: string;
  readonly simd: string;
  readonly relaxed: (() => Promise<string>) | null;
  /** Carries the family's kernel list for the types only (never set). */
  readonly spec?: F;
}

/** The modules this bundle holds (each registers when its generated file is evaluated). */
const registry: WasmModule[] = [];

/**
 * Declares a module (called by the generated src/wasm/modules/*.ts, marked pure so that a bundler
 * drops a module no loss imports, registration included).
 */
export function defineModule<F extends FamilySpec>(name: string, simd: string, relaxed?: () => Promise<string>): WasmModule<F> {
  const m: WasmModule<F> = { name, simd, relaxed: relaxed ?? null };
  registry.push(m);
  return m;
}

/** 'relaxed' uses a module's relaxed-SIMD build (once init() loaded it) where the engine validates it; 'simd' never. */
export type Build = 'simd' | 'relaxed';
let build: Build = 'relaxed';
const instances = new Map<WasmModule, Kernels<FamilySpec>>();
/** The relaxed builds init() loaded and the engine validates (bytes), or null where it does not. */
const relaxedBytes = new Map<WasmModule, Uint8Array<ArrayBuffer> | null>();
/** Why a module's compile failed: sync failures are retried by init(), async ones are final. */
const syncErrors = new Map<WasmModule, unknown>();
const asyncErrors = new Map<WasmModule, unknown>();
let memory: WebAssembly.Memory | null = null;
/** Whether `memory` is a shared WebAssembly.Memory (threads: src/wasm/pool.ts), which the modules then import as shared. */
let memoryShared = false;
/** Makes a module's bytes import the memory as shared (src/wasm/shared-module.ts, loaded with the threads). */
let sharedPatch: ((bytes: Uint8Array) => Uint8Array<ArrayBuffer>) | null = null;
let warned = false;

/** The memory every module imports; the arena allocates above HEAP_BASE (the modules' static data). */
export function sharedMemory(): WebAssembly.Memory {
  memory ??= new WebAssembly.Memory({ initial: Math.ceil(HEAP_BASE / PAGE) + 1 });
  return memory;
}

/**
 * The pages a shared memory declares as its maximum (a shared memory must declare one): 4 GiB,
 * the cap setMemoryLimit allows. Declaring it reserves address space, not RAM, on 64-bit engines.
 */
export const SHARED_MAX_PAGES = 65536;

/** Whether the modules' memory is shared (threads were asked for). */
export function memoryIsShared(): boolean {
  return memoryShared;
}

/**
 * Makes the modules' memory a shared one (threads: workers instantiate the same modules over
 * it): a new shared memory with the old one's bytes, resident tensors included; the old memory's
 * buffer is detached (memory.grow(0)), as growth would, and every module is compiled again as the
 * shared variant (a module importing a shared memory will not link to a plain one). Returns the
 * old memory, or null when there was none or it was shared already. Kept once made: going back to
 * one thread keeps the shared memory.
 */
export function makeMemoryShared(patch: (bytes: Uint8Array) => Uint8Array<ArrayBuffer>): { old: ArrayBufferLike | null; to: WebAssembly.Memory } | null {
  if (memoryShared) return null;
  sharedPatch = patch;
  const old = memory;
  const pages = old ? old.buffer.byteLength / PAGE : Math.ceil(HEAP_BASE / PAGE) + 1;
  const m = new WebAssembly.Memory({ initial: pages, maximum: SHARED_MAX_PAGES, shared: true });
  if (old) new Uint8Array(m.buffer).set(new Uint8Array(old.buffer));
  memory = m;
  memoryShared = true;
  instances.clear();
  syncErrors.clear();
  const oldBuffer = old ? old.buffer : null;
  old?.grow(0);
  return { old: oldBuffer, to: m };
}

/** The bytes of a module stored as hex ('0'-'9' are 0x30-0x39, 'a'-'f' 0x61-0x66). */
function decode(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) {
    const a = hex.charCodeAt(2 * i);
    const b = hex.charCodeAt(2 * i + 1);
    bytes[i] = (((a & 15) + (a >> 6) * 9) << 4) | ((b & 15) + (b >> 6) * 9);
  }
  return bytes;
}

/** Which build m runs as: its relaxed-SIMD one where allowed, loaded (init()) and valid here, else the plain SIMD one. */
export function buildOf(m: WasmModule): Build {
  return build === 'relaxed' && relaxedBytes.get(m) ? 'relaxed' : 'simd';
}

function bytesOf(m: WasmModule): Uint8Array<ArrayBuffer> {
  const bytes = plainBytesOf(m);
  return memoryShared ? sharedPatch!(bytes) : bytes;
}

/** m's bytes as the build says, importing a plain memory. */
function plainBytesOf(m: WasmModule): Uint8Array<ArrayBuffer> {
  return (build === 'relaxed' && relaxedBytes.get(m)) || decode(m.simd);
}

/** The modules compiled now, with their exports: what the worker pool instantiates in each worker (src/wasm/pool.ts). */
export function compiledModules(): Compiled[] {
  const out: Compiled[] = [];
  for (const m of registry) {
    const c = compiled.get(m);
    if (c && instances.get(m) === c.exports) out.push(c);
  }
  return out;
}
/** A module as instantiated: its compiled form, exports and bytes, and the same build's bytes importing a plain memory (the pool's calls that stay on one thread: src/wasm/direct.ts). */
export interface Compiled { module: WebAssembly.Module; exports: object; bytes: Uint8Array<ArrayBuffer>; plain: () => Uint8Array<ArrayBuffer> }
/** Each instantiated module's compiled form (the pool posts it to workers, which need not compile it again). */
const compiled = new Map<WasmModule, Compiled>();
/** Told of each module compiled while it is set (the worker pool: src/wasm/pool.ts). */
let compiledHook: ((c: Compiled) => void) | null = null;

export function setCompiledHook(h: ((c: Compiled) => void) | null): void {
  compiledHook = h;
}

function setCompiled(m: WasmModule, c: Compiled): void {
  compiled.set(m, c);
  compiledHook?.(c);
}

/** Imports m's relaxed build (once) and keeps its bytes where the engine validates them. */
async function loadRelaxed(m: WasmModule): Promise<void> {
  if (!m.relaxed || relaxedBytes.has(m)) return;
  let bytes: Uint8Array<ArrayBuffer> | null = null;
  try {
    bytes = decode(await m.relaxed());
    if (!WebAssembly.validate(bytes)) bytes = null;
  } catch {
    bytes = null; // no relaxed SIMD here (or validate() refused): the plain build serves
  }
  relaxedBytes.set(m, bytes);
}

/**
 * Selects the build (tests: run the suites on both). Drops the compiled modules; the shared
 * memory, and the resident tensors in it, stay.
 */
/** The build modules compile as (setBuild). */
export function currentBuild(): Build {
  return build;
}

export function setBuild(b: Build): void {
  build = b;
  instances.clear();
  syncErrors.clear();
  asyncErrors.clear();
}

/** What every module imports: the shared memory only (asc --noAssert leaves no abort import). */
const imports = () => ({ env: { memory: sharedMemory() } });

/** A valid function with one v128 instruction: compiling it tells whether SIMD (and compiling at all) works here. */
const PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
let probe: 'ok' | unknown = null;
let probeAsync: 'ok' | unknown = null;

/**
 * Why a compile failed: the engine has no WebAssembly, or no SIMD (the probe does not validate),
 * or it refused to compile a valid module (a Content-Security-Policy without 'wasm-unsafe-eval',
 * a limit on synchronous compiles, …).
 */
function failureKind(): 'no-wasm' | 'no-simd' | 'refused' {
  if (typeof WebAssembly !== 'object') return 'no-wasm';
  try {
    if (!WebAssembly.validate(PROBE)) return 'no-simd';
  } catch {
    // an engine that refuses validate() too: not a SIMD question
  }
  return 'refused';
}

const FIXES = "under a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src; where synchronous compilation is refused (some WebViews, on the main thread), call `await init()` before the first loss";

/** Records a failed compile; the first refusal of a valid module is reported once with console.warn. */
function failed(e: unknown): void {
  if (warned || failureKind() !== 'refused') return;
  warned = true;
  if (typeof console !== 'undefined') {
    console.warn(`simdloss: the engine refused to compile WebAssembly (${String(e)}); calls run on the plain-JavaScript fallback (backend() is 'js': the float64 reference, much slower). To fix: ${FIXES}.`);
  }
}

/** True where the kernels can run: the SIMD probe compiled (synchronously, or in init()). */
export function kernelsAvailable(): boolean {
  if (probe === null) {
    try {
      new WebAssembly.Module(PROBE);
      probe = 'ok';
    } catch (e) {
      probe = e;
      failed(e);
    }
  }
  return probe === 'ok' || probeAsync === 'ok';
}

/** Family m's kernels, compiled synchronously on first use; null where they cannot be compiled. */
export function loadModule<F extends FamilySpec>(m: WasmModule<F>): Kernels<F> | null {
  const have = instances.get(m);
  if (have || syncErrors.has(m) || asyncErrors.has(m) || !kernelsAvailable()) return (have as Kernels<F> | undefined) ?? null;
  try {
    const bytes = bytesOf(m);
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, imports());
    instances.set(m, instance.exports as unknown as Kernels<FamilySpec>);
    setCompiled(m, { module, exports: instance.exports, bytes, plain: () => plainBytesOf(m) });
  } catch (e) {
    syncErrors.set(m, e);
    failed(e);
  }
  return (instances.get(m) as Kernels<F> | undefined) ?? null;
}

/**
 * Compiles every module this bundle holds asynchronously (init()): also after a failed
 * synchronous compile, which some engines refuse where they allow an asynchronous one.
 */
export async function loadAllAsync(): Promise<void> {
  if (probe !== 'ok' && probeAsync === null) {
    try {
      await WebAssembly.compile(PROBE);
      probeAsync = 'ok';
    } catch (e) {
      probeAsync = e;
      failed(e);
    }
  }
  if (!kernelsAvailable()) return;
  await Promise.all(registry.map(async (m) => {
    if (asyncErrors.has(m)) return;
    const before = buildOf(m);
    if (build === 'relaxed') await loadRelaxed(m);
    // compiled already, as the build it should run: nothing to do
    if (instances.has(m) && buildOf(m) === before) return;
    try {
      const bytes = bytesOf(m);
      const module = await WebAssembly.compile(bytes);
      const instance = await WebAssembly.instantiate(module, imports());
      instances.set(m, instance.exports as unknown as Kernels<FamilySpec>);
      setCompiled(m, { module, exports: instance.exports, bytes, plain: () => plainBytesOf(m) });
      syncErrors.delete(m);
    } catch (e) {
      asyncErrors.set(m, e);
      failed(e);
    }
  }));
}

/** Why the kernels cannot run here, as a sentence for error messages; null when they can (or were not tried). */
export function kernelUnavailableReason(): string | null {
  if (kernelsAvailable()) return null;
  const e = probeAsync ?? probe;
  switch (failureKind()) {
    case 'no-wasm': return 'this engine has no WebAssembly';
    case 'no-simd': return `this engine does not support WebAssembly SIMD, which the kernels use throughout (${String(e)})`;
    default: return `the engine refused to compile WebAssembly (${String(e)}); ${probeAsync !== null ? FIXES.split('; ')[0] : FIXES}`;
  }
}
