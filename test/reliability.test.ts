// Issue 20's findings, each as a test: views of wasm memory kept across an allocation, user code
// running inside a call (typed-array species and constructors), Object.prototype pollution
// reaching the runtime's own records. Arena.forceGrowth (a test switch) makes every allocation
// detach the memory's buffer, as growth does, so a stale view fails every time, not by chance.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { Arena } from '../src/wasm/arena';
import { memoryIsShared } from '../src/wasm/instance';
import { FUNCTIONS, encode, makeCalls } from './browser/calls.mjs';

type Fn = (...args: unknown[]) => unknown;
const fns = sl as unknown as Record<string, Fn>;

/** The switch as the project set it ('growth' turns it on for every suite). */
const projectGrowth = Arena.forceGrowth;

function withGrowth<T>(f: () => T): T {
  const was = Arena.forceGrowth;
  Arena.forceGrowth = true;
  try {
    return f();
  } finally {
    Arena.forceGrowth = was;
  }
}

function resident(dtype: 'float32' | 'float64', shape: number[], values: ArrayLike<number>): sl.WasmTensor {
  const t = sl.allocTensor(dtype, shape);
  t.data.set(values);
  return t;
}

/** A plain copy of whatever a call returned (typed arrays copied: a result may be a view). */
function snapshot(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as Float32Array);
  if (Array.isArray(v)) return v.map(snapshot);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) out[k] = snapshot(o[k]);
    return out;
  }
  return v;
}

const freeLater: sl.WasmTensor[] = [];
afterEach(() => {
  Arena.forceGrowth = projectGrowth;
  while (freeLater.length) freeLater.pop()!.free();
});

describe('no view of wasm memory survives an allocation', () => {
  const random = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 3);

  it('cosineEmbeddingLoss with resident labels, on a call that grows memory', () => {
    const a = random(40, 1), b = random(40, 2);
    const labels = Float32Array.from({ length: 8 }, (_, i) => (i % 3 ? 1 : -1));
    const expected = sl.cosineEmbeddingLoss({ data: a, shape: [8, 5] }, { data: b, shape: [8, 5] }, labels);
    const y = resident('float32', [8], labels);
    freeLater.push(y);
    const got = withGrowth(() => sl.cosineEmbeddingLoss({ data: a, shape: [8, 5] }, { data: b, shape: [8, 5] }, y));
    expect(got).toBe(expected);
  });

  it("crossEntropyWithGrad's documented resident uses: input with labelSmoothing, probability target, weight", () => {
    const N = 7, C = 5;
    const x = random(N * C, 3), p = Float32Array.from(random(N * C, 4), Math.abs), w = Float32Array.from(random(C, 5), (v) => Math.abs(v) + 0.1);
    const target = Int32Array.from({ length: N }, (_, i) => i % C);
    const cases: Array<[string, () => unknown[], unknown[]]> = [
      ['input, labelSmoothing', () => [resident('float32', [N, C], x), target, { labelSmoothing: 0.1 }], [{ data: x, shape: [N, C] }, target, { labelSmoothing: 0.1 }]],
      ['probability target', () => [{ data: x, shape: [N, C] }, resident('float32', [N, C], p)], [{ data: x, shape: [N, C] }, { data: p, shape: [N, C] }]],
      ['weight', () => [{ data: x, shape: [N, C] }, target, { weight: resident('float32', [C], w) }], [{ data: x, shape: [N, C] }, target, { weight: w }]],
    ];
    for (const [name, residentArgs, plainArgs] of cases) {
      const expected = snapshot(sl.crossEntropyWithGrad(...(plainArgs as [sl.FloatInput, sl.IndexInput])));
      const args = residentArgs();
      for (const v of args) if (v instanceof sl.WasmTensor) freeLater.push(v);
      for (const v of Object.values((args[2] ?? {}) as object)) if (v instanceof sl.WasmTensor) freeLater.push(v);
      const got = withGrowth(() => snapshot(sl.crossEntropyWithGrad(...(args as [sl.FloatInput, sl.IndexInput]))));
      expect(got, name).toEqual(expected);
    }
  });

  it("a WasmTensor's .data passed as an ordinary input is read as the tensor (K-dim crossEntropy too)", () => {
    const x = random(2 * 3 * 4, 6);
    const t = resident('float32', [2, 3, 4], x);
    freeLater.push(t);
    const target = Int32Array.from([0, 1, 2, 1, 0, 2, 2, 1]);
    const expected = snapshot(sl.crossEntropyWithGrad({ data: x, shape: [2, 3, 4] }, { data: target, shape: [2, 4] }));
    const got = withGrowth(() => snapshot(sl.crossEntropyWithGrad({ data: t.data, shape: [2, 3, 4] }, { data: target, shape: [2, 4] })));
    expect(got).toEqual(expected);
    for (const f of ['mseLoss', 'l1Loss', 'softmax', 'sigmoid']) {
      const two = f === 'softmax' || f === 'sigmoid' ? [] : [x];
      const want = snapshot(fns[f]({ data: x, shape: [2, 3, 4] }, ...two.map((d) => ({ data: d, shape: [2, 3, 4] }))));
      const have = withGrowth(() => snapshot(fns[f]({ data: t.data, shape: [2, 3, 4] }, ...two.map(() => ({ data: t.data, shape: [2, 3, 4] })))));
      expect(have, f).toEqual(want);
    }
  });

  it('a view of wasm memory made before it grew is refused with a clear error, not read stale', () => {
    const t = resident('float32', [16], random(16, 7));
    freeLater.push(t);
    const stale = t.data;
    withGrowth(() => freeLater.push(sl.allocTensor('float32', [4]))); // detaches `stale`
    if (memoryIsShared()) {
      // threads: a shared memory's views never detach, and an older one is the same memory
      expect(sl.mseLoss(stale, new Float32Array(16))).toBe(sl.mseLoss(Float32Array.from(t.data), new Float32Array(16)));
    } else {
      expect(() => sl.mseLoss(stale, new Float32Array(16))).toThrow(/mseLoss: input is a view of wasm memory that was detached/);
      expect(() => sl.mseLoss({ data: stale, shape: [16] }, new Float32Array(16))).toThrow(TypeError);
    }
    expect(sl.mseLoss(t.data, new Float32Array(16))).toBeGreaterThan(0); // a fresh view works
  });

  it('a view of wasm memory outside any live tensor is refused', () => {
    const t = resident('float32', [16], random(16, 8));
    const view = t.data;
    t.free();
    expect(() => sl.mseLoss(view, new Float32Array(16))).toThrow(/mseLoss: input is a view of wasm memory outside any live WasmTensor/);
  });
});

describe('a resident argument freed after it was read (by a getter of a later argument)', () => {
  for (const backendName of ['wasm-simd', 'js'] as const) {
    it(`${backendName}: a TypeError naming the call and the argument, and the next call works`, () => {
      sl.setBackend(backendName);
      try {
        for (const raw of [false, true]) {
          const x = resident('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
          const target = { get data() { x.free(); return Int32Array.of(0, 1); }, shape: [2] };
          const input = raw ? { data: x.data, shape: [2, 3] } : x;
          expect(() => sl.crossEntropy(input, target)).toThrow(/^crossEntropy: input lives in wasm memory that was freed during the call/);
          const y = resident('float32', [4], [1, 2, 3, 4]);
          const other = { get data() { y.free(); return new Float32Array(4); }, shape: [4] };
          expect(() => sl.mseLossWithGrad(raw ? { data: y.data, shape: [4] } : y, other)).toThrow(/^mseLossWithGrad: input lives in wasm memory that was freed during the call/);
        }
        expect(sl.crossEntropy({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] }, Int32Array.of(0, 1))).toBeGreaterThan(0);
      } finally {
        sl.setBackend('wasm-simd');
      }
    });
  }
});

describe('no user code runs inside a call', () => {
  const N = 20_000, C = 10; // several of the runtime's blocks
  const x = Float32Array.from({ length: N * C }, (_, i) => Math.cos(i * 0.37) * 4);
  const target = Int32Array.from({ length: N }, (_, i) => (i * 7) % C);

  it('a typed-array subclass whose species runs a hook: the hook never runs, results are unchanged', () => {
    const sentinel = resident('float32', [64], new Float32Array(64).fill(7));
    freeLater.push(sentinel);
    let calls = 0;
    const t = target.slice();
    class Hooked extends Float32Array {
      static get [Symbol.species]() {
        calls++;
        sl.allocTensor('float32', [1024]).data.fill(-1);
        sl.mseLoss(new Float32Array(4), new Float32Array(4));
        t[4] = 20;
        return Float32Array;
      }
    }
    const hooked = new Hooked(x);
    const expected = snapshot(sl.crossEntropyWithGrad({ data: x, shape: [N, C] }, target));
    const got = snapshot(sl.crossEntropyWithGrad({ data: hooked, shape: [N, C] }, t));
    expect(calls).toBe(0);
    expect(got).toEqual(expected);
    const y = new Hooked(x.length);
    expect(sl.mseLoss(hooked, y)).toBe(sl.mseLoss(x, new Float32Array(x.length)));
    expect(sl.softmax({ data: hooked, shape: [N, C] }).data).toEqual(sl.softmax({ data: x, shape: [N, C] }).data);
    expect(calls).toBe(0);
    expect(Array.from(sentinel.data)).toEqual(new Array(64).fill(7));
  });

  it("an array whose constructor was replaced, and a gradInto whose set() is overridden: neither runs", () => {
    let calls = 0;
    const arr = x.slice();
    Object.defineProperty(arr, 'constructor', { get() { calls++; return Float32Array; } });
    Object.defineProperty(arr, 'subarray', { value() { calls++; return new Float32Array(0); } });
    const into = new Float32Array(N * C);
    Object.defineProperty(into, 'set', { value() { calls++; } });
    const r = sl.crossEntropyWithGrad({ data: arr, shape: [N, C] }, target, { gradInto: into });
    const expected = sl.crossEntropyWithGrad({ data: x, shape: [N, C] }, target);
    expect(calls).toBe(0);
    expect(r.loss).toBe(expected.loss);
    expect(Array.from(into.subarray(0, 50))).toEqual(Array.from(expected.grad.data.subarray(0, 50)));
    expect(r.grad.data).toBe(into);
  });
});

/** Property names the library's source reads (`.name`), less those of built-in prototypes. */
function internalNames(): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'modules') walk(p);
      } else if (e.name.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/[.?]\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
        for (const m of readFileSync(p, 'utf8').matchAll(/\b([A-Za-z_$][\w$]*)\??:/g)) names.add(m[1]);
      }
    }
  };
  walk(join(__dirname, '../src'));
  const builtins = new Set<string>(['then', 'return', 'throw', 'next', 'done', 'catch', 'finally', 'toJSON', 'constructor', 'prototype', 'length', 'name', 'message', 'stack', 'cause', 'get', 'set', 'value', 'writable', 'enumerable', 'configurable']);
  for (const o of [Object.prototype, Function.prototype, Array.prototype, Object.getPrototypeOf(Uint8Array.prototype), Float32Array.prototype, ArrayBuffer.prototype,
    Map.prototype, Set.prototype, WeakMap.prototype, Promise.prototype, String.prototype, Number.prototype, Error.prototype, RegExp.prototype, Date.prototype,
    WebAssembly.Memory.prototype, WebAssembly.Instance.prototype, WebAssembly.Module.prototype, Math, JSON, Object, Array, Number, Reflect, Atomics]) {
    for (const k of Object.getOwnPropertyNames(o)) builtins.add(k);
  }
  return [...names].filter((n) => !builtins.has(n) && !n.startsWith('__'));
}

describe('Object.prototype pollution never reaches the runtime', () => {
  /** Every catalogue call, forward and WithGrad, both dtypes; plus the same with resident inputs. */
  function runAll(residentInputs: boolean): unknown {
    const out: Record<string, unknown> = {};
    for (const dtype of ['float32', 'float64'] as const) {
      const calls = makeCalls(sl, dtype) as Record<string, unknown[][]>;
      for (const name of FUNCTIONS) {
        calls[name].forEach((args0, i) => {
          const made: sl.WasmTensor[] = [];
          const args = residentInputs ? args0.map((a) => {
            const t = a as { data?: unknown; shape?: number[] };
            if (a && typeof a === 'object' && !Array.isArray(a) && ArrayBuffer.isView(t.data) && (t.data instanceof Float32Array || t.data instanceof Float64Array)) {
              const r = resident(dtype, t.shape!, t.data as Float32Array);
              made.push(r);
              return r;
            }
            return a;
          }) : args0;
          try {
            out[`${dtype} ${name} #${i}`] = snapshot(fns[name](...args));
            out[`${dtype} ${name}WithGrad #${i}`] = snapshot(fns[`${name}WithGrad`](...args));
          } catch (e) {
            out[`${dtype} ${name} #${i}`] = `threw ${String(e)}`;
          } finally {
            for (const t of made) t.free();
          }
        });
      }
    }
    return out;
  }

  const KEYS = ['ptr', 'resident', 'gather', 'scatter', 'int32', 'maxBlock', 'whole', 'stride', 'strides', 'offset', 'data', 'shape', 'into', 'per', 'role', 'bytes', 'extra', 'probs', 'typed', 'buffer'];

  it('each named key, then every name the source reads at once: results and a sentinel tensor unchanged', () => {
    const clean = encode(runAll(false));
    const cleanResident = encode(runAll(true));
    const sentinel = resident('float64', [256], new Float64Array(256).fill(3));
    freeLater.push(sentinel);
    const proto = Object.prototype as Record<string, unknown>;
    let spied = 0;
    const spy = () => {
      spied++;
      return 0;
    };
    const values: unknown[] = [0, 1, spy, { ptr: 0, data: new Float32Array(4), shape: [4] }];
    const names = internalNames();
    expect(names.length).toBeGreaterThan(100);
    const trials: string[][] = [...KEYS.map((k) => [k]), names];
    const failures: string[] = [];
    for (const keys of trials) {
      for (const v of values) {
        let dirty: unknown;
        let dirtyResident: unknown;
        try {
          for (const k of keys) Object.defineProperty(proto, k, { value: v, configurable: true, writable: true, enumerable: false });
          dirty = runAll(false);
          dirtyResident = runAll(true);
        } finally {
          for (const k of keys) delete proto[k];
        }
        const label = `${keys.length === 1 ? keys[0] : 'all names'} = ${typeof v === 'function' ? 'a function' : JSON.stringify(encode(v))}`;
        for (const [got, want, kind] of [[encode(dirty), clean, ''], [encode(dirtyResident), cleanResident, ' (resident inputs)']] as const) {
          const g = got as Record<string, unknown>, w = want as Record<string, unknown>;
          const bad = Object.keys(w).filter((k) => JSON.stringify(g[k]) !== JSON.stringify(w[k]));
          if (bad.length) failures.push(`${label}${kind}: ${bad.slice(0, 3).map((k) => `${k} ${String(JSON.stringify(g[k])).slice(0, 80)}`).join('; ')}${bad.length > 3 ? ` (+${bad.length - 3})` : ''}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(spied).toBe(0);
    expect(Array.from(sentinel.data)).toEqual(new Array(256).fill(3));
  });
});

describe('the kernels read and write only their operands, whatever the class indices', () => {
  it('cross_entropy and nll ignore a target outside [0, C) (long and short rows, both dtypes, with the gradient)', async () => {
    const { loadModule } = await import('../src/wasm/instance');
    const { crossEntropyModule } = await import('../src/wasm/modules');
    const { kernel } = await import('../src/wasm/kernels');
    const k = loadModule(crossEntropyModule)!;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const C of [10, 40]) {
        const rows = 8;
        const guard = (n: number) => {
          const t = sl.allocTensor('float64', [n]);
          t.data.fill(7);
          freeLater.push(t);
          return t;
        };
        const before = guard(64);
        const logits = sl.allocTensor(dtype, [rows, C]);
        const targets = sl.allocTensor('float32', [rows]);
        const rowLoss = sl.allocTensor(dtype, [rows]);
        const grad = sl.allocTensor(dtype, [rows, C]);
        const scratch = sl.allocTensor('float64', [(C + 4) * 2 + 3 * 64]);
        const after = guard(64);
        freeLater.push(logits, targets, rowLoss, grad, scratch);
        logits.data.set(Float64Array.from({ length: rows * C }, (_, i) => Math.sin(i)));
        const bad = [C, 1e9, -5, 2 ** 31 - 1];
        new Int32Array(targets.data.buffer, targets.ptr, rows).set([0, bad[0], 1, bad[1], 2, bad[2], 3, bad[3]]);
        for (const name of ['cross_entropy', 'nll'] as const) {
          grad.data.fill(5);
          const total = name === 'cross_entropy'
            ? kernel(k, 'cross_entropy', dtype)(rows, C, logits.ptr, targets.ptr, 0, 0, rowLoss.ptr, grad.ptr, 0, scratch.ptr, 0, 1)
            : kernel(k, 'nll', dtype)(rows, C, 1, logits.ptr, targets.ptr, 0, rowLoss.ptr, grad.ptr, 0, 1);
          expect(Number.isFinite(total), `${name} ${dtype} C=${C}`).toBe(true);
          for (const r of [1, 3, 5, 7]) {
            expect(rowLoss.data[r], `${name} ${dtype} C=${C} row ${r}`).toBe(0);
            expect(Array.from(grad.data.subarray(r * C, (r + 1) * C)), `${name} ${dtype} C=${C} row ${r}`).toEqual(new Array(C).fill(0));
          }
          expect(Array.from(before.data)).toEqual(new Array(64).fill(7));
          expect(Array.from(after.data)).toEqual(new Array(64).fill(7));
        }
      }
    }
  });
});
