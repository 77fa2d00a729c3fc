// The README's code blocks run as written against the built package (npm test builds dist/ first),
// and every value a comment states (`crossEntropy(…); // … → 0.39743…`) is what the call gives
// (test/helpers/stated.ts; the README's TypeScript blocks are test/types.test.ts's).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkingStatedValues } from './helpers/stated';

const root = join(__dirname, '..');
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README', () => {
  it('has code blocks', () => expect(blocks.length).toBeGreaterThan(1));
  let stated = 0;
  blocks.forEach((code, i) => {
    it(`code block ${i + 1} runs`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'simdloss-readme-'));
      const file = join(dir, `block${i}.mjs`);
      const checked = checkingStatedValues(code, `README block ${i + 1}`);
      stated += checked.count;
      writeFileSync(file, checked.code.replace(/from 'simdloss'/g, `from '${pathToFileURL(join(root, 'dist', 'index.js')).href}'`));
      await expect(import(pathToFileURL(file).href)).resolves.toBeDefined();
    });
  });
  it('states values that are checked', () => expect(stated).toBeGreaterThan(0));
});
