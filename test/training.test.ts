// docs/training.md's code blocks run as written, as one program in order, against the built
// package (npm test builds dist/ first), and each of its training loops lowers the loss.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const guide = readFileSync(join(root, 'docs', 'training.md'), 'utf8');
const blocks = [...guide.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
/** The loss histories the guide's loops record (`const plainHistory = [];` and the like). */
const histories = [...new Set([...guide.matchAll(/const (\w+History) = /g)].map((m) => m[1]))];

describe('docs/training.md', () => {
  it('has the data block and a loop for gradInto, allocTensor, minimize and model.fit', () => {
    expect(blocks.length).toBe(5);
    expect(blocks[1]).toContain('gradInto');
    expect(blocks[2]).toContain('allocTensor');
    expect(blocks[3]).toContain('optimizer.minimize');
    expect(blocks[4]).toContain('model.fit');
    expect(histories).toEqual(['plainHistory', 'wasmHistory', 'tfHistory', 'fitHistory']);
  });

  it('runs its code blocks as one program, and every loop\'s loss falls', async () => {
    // Inside the repository, so that 'simdloss' and 'simdloss/tfjs' resolve to this package's
    // dist/ through its "exports" (as an installed package would) and tfjs to its node_modules.
    mkdirSync(join(root, 'test-results'), { recursive: true });
    const dir = mkdtempSync(join(root, 'test-results', 'training-'));
    const file = join(dir, 'guide.mjs');
    writeFileSync(file, `${blocks.join('\n')}\nexport { ${histories.join(', ')} };\n`);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, number[]>;
    for (const name of histories) {
      const h = mod[name];
      expect(h.length, name).toBeGreaterThan(10);
      expect(h.every(Number.isFinite), name).toBe(true);
      // A falling loss, not noise: at most a third of where it started (ln 3 = 1.10 at chance).
      expect(h[0], name).toBeGreaterThan(0.5);
      expect(h[h.length - 1], name).toBeLessThan(h[0] / 3);
    }
  }, 120_000);
});
