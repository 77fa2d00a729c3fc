// npm run bench: simdloss against the plain-JS baseline (and TF.js's wasm backend) on today's
// runtimes, one after the other on the same build:
//   - Node 24 LTS, fetched from the npm registry by `npx -y node@24` (cached by npx; never a
//     dependency of the project; BENCH_NODE24=/path/to/node to use another binary);
//   - the Node running this script (Node 20 here), as a compatibility column;
//   - Debian's Chromium, driven by playwright-core (bench/browser.mjs).
// Then the floor micro-benchmark (bench/floor.mjs) in each. Writes bench/results.json,
// bench/RESULTS.md and bench/chart.svg (bench/report.mjs).
//
// Options: --quick (a few cases, 5 rounds: a smoke run), --only=node24,node,chromium,threads,
// BENCH_ROUNDS=n, BENCH_TFJS=0 (leave TF.js out), BENCH_COMPARE=/abs/path/other/dist/index.js
// (another simdloss build timed beside this one in every Node case: before/after in one run;
// BENCH_COMPARE_LABEL names it), BENCH_CASES=<regex> (only the cases whose name matches).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBrowser } from './browser.mjs';
import { buildFloor } from './build-floor.mjs';
import { writeReport } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 5 : 21));
const want = (k) => !only || only.includes(k);

if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'build', 'math.wasm'))) {
  throw new Error('bench: build first (npm run build; npm run bench does it)');
}
const t0 = Date.now();
const floor = buildFloor();
console.log(`bench: floor module built (v128.const in the loops: ${JSON.stringify(floor.constsInLoop)})`);

/** Node 24's binary: from BENCH_NODE24, else from the npm registry's `node` package via npx. */
function node24() {
  if (process.env.BENCH_NODE24) return process.env.BENCH_NODE24;
  try {
    const out = execFileSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { cwd: tmpdir(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').pop();
  } catch (e) {
    console.warn(`bench: no Node 24 (npx -y node@24 failed: ${String(e.stderr ?? e.message).trim().split('\n').pop()})`);
    return null;
  }
}

function runNode(bin, label) {
  const out = join(here, '.tmp', `${label.replace(/\W+/g, '-')}.json`);
  console.log(`bench: ${label} (${bin})`);
  // --expose-gc: bench/node.mjs measures the bytes each call allocates (after its timings)
  const r = spawnSync(bin, ['--expose-gc', join(here, 'node.mjs'), out, floor.wasmPath], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH_ROUNDS: String(rounds), BENCH_QUICK: quick ? '1' : '0' },
  });
  if (r.status !== 0) throw new Error(`bench: the ${label} run failed (exit ${r.status})`);
  return { label, ...JSON.parse(readFileSync(out, 'utf8')) };
}

const runs = [];
const major = Number(process.versions.node.split('.')[0]);
let node24bin = null;
if (want('node24') && major !== 24) {
  node24bin = node24();
  if (node24bin) runs.push(runNode(node24bin, 'Node 24'));
}
if (want('node')) runs.push(runNode(process.execPath, `Node ${major}`));
if (want('chromium')) {
  try {
    const before = loadavg()[0];
    const r = await runBrowser({ floorPath: floor.wasmPath, rounds, quick, tfjs: process.env.BENCH_TFJS !== '0' });
    runs.push({ label: r.runtime.replace(/^Chromium (\d+).*/, 'Chromium $1'), machine: runs[0]?.machine, load: [before, loadavg()[0]], ...r });
  } catch (e) {
    console.warn(`bench: the Chromium run failed or was skipped: ${e.message}`);
  }
}
if (!runs.length) throw new Error('bench: no runtime ran');

// The threads table (issue 18, bench/threads.mjs): 1 thread against 2, resident data, in Node 24.
let threads = null;
if (want('threads')) {
  const bin = node24bin ?? (major === 24 ? process.execPath : null);
  if (bin) {
    const out = join(here, '.tmp', 'threads.json');
    console.log(`bench: threads (${bin})`);
    const r = spawnSync(bin, [join(here, 'threads.mjs'), out], { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_ROUNDS: quick ? '3' : '11' } });
    if (r.status === 0) threads = JSON.parse(readFileSync(out, 'utf8'));
    else console.warn(`bench: the threads run failed (exit ${r.status})`);
  }
}

const pkg = (name) => JSON.parse(readFileSync(join(root, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
const data = {
  date: new Date().toISOString().slice(0, 10),
  command: `npm run bench${quick ? ' -- --quick' : ''}`,
  versions: `simdloss ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} (this checkout's build), assemblyscript ${pkg('assemblyscript')}, @tensorflow/tfjs ${pkg('@tensorflow/tfjs')}, playwright-core ${pkg('playwright-core')}.`,
  runs,
  threads,
};
writeFileSync(join(here, 'results.json'), `${JSON.stringify(data, null, 1)}\n`);
writeReport(data);
console.log(`bench: wrote bench/RESULTS.md, bench/chart.svg and bench/results.json in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
