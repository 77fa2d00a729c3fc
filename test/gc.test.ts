// Issue 17: no garbage per call beyond the returned result. 10^6 calls in a Node of their own (so
// that nothing else in the process collects), counted against a loop doing nothing: the lean path
// (src/lean.ts) leaves only the result (a WithGrad call into gradInto: the { loss, grad, grads }
// record, the loss's number box and the grads list; its grad is the frozen tensor over gradInto,
// made once), where the general path left about 1.7 KB a call (about 110 collections in this
// measure before the lean path). The count of each loop is the smaller of two processes': a
// process sometimes collects once or twice more (a deoptimization, the observer's own entries),
// which would make the bounds below flaky.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const relaxedFlag = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-wasm-relaxed-simd'] : [];

function collections(): Record<string, number> {
  const args = [...relaxedFlag, '--max-semi-space-size=16', '--min-semi-space-size=16', join(root, 'test/gc/loop.mjs'), join(root, 'dist/index.js')];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`test/gc/loop.mjs failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('garbage per call (young-generation collections per 10^6 calls, 16 MiB young generation)', () => {
  it('the lean path leaves no more than the result', () => {
    const a = collections(), b = collections();
    const c = Object.fromEntries(Object.keys(a).map((k) => [k, Math.min(a[k], b[k])]));
    expect(c.nothing).toBe(0);
    // Issue 17's target: at most 10. Measured 9 on Node 20 and 24: 152 bytes a call, the loop's own
    // options literal (32), the loss's number box (16), the { loss, grad, grads } record (48) and
    // the grads list (56); grad itself is the frozen tensor over gradInto, made once (src/results.ts)
    expect(c['crossEntropyWithGrad 32×10, gradInto']).toBeLessThanOrEqual(10);
    // the loop's options literal only: the result is the frozen tensor over options.out (2 measured)
    expect(c['softmax 32×10, out']).toBeLessThanOrEqual(3);
    // a number's box (1 measured)
    expect(c['crossEntropy 32×10']).toBeLessThanOrEqual(2);
    expect(c['mseLoss 1024']).toBeLessThanOrEqual(2);
  }, 240_000);
});
