// What a page sees when the engine refuses to compile the kernels (simulated in Node by making
// WebAssembly's constructors throw; the real Content-Security-Policy case runs in Chromium, in
// chromium.test.ts): one warning with the reason and the fix, the 'js' fallback, init() retrying
// asynchronously after a refused synchronous compile, and setBackend naming the reason.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Lib = typeof import('../../src/index');
const wasm = WebAssembly as unknown as Record<string, unknown>;
const real = { Module: WebAssembly.Module, compile: WebAssembly.compile, validate: WebAssembly.validate };
// Chromium's message under script-src 'self' (the CompileError it throws)
const CSP = "WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\"";

/** A fresh copy of the library (module state: nothing compiled yet). */
async function fresh(): Promise<Lib> {
  vi.resetModules();
  return import('../../src/index');
}

const x = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
// its cross-entropy for targets [0, 2], by hand: mean of logsumexp(row) - row[target]
const CE = (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1 + Math.log(Math.exp(4) + Math.exp(5) + Math.exp(6)) - 6) / 2;
let warn: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  Object.assign(wasm, real);
  warn.mockRestore();
});

describe('the engine refuses synchronous compilation only', () => {
  it('warns once (reason and both fixes), runs on js, and init() gets wasm-simd', async () => {
    const sl = await fresh();
    const expected = sl.crossEntropyWithGrad(x, [0, 2]); // compiled normally, for the values
    const jsValue = (sl.setBackend('js'), sl.crossEntropyWithGrad(x, [0, 2]));
    const lib = await fresh();
    wasm.Module = function Module() {
      throw new RangeError('WebAssembly.Module(): Buffer size 312345 exceeds the limit for synchronous compilation on the main thread; use WebAssembly.compile');
    };
    expect(lib.backend()).toBe('js');
    expect(lib.crossEntropyWithGrad(x, [0, 2])).toEqual(jsValue);
    expect(lib.crossEntropy(x, [0, 2])).toBe(jsValue.loss);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0][0]);
    expect(message).toMatch(/^simdloss: the engine refused to compile WebAssembly \(RangeError: WebAssembly.Module\(\): Buffer size 312345 exceeds the limit/);
    expect(message).toContain("add 'wasm-unsafe-eval' to script-src");
    expect(message).toContain('call `await init()` before the first loss');
    expect(message).toContain("backend() is 'js'");
    expect(() => lib.setBackend('wasm-simd')).toThrow(/setBackend: the wasm-simd backend cannot run here: the engine refused to compile WebAssembly \(RangeError: .*Buffer size/);
    // init() compiles asynchronously, which the engine allows
    expect(await lib.init()).toBe('wasm-simd');
    expect(lib.backend()).toBe('wasm-simd');
    expect(lib.crossEntropyWithGrad(x, [0, 2])).toEqual(expected);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('a Content-Security-Policy without wasm-unsafe-eval (both compiles refused)', () => {
  it('warns once, stays on js, and setBackend names the reason', async () => {
    const lib = await fresh();
    const refuse = function Module(): never {
      throw new WebAssembly.CompileError(CSP);
    };
    wasm.Module = refuse;
    wasm.compile = async () => refuse();
    expect(lib.crossEntropy(x, [0, 2])).toBeCloseTo(CE, 6);
    expect(await lib.init()).toBe('js');
    expect(lib.crossEntropy(x, [0, 2])).toBeCloseTo(CE, 6);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("Refused to compile or instantiate WebAssembly module because 'unsafe-eval'");
    const e = (() => {
      try {
        lib.setBackend('wasm-simd');
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e?.message).toMatch(/^setBackend: the wasm-simd backend cannot run here: the engine refused to compile WebAssembly \(CompileError: .*Content Security Policy.*\); under a Content-Security-Policy, add 'wasm-unsafe-eval' to script-src$/);
    expect(() => lib.allocTensor('float32', [2])).toThrow(/allocTensor: needs the wasm-simd backend, which cannot run here: the engine refused/);
  });

  it('init() first: the asynchronous refusal warns (once) too', async () => {
    const lib = await fresh();
    wasm.compile = async () => {
      throw new WebAssembly.CompileError(CSP);
    };
    wasm.Module = function Module() {
      throw new WebAssembly.CompileError(CSP);
    };
    expect(await lib.init()).toBe('js');
    expect(lib.backend()).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("'wasm-unsafe-eval'");
  });
});

describe('an engine without WebAssembly SIMD', () => {
  it('falls back to js without a warning; setBackend says SIMD is missing', async () => {
    const lib = await fresh();
    wasm.validate = () => false;
    wasm.Module = function Module() {
      throw new WebAssembly.CompileError('WebAssembly.Module(): Compiling function #0 failed: invalid simd opcode');
    };
    wasm.compile = async () => {
      throw new WebAssembly.CompileError('WebAssembly.compile(): invalid simd opcode');
    };
    expect(lib.backend()).toBe('js');
    expect(await lib.init()).toBe('js');
    expect(warn).not.toHaveBeenCalled();
    expect(() => lib.setBackend('wasm-simd')).toThrow(/setBackend: the wasm-simd backend cannot run here: this engine does not support WebAssembly SIMD, which the kernels use throughout \(CompileError: /);
  });
});
