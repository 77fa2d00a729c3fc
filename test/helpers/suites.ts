// The test shapes every family repeats: its PyTorch fixture cases on both backends and dtypes,
// and running one call on both backends.
import { describe, expect, it } from 'vitest';
import { setBackend } from '../../src/index';
import type { Dtype, Tensor, WithGrad } from '../../src/types';
import { caseArgs, caseScale, expectClose, expectGrads, expectLoss, loadFixture, type FixtureCase } from './fixtures';

export const DTYPES: Dtype[] = ['float32', 'float64'];

type Fn = (...args: unknown[]) => unknown;

export interface FixtureSuiteOptions {
  /** What a "throws" case must throw (an error type or a message pattern). */
  throws: ErrorConstructor | RegExp;
  /** The absolute-tolerance scale of a case (default: its largest input magnitude). */
  scale?: (c: FixtureCase) => number;
  /** Functions that take no options object (sigmoid). */
  noOptions?: string[];
}

/** Every case of test/fixtures/torch/<family>.json, on both backends, in both dtypes: value and gradients. */
export function fixtureSuite(family: string, fns: Record<string, Fn>, o: FixtureSuiteOptions): void {
  describe(`${family}: PyTorch fixtures`, () => {
    const fixture = loadFixture(family);
    for (const backendName of ['wasm-simd', 'js'] as const) {
      for (const dtype of DTYPES) {
        for (const c of fixture.cases) {
          it(`${backendName} ${dtype} ${c.name}`, () => {
            setBackend(backendName);
            try {
              const { args, options } = caseArgs(c, dtype);
              const call = (name: string, extra: Record<string, unknown> = {}) =>
                o.noOptions?.includes(name) ? fns[name](...args) : fns[name](...args, { ...options, ...extra });
              if (c.throws) {
                expect(() => call(c.fn)).toThrow(o.throws);
                return;
              }
              const scale = o.scale ? o.scale(c) : caseScale(c);
              expectLoss(call(c.fn) as number | Tensor, c.expected!.loss, dtype, c.name, scale);
              const gradOutput = c.gradOutput ? caseArgs({ ...c, args: [c.gradOutput] }, dtype).args[0] : undefined;
              const r = call(`${c.fn}WithGrad`, gradOutput ? { gradOutput } : {}) as WithGrad;
              expectLoss(r.loss, c.expected!.loss, dtype, `${c.name} (WithGrad loss)`, scale);
              expectGrads(r.grads, c.expected!.grads!, dtype, c.name, scale);
              expect(r.grad).toBe(r.grads[0]);
            } finally {
              setBackend('wasm-simd');
            }
          });
        }
      }
    }
  });
}

/** f() on the wasm-simd backend and on the js backend (the float64 reference). */
export function onBothBackends<T>(f: () => T): [T, T] {
  setBackend('wasm-simd');
  const a = f();
  setBackend('js');
  try {
    return [a, f()];
  } finally {
    setBackend('wasm-simd');
  }
}

/** Two WithGrad results agree in loss and every gradient (tolerance scale 10). */
export function expectSameResult(a: WithGrad, b: WithGrad, dtype: Dtype, what: string): void {
  if (typeof a.loss === 'number') expectClose([a.loss], [b.loss as number], dtype, `${what} loss`, 10);
  else expectClose(a.loss.data, (b.loss as Tensor).data, dtype, `${what} loss`, 10);
  expect(a.grads.length, `${what}: number of grads`).toBe(b.grads.length);
  a.grads.forEach((g, i) => expectClose(g.data, b.grads[i].data, dtype, `${what} grads[${i}]`, 10));
}
