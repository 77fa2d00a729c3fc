// Option checking shared by every function, and turning per-element losses into the result.
import { describe, rangeError, shapeString, typeError } from './errors';
import { callSpans, callState, callStorage, floatArg, isFloatArray, readArg, type FloatTensor } from './tensor';
import { newFloat, sameShape, sizeOf } from './shapes';
import type { Dtype, FloatArray, Reduction, WithGrad } from './types';

/**
 * The call's options as read once: a copy of the own enumerable properties on a prototype chain
 * that holds nothing (see Snapshot), so nothing inherited (`Object.prototype.reduction = 'none'`)
 * and no later change reaches the call. Every option is read from it, gradOutput and gradInto included.
 */
export type CheckedOptions = Record<string, unknown>;

/**
 * Snapshots are made by `new Snapshot()`: their prototype has no properties and no prototype, so
 * a missing option reads undefined whatever Object.prototype holds (and V8 keeps such objects
 * fast, unlike Object.create(null)'s dictionaries).
 */
const Snapshot = function Snapshot() {} as unknown as new () => CheckedOptions;
Snapshot.prototype = Object.create(null);

/** The options only `…WithGrad` calls take. */
const GRAD_OPTIONS = ['gradOutput', 'gradInto'] as const;

/** A plain object: an object literal, Object.create(null), or one from another realm (not an array, a typed array, a Map or a class instance). */
function isPlainObject(x: unknown): x is object {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Checks the options object and snapshots it (see CheckedOptions). `allowed` are the function's own
 * options; a `WithGrad` call (`wantGrad`) takes gradOutput and gradInto too. Unknown names (a
 * snake_case spelling, a gradient option on a forward call) are a TypeError listing exactly the
 * options the call takes.
 */
export function checkOptions(fn: string, options: unknown, allowed0: readonly string[], wantGrad = false): CheckedOptions {
  callSpans.length = 0; // a new call (see callSpans, callState)
  callState.half = false;
  // every function with a tensor result takes options.out: those with a reduction, and the ones listing it
  const allowed = allowed0.includes('reduction') && !allowed0.includes('out') ? [...allowed0, 'out'] : allowed0;
  // a revoked Proxy throws when looked at: readArg names the function
  return readArg(fn, 'options', () => snapshotOptions(fn, options, allowed, wantGrad));
}

function snapshotOptions(fn: string, options: unknown, allowed: readonly string[], wantGrad: boolean): CheckedOptions {
  const snapshot = new Snapshot();
  if (options === undefined) return snapshot;
  if (!isPlainObject(options)) {
    const hint = ArrayBuffer.isView(options) || Array.isArray(options)
      ? ` (${Array.isArray(options) ? 'an array' : 'a tensor'} where the options go: they are the last argument)`
      : options instanceof Map ? ' (use an object literal, not a Map)'
        : typeof options === 'object' && options !== null ? ' (copy the fields into an object literal: class instances and inherited fields are not read)' : '';
    throw new TypeError(`${fn}: options must be a plain object such as { reduction: 'sum' }; got ${describe(options)}${hint}`);
  }
  const accepted = (key: string) => allowed.includes(key) || (wantGrad && (GRAD_OPTIONS as readonly string[]).includes(key));
  for (const key of Object.keys(options)) {
    if (!accepted(key)) {
      const all = wantGrad ? [...allowed, ...GRAD_OPTIONS] : allowed;
      const list = all.length ? `the options of ${fn} are ${all.join(', ')}` : `${fn} takes no options`;
      if ((GRAD_OPTIONS as readonly string[]).includes(key)) {
        throw new TypeError(`${fn}: options.${key} is a gradient option, taken only by ${fn}WithGrad (${fn} computes no gradient); ${list}`);
      }
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = camel !== key && accepted(camel) ? ` (did you mean '${camel}'?)` : '';
      throw new TypeError(`${fn}: unknown option '${key}'${hint}; ${list}`);
    }
    snapshot[key] = (options as Record<string, unknown>)[key];
  }
  return snapshot;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

export function reductionOption<R extends string = Reduction>(fn: string, value: unknown, allowed: readonly R[] = REDUCTIONS as unknown as R[], fallback: R = 'mean' as R): R {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as R)) {
    const list = allowed.map((r) => `'${r}'`).join(', ');
    throw rangeError(fn, `options.reduction must be one of ${list}; got ${describe(value)}`);
  }
  return value as R;
}

/** A finite number option satisfying `ok`, described by `expected` in the error. */
export function numberOption(fn: string, name: string, value: unknown, fallback: number, ok: (x: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw typeError(fn, `options.${name}`, expected, value);
  if (Number.isNaN(value) || !ok(value)) {
    throw rangeError(fn, `options.${name} must be ${expected}; got ${describe(value)}`);
  }
  return value;
}

export function integerOption(fn: string, name: string, value: unknown, fallback: number): number {
  return numberOption(fn, name, value, fallback, Number.isInteger, 'an integer');
}

/**
 * A float argument that must have the call's dtype (a plain number array is made one);
 * `name` as the user sees it ('options.weight').
 */
export function floatOfDtype(fn: string, name: string, value: unknown, dtype: Dtype): FloatTensor {
  const t = floatArg(fn, name, value, dtype);
  const want = callStorage(dtype), got = t.half ? 'float16' : t.dtype;
  if (got !== want) {
    throw new TypeError(`${fn}: all float arguments must share one dtype; the call's is ${ARRAY_NAMES[want]} (its first typed argument's) but ${name} is ${ARRAY_NAMES[got]}`);
  }
  return t;
}

const ARRAY_NAMES = { float32: 'Float32Array', float64: 'Float64Array', float16: 'Float16Array' } as const;

/** An optional float tensor option (e.g. weight), checked for dtype against the call's. */
export function floatOption(fn: string, name: string, value: unknown, dtype: Dtype): FloatTensor | undefined {
  return value === undefined ? undefined : floatOfDtype(fn, `options.${name}`, value, dtype);
}

/** The upstream gradient: a number for a scalar result, or a tensor of the result's shape. */
export type Upstream = { scalar: number; tensor?: undefined } | { scalar?: undefined; tensor: FloatArray };

export function upstreamOption(fn: string, value: unknown, outShape: readonly number[] | null, dtype: Dtype): Upstream {
  if (outShape === null) {
    if (value === undefined) return { scalar: 1 };
    if (typeof value !== 'number') throw typeError(fn, 'options.gradOutput', 'a number for a scalar result', value);
    return { scalar: value };
  }
  if (value === undefined) {
    const ones = newFloat(dtype, sizeOf(outShape));
    ones.fill(1);
    return { tensor: ones };
  }
  const g = floatOption(fn, 'gradOutput', value, dtype)!;
  // A bare (typed or flat plain) array only has to hold the right number of elements; a tensor must match the shape.
  const bare = isFloatArray(value) || (Array.isArray(value) && !value.some(Array.isArray));
  const fits = bare ? g.size === sizeOf(outShape) : sameShape(g.shape, outShape);
  if (!fits) {
    throw rangeError(fn, `options.gradOutput must have the result's shape ${shapeString(outShape)}; got ${shapeString(g.shape)}`);
  }
  // A resident gradOutput is copied: a view of wasm memory detaches when the call grows memory.
  return { tensor: g.resident ? g.data.slice() : g.data };
}

/** How the reduction scales the gradient: per-element upstream for 'none', g or g/denominator otherwise. */
export function gradScaling(reduction: Reduction, upstream: Upstream, denominator: number): { gradRow: FloatArray | null; gradScale: number } {
  if (reduction === 'none') return { gradRow: upstream.tensor!, gradScale: 1 };
  return { gradRow: null, gradScale: reduction === 'sum' ? upstream.scalar! : upstream.scalar! / denominator };
}

