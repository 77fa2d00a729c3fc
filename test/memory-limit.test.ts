// In a file of its own: the module instance is fresh, so memoryUsage() shows this test's peak.
import { describe, expect, it } from 'vitest';
import { crossEntropyWithGrad, memoryUsage, setBackend, setMemoryLimit, sigmoidWithGrad, softmaxWithGrad } from '../src/index';
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
});
