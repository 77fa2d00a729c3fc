// The machinery of simdloss/tfjs: reading tf tensors into simdloss's arguments, one tf.customGrad
// per call whose gradient is the loss's …WithGrad result, and the one-time GPU warning.
// It imports simdloss only through '../index' (the public API), which the build maps to the
// 'simdloss' package, so an app holds one copy of the library and its wasm memory.
import { customGrad, engine, getBackend, scalar, tensor, Tensor as TfTensor, zeros, zerosLike } from '@tensorflow/tfjs-core';

/** How an argument is read. */
export type ArgKind =
  | 'float' //     a float tensor: Float32Array (an int32 or bool tensor converted)
  | 'index' //     class indices / lengths: Int32Array (float tensors must hold integers)
  | 'ceTarget' //  crossEntropy's target: probabilities when a float tensor has the input's shape, else indices
  | 'floatOrNumber' // gaussianNllLoss's variance: a float tensor, or a number passed as is
  | 'segTarget'; // the Dice family's target: class indices with toOnehotY (C > 1), else float and differentiated

/** What keras() does with yTrue before the loss sees it. */
export type KerasTarget = 'as-is' | 'indices' | 'indices-or-probabilities' | 'multilabel';

export interface LossSpec {
  /** Each positional argument: its name (for messages), how it is read, whether PyTorch differentiates it. */
  args: readonly (readonly [name: string, kind: ArgKind, diff: boolean])[];
  keras: KerasTarget;
}

type Fn = (...args: unknown[]) => unknown;
interface SimdTensor { data: Float32Array | Float64Array; shape: number[] }
interface GradResult { loss: number | SimdTensor; grads: SimdTensor[]; iouMean?: number }

/** What an adapted loss carries for keras(): found under this symbol. */
export const ADAPTED = Symbol('simdloss/tfjs adapted loss');
export interface AdaptedInfo {
  name: string;
  spec: LossSpec;
  /** Runs the loss on (input, target, ...), yTrue converted for a Keras call when `keras` is set. */
  call(args: unknown[], keras: boolean): TfTensor;
}

const MODULE = 'simdloss/tfjs';

export function describeValue(v: unknown): string {
  if (v instanceof TfTensor) return `a ${v.dtype} tf.Tensor of shape [${v.shape.join(', ')}]`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

// ---- the GPU warning ----

/** Backends whose tensors already live in CPU memory, so dataSync() is a copy, not a GPU stall. */
const CPU_BACKENDS = new Set(['cpu', 'wasm']);
let warned = false;

/**
 * Warns once per process on a backend other than cpu or wasm: tf.customGrad's forward function is
 * synchronous, so the loss can only read its inputs with dataSync(), which waits for a GPU backend
 * to finish and copies back every step.
 */
export function noteBackend(name: string, warn: (message: string) => void = console.warn): void {
  if (warned || CPU_BACKENDS.has(name)) return;
  warned = true;
  warn(`${MODULE}: the TensorFlow.js backend is '${name}'. simdloss computes on the CPU: each loss call reads its `
    + 'input tensors back with dataSync() (tf.customGrad has no async form), which stalls a GPU backend until its queue '
    + "is done. The 'cpu' and 'wasm' backends do not pay this. (This warning is shown once.)");
}

/** For tests: forget that the warning was shown. @internal */
export function resetBackendWarning(): void {
  warned = false;
}

// ---- reading tensors ----

/** A tensor's values as Float32Array: cpu keeps a cast tensor's int32 storage, so never assume the dtype's array. */
function floatData(t: TfTensor): Float32Array {
  const d = t.dataSync() as ArrayLike<number>;
  return d instanceof Float32Array ? d : Float32Array.from(d);
}

function indexData(fn: string, arg: string, t: TfTensor): Int32Array {
  const d = t.dataSync() as ArrayLike<number>;
  if (d instanceof Int32Array) return d;
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    // An int32 holds every class index, and |v| < 2^31 keeps the conversion exact.
    if (!Number.isInteger(v) || Math.abs(v) >= 2 ** 31) {
      throw new TypeError(`${fn} (${MODULE}): ${arg} must hold integers (class indices or lengths); ${describeValue(t)} has ${v} at flat index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/** yTrue as Keras gives it (one-hot / multi-hot rows, or sparse class indices) made into the loss's target. */
function kerasTarget(fn: string, mode: KerasTarget, yTrue: TfTensor, yPred: TfTensor): unknown {
  if (mode === 'as-is') return { data: floatData(yTrue), shape: yTrue.shape };
  const dense = sameShape(yTrue.shape, yPred.shape);
  if (yPred.shape.length !== 2) {
    throw new RangeError(`keras(${fn}) (${MODULE}): yPred must be (batch, classes), since Keras puts the class dimension last and PyTorch's losses put it at dim 1; got ${describeValue(yPred)}`);
  }
  const [n, c] = yPred.shape;
  if (!dense) {
    // Sparse labels: (batch) or (batch, 1) class indices.
    if (mode === 'multilabel' || !(sameShape(yTrue.shape, [n]) || sameShape(yTrue.shape, [n, 1]))) {
      throw new RangeError(`keras(${fn}) (${MODULE}): yTrue must be ${mode === 'multilabel' ? 'multi-hot' : 'one-hot'} with yPred's shape [${n}, ${c}]${mode === 'multilabel' ? '' : ` or class indices of shape [${n}] or [${n}, 1]`}; got ${describeValue(yTrue)}`);
    }
    return { data: indexData(`keras(${fn})`, 'yTrue', yTrue), shape: [n] };
  }
  const d = floatData(yTrue);
  if (mode === 'multilabel') {
    // multilabel_margin_loss wants each row's label indices first, then -1.
    const out = new Int32Array(n * c).fill(-1);
    for (let i = 0; i < n; i++) {
      let k = 0;
      for (let j = 0; j < c; j++) {
        const v = d[i * c + j];
        if (v !== 0 && v !== 1) throw new TypeError(`keras(${fn}) (${MODULE}): yTrue must be multi-hot (0 or 1); got ${v} at [${i}, ${j}]`);
        if (v === 1) out[i * c + k++] = j;
      }
    }
    return { data: out, shape: [n, c] };
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let hot = -1;
    let oneHot = true;
    for (let j = 0; j < c && oneHot; j++) {
      const v = d[i * c + j];
      if (v === 1 && hot < 0) hot = j;
      else if (v !== 0) oneHot = false;
    }
    if (!oneHot || hot < 0) {
      // crossEntropy takes the row as class probabilities (label smoothing, soft labels) as PyTorch does.
      if (mode === 'indices-or-probabilities') return { data: d, shape: [n, c] };
      throw new TypeError(`keras(${fn}) (${MODULE}): yTrue must be one-hot rows (one 1, the rest 0) or class indices; row ${i} is [${Array.from(d.subarray(i * c, i * c + c), (v) => Number(v.toPrecision(7))).join(', ')}]`);
    }
    out[i] = hot;
  }
  return { data: out, shape: [n] };
}

function readArg(fn: string, spec: LossSpec, i: number, t: TfTensor, input: TfTensor, labels: boolean): unknown {
  const [name, kind] = spec.args[i];
  if (kind === 'float' || kind === 'floatOrNumber' || (kind === 'segTarget' && !labels)) return { data: floatData(t), shape: t.shape };
  if (kind === 'ceTarget' && t.dtype === 'float32' && sameShape(t.shape, input.shape)) return { data: floatData(t), shape: t.shape };
  return { data: indexData(fn, name, t), shape: t.shape };
}

// ---- options ----

/** simdloss's options with tf tensors (weight, posWeight) read once into Float32Arrays. */
function readOptions(fn: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`losses.${fn} (${MODULE}): options must be a plain object; got ${describeValue(options)}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(options)) {
    if (key === 'gradOutput' || key === 'gradInto' || key === 'out') {
      throw new TypeError(`losses.${fn} (${MODULE}): options.${key} is not an option here: the adapter passes tf's upstream gradient and makes the result and gradient tensors; got ${describeValue((options as Record<string, unknown>)[key])}`);
    }
    const v = (options as Record<string, unknown>)[key];
    out[key] = v instanceof TfTensor ? { data: floatData(v), shape: v.shape } : v;
  }
  return out;
}

// ---- the adapted call ----

/** tf.grad, variableGrads and optimizer.minimize record while gradientDepth > 0. */
function taping(): boolean {
  const state = (engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return state?.gradientDepth === undefined ? true : state.gradientDepth > 0;
}

function toTf(loss: number | SimdTensor): TfTensor {
  return typeof loss === 'number' ? scalar(loss, 'float32') : tensor(loss.data, loss.shape, 'float32');
}

/**
 * Makes the tf function of one loss. `plain` and `withGrad` are simdloss's pair; `options` its
 * options (read once here, as simdloss reads its own).
 */
export function adapt(name: string, spec: LossSpec, plain: Fn, withGrad: Fn, options: unknown): AdaptedInfo & { iouMean?: number } {
  const opts = readOptions(name, options);
  // Wise-IoU v3's running mean: carried from call to call (simdloss returns it; PyTorch code keeps it as state).
  const v3 = name === 'wiseIouLoss' && opts.version === 'v3';
  const info: AdaptedInfo & { iouMean?: number } = {
    name,
    spec,
    iouMean: v3 ? (opts.iouMean as number | undefined) : undefined,
    call(argsIn: unknown[], keras: boolean): TfTensor {
      noteBackend(getBackend());
      const where = keras ? `keras(${name}) (${MODULE})` : `losses.${name} (${MODULE})`;
      const n = spec.args.length;
      if (argsIn.length !== n) {
        throw new TypeError(`${where}: takes ${n} arguments (${spec.args.map((a) => a[0]).join(', ')}); got ${argsIn.length}`);
      }
      const args = argsIn.slice();
      // the Dice family's target is class indices (not differentiated) with toOnehotY and C > 1
      const labelsAt = (i: number) => spec.args[i][1] === 'segTarget' && opts.toOnehotY === true && args[0] instanceof TfTensor && args[0].shape[1] !== 1;
      spec.args.forEach(([arg, kind, diff0], i) => {
        const a = args[i];
        const diff = diff0 && !labelsAt(i);
        // A differentiated argument must be a tensor (its gradient goes to it); the others may be
        // anything simdloss takes (class indices as arrays, ±1 targets), passed to it as they are.
        const ok = a instanceof TfTensor || (kind === 'floatOrNumber' && typeof a === 'number') || (!diff && a !== undefined && a !== null);
        if (!ok) {
          throw new TypeError(`${where}: ${arg} must be a tf.Tensor${kind === 'floatOrNumber' ? ' or a number' : diff ? '' : ' or an array'}; got ${describeValue(a)}`);
        }
      });
      const input = args[0] as TfTensor;
      const tensorAt = args.map((a, i) => (a instanceof TfTensor ? i : -1)).filter((i) => i >= 0);
      const inputs = tensorAt.map((i) => args[i] as TfTensor);
      // simdloss's grads: one per differentiated argument given as a tensor, in argument order.
      const gradOf = new Map<number, number>();
      for (const i of tensorAt) if (spec.args[i][2] && !labelsAt(i)) gradOf.set(i, gradOf.size);

      const f = customGrad(((...xs: unknown[]) => {
        void xs; // the same tensors as `inputs`; the last one is tf's save()
        const values = args.map((a, i) => {
          if (!(a instanceof TfTensor)) return a;
          if (keras && i === 1) return kerasTarget(name, spec.keras, a, input);
          return readArg(name, spec, i, a, input, labelsAt(i));
        });
        const callOpts = v3 ? { ...opts, iouMean: info.iouMean } : opts;
        // When a gradient will be asked for (tf is recording), one fused call gives the loss and the
        // gradient for an upstream of 1, the case of a loss at the end of the graph.
        const fused = taping() ? (withGrad(...values, callOpts) as GradResult) : null;
        // Wise-IoU v3 (plain or fused) returns { loss, iouMean }; the others' plain call, the loss.
        const out = fused ?? (plain(...values, callOpts) as number | SimdTensor | { loss: number | SimdTensor; iouMean: number });
        const loss = (fused || v3 ? (out as { loss: number | SimdTensor }).loss : out) as number | SimdTensor;
        if (v3) info.iouMean = (out as { iouMean: number }).iouMean;
        return {
          value: toTf(loss),
          gradFunc: (dy: TfTensor) => {
            let upstream: number | SimdTensor;
            let ones: boolean;
            if (typeof loss === 'number') {
              upstream = dy.dataSync()[0];
              ones = upstream === 1;
            } else {
              const d = floatData(dy);
              upstream = { data: d, shape: dy.shape };
              ones = d.every((v) => v === 1);
            }
            // The fused result has an upstream of 1 (ones): the same numbers as this call, bit for bit.
            const r = fused && ones ? fused : (withGrad(...values, { ...callOpts, gradOutput: upstream }) as GradResult);
            if (r.grads.length !== gradOf.size) {
              throw new Error(`${where}: internal: ${r.grads.length} gradients from ${name}WithGrad, expected ${gradOf.size}`);
            }
            return tensorAt.map((i, k) => {
              const g = gradOf.get(i);
              if (g !== undefined) return tensor(r.grads[g].data, inputs[k].shape, 'float32');
              // tf wants a float32 gradient for every input, class indices included (zerosLike keeps int32).
              return inputs[k].dtype === 'float32' ? zerosLike(inputs[k]) : zeros(inputs[k].shape, 'float32');
            });
          },
        };
      }) as never) as (...ts: TfTensor[]) => TfTensor;
      return f(...inputs);
    },
  };
  return info;
}
