// Normalizing and checking arguments: float tensors, class-index tensors, shapes, broadcasting.
//
// An argument is read once, here: its typed arrays through the intrinsic accessors and replaced
// by views of the library's own (src/wasm/views.ts), so that no code of the caller's (a subclass's
// species, a shadowed `length` or `set`) runs later in the call; a tensor-like's fields are read
// without Object.prototype (field()), so a polluted prototype is never taken for a field.
import { describe, rangeError, shapeString, typeError } from './errors';
import { expandTo, newFloat, sameShape, sizeOf } from './shapes';
import type { Dtype, FloatArray, Float16ArrayLike, FloatInput, IndexInput, IntegerArray, StorageDtype, Tensor } from './types';
import { WasmTensor } from './wasm/resident';
import { bufferOf, byteOffsetOf, Float16, isHalfArray, lengthOf, ownView, typedArrayName, wasmRangeHeld, wasmView, wasmViewStatus } from './wasm/views';

/**
 * The memory the current call's arguments occupy, as read (a typed array's buffer and byte range,
 * or 'wasm' and a pointer range): options.out must share none of it. Reset by checkOptions at the
 * start of every call; sound because calls never nest (no code of the caller's runs inside one).
 */
export const callSpans: Span[] = [];

/**
 * The current call's storage: `half` when its float arguments are Float16Array (set by callDtype,
 * reset by checkOptions, like callSpans). Such a call computes in float32 (its Dtype) and makes
 * its results Float16Array (newResult, asResult, roundTo).
 */
export const callState = { half: false };

/** The storage dtype of the current call's results for compute dtype `dtype`. */
export function callStorage(dtype: Dtype): StorageDtype {
  return dtype === 'float32' && callState.half ? 'float16' : dtype;
}

/** Bytes of one element of a storage dtype. */
export const bytesOf = (d: StorageDtype): number => (d === 'float32' ? 4 : d === 'float64' ? 8 : 2);

/** The storage dtype of a typed float array (the library's own view) or a WasmTensor. */
export function storageOf(t: FloatArray | WasmTensor): StorageDtype {
  if (t instanceof WasmTensor) return t.dtype;
  const name = typedArrayName(t);
  return name === 'Float32Array' ? 'float32' : name === 'Float64Array' ? 'float64' : 'float16';
}

/** Bytes in one memory: a buffer (or 'wasm', wasm memory whatever its current buffer) and a range. */
export interface Span {
  buffer: unknown;
  start: number;
  end: number;
}

/** The bytes a WasmTensor or a typed array (the library's own view) occupies; wasm memory is 'wasm'. */
export function spanOf(t: FloatArray | WasmTensor): Span {
  if (t instanceof WasmTensor) return { buffer: 'wasm', start: t.ptr, end: t.ptr + t.size * bytesOf(t.dtype) };
  const buffer = bufferOf(t), start = byteOffsetOf(t), end = start + lengthOf(t) * bytesOf(storageOf(t));
  return { buffer: wasmViewStatus(buffer, start, end - start) === 'not-wasm' ? buffer : 'wasm', start, end };
}

/** A range of wasm memory a view passed as an argument covers (inside a live WasmTensor). */
class WasmRange {
  constructor(readonly ptr: number) {}
}

/**
 * A checked float argument. Its values are an array of the library's own (a view of the caller's
 * memory, never written to, or a new array), or live in wasm memory (`resident`: a WasmTensor, or
 * the range of one that a view passed in covers), where `data` is a view made afresh whenever the
 * memory has grown since the last read: read `data` after the call's last allocation.
 */
export class FloatTensor {
  private cached: FloatArray | null = null;

  constructor(
    readonly shape: number[],
    readonly dtype: Dtype,
    readonly size: number,
    private readonly own: FloatArray | null,
    /** Set when the values live in wasm memory: kernels read them in place (no copy). */
    readonly resident: { readonly ptr: number } | null = null,
    /** `fn: name`, for the error when a resident argument's memory is freed before it is used. */
    private readonly label = '',
    /** Float16Array values (`dtype` is then float32, what they compute in): never read in place by a kernel. */
    readonly half = false,
  ) {}

  /**
   * Throws when the wasm memory of a resident argument was freed after the argument was read (a
   * getter of a later argument can free it): a TypeError naming the call, never a read of memory
   * that may hold something else by now.
   */
  checkLive(): void {
    const r = this.resident;
    if (r === null) return;
    const gone = r instanceof WasmTensor ? r.freed : !wasmRangeHeld(r.ptr, this.size * bytesOf(this.half ? 'float16' : this.dtype));
    if (gone) throw new TypeError(`${this.label} lives in wasm memory that was freed during the call (after the argument was read); keep the WasmTensor until the call returns`);
  }

  get data(): FloatArray {
    if (this.own !== null) return this.own;
    this.checkLive();
    const r = this.resident!;
    if (r instanceof WasmTensor) return r.data;
    const c = this.cached;
    if (c !== null && c.length === this.size) return c; // a detached view has length 0
    return (this.cached = wasmView(this.half ? 'float16' : this.dtype, r.ptr, this.size) as FloatArray);
  }
}

/** A FloatTensor of an array the library made. */
export function floatTensor(data: FloatArray, shape: number[]): FloatTensor {
  return new FloatTensor(shape, dtypeOf(data), data.length, data, null, '', isHalfArray(data));
}

/** A checked class-index argument; `at(i)` reads element i as a number. */
export interface IndexTensor {
  shape: number[];
  size: number;
  at(i: number): number;
  /** The values directly when they are a non-BigInt integer typed array (already integers): a view of the library's own. */
  typed: ArrayLike<number> | null;
}

/**
 * value[key], unless the key is found only on Object.prototype: a polluted prototype is never
 * taken for a field of the caller's object (a class's own prototype, ndarray's getters, still count).
 */
export function field(value: object, key: string): unknown {
  return hasField(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Whether value has `key` on itself or a prototype other than Object.prototype (see field()). */
function hasField(value: object, key: string): boolean {
  for (let o: object | null = value; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.prototype.hasOwnProperty.call(o, key)) return true;
  }
  return false;
}

// the messages name Float16Array only where the runtime has it
const FLOAT_EXPECTED = (Float16 ? 'a Float32Array, Float64Array or Float16Array' : 'a Float32Array or Float64Array') + ', a number[] (nested for more dims), or a { data, shape } tensor of one';
const INDEX_EXPECTED = 'an integer typed array, BigInt64Array, number[] (nested for more dims), or a { data, shape } tensor of one';

/** A Float32Array, Float64Array or Float16Array, by its internal type (a Proxy of one is not: WebAssembly cannot read it). */
export function isFloatArray(x: unknown): x is FloatArray {
  const name = typedArrayName(x);
  return name === 'Float32Array' || name === 'Float64Array' || name === 'Float16Array';
}

function isIntegerTypedArray(x: unknown): x is IntegerArray {
  const name = typedArrayName(x);
  return name !== undefined && name !== 'Float32Array' && name !== 'Float64Array' && name !== 'Float16Array';
}

function isIntegerArray(x: unknown): x is IntegerArray {
  return Array.isArray(x) || isIntegerTypedArray(x);
}

type TensorLike = Tensor<unknown> & { stride?: unknown; strides?: unknown; offset?: unknown };

function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && !Array.isArray(x) && hasField(x, 'data') && hasField(x, 'shape');
}

/**
 * The dtype of a call's float arguments: that of the first typed one (a Float32Array,
 * Float64Array or Float16Array, a tensor of one, or a WasmTensor), else float32. Plain number
 * arrays take it. `values` are the call's float arguments; `options`, its options snapshot, whose
 * tensors count too (weight, posWeight, gradOutput, gradInto). A float16 call computes in float32:
 * it returns 'float32' and sets callState.half.
 */
export function callDtype(values: readonly unknown[], options?: Record<string, unknown>): Dtype {
  const d = firstDtype(values, options);
  callState.half = d === 'float16';
  return d === 'float16' ? 'float32' : d;
}

function firstDtype(values: readonly unknown[], options?: Record<string, unknown>): StorageDtype {
  for (const v of values) {
    const d = typedDtype(v);
    if (d) return d;
  }
  if (options) {
    // the options that hold tensors
    const d = typedDtype(options.weight) ?? typedDtype(options.posWeight) ?? typedDtype(options.gradOutput)
      ?? (Array.isArray(options.gradInto) ? options.gradInto.map(typedDtype).find((x) => x) : typedDtype(options.gradInto));
    if (d) return d;
  }
  return 'float32';
}

/**
 * The dtype of a typed float value (an array, a tensor of one, a WasmTensor), else null. A value
 * that throws when looked at (a revoked Proxy, a throwing getter) is null here: floatArg reads it
 * again and reports it by name.
 */
function typedDtype(v: unknown): StorageDtype | null {
  try {
    if (isFloatArray(v)) return storageOf(v);
    if (v instanceof WasmTensor) return v.dtype;
    if (isTensorLike(v)) {
      const data = field(v, 'data');
      if (isFloatArray(data)) return storageOf(data);
    }
  } catch {
    // reported by floatArg
  }
  return null;
}

/** The TypeError for a tensor of another library, saying how to pass it (or null). */
function foreignTensor(fn: string, name: string, x: unknown): TypeError | null {
  if (typeof x !== 'object' || x === null || ArrayBuffer.isView(x)) return null;
  if (typeof field(x, 'dataSync') === 'function' && hasField(x, 'shape')) {
    return new TypeError(`${fn}: ${name} is a TensorFlow.js tensor; pass { data: t.dataSync(), shape: t.shape } (or await t.data() for the data)`);
  }
  if (hasField(x, 'dims') && hasField(x, 'data') && !hasField(x, 'shape')) {
    return new TypeError(`${fn}: ${name} looks like an onnxruntime tensor; pass { data: t.data, shape: t.dims }`);
  }
  return null;
}

/** The dtype an array's values compute in: float32 for a Float32Array or Float16Array. */
export function dtypeOf(data: FloatArray): Dtype {
  return typedArrayName(data) === 'Float64Array' ? 'float64' : 'float32';
}

/** The most elements a tensor (or any tensor derived from it) may have: the typed-array limit. */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * Checks `shape` (read once, copied): non-negative integers. Empty dims make a tensor empty but
 * still size what derives from it (a [1e12, 0] input has 1e12 rows), so the product of the
 * non-zero dims is bounded too.
 */
function checkDims(fn: string, name: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw typeError(fn, `${name}.shape`, 'an array of non-negative integers', shape);
  const copy = Array.from(shape as unknown[]);
  let span = 1;
  copy.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw rangeError(fn, `${name}.shape[${i}] must be a non-negative integer; got ${describe(d)}`);
    }
    if (d > 0) span *= d;
  });
  const dims = copy as number[];
  if (span > MAX_ELEMENTS) {
    throw rangeError(fn, `${name}.shape ${shapeString(dims)} is too large: its non-empty dims multiply to ${span}, more than the ${MAX_ELEMENTS} elements a typed array can hold`);
  }
  return dims;
}

/** Checks `shape` and that it holds `length` elements. */
function checkShape(fn: string, name: string, shape: unknown, length: number): number[] {
  const dims = checkDims(fn, name, shape);
  const size = sizeOf(dims);
  if (size !== length) {
    throw rangeError(fn, `${name}.shape ${shapeString(dims)} holds ${size} elements but ${name}.data has ${length}`);
  }
  return dims;
}

/** Row-major strides of a contiguous tensor of `shape`. */
function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

type Indexable = { readonly length: number; [i: number]: unknown };

/**
 * The elements of a tensor-like `{ data, shape, stride?, offset? }` in row-major order: `data`
 * itself when it is exactly that, a subarray for a contiguous view at an offset, else a gathered
 * copy made by `copy(n)` (a transpose, a reversed or stepped slice: ndarray's `stride` and
 * `offset`, in elements). A `strides` field (TF.js's; NumPy's, in bytes) is refused unless trivial.
 */
function stridedData<A extends Indexable>(fn: string, name: string, value: TensorLike, data: A, copy: (n: number) => A): { data: A; shape: number[] } {
  const stride = field(value, 'stride');
  const strides = field(value, 'strides');
  const offset = field(value, 'offset');
  if (stride === undefined && offset === undefined) {
    const shape = checkShape(fn, name, field(value, 'shape'), data.length);
    const row = contiguousStrides(shape);
    // (TF.js lists the strides of all dims but the last; a full list has the last too)
    if (strides !== undefined && !(Array.isArray(strides) && strides.length <= shape.length && strides.every((s, i) => s === row[i] || shape[i] <= 1))) {
      throw new TypeError(`${fn}: ${name}.strides is not supported; pass a contiguous { data, shape } copy, or ndarray's stride (in elements) and offset`);
    }
    return { data, shape };
  }
  const shape = checkDims(fn, name, field(value, 'shape'));
  const st = (stride === undefined ? contiguousStrides(shape) : stride) as number[];
  if (!Array.isArray(st) || st.length !== shape.length || !st.every((s) => typeof s === 'number' && Number.isInteger(s))) {
    throw typeError(fn, `${name}.stride`, `an array of ${shape.length} integers (one per dim of ${name}.shape)`, st);
  }
  const off = offset ?? 0;
  if (typeof off !== 'number' || !Number.isInteger(off) || off < 0) throw typeError(fn, `${name}.offset`, 'a non-negative integer', off);
  const size = sizeOf(shape);
  if (size > 0) {
    // the lowest and the highest element the view reaches must lie in data
    let lo = off;
    let hi = off;
    shape.forEach((d, i) => (st[i] < 0 ? (lo += (d - 1) * st[i]) : (hi += (d - 1) * st[i])));
    if (lo < 0 || hi >= data.length) {
      throw rangeError(fn, `${name}.stride ${shapeString(st)} and offset ${off} reach element ${lo < 0 ? lo : hi} of ${name}.data, which has ${data.length}`);
    }
  }
  const row = contiguousStrides(shape);
  if (shape.every((d, i) => d <= 1 || st[i] === row[i])) {
    if (off === 0 && data.length === size) return { data, shape };
    const view = data as unknown as { subarray: (a: number, b: number) => A; slice: (a: number, b: number) => A };
    return { data: ArrayBuffer.isView(data) ? view.subarray(off, off + size) : view.slice(off, off + size), shape };
  }
  const out = copy(size);
  const idx = new Array<number>(shape.length).fill(0);
  let at = off;
  for (let k = 0; k < size; k++) {
    out[k] = data[at];
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i]++;
      at += st[i];
      if (idx[i] < shape[i]) break;
      at -= st[i] * idx[i];
      idx[i] = 0;
    }
  }
  return { data: out, shape };
}

/**
 * The shape of a (nested) plain array, and its elements flattened into `make(size)`: a
 * RangeError for a ragged array, a TypeError for an element `leaf` refuses (described by `what`).
 * Rows may be typed arrays, of the kind a 1-D argument of this sort takes: float rows
 * (Float32Array, Float64Array) for a float argument, integer rows (BigInt64Array included) for
 * class indices; a row of the other kind is a TypeError, as the 1-D array would be.
 */
function flattenNested<A extends Indexable>(fn: string, name: string, value: readonly unknown[], make: (n: number) => A, leaf: (v: unknown) => boolean, what: string, rows: 'float' | 'index'): { data: A; shape: number[] } {
  const rowKind = (v: unknown): boolean => (rows === 'float' ? isFloatArray(v) : isIntegerTypedArray(v));
  const rowWhat = rows === 'float' ? `a number[] or Float32Array/Float64Array${Float16 ? '/Float16Array' : ''} row` : 'a number[] or integer typed array row';
  // the shape comes from the first element at each depth; every other element must agree
  const shape: number[] = [];
  let a: unknown = value;
  while (Array.isArray(a) || (shape.length > 0 && rowKind(a))) {
    const len = (a as ArrayLike<unknown>).length;
    shape.push(len);
    if (len === 0 || !Array.isArray(a)) break;
    a = a[0];
  }
  const out = make(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth > 0 && typedArrayName(v) !== undefined && !rowKind(v)) throw typeError(fn, path, rowWhat, v);
    const isRow = Array.isArray(v) || (depth > 0 && rowKind(v));
    if (depth === shape.length) {
      if (isRow) throw rangeError(fn, `${name} is ragged: ${path} is an array where ${name}'s first elements at that depth are numbers (shape ${shapeString(shape)})`);
      if (!leaf(v)) throw typeError(fn, path, what, v);
      out[k++] = v;
      return;
    }
    if (!isRow) throw rangeError(fn, `${name} is ragged: ${path} is ${describe(v)}, not an array of ${shape[depth]} (shape ${shapeString(shape)} from the first elements)`);
    const row = v as ArrayLike<unknown>;
    if (row.length !== shape[depth]) throw rangeError(fn, `${name} is ragged: ${path} has ${row.length} elements, not ${shape[depth]} (shape ${shapeString(shape)} from the first elements)`);
    for (let i = 0; i < row.length; i++) walk(row[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, name);
  return { data: out, shape };
}

const isNumber = (v: unknown): boolean => typeof v === 'number';

/**
 * A float argument as a FloatTensor (a bare typed array is 1-D). A plain number array (nested
 * for more dims), or a tensor-like whose data is one, becomes a new array of `dtype`: the call's,
 * from callDtype. A tensor-like with ndarray's `stride`/`offset` is read through them.
 */
export function floatArg(fn: string, name: string, value: FloatInput | unknown, dtype: Dtype = 'float32'): FloatTensor {
  return readArg(fn, name, () => floatArgOnce(fn, name, value, dtype));
}

/**
 * Reads the parts of a caller's object once, turning what the engine would throw (a revoked
 * Proxy, a getter that throws) into a TypeError that names the function and the argument.
 */
export function readArg<T>(fn: string, name: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof RangeError || (e instanceof TypeError && e.message.startsWith(`${fn}:`))) throw e;
    throw new TypeError(`${fn}: ${name} could not be read (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
}

function floatArgOnce(fn: string, name: string, value: unknown, dtype: Dtype): FloatTensor {
  if (value instanceof WasmTensor) {
    if (value.freed) throw new TypeError(`${fn}: ${name} is a WasmTensor that was freed; allocate a new one with allocTensor()`);
    callSpans.push(spanOf(value));
    const half = value.dtype === 'float16';
    return new FloatTensor(value.shape.slice(), half ? 'float32' : value.dtype, value.size, null, value, `${fn}: ${name}`, half);
  }
  if (isFloatArray(value)) return floatOfTyped(fn, name, value, null);
  if (Array.isArray(value)) {
    // plain numbers take the call's dtype: a float16 call's are rounded to float16, as torch.tensor(..., dtype=float16)
    const { data, shape } = flattenNested(fn, name, value, (n) => newResult(dtype, n), isNumber, 'a number', 'float');
    return new FloatTensor(shape, dtype, data.length, data, null, '', isHalfArray(data));
  }
  const foreign = foreignTensor(fn, name, value);
  if (foreign) throw foreign;
  if (isTensorLike(value)) {
    const raw = field(value, 'data');
    if (Array.isArray(raw)) {
      // read once (a Proxy or getters cannot change it later), then checked
      const numbers = Array.from(raw as unknown[]);
      numbers.forEach((v, i) => {
        if (typeof v !== 'number') throw typeError(fn, `${name}.data[${i}]`, 'a number', v);
      });
      const { data, shape } = stridedData(fn, name, value, numbers as number[], (n) => new Array<number>(n));
      const typed = newResult(dtype, data.length);
      typed.set(data);
      return new FloatTensor(shape, dtype, typed.length, typed, null, '', isHalfArray(typed));
    }
    if (!isFloatArray(raw)) throw typeError(fn, `${name}.data`, `a Float32Array, Float64Array${Float16 ? ', Float16Array' : ''} or number[]`, raw);
    return floatOfTyped(fn, name, raw, value);
  }
  if (value instanceof Float32Array || value instanceof Float64Array || (Float16 !== undefined && value instanceof Float16)) {
    throw new TypeError(`${fn}: ${name} is a Proxy or other wrapper of a ${describe(value)}, which WebAssembly cannot read; pass the typed array itself`);
  }
  if (typeof value === 'number') throw typeError(fn, name, `${FLOAT_EXPECTED} (one number: [x], or { data: [x], shape: [] })`, value);
  throw typeError(fn, name, FLOAT_EXPECTED, value);
}

/**
 * A typed float array (bare: 1-D; or the data of a tensor-like, read through its shape, stride and
 * offset). A view of wasm memory inside a live WasmTensor is read in place like the tensor; one
 * made before the memory grew, or outside any live tensor, is refused: its values are gone or
 * belong to no one.
 */
function floatOfTyped(fn: string, name: string, raw: FloatArray, value: TensorLike | null): FloatTensor {
  const dtype = dtypeOf(raw), half = isHalfArray(raw);
  const buffer = bufferOf(raw), byteOffset = byteOffsetOf(raw), length = lengthOf(raw);
  const bytes = length * bytesOf(storageOf(raw));
  const status = wasmViewStatus(buffer, byteOffset, bytes);
  if (status === 'detached') {
    throw new TypeError(`${fn}: ${name} is a view of wasm memory that was detached when the memory grew; pass the WasmTensor itself, or read its .data again just before the call`);
  }
  if (status === 'outside') {
    throw new TypeError(`${fn}: ${name} is a view of wasm memory outside any live WasmTensor; pass a WasmTensor (allocTensor) or an array of your own`);
  }
  callSpans.push({ buffer: status === 'live' ? 'wasm' : buffer, start: byteOffset, end: byteOffset + bytes });
  const own = ownView(raw);
  const make = (n: number): FloatArray => (half ? new Float16!(n) : newFloat(dtype, n));
  const { data, shape } = value ? stridedData<FloatArray>(fn, name, value, own, make) : { data: own, shape: [length] };
  if (status === 'live') {
    // a contiguous view (or part) of the tensor is read in place; a strided one was gathered into a copy
    if (bufferOf(data) === buffer) return new FloatTensor(shape, dtype, lengthOf(data), null, new WasmRange(byteOffsetOf(data)), `${fn}: ${name}`, half);
  }
  return new FloatTensor(shape, dtype, data.length, data, null, '', half);
}

/** A class-index argument. Values are checked by the loss (bounds, ignoreIndex). */
export function indexArg(fn: string, name: string, value: IndexInput | unknown): IndexTensor {
  return readArg(fn, name, () => indexArgOnce(fn, name, value));
}

function indexArgOnce(fn: string, name: string, value: unknown): IndexTensor {
  let data: unknown = value;
  let shape: number[];
  const foreign = foreignTensor(fn, name, value);
  if (foreign) throw foreign;
  if (isTensorLike(value)) {
    const raw = field(value, 'data');
    if (!isIntegerArray(raw)) throw typeError(fn, `${name}.data`, 'an integer typed array, BigInt64Array or number[]', raw);
    // a plain array (or a Proxy of one) is read once here, so a getter cannot act up later
    const once = (Array.isArray(raw) ? Array.from(raw as ArrayLike<unknown>) : ownIndexView(fn, name, raw as ArrayBufferView)) as Indexable;
    const make = (n: number) => (Array.isArray(once) ? new Array<unknown>(n) : new INDEX_ARRAYS[typedArrayName(once) as keyof typeof INDEX_ARRAYS](n)) as Indexable;
    ({ data, shape } = stridedData(fn, name, value, once, make));
  } else if (Array.isArray(value)) {
    // nested arrays give their shape (elements are checked by at())
    ({ data, shape } = flattenNested(fn, name, value, (n) => new Array<unknown>(n), () => true, 'an integer', 'index'));
  } else if (isIntegerTypedArray(value)) {
    data = ownIndexView(fn, name, value as ArrayBufferView);
    shape = [(data as IntegerArray).length];
  } else {
    throw typeError(fn, name, INDEX_EXPECTED, value);
  }
  const arr = data as IntegerArray;
  const at = (i: number): number => {
    const v = arr[i];
    if (typeof v === 'bigint') {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
        throw rangeError(fn, `${name}[${i}] is ${v}, beyond any class index`);
      }
      return Number(v);
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw rangeError(fn, `${name}[${i}] must be an integer class index; got ${describe(v)}`);
    }
    return v;
  };
  const kind = typedArrayName(arr);
  const typed = kind !== undefined && kind !== 'BigInt64Array' && kind !== 'BigUint64Array' ? (arr as ArrayLike<number>) : null;
  return { shape, size: arr.length, at, typed };
}

const INDEX_ARRAYS = { Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array } as const;

/**
 * A view of the library's own of an integer typed array; a copy when it is a view of wasm memory
 * (the call's own allocations may detach or reuse that memory), refused when already detached.
 */
function ownIndexView(fn: string, name: string, raw: ArrayBufferView): ArrayBufferView {
  const own = ownView(raw);
  const status = wasmViewStatus(bufferOf(raw), byteOffsetOf(raw), lengthOf(raw) * (own as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
  if (status === 'detached') {
    throw new TypeError(`${fn}: ${name} is a view of wasm memory that was detached when the memory grew; read the array again just before the call`);
  }
  return status === 'not-wasm' ? own : (own as Int32Array).slice();
}

/** A new result array of n values: newFloat's, or a Float16Array in a float16 call (callState). */
export function newResult(dtype: Dtype, n: number): FloatArray {
  return callStorage(dtype) === 'float16' ? new Float16!(n) : newFloat(dtype, n);
}

/**
 * In a float16 call, a new Float16Array of n values for the runtime to write a result into (it
 * narrows each block in wasm: src/wasm/half.ts); else null. Only for arrays returned as they are.
 */
export function halfOutput(dtype: Dtype, n: number): Float16ArrayLike | null {
  return callStorage(dtype) === 'float16' ? new Float16!(n) : null;
}

/**
 * `values` as a result array of the call: itself when it already is one, else a new array of the
 * call's storage dtype, each value rounded once (float32 or float64 to float16, float64 to
 * float32). The hot paths hand the runtime Float16Array outputs instead, narrowed in wasm
 * (src/wasm/half.ts): the engine's own conversion here is the slow one.
 */
export function asResult(values: ArrayLike<number>, dtype: Dtype): FloatArray {
  const storage = callStorage(dtype);
  const name = typedArrayName(values);
  if ((storage === 'float32' && name === 'Float32Array') || (storage === 'float64' && name === 'Float64Array') || (storage === 'float16' && name === 'Float16Array')) return values as FloatArray;
  const out = newResult(dtype, values.length);
  out.set(values);
  return out;
}

/** -x of each value, as a new Float64Array. A plain loop: `Float64Array.from` with a map function
 *  is tens of times slower in V8. */
export function negated(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < out.length; i++) out[i] = -x[i];
  return out;
}

const ROUND16 = Float16 ? new Float16(1) : null;

/** Rounds a float64 result to the dtype a call computes in. */
export function roundTo(dtype: Dtype, x: number): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}

/**
 * Rounds a float64 result to the dtype of the call's results: roundTo's, or float16 in a float16
 * call (callState). Only for the general path, after checkOptions: the lean path (src/lean.ts)
 * never sees float16 and does not reset callState, so it rounds with roundTo.
 */
export function roundResult(dtype: Dtype, x: number): number {
  if (dtype === 'float32' && callState.half) {
    ROUND16![0] = x;
    return ROUND16![0];
  }
  return roundTo(dtype, x);
}

/**
 * t's values over `outShape`, read only: its own array when it already has that shape (no copy),
 * else a new one, broadcast. A resident tensor is always copied out: its view of wasm memory
 * detaches when a call grows the memory.
 */
export function valuesOver(t: FloatTensor, inShape: readonly number[], outShape: readonly number[]): FloatArray {
  if (!t.resident && sameShape(inShape, outShape)) return t.data;
  return expandTo(t.data, inShape, outShape, t.dtype);
}

