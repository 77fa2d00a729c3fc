// The lean call path (docs/kernels.md, "Fixed cost"): the call forms a training loop makes most
// (bare Float32Array/Float64Array arguments or { data, shape } of one, Int32Array class indices,
// options absent or holding only reduction, gradInto, out or dim) are recognised here with a few
// checks and no allocation, and run as one kernel call through src/wasm/direct.ts. Anything else
// (other options, other array types, views of wasm memory, WasmTensors, a call larger than one
// runtime block, the 'js' backend) answers "not lean" and takes the general path, which also owns
// every error message: the lean path never throws for bad input, it declines it.
//
// Results are bit-identical to the general path's: the same kernel on the same single block (the
// general path runs a call this small as one block too). test/lean.test.ts checks it.
//
// Reading a caller's objects: only own data of plain objects, through the intrinsic typed-array
// accessors (src/wasm/views.ts); a getter or Proxy trap may run here before anything is staged,
// and runs again on the general path if the call is declined (nothing is kept from the first read).
import type { Dtype, FloatArray } from './types';
import { bufferOf, byteOffsetOf, lengthOf, typedArrayName, wasmMemoryBufferIfAny } from './wasm/views';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Test switches (not public API): `enabled: false` sends every call down the general path (the
 * lean tests compare the two bit for bit); `taken` counts the calls the lean path served.
 */
export const LEAN = { enabled: true, taken: 0 };

/** The dtype of a bare Float32Array/Float64Array the lean path may read (not empty, not a view of wasm memory); null otherwise. */
export function leanFloat(x: unknown): Dtype | null {
  const name = typedArrayName(x);
  const dtype: Dtype | null = name === 'Float32Array' ? 'float32' : name === 'Float64Array' ? 'float64' : null;
  if (dtype === null || lengthOf(x as FloatArray) === 0) return null;
  const b = bufferOf(x as FloatArray);
  if (b === wasmMemoryBufferIfAny()) return null;
  LEAN_BUFFER.last = b;
  return dtype;
}

/**
 * The buffer of the array leanFloat accepted last (until the call commits or declines): the
 * overlap checks take it from here, as the intrinsic accessor is a builtin call of its own.
 */
export const LEAN_BUFFER: { last: ArrayBufferLike | null } = { last: null };

/** Whether x is an Int32Array the lean path may read (not a view of wasm memory). */
export function leanInt32(x: unknown): x is Int32Array {
  return typedArrayName(x) === 'Int32Array' && bufferOf(x as Int32Array) !== wasmMemoryBufferIfAny();
}

function isPlain(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * A { data, shape } tensor-like of a lean float array and a shape of two positive integers whose
 * product is its length: sets LEAN_2D and returns its dtype; null otherwise. Only a plain object
 * with own `data` and `shape` and none of the keys that make the general path read it otherwise
 * (strides, an onnxruntime or TF.js tensor's) is read.
 */
export function leanMatrix(x: unknown): Dtype | null {
  if (typeof x !== 'object' || x === null || typedArrayName(x) !== undefined) return null;
  let data: unknown, shape: unknown;
  try {
    if (Array.isArray(x) || !isPlain(x) || !hasOwn.call(x, 'data') || !hasOwn.call(x, 'shape')) return null;
    // one pass over its keys (two, for a { data, shape }) rather than a lookup of each other key
    for (const key in x) if (key !== 'data' && key !== 'shape' && OTHER_TENSOR_KEYS.includes(key)) return null;
    data = (x as { data: unknown }).data;
    shape = (x as { shape: unknown }).shape;
  } catch {
    return null; // a revoked Proxy, a throwing getter: the general path reads it again and says so
  }
  READ.input = true;
  READ.data = data;
  READ.shape = shape;
  const dtype = leanFloat(data);
  if (dtype === null || !Array.isArray(shape) || shape.length !== 2) return null;
  const rows = shape[0], cols = shape[1];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0 || rows * cols !== lengthOf(data as FloatArray)) return null;
  LEAN_2D.data = data as FloatArray;
  LEAN_2D.buffer = LEAN_BUFFER.last;
  LEAN_2D.rows = rows;
  LEAN_2D.cols = cols;
  return dtype;
}

/** Keys a tensor-like may have that the general path reads (src/tensor.ts: stridedData, foreignTensor). */
const OTHER_TENSOR_KEYS = ['stride', 'strides', 'offset', 'dims', 'dataSync'];

/** What leanMatrix read (valid until the next leanMatrix). */
export const LEAN_2D = { data: new Float32Array(0) as FloatArray, buffer: null as ArrayBufferLike | null, rows: 0, cols: 0 };


/** The options the lean path knows, as read by leanOptions (valid until the next leanOptions). */
export const LEAN_OPTIONS = {
  reduction: undefined as unknown,
  gradInto: undefined as unknown,
  out: undefined as unknown,
  dim: undefined as unknown,
};

/** Bits of leanOptions' `allowed`. */
export const REDUCTION = 1, GRAD_INTO = 2, OUT = 4, DIM = 8;

/**
 * What the current call's lean attempt read of the caller's objects: which options it read (bits
 * of `allowed`, their values in LEAN_OPTIONS, in the order `keys` lists them), and a tensor-like
 * input's data and shape. A declined call hands these to the general path (generalOptions,
 * generalInput), so that a getter runs once per call whichever path serves it.
 */
const READ = { options: 0, keys: ['', '', '', ''], n: 0, input: false, data: undefined as unknown, shape: undefined as unknown };

/**
 * Reads `options` (undefined, or a plain object whose own enumerable keys are among `allowed`,
 * none inherited) into LEAN_OPTIONS; false when the call is not in the lean form. Starts a call's
 * lean attempt: every lean form calls it first.
 */
export function leanOptions(options: unknown, allowed: number): boolean {
  READ.options = 0;
  READ.input = false;
  READ.data = READ.shape = undefined;
  if (!LEAN.enabled) return false;
  const o = LEAN_OPTIONS;
  o.reduction = o.gradInto = o.out = o.dim = undefined;
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null) return false;
  let seen = 0, n = 0;
  try {
    if (!isPlain(options)) return false;
    // the keys first: a call with any other option (or an inherited key, from a polluted prototype)
    // declines having read no value, and the general path reads the options itself
    for (const key in options) {
      if (!hasOwn.call(options, key)) return false;
      const bit = key === 'reduction' ? REDUCTION : key === 'gradInto' ? GRAD_INTO : key === 'out' ? OUT : key === 'dim' ? DIM : 0;
      if (!(allowed & bit)) return false;
      seen |= bit;
      READ.keys[n++] = key;
    }
    // then each value, once, by name (a named load, not a keyed one: the fixed cost of a call); a
    // call declined from here on hands the general path what was read
    const opts = options as { reduction?: unknown; gradInto?: unknown; out?: unknown; dim?: unknown };
    if (seen & REDUCTION) o.reduction = opts.reduction;
    if (seen & GRAD_INTO) o.gradInto = opts.gradInto;
    if (seen & OUT) o.out = opts.out;
    if (seen & DIM) o.dim = opts.dim;
  } catch {
    o.reduction = o.gradInto = o.out = o.dim = undefined;
    return false; // a revoked Proxy, a throwing getter: the general path reads it again and says so
  }
  READ.options = seen;
  READ.n = n;
  return true;
}

/** Drops the lean attempt's references to the caller's objects (a call keeps nothing alive). */
function forgetForms(): void {
  const o = LEAN_OPTIONS;
  o.reduction = o.gradInto = o.out = o.dim = undefined;
  LEAN_2D.data = EMPTY;
  LEAN_2D.buffer = LEAN_BUFFER.last = null;
}
const EMPTY = new Float32Array(0);

/** Marks the call served by the lean path (after its last reason to decline) and forgets what it read. */
export function leanCommit(): void {
  LEAN.taken++;
  READ.options = 0;
  READ.input = false;
  READ.data = READ.shape = undefined;
  forgetForms();
}

/** The options for the general path of a call the lean path declined: a copy of what it read, or `options` itself when it read nothing. */
export function generalOptions(options: unknown): unknown {
  LEAN_2D.buffer = LEAN_BUFFER.last = null;
  if (!READ.options) return options;
  READ.options = 0;
  const o = LEAN_OPTIONS as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < READ.n; i++) copy[READ.keys[i]] = o[READ.keys[i]]; // the caller's key order
  forgetForms();
  return copy;
}

/** The input for the general path of a call the lean path declined: a tensor-like's data and shape as read, or `input` itself. */
export function generalInput(input: unknown): unknown {
  if (!READ.input) return input;
  READ.input = false;
  const copy = { data: READ.data, shape: READ.shape };
  READ.data = READ.shape = undefined;
  LEAN_2D.data = EMPTY; // the options read stay for generalOptions, which the call makes next
  LEAN_2D.buffer = LEAN_BUFFER.last = null;
  return copy;
}

/** 'mean' (absent) or 'sum' as a flag, -1 for anything else ('none' and bad values take the general path). */
export function leanReduction(value: unknown): 0 | 1 | -1 {
  return value === undefined || value === 'mean' ? 0 : value === 'sum' ? 1 : -1;
}

/**
 * A write target (gradInto, out) the lean path can fill: a bare array of `dtype` and length `n`,
 * not a view of wasm memory, and sharing no byte with `a` or `b` (the call's inputs, whose
 * buffers leanFloat gave as LEAN_BUFFER.last: `aBuffer`, `bBuffer`).
 */
export function leanTarget(t: unknown, dtype: Dtype, n: number, a: ArrayBufferView, aBuffer: ArrayBufferLike | null, b: ArrayBufferView | null, bBuffer: ArrayBufferLike | null): t is FloatArray {
  if (leanFloat(t) !== dtype || lengthOf(t as FloatArray) !== n) return false;
  const tb = LEAN_BUFFER.last;
  return !(tb === aBuffer && overlaps(t as FloatArray, a)) && !(b !== null && tb === bBuffer && overlaps(t as FloatArray, b));
}

/** Whether two views of one buffer share a byte. */
function overlaps(x: ArrayBufferView, y: ArrayBufferView): boolean {
  const xs = byteOffsetOf(x), ys = byteOffsetOf(y);
  const xe = xs + lengthOf(x) * bytesPer(x), ye = ys + lengthOf(y) * bytesPer(y);
  return xs < ye && ys < xe;
}

/** Bytes per element of the arrays the lean path reads (Float32Array, Float64Array, Int32Array), from the internal type: an instance may shadow BYTES_PER_ELEMENT. */
function bytesPer(x: ArrayBufferView): number {
  return typedArrayName(x) === 'Float64Array' ? 8 : 4;
}
