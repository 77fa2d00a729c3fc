// In a file of its own: the module instance is fresh, so memoryUsage() shows this test's peak.
import { describe, expect, it } from 'vitest';
import {
  cosineEmbeddingLossWithGrad, crossEntropyWithGrad, generalizedBoxIouLossWithGrad, memoryUsage, multiMarginLossWithGrad, setBackend, setMemoryLimit,
  sigmoidFocalLossWithGrad, sigmoidWithGrad, softmaxWithGrad, tripletMarginWithDistanceLossWithGrad,
} from '../src/index';
import type { WithGrad } from '../src/types';
import type { Tensor } from '../src/types';
import { expectClose } from './helpers/fixtures';
import { randomFloats, rng } from './helpers/numeric';

describe('the memory limit', () => {
  it('a call larger than the limit runs in chunks: memory stays under it, the value is right', () => {
    setMemoryLimit(4 * 1024 * 1024);
    try {
      const random = rng(3);
      const N = 2048, C = 1000; // 8 MB of float32 logits, 2× the limit, plus the gradient
      const x: Tensor = { data: randomFloats('float32', N * C, random), shape: [N, C] };
      const t = Int32Array.from({ length: N }, () => Math.floor(random() * C));
      const a = crossEntropyWithGrad(x, t, { reduction: 'sum' });
      expect(memoryUsage()).toBeLessThanOrEqual(4 * 1024 * 1024);
      setBackend('js');
      const b = crossEntropyWithGrad(x, t, { reduction: 'sum' });
      setBackend('wasm-simd');
      expectClose([a.loss as number], [b.loss as number], 'float32', 'chunked loss', 10);
      expectClose(a.grad.data, b.grad.data, 'float32', 'chunked grad', 10);
    } finally {
      setBackend('wasm-simd');
      setMemoryLimit(64 * 1024 * 1024);
    }
  });


  it('softmax and sigmoid run in chunks too', () => {
    setMemoryLimit(4 * 1024 * 1024);
    try {
      const random = rng(4);
      const x: Tensor = { data: randomFloats('float32', 2048 * 1000, random), shape: [2048, 1000] };
      const gradOutput = { data: randomFloats('float32', 2048 * 1000, random), shape: [2048, 1000] };
      const a = softmaxWithGrad(x, { gradOutput });
      const s = sigmoidWithGrad(x, { gradOutput });
      expect(memoryUsage()).toBeLessThanOrEqual(4 * 1024 * 1024);
      setBackend('js');
      const b = softmaxWithGrad(x, { gradOutput });
      const t = sigmoidWithGrad(x, { gradOutput });
      expectClose(a.loss.data, b.loss.data, 'float32', 'softmax', 10);
      expectClose(a.grad.data, b.grad.data, 'float32', 'softmax grad', 10);
      expectClose(s.loss.data, t.loss.data, 'float32', 'sigmoid', 10);
      expectClose(s.grad.data, t.grad.data, 'float32', 'sigmoid grad', 10);
    } finally {
      setBackend('wasm-simd');
      setMemoryLimit(64 * 1024 * 1024);
    }
  });

  it("the catalogue's row, pair and elementwise kernels run in chunks too", () => {
    setMemoryLimit(4 * 1024 * 1024);
    try {
      const random = rng(5);
      const [N, D] = [1024, 1000]; // 4 MB per float32 argument
      const t = (): Tensor => ({ data: randomFloats('float32', N * D, random), shape: [N, D] });
      const [a, b, c] = [t(), t(), t()];
      const labels = Int32Array.from({ length: N }, () => Math.floor(random() * D));
      const boxes = (): Tensor => {
        const data = new Float32Array(4 * 2 ** 17);
        for (let i = 0; i < data.length; i += 4) data.set([random(), random(), 1 + random(), 1 + random()], i);
        return { data, shape: [2 ** 17, 4] };
      };
      const [b1, b2] = [boxes(), boxes()];
      const calls: Array<[string, () => WithGrad]> = [
        ['multiMarginLoss', () => multiMarginLossWithGrad(a, labels, { p: 2 })],
        ['tripletMarginWithDistanceLoss', () => tripletMarginWithDistanceLossWithGrad(a, b, c, { distance: 'cosine', swap: true })],
        ['cosineEmbeddingLoss', () => cosineEmbeddingLossWithGrad(a, b, Int32Array.from(labels, (v) => (v % 2 ? 1 : -1)))],
        ['sigmoidFocalLoss', () => sigmoidFocalLossWithGrad(a, { data: b.data.map((v) => (v > 0 ? 1 : 0)), shape: b.shape }, { reduction: 'sum' })],
        ['generalizedBoxIouLoss', () => generalizedBoxIouLossWithGrad(b1, b2, { reduction: 'mean' })],
      ];
      for (const [name, call] of calls) {
        const x = call();
        expect(memoryUsage(), name).toBeLessThanOrEqual(4 * 1024 * 1024);
        setBackend('js');
        const y = call();
        setBackend('wasm-simd');
        expectClose([x.loss as number], [y.loss as number], 'float32', `${name} loss`, 10);
        x.grads.forEach((g, i) => expectClose(g.data, y.grads[i].data, 'float32', `${name} grads[${i}]`, 10));
      }
    } finally {
      setBackend('wasm-simd');
      setMemoryLimit(64 * 1024 * 1024);
    }
  });
});
