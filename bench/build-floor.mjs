// Compiles the floor module (bench/floor/floor.ts) with asc into bench/.tmp/, and checks in the
// emitted text that the table-constant loops kept their constants out of the loop: Binaryen folds
// a local holding a v128.const back into every use, which would make the "floor" measure the
// same code as the kernels.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** The body of `(func $…name …)` in a .wat text. */
function funcText(wat, name) {
  const start = wat.search(new RegExp(`\\n \\(func \\$[^ ]*/${name} `));
  if (start < 0) throw new Error(`build-floor: no function ${name} in the emitted .wat`);
  const end = wat.indexOf('\n )', start + 1);
  return wat.slice(start, end);
}

export function buildFloor() {
  const out = join(here, '.tmp');
  mkdirSync(out, { recursive: true });
  const wasm = join(out, 'floor.wasm');
  const wat = join(out, 'floor.wat');
  execFileSync(process.execPath, [join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
    '--config', join(here, 'floor', 'asconfig.json'), '-o', wasm, '-t', wat], { cwd: root, stdio: 'inherit' });
  const text = readFileSync(wat, 'utf8');
  const checks = {};
  for (const fn of ['exp_table', 'log_table', 'exp_inline', 'log_inline']) {
    const body = funcText(text, fn);
    const loop = body.slice(body.indexOf('loop '));
    checks[fn] = (loop.match(/v128\.const/g) ?? []).length;
  }
  if (checks.exp_table || checks.log_table) {
    throw new Error(`build-floor: v128.const inside the table loops (exp_table ${checks.exp_table}, log_table ${checks.log_table}): Binaryen folded the hoisted constants back`);
  }
  return { bytes: readFileSync(wasm), wasmPath: wasm, watPath: wat, constsInLoop: checks };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(buildFloor().constsInLoop);
