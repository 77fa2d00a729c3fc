// Float16Array as a float dtype (issue 19, item 2). `npm test` runs on Node 20, which has no
// Float16Array: there the suite checks the clear error. Where the global exists (Node 24:
// `node node_modules/vitest/vitest.mjs run test/float16.test.ts --project relaxed` with Node 24)
// it runs the real checks:
// - the conversion kernels (assembly/kernels/half.ts) against the engine's own Float16Array,
//   every half widened, float32s narrowed (edges, random bits, random magnitudes);
// - every PyTorch fixture case on float16-rounded inputs, on both backends: Float16Array results
//   and gradients, each within 1 float16 ulp of the float64 result (the float64 reference on the
//   same rounded inputs) rounded to float16;
// - on the wasm backend, a float16 call equals the float32 call on the widened values, its
//   results rounded once to float16 (bit for bit: the same kernels, one rounding);
// - gradInto, options.out, WasmTensors of float16, plain numbers, mixed dtypes, no input mutated.
import { beforeAll, describe, expect, it } from 'vitest';
import * as api from '../src/index';
import { allocTensor, crossEntropy, crossEntropyWithGrad, mseLoss, mseLossWithGrad, setBackend, softmax } from '../src/index';
import type { Float16ArrayLike, Tensor, WithGrad } from '../src/types';
import { HALF, loadHalf } from '../src/wasm/half';
import { loadModule } from '../src/wasm/instance';
import type { Kernels } from '../src/wasm/kernels';
import type { halfKernels } from '../src/wasm/kernels';
import { caseArgs, loadFixture, type FixtureCase } from './helpers/fixtures';
import { rng } from './helpers/numeric';
import { ulp16 } from './browser/half.mjs';

type F16Ctor = new (n: number | ArrayLike<number> | ArrayBufferLike, offset?: number, length?: number) => Float16ArrayLike;
const F16 = (globalThis as { Float16Array?: F16Ctor }).Float16Array;
/** For the describe bodies, which vitest runs even when it skips the suite: the tests never run without F16. */
const F = F16 ?? (Float32Array as unknown as F16Ctor);

describe.runIf(F16 === undefined)('float16 where the runtime has no Float16Array (Node 20)', () => {
  it("allocTensor('float16') is a TypeError naming allocTensor and saying Float16Array is not available", () => {
    expect(() => allocTensor('float16', [4])).toThrow(TypeError);
    expect(() => allocTensor('float16', [4])).toThrow(/^allocTensor: dtype 'float16' needs Float16Array, which is not available in this runtime/);
  });

  it('the messages do not offer Float16Array, and float32/float64 calls are unchanged', () => {
    expect(() => mseLoss(new Uint16Array(2) as never, new Float32Array(2))).toThrow(/input must be a Float32Array or Float64Array, a number\[\]/);
    expect(() => allocTensor('float8' as never, [1])).toThrow(/dtype must be 'float32' or 'float64'; got "float8"/);
    expect(mseLoss(new Float32Array([1, 2]), new Float32Array([0, 0]))).toBe(2.5);
  });
});


const round16 = (x: number): number => new F16!([x])[0];

/** Whether got is within 1 float16 ulp of want rounded to float16 (NaN matches NaN, ±∞ exactly). */
function within1ulp(got: number, want: number): boolean {
  const w = round16(want);
  if (Number.isNaN(w)) return Number.isNaN(got);
  if (!Number.isFinite(w)) return got === w;
  return Math.abs(got - w) <= ulp16(w);
}

const FAMILIES = [
  'softmax', 'cross-entropy', 'binary-cross-entropy', 'regression', 'cosine-similarity', 'kl-div', 'margin',
  'multi-margin', 'focal', 'distance', 'ctc', 'box-iou', 'likelihood', 'softmax-focal', 'image-quality', 'dice', 'lovasz',
];
const lib = api as unknown as Record<string, (...a: unknown[]) => unknown>;
function fnOf(name: string): (...a: unknown[]) => unknown {
  if (name === 'wiseIouLossV3') return (...a) => (lib.wiseIouLoss(...a) as { loss: unknown }).loss;
  if (name === 'wiseIouLossV3WithGrad') return lib.wiseIouLossWithGrad;
  return lib[name];
}

const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && 'data' in v && 'shape' in v;
const typeName = (x: unknown) => Object.prototype.toString.call(x).slice(8, -1);

/** A fixture case's arguments with every float tensor (options included) as `make` makes them. */
function casesIn(c: FixtureCase, make: (values: ArrayLike<number>) => ArrayLike<number>): { args: unknown[]; options: Record<string, unknown> } {
  const { args, options } = caseArgs(c, 'float64');
  const conv = (v: unknown): unknown => (isTensor(v) && typeName(v.data) === 'Float64Array' ? { data: make(v.data), shape: v.shape } : v);
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) o[k] = conv(v);
  return { args: args.map(conv), options: o };
}

/** The outputs of a call as flat lists: the loss (a number or a tensor's data) and each gradient's data. */
function outputs(r: unknown): { values: ArrayLike<number>[]; arrays: unknown[] } {
  const w = r as WithGrad;
  const parts = typeof r === 'object' && r !== null && 'grads' in r ? [w.loss, ...w.grads] : [r];
  const values: ArrayLike<number>[] = [];
  const arrays: unknown[] = [];
  for (const p of parts) {
    if (typeof p === 'number') values.push([p]);
    else if (isTensor(p)) {
      values.push(p.data);
      arrays.push(p.data);
    }
  }
  return { values, arrays };
}

describe.runIf(F16 !== undefined)('Float16Array', () => {
  // The half module is a chunk (src/wasm/half.ts): until it has arrived, calls convert with the
  // engine's conversion, which must give the same bits.
  it("a call converting with the engine's conversion gives the same bits as one with the half module", async () => {
    expect(await loadHalf()).not.toBeNull();
    const x = new F(Float32Array.from({ length: 3 * 37 }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? 2 ** -20 * i : Math.sin(i) * 3)));
    const t = Int32Array.from({ length: 3 }, (_, i) => (i * 7) % 37);
    const shape = [3, 37];
    const bits = (a: Float16ArrayLike) => Array.from(new Uint16Array(a.buffer, a.byteOffset, a.length));
    const calls = () => [crossEntropyWithGrad({ data: x, shape }, t), softmax({ data: x, shape }, { dim: 1 })] as const;
    HALF.use = false;
    let engine;
    try {
      engine = calls();
    } finally {
      HALF.use = true;
    }
    const kernels = calls();
    expect(Object.is(kernels[0].loss, engine[0].loss)).toBe(true);
    expect(bits(kernels[0].grad.data)).toEqual(bits(engine[0].grad.data));
    expect(kernels[1].data).toBeInstanceOf(F16);
    expect(bits(kernels[1].data)).toEqual(bits(engine[1].data));
  });

  describe('the conversion kernels (assembly/kernels/half.ts)', () => {
    let k: Kernels<typeof halfKernels>;
    beforeAll(async () => {
      k = loadModule((await loadHalf())!)!;
    });
    /** A scratch area of `bytes` in wasm memory (a resident tensor's), and its buffer. */
    const area = (bytes: number) => {
      const t = allocTensor('float32', [Math.ceil(bytes / 4)]);
      return { t, ptr: t.ptr, buffer: () => t.data.buffer };
    };

    /**
     * Widens `bits` in place (the bits in the upper half of the float32 area) and counts the values
     * that differ from the engine's Float16Array (any NaN matching any NaN); the caller frees t.
     */
    const widenAll = (bits: Uint16Array) => {
      const n = bits.length;
      const { t, ptr, buffer } = area(4 * n + 16);
      new Uint16Array(buffer(), ptr + 2 * n, n).set(bits);
      k.f16_to_f32(n, ptr + 2 * n, ptr);
      const got = new Float32Array(buffer(), ptr, n);
      const want = new F16!(bits.buffer);
      let bad = 0;
      for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) bad++;
      return { t, ptr, got, bad };
    };

    it('widen every half exactly, in place (the bits in the upper half of the float32 area)', () => {
      const n = 65536 - 3; // not a whole number of vectors: the scalar tail too
      const { t, ptr, got, bad } = widenAll(Uint16Array.from({ length: n }, (_, i) => i));
      expect(bad).toBe(0);
      // a NaN keeps its sign and payload (integer operations: no engine's choice of NaN): 0xfe01 is
      // negative, quiet, payload 1; 0x7c01 positive, signalling, payload 1
      expect(new Uint32Array(got.buffer, ptr + 4 * 0xfe01, 1)[0]).toBe(0xffc02000);
      expect(new Uint32Array(got.buffer, ptr + 4 * 0x7c01, 1)[0]).toBe(0x7f802000);
      t.free();
    });

    // The widening takes a second path for vectors of eight halves that hold a zero, subnormal, inf
    // or NaN (assembly/kernels/half.ts): every half, among normal neighbours, takes each path.
    it('widen every half alone among normal halves in its vector (each lane position in turn)', () => {
      const bits = new Uint16Array(65536 * 8).fill(0x3c00);
      for (let h = 0; h < 65536; h++) bits[h * 8 + (h & 7)] = h;
      const { t, bad } = widenAll(bits);
      expect(bad).toBe(0);
      t.free();
    });

    // The widening runs chunks of 512 halves without a per-vector test and does a chunk again, with
    // the test, when it held a zero, subnormal, inf or NaN; after such a chunk the next ones are
    // tested until one has none; a chunk whose floats reach its own halves (the end of an in-place
    // widening) is tested at once (assembly/kernels/half.ts). Each special half, alone among normal
    // halves at several places of a chunk (its first, last and middle vectors, the chunk after, the
    // end), in place and not, and lengths around the chunk and the vector.
    it('widen a special half alone among normal ones anywhere in a chunk, in place and not, any length', () => {
      const specials = [0, 1, 0x8000, 0x8001, 0x3ff, 0x83ff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe01, 0x7fff];
      const normals = (n: number) => Uint16Array.from({ length: n }, (_, i) => 0x0400 + ((i * 7919) % 0x7800) + (i & 1 ? 0x8000 : 0));
      let bad = 0;
      for (const n of [1, 7, 8, 9, 511, 512, 513, 1024 + 7, 1536 + 5, 3000]) {
        const places = [0, 1, 7, 8, 255, 504, 511, 512, 519, 1000, 1023, 1500, n - 9, n - 8, n - 1].filter((p) => p >= 0 && p < n);
        for (const h of specials) for (const p of [-1, ...places]) {
          const bits = normals(n);
          if (p >= 0) bits[p] = h;
          const r = widenAll(bits);
          bad += r.bad;
          r.t.free();
          // out of place: the halves after the floats
          const { t, ptr, buffer } = area(6 * n + 16);
          new Uint16Array(buffer(), ptr + 4 * n + 16, n).set(bits);
          k.f16_to_f32(n, ptr + 4 * n + 16, ptr);
          const got = new Float32Array(buffer(), ptr, n), want = new F16!(bits.buffer);
          for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) bad++;
          t.free();
        }
      }
      expect(bad).toBe(0);
    });

    // Zeros are made right on the i16 lanes before any mend, and a vector is mended only if a
    // subnormal, inf or NaN remains: zeros mixed with those in one vector, at several densities.
    it('widen vectors that mix zeros with subnormals, infs, NaNs and normal halves', () => {
      const random = rng(1602);
      const kinds = [() => (random() < 0.5 ? 0 : 0x8000), () => 1 + Math.floor(random() * 0x3ff) + (random() < 0.5 ? 0x8000 : 0), () => (random() < 0.5 ? 0x7c00 : 0xfc00),
        () => 0x7c01 + Math.floor(random() * 0x3fe), () => 0x0400 + Math.floor(random() * 0x7800) + (random() < 0.5 ? 0x8000 : 0)];
      for (const weights of [[1, 0, 0, 0, 0], [8, 1, 0, 0, 1], [8, 0, 1, 1, 1], [1, 1, 1, 1, 1], [1, 0, 0, 0, 8], [0, 1, 0, 0, 20]]) {
        const total = weights.reduce((a, b) => a + b);
        const bits = Uint16Array.from({ length: 4 * 512 + 13 }, () => {
          let r = random() * total, j = 0;
          while (r >= weights[j]) r -= weights[j++];
          return kinds[j]();
        });
        const { t, bad } = widenAll(bits);
        expect(bad, `weights ${weights}`).toBe(0);
        t.free();
      }
    });

    it('widen data whose chunks change from special to normal and back (1 zero in 100, then none, then all zeros)', () => {
      const n = 8 * 512 + 3;
      const bits = Uint16Array.from({ length: n }, (_, i) => (i < 1536 ? (i % 100 === 0 ? 0 : 0x3c00 + (i % 1000)) : i < 3072 ? 0xbc00 + (i % 1000) : i % 3 === 0 ? 0x8000 : 0));
      const { t, bad } = widenAll(bits);
      expect(bad).toBe(0);
      t.free();
    });

    it('narrow float32 to the nearest half (ties to even), in place: edges, random bits, random magnitudes', () => {
      const random = rng(16);
      const n = 200_003;
      const src = new Float32Array(n);
      const u = new Uint32Array(src.buffer);
      for (let i = 0; i < n; i++) u[i] = Math.floor(random() * 2 ** 32) >>> 0;
      for (let i = 0; i < 100_000; i++) src[100_000 + i] = (random() - 0.5) * 2 ** (random() * 44 - 30);
      const edges = [0, -0, 1, -1, 65504, 65519.996, 65520, 65536, -65520, Infinity, -Infinity, NaN, 2 ** -24, 2 ** -25, 2 ** -25 * (1 + 2 ** -23), 3 * 2 ** -25,
        2 ** -14, 2 ** -14 - 2 ** -25, 2 ** -14 - 2 ** -24, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -23, 1e-10, -1e-10, 1e10, 2 ** -149, 2048 + 1, 2048 + 3];
      edges.forEach((e, i) => (src[i] = e));
      const { t, ptr, buffer } = area(4 * n + 16);
      new Float32Array(buffer(), ptr, n).set(src);
      k.f32_to_f16(n, ptr, ptr);
      const got = new Uint16Array(buffer(), ptr, n);
      const want = new Uint16Array(new F16!(src).buffer);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        // any NaN becomes the quiet NaN 0x7e00 (sign kept); the engine may keep another payload
        const ok = Number.isNaN(src[i]) ? (got[i] & 0x7fff) === 0x7e00 : got[i] === want[i];
        if (!ok) bad++;
      }
      t.free();
      expect(bad).toBe(0);
    });

    // The narrowing runs chunks of 512 floats by a loop for magnitudes in (2^-14, 65520), or one for
    // those up to 65520 (zeros, subnormal halves), or the whole narrow(), as the last chunk saw, and
    // again by a wider one when the chunk held more; the first chunk of an in-place narrowing takes
    // the whole one at once (assembly/kernels/half.ts). Each edge alone among normal floats at
    // several places of a chunk, in place and not, any length; data that changes range by chunks.
    it('narrow an edge alone among normal floats anywhere in a chunk, in place and not, any length; changing ranges', () => {
      const random = rng(1601);
      const edges = [0, -0, 2 ** -24, -(2 ** -25), 3 * 2 ** -25, 2 ** -14, 2 ** -14 - 2 ** -25, 2 ** -14 + 2 ** -30, 1e-10, 2 ** -149, 65504, 65519.996, 65520, -65536, 1e10, Infinity, -Infinity, NaN];
      const narrowed = (src: Float32Array, inPlace: boolean) => {
        const n = src.length;
        const { t, ptr, buffer } = area(6 * n + 16);
        const to = inPlace ? ptr : ptr + 4 * n + 16;
        new Float32Array(buffer(), ptr, n).set(src);
        k.f32_to_f16(n, ptr, to);
        const got = Array.from(new Uint16Array(buffer(), to, n));
        t.free();
        const want = new Uint16Array(new F16!(src).buffer);
        let bad = 0;
        // any NaN becomes the quiet NaN 0x7e00 (sign kept)
        for (let i = 0; i < n; i++) if (Number.isNaN(src[i]) ? (got[i] & 0x7fff) !== 0x7e00 : got[i] !== want[i]) bad++;
        return bad;
      };
      let bad = 0;
      for (const inPlace of [true, false]) {
        for (const n of [1, 7, 8, 9, 511, 512, 513, 1024 + 7, 1536 + 5, 3000]) {
          const places = [0, 7, 8, 511, 512, 1000, 1023, 1500, n - 9, n - 1].filter((p) => p >= 0 && p < n);
          for (const e of edges) for (const p of [-1, ...places]) {
            const src = Float32Array.from({ length: n }, () => (random() < 0.5 ? -1 : 1) * 2 ** (random() * 29 - 13.9));
            if (p >= 0) src[p] = e;
            bad += narrowed(src, inPlace);
          }
        }
        // normal, then zeros among normal ones, then normal, then large, then subnormal halves, then normal
        const src = Float32Array.from({ length: 6 * 512 + 5 }, (_, i) => {
          const r = (random() - 0.5) * 8;
          const part = Math.floor(i / 512);
          return part === 1 ? (i % 50 ? r : 0) : part === 3 ? r * 1e5 : part === 4 ? r * 2 ** -20 : r;
        });
        bad += narrowed(src, inPlace);
      }
      expect(bad).toBe(0);
    });
  });

  describe('every PyTorch fixture case on float16-rounded inputs: Float16Array results within 1 float16 ulp of float64', () => {
    for (const family of FAMILIES) {
      for (const c of loadFixture(family).cases) {
        if (c.throws) continue;
        it(`${family}: ${c.name}`, () => {
          const half = casesIn(c, (v) => new F16!(v));
          // the truth: the float64 reference on the same (rounded) values
          setBackend('js');
          const truth = outputs(fnOf(c.fn)(...casesIn(c, (v) => Float64Array.from(new F16!(v))).args, casesIn(c, (v) => Float64Array.from(new F16!(v))).options)).values;
          for (const backendName of ['wasm-simd', 'js'] as const) {
            setBackend(backendName);
            try {
              const got = outputs(fnOf(c.fn)(...half.args, half.options));
              for (const a of got.arrays) expect(typeName(a), `${backendName}: result type`).toBe('Float16Array');
              got.values.forEach((g, j) => {
                expect(g.length).toBe(truth[j].length);
                for (let i = 0; i < g.length; i++) {
                  if (!within1ulp(g[i], truth[j][i])) expect.fail(`${backendName}: output ${j}[${i}] = ${g[i]}, the float64 result ${truth[j][i]} rounds to ${round16(truth[j][i])}`);
                  if (typeof got.values[j] === 'object' && !Array.isArray(got.values[j])) continue;
                  // a number result is a float16 value too
                  expect(g[i], 'a number result is rounded to float16').toBe(round16(g[i]));
                }
              });
            } finally {
              setBackend('wasm-simd');
            }
          }
        });
      }
    }
  });

  describe('on the wasm backend a float16 call is the float32 call on the widened values, rounded once', () => {
    const random = rng(1616);
    const logits = new F(Float32Array.from({ length: 32 * 1000 }, () => (random() - 0.5) * 16));
    const labels = Int32Array.from({ length: 32 }, () => Math.floor(random() * 1000));
    const a = new F(Float32Array.from({ length: 4099 }, () => random() * 4 - 2));
    const b = new F(Float32Array.from({ length: 4099 }, () => random() * 4 - 2));
    const calls: Array<[string, (arr: (x: Float16ArrayLike) => ArrayLike<number>) => unknown]> = [
      ['crossEntropyWithGrad (32, 1000), as onnxruntime-web gives float16 logits', (m) => crossEntropyWithGrad({ data: m(logits) as Float32Array, shape: [32, 1000] }, labels)],
      ['crossEntropyWithGrad, label smoothing, none', (m) => crossEntropyWithGrad({ data: m(logits) as Float32Array, shape: [32, 1000] }, labels, { labelSmoothing: 0.1, reduction: 'none' })],
      ['mseLossWithGrad, 4099 elements', (m) => mseLossWithGrad(m(a) as Float32Array, m(b) as Float32Array)],
      ['mseLoss none', (m) => mseLoss(m(a) as Float32Array, m(b) as Float32Array, { reduction: 'none' })],
      ['softmax', (m) => softmax({ data: m(logits) as Float32Array, shape: [32, 1000] })],
    ];
    for (const [name, call] of calls) {
      it(name, () => {
        const half = outputs(call((x) => x));
        const wide = outputs(call((x) => Float32Array.from(x)));
        half.arrays.forEach((arr) => expect(typeName(arr)).toBe('Float16Array'));
        half.values.forEach((h, j) => {
          const once = new F16!(wide.values[j]);
          expect(Array.from(h)).toEqual(Array.from(once));
        });
      });
    }
  });

  describe('targets, resident tensors, plain numbers, mixed dtypes', () => {
    const x = new F([2, 0.5, -1, 0.1, 1.2, 0.3]);
    const input = { data: x, shape: [2, 3] };
    const labels = new Int32Array([0, 1]);

    it('gradInto: a Float16Array is written and returned; a WasmTensor of float16 too', () => {
      const want = crossEntropyWithGrad(input, labels).grad.data;
      const into = new F16!(6);
      const r = crossEntropyWithGrad(input, labels, { gradInto: into });
      expect(r.grad.data).toBe(into);
      expect(Array.from(into)).toEqual(Array.from(want));
      const t = allocTensor('float16', [2, 3]);
      try {
        const r2 = crossEntropyWithGrad(input, labels, { gradInto: t });
        expect(typeName(r2.grad.data)).toBe('Float16Array');
        expect(Array.from(t.data)).toEqual(Array.from(want));
      } finally {
        t.free();
      }
    });

    it('options.out: a Float16Array result goes there', () => {
      const out = new F16!(2);
      const r = crossEntropy(input, labels, { reduction: 'none', out });
      expect(r.data).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(crossEntropy(input, labels, { reduction: 'none' }).data));
    });

    it('a WasmTensor of float16 is an argument (staged, widened), and its results are Float16Array', () => {
      const t = allocTensor('float16', [2, 3]);
      try {
        expect(t.dtype).toBe('float16');
        expect(typeName(t.data)).toBe('Float16Array');
        t.data.set(x);
        const r = crossEntropyWithGrad(t, labels);
        const want = crossEntropyWithGrad(input, labels);
        expect(r.loss).toBe(want.loss);
        expect(Array.from(r.grad.data)).toEqual(Array.from(want.grad.data));
        expect(typeName(r.grad.data)).toBe('Float16Array');
        // read in place through a view of it too
        expect(mseLoss(t.data, x)).toBe(0);
      } finally {
        t.free();
      }
    });

    it('plain numbers in a float16 call are float16 (rounded as torch.tensor(..., dtype=float16))', () => {
      const r = mseLossWithGrad(new F16!([0, 0]), [0.1, 1 / 3]);
      expect(r.grads.map((g) => typeName(g.data))).toEqual(['Float16Array', 'Float16Array']);
      // d/dx mean((x - y)²) = (x - y) with y = float16(0.1), float16(1/3)
      expect(Array.from(r.grads[0].data)).toEqual([-round16(0.1), -round16(1 / 3)]);
    });

    it('mixed dtypes are refused as float32/float64 mixes are (TypeError naming both)', () => {
      expect(() => mseLoss(new F16!(2), new Float32Array(2) as never)).toThrow(/^mseLoss: all float arguments must share one dtype; the call's is Float16Array \(its first typed argument's\) but target is Float32Array$/);
      expect(() => mseLoss(new Float32Array(2), new F16!(2) as never)).toThrow(/the call's is Float32Array .* but target is Float16Array$/);
      expect(() => mseLoss(new Float64Array(2), new F16!(2) as never)).toThrow(/the call's is Float64Array .* but target is Float16Array$/);
      expect(() => crossEntropy(input, labels, { weight: new Float32Array(3) })).toThrow(/but options.weight is Float32Array$/);
      expect(() => crossEntropyWithGrad(input, labels, { gradInto: new Float32Array(6) })).toThrow(/^crossEntropyWithGrad: options.gradInto must have the call's dtype \(float16\); got float32$/);
      expect(() => crossEntropyWithGrad({ data: new Float32Array(6), shape: [2, 3] }, labels, { gradInto: new F16!(6) })).toThrow(/options.gradInto must have the call's dtype \(float32\); got float16$/);
      // a float16 weight with float16 logits is fine
      expect(typeof crossEntropy(input, labels, { weight: new F16!([1, 2, 3]) })).toBe('number');
    });

    it('a float32 call after a float16 call is float32 again (the lean path, which skips checkOptions, included)', () => {
      const a32 = new Float32Array([0.1, 0.3]), b32 = new Float32Array([0, 0]);
      mseLoss(new F16!([0.1, 0.3]), new F16!([0, 0]));
      // 0.05 in float32 (about 0.0500000007), not rounded to float16 (0.0500030518)
      const r = mseLoss(a32, b32);
      expect(r).toBe(Math.fround(r));
      expect(Math.abs(r - 0.05)).toBeLessThan(1e-8);
      crossEntropyWithGrad(input, labels);
      const ce = crossEntropyWithGrad({ data: Float32Array.from(x), shape: [2, 3] }, labels);
      expect(ce.loss).toBe(Math.fround(ce.loss));
      expect(typeName(ce.grad.data)).toBe('Float32Array');
      crossEntropy(input, labels);
      expect(typeName(softmax(Float32Array.from(x)).data)).toBe('Float32Array');
    });

    it('no input is mutated', () => {
      const copy = Array.from(x);
      crossEntropyWithGrad(input, labels, { gradOutput: 2 });
      mseLossWithGrad(x, new F16!(6), { reduction: 'none' });
      expect(Array.from(x)).toEqual(copy);
    });

    it('allocTensor names float16 among the dtypes', () => {
      expect(() => allocTensor('float8' as never, [1])).toThrow(/^allocTensor: dtype must be 'float32', 'float64' or 'float16'; got "float8"$/);
    });
  });
});
