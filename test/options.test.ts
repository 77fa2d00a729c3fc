// Options: read once, as own properties only; gradient options only on WithGrad calls; messages
// that list exactly the options a call takes; a clear message for options that are not an object.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as sl from '../src/index';
import { crossEntropy, crossEntropyWithGrad, mseLoss, mseLossWithGrad, softmaxWithGrad } from '../src/index';
import { FUNCTIONS, makeCalls, runCalls } from './browser/calls.mjs';
import { CATALOG, optionsOf } from './catalog.mjs';

type Fn = (...args: unknown[]) => unknown;
const api = sl as unknown as Record<string, Fn>;

/** Each function's options as its message lists them (the catalogue's own options, and out); WithGrad adds gradOutput and gradInto. */
const OPTIONS: Record<string, string[]> = Object.fromEntries(CATALOG.map((e) => [e.name, optionsOf(e)]));

const isOptions = (v: unknown) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v) && !('data' in v);

/** The function's first catalogue call, with its options replaced by `options` (appended when it has none). */
function withOptions(name: string, options: unknown): unknown[] {
  const args = makeCalls(sl, 'float32')[name][0];
  return isOptions(args[args.length - 1]) ? [...args.slice(0, -1), options] : [...args, options];
}

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('every function lists exactly the options it takes', () => {
  expect(Object.keys(OPTIONS).sort()).toEqual([...FUNCTIONS].sort());
  for (const name of FUNCTIONS) {
    for (const fn of [name, `${name}WithGrad`]) {
      it(fn, () => {
        const e = thrown(() => api[fn](...withOptions(name, { bogus: 1 })));
        expect(e).toBeInstanceOf(TypeError);
        const expected = fn === name ? OPTIONS[name] : [...OPTIONS[name], 'gradOutput', 'gradInto'];
        if (expected.length === 0) {
          expect(e.message).toBe(`${fn}: unknown option 'bogus'; ${fn} takes no options`);
        } else {
          expect(e.message).toMatch(new RegExp(`^${fn}: unknown option 'bogus'; the options of ${fn} are `));
          expect(e.message.split(' are ')[1].split(', ').sort()).toEqual([...expected].sort());
        }
        // and each listed option is taken (no "unknown option" for it)
        for (const option of expected) {
          const r = (() => {
            try {
              return api[fn](...withOptions(name, { [option]: undefined }));
            } catch (err) {
              return err;
            }
          })();
          if (r instanceof Error) expect(r.message, option).not.toMatch(/unknown option|gradient option/);
        }
      });
    }
  }
});

describe('gradient options on a forward call are a TypeError', () => {
  for (const name of FUNCTIONS) {
    it(name, () => {
      for (const [option, value] of [['gradOutput', 1], ['gradInto', new Float32Array(60)]] as const) {
        const call = () => api[name](...withOptions(name, { [option]: value }));
        expect(call).toThrow(TypeError);
        expect(call).toThrow(new RegExp(`^${name}: options.${option} is a gradient option, taken only by ${name}WithGrad \\(${name} computes no gradient\\); `));
      }
    });
  }
});

describe('options that are not a plain object get their own message', () => {
  const x = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  class CeOptions {
    reduction = 'sum';
  }
  const cases: Array<[string, unknown, RegExp]> = [
    ['a typed array', new Float32Array(3), /crossEntropy: options must be a plain object such as \{ reduction: 'sum' \}; got Float32Array\(3\) \(a tensor where the options go: they are the last argument\)/],
    ['an array', [1, 2], /options must be a plain object .*; got Array\(2\) \(an array where the options go/],
    ['a Map', new Map([['reduction', 'sum']]), /options must be a plain object .*; got Map \(use an object literal, not a Map\)/],
    ['a class instance', new CeOptions(), /options must be a plain object .*; got CeOptions \(copy the fields into an object literal/],
    ['an object with inherited options', Object.create({ reduction: 'sum' }), /options must be a plain object .*; got object \(copy the fields into an object literal: class instances and inherited fields are not read\)/],
    ['null', null, /options must be a plain object .*; got null$/],
    ['a string', 'sum', /options must be a plain object .*; got 'sum'$/],
    ['a function', () => 'sum', /options must be a plain object .*; got function$/],
  ];
  for (const [name, options, message] of cases) {
    it(name, () => {
      const call = () => crossEntropy(x, [0, 1], options as never);
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  }
  it('an object literal, Object.create(null) and an object of another realm are plain', () => {
    const sum = crossEntropy(x, [0, 1], { reduction: 'sum' });
    expect(crossEntropy(x, [0, 1], Object.assign(Object.create(null), { reduction: 'sum' }))).toBe(sum);
    expect(crossEntropy(x, [0, 1], runInNewContext("({ reduction: 'sum' })"))).toBe(sum);
  });
  it('a snake_case name gets the camelCase one suggested', () => {
    expect(() => crossEntropy(x, [0, 1], { ignore_index: 0 } as object)).toThrow(/unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\); the options of crossEntropy are/);
  });
});

describe('options are read once, own properties only', () => {
  it('Object.prototype pollution changes nothing, in any function (forward and WithGrad)', () => {
    const clean = runCalls(sl);
    const polluted: Record<string, unknown> = {
      reduction: 'none', gradOutput: 5, gradInto: new Float32Array(60), weight: new Float32Array(10), dim: 0, ignoreIndex: 1,
      labelSmoothing: 0.5, margin: 3, p: 1, eps: 0.5, keepdim: true, swap: true, full: true, logInput: false, logTarget: true, blank: 1,
      zeroInfinity: true, alpha: 0.9, gamma: 0, version: 'v3', iouMean: 0.5, momentum: 1, posWeight: new Float32Array(10),
    };
    const proto = Object.prototype as Record<string, unknown>;
    let dirty: typeof clean;
    try {
      for (const [k, v] of Object.entries(polluted)) proto[k] = v;
      dirty = runCalls(sl);
    } finally {
      for (const k of Object.keys(polluted)) delete proto[k];
    }
    expect(dirty.results).toEqual(clean.results);
    expect(polluted.gradInto).toEqual(new Float32Array(60)); // never written to
  });

  it('each option is read exactly once per call (a getter cannot change its value mid-call)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const calls = makeCalls(sl, dtype);
      for (const name of FUNCTIONS) {
        for (const args of calls[name]) {
          const last = args[args.length - 1];
          if (!isOptions(last)) continue;
          for (const fn of [name, `${name}WithGrad`]) {
            const reads: Record<string, number> = {};
            const proxy = new Proxy(last as object, {
              get(target, key, receiver) {
                reads[String(key)] = (reads[String(key)] ?? 0) + 1;
                return Reflect.get(target, key, receiver);
              },
            });
            api[fn](...args.slice(0, -1), proxy);
            for (const key of Object.keys(last as object)) expect(reads[key], `${dtype} ${fn} ${key}`).toBe(1);
          }
        }
      }
    }
  });

  it('gradInto and gradOutput are read from the snapshot: a getter that changes its answer is read once', () => {
    const x = { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
    const a = new Float32Array(6);
    const b = new Float32Array(6);
    let n = 0;
    const r = crossEntropyWithGrad(x, [0, 1], { get gradInto() { return n++ === 0 ? a : b; } });
    expect(n).toBe(1);
    expect(r.grad.data).toBe(a);
    expect(b).toEqual(new Float32Array(6));
    let m = 0;
    const s = softmaxWithGrad(x, { get gradOutput() { return m++ === 0 ? { data: new Float32Array(6).fill(2), shape: [2, 3] } : undefined; } });
    expect(m).toBe(1);
    expect(s.grad).toEqual(softmaxWithGrad(x, { gradOutput: { data: new Float32Array(6).fill(2), shape: [2, 3] } }).grad);
  });

  it('a reduction set on the prototype does not apply; an own one does', () => {
    const a = new Float32Array([1, 2]);
    const proto = { reduction: 'sum' };
    expect(() => mseLoss(a, a, Object.create(proto))).toThrow(/plain object/);
    expect(typeof mseLossWithGrad(a, a, { reduction: 'sum' }).loss).toBe('number');
  });
});
