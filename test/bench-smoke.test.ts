// `npm run bench` is not part of `npm test` (it needs Node 24 from the registry and Chromium, and
// minutes), so this keeps its Node half from rotting: one quick round of bench/node.mjs on the
// Node running the tests, on the build `npm test` just made, with the floor module. The report
// then needs the floor's rows and the data-movement timings it prints "where the time goes" from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { buildFloor } from '../bench/build-floor.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('npm run bench, Node half (quick, one round)', () => {
  it('bench/node.mjs times every quick case and the floor on a fresh build', () => {
    const floor = buildFloor();
    const out = join(mkdtempSync(join(tmpdir(), 'simdloss-bench-')), 'node.json');
    const r = spawnSync(process.execPath, [join(root, 'bench', 'node.mjs'), out, floor.wasmPath], {
      cwd: root, encoding: 'utf8', env: { ...process.env, BENCH_QUICK: '1', BENCH_TFJS: '0', BENCH_ROUNDS: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(out, 'utf8'));
    expect(run.results.length).toBeGreaterThan(0);
    expect(Object.keys(run.floor.floor)).toContain("library's f32_exp export");
    expect(Object.values(run.floor.movement).length).toBeGreaterThan(0);
  }, 120_000);

  it('bench/threads.mjs times 1 thread against 2 and writes its table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'simdloss-bench-')), 'threads.json');
    const r = spawnSync(process.execPath, [join(root, 'bench', 'threads.mjs'), out], {
      cwd: root, encoding: 'utf8', env: { ...process.env, BENCH_ROUNDS: '1', BENCH_THREADS: '2' },
    });
    expect(r.status, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(out, 'utf8'));
    expect(run.note).toMatch(/the throughput of one; threadCount\(\) 2$/);
    expect(run.results.map((x: { name: string }) => x.name)).toContain('crossEntropyWithGrad 512×32000');
    expect(run.table).toMatch(/^\| case \| data \| never threads \(plain memory\) \| 1 thread \| 2 threads \| speed-up \|/);
  }, 120_000);
});
