// The lean path (src/lean.ts) calls its kernels positionally, for speed (a named call's record
// would cost more than the whole lean call): here each lean call's arguments are checked against
// the kernel list's order (src/wasm/kernels.ts) by what they hold. A wrapper of the exports
// (kernel()'s, as the thread pool's) sees each call, names its arguments from the list, and copies
// the memory each pointer points at; the test then expects the caller's arrays at the arguments of
// their names, 0 at the absent ones, and the scalars' values.
import { afterEach, describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { LEAN } from '../src/lean';
import { wasmMemoryBuffer } from '../src/backend';
import { loadModule } from '../src/wasm/instance';
import { binaryCrossEntropyKernels, crossEntropyKernels, regressionKernels, setKernelWrapper, softmaxKernels, type FamilySpec } from '../src/wasm/kernels';
import { binaryCrossEntropyModule, crossEntropyModule, regressionModule, softmaxModule } from '../src/wasm/modules';
import type { WasmModule } from '../src/wasm/instance';
import { threadsNow } from '../src/wasm/runtime';

type Fn = (...args: unknown[]) => unknown;
const fns = sl as unknown as Record<string, Fn>;

/** One kernel call as the wrapper saw it: the export's name, and per argument its value and the bytes it points at. */
interface Seen {
  name: string;
  args: Record<string, { value: number; bytes: Uint8Array }>;
}

const BYTES = 256;

/** Records every call of the families' exports while `body` runs. */
function recording(families: Array<[FamilySpec, WasmModule<FamilySpec>]>, body: () => void): Seen[] {
  const names = new Map<unknown, { name: string; args: readonly string[] }>();
  for (const [spec, module] of families) {
    const k = loadModule(module) as unknown as Record<string, unknown>;
    for (const [name, s] of Object.entries(spec.kernels)) for (const d of ['f32_', 'f64_']) if (k[d + name]) names.set(k[d + name], { name, args: s.args });
  }
  const seen: Seen[] = [];
  setKernelWrapper((f) => function (...a: number[]) {
    const entry = names.get(f);
    if (entry) {
      const buf = wasmMemoryBuffer()!;
      const args: Seen['args'] = {};
      entry.args.forEach((spec, i) => {
        const value = a[i];
        const ok = Number.isInteger(value) && value > 0 && value + BYTES <= buf.byteLength;
        args[spec.slice(0, spec.indexOf(':'))] = { value, bytes: ok ? new Uint8Array(buf, value, BYTES).slice() : new Uint8Array(0) };
      });
      seen.push({ name: entry.name, args });
    }
    return f(...a);
  });
  try {
    body();
  } finally {
    setKernelWrapper(null);
  }
  return seen;
}

/** An argument that holds `values` (its bytes), is a pointer (`'ptr'`), is 0, or is that number. */
type Expect = Float32Array | Float64Array | Int32Array | 'ptr' | number;

function check(seen: Seen, name: string, first: number, expected: Record<string, Expect>): void {
  expect(seen.name).toBe(name);
  const names = Object.keys(seen.args);
  // every argument of the list is expected: the first (the item count) and the others by name
  expect(names.slice(1).sort()).toEqual(Object.keys(expected).sort());
  expect(seen.args[names[0]].value, `${name}: ${names[0]}`).toBe(first);
  for (const [arg, e] of Object.entries(expected)) {
    const got = seen.args[arg];
    if (e === 'ptr') expect(got.value, `${name}: ${arg} is a pointer`).toBeGreaterThan(0);
    else if (typeof e === 'number') expect(got.value, `${name}: ${arg}`).toBe(e);
    else expect(Array.from(got.bytes.subarray(0, e.byteLength)), `${name}: ${arg} holds the argument`).toEqual(Array.from(new Uint8Array(e.buffer, e.byteOffset, e.byteLength)));
  }
}

function leanCall(families: Array<[FamilySpec, WasmModule<FamilySpec>]>, fn: string, args: unknown[]): Seen {
  const before = LEAN.taken;
  const seen = recording(families, () => fns[fn](...args));
  expect(LEAN.taken - before, `${fn}: lean path taken`).toBe(1);
  expect(seen.length, `${fn}: one kernel call`).toBe(1);
  return seen[0];
}

afterEach(() => setKernelWrapper(null));

// the thread pool installs its own wrapper, which this test would replace
describe.skipIf(threadsNow() > 1)('the lean path calls each kernel with the list\'s arguments in the list\'s order', () => {
  const f32 = (a: number[]) => new Float32Array(a);
  const x = f32([0.5, -1.25, 2, 3.5, -0.75, 1]), y = f32([1, 0.25, -2, 3, 0.5, 0]);

  it('the regression losses (mse, l1, smooth_l1, huber): x, y, both gradients, gradScale; no loss, no gradRow', () => {
    const fam: Array<[FamilySpec, WasmModule<FamilySpec>]> = [[regressionKernels, regressionModule as WasmModule<FamilySpec>]];
    for (const [fn, name, extra] of [['mseLossWithGrad', 'mse', {}], ['l1LossWithGrad', 'l1', {}], ['smoothL1LossWithGrad', 'smooth_l1', { beta: 1 }], ['huberLossWithGrad', 'huber', { delta: 1 }]] as const) {
      check(leanCall(fam, fn, [x, y]), name, 6, { x, y, loss: 0, grad: 'ptr', gradTarget: 'ptr', gradRow: 0, gradScale: 1 / 6, ...extra });
      check(leanCall(fam, fn, [x, y, { reduction: 'sum' }]), name, 6, { x, y, loss: 0, grad: 'ptr', gradTarget: 'ptr', gradRow: 0, gradScale: 1, ...extra });
    }
    check(leanCall(fam, 'mseLoss', [x, y]), 'mse', 6, { x, y, loss: 0, grad: 0, gradTarget: 0, gradRow: 0, gradScale: 1 / 6 });
  });

  it('BCE with logits: x, t, the gradient, gradScale; no weight, posWeight, loss or gradRow', () => {
    const t = f32([1, 0, 1, 1, 0, 0]);
    const fam: Array<[FamilySpec, WasmModule<FamilySpec>]> = [[binaryCrossEntropyKernels, binaryCrossEntropyModule as WasmModule<FamilySpec>]];
    check(leanCall(fam, 'binaryCrossEntropyWithLogitsWithGrad', [x, t]), 'bce_logits', 6, { x, t, w: 0, pw: 0, loss: 0, grad: 'ptr', gradRow: 0, gradScale: 1 / 6 });
  });

  it('crossEntropy: logits, targets, the gradient, the short rows\' scratch, gradScale', () => {
    const logits = { data: x, shape: [2, 3] }, targets = new Int32Array([2, 0]);
    const fam: Array<[FamilySpec, WasmModule<FamilySpec>]> = [[crossEntropyKernels, crossEntropyModule as WasmModule<FamilySpec>]];
    const expected = { C: 3, logits: x, targets, probs: 0, weight: 0, rowLoss: 0, gradRow: 0, scratch: 'ptr', smoothing: 0 } as const;
    check(leanCall(fam, 'crossEntropyWithGrad', [logits, targets]), 'cross_entropy', 2, { ...expected, grad: 'ptr', gradScale: 1 / 2 });
    check(leanCall(fam, 'crossEntropy', [logits, targets, { reduction: 'sum' }]), 'cross_entropy', 2, { ...expected, grad: 0, gradScale: 1 });
  });

  it('softmax, logSoftmax and sigmoid: rows, n, x, out, log', () => {
    const fam: Array<[FamilySpec, WasmModule<FamilySpec>]> = [[softmaxKernels, softmaxModule as WasmModule<FamilySpec>]];
    check(leanCall(fam, 'softmax', [{ data: x, shape: [2, 3] }]), 'softmax_fwd', 2, { n: 3, x, out: 'ptr', log: 0 });
    check(leanCall(fam, 'logSoftmax', [x]), 'softmax_fwd', 1, { n: 6, x, out: 'ptr', log: 1 });
    check(leanCall(fam, 'sigmoid', [x]), 'sigmoid_fwd', 6, { x, out: 'ptr' });
  });
});
