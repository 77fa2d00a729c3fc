// Issue 21: the layers of src/ hold (docs/CONTRACT.md, "Layers"): dependency-cruiser checks the
// rules of .dependency-cruiser.cjs (no cycles; the references import only leaves; losses never
// import the arena or resident tensors; option checks and shape helpers know nothing of wasm
// memory; dtypes.ts and errors.ts are leaves). A violation fails here, naming the import.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('src/ keeps its layers (dependency-cruiser)', () => {
  const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  const r = spawnSync(process.execPath, [cli, 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.stdout + r.stderr).toContain('no dependency violations found');
  expect(r.status).toBe(0);
}, 120_000);
