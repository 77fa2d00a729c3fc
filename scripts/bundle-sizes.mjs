// What an app pays for simdloss: esbuild bundles one-function apps from dist/ (as a user's bundler
// would: minified, ESM, browser, code splitting on) and the initial code is measured gzipped at
// level 9; the relaxed-SIMD builds are chunks of their own that init() imports, measured apart, as
// is the threads' chunk (src/wasm/threads.ts, which init({ threads }) imports).
// test/bundle-size.test.ts holds the budgets with `bundle`; `node scripts/bundle-sizes.mjs` (after
// `npm run build`) prints README.md's table of sizes per family.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
// Each family and the function its one-function app imports: the catalogue's.
import { FAMILIES } from '../test/catalog.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'index.js');

/** Minified and gzipped (level 9) bytes of an app whose source is `code` (importing 'simdloss'). */
export async function bundle(code) {
  const r = await build({
    stdin: { contents: code, resolveDir: dirname(dist), loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    splitting: true, outdir: '/bundle', alias: { simdloss: dist },
  });
  // not initial code: the relaxed builds, the threads' chunk (src/wasm/threads.ts: the pool and the
  // parallel runtime), which only init({ threads }) imports, and the float16 conversion module's
  // bytes (src/wasm/half.ts), imported on the first call with Float16Array data
  const isHalf = (f) => /\/half-[^/]*\.js$/.test(f.path);
  const lazy = (f) => /relaxed|\/threads-[^/]*\.js$/.test(f.path) || isHalf(f);
  const initial = r.outputFiles.filter((f) => !lazy(f));
  const text = initial.map((f) => f.text).join('\n');
  const bytes = Buffer.from(text);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, text, relaxed: r.outputFiles.filter((f) => /relaxed/.test(f.path)).map((f) => f.path), pool: r.outputFiles.filter((f) => /\/threads-[^/]*\.js$/.test(f.path)).map((f) => ({ path: f.path, text: f.text })), half: r.outputFiles.filter(isHalf).map((f) => f.path) };
}

export const oneFunctionApp = (name) => `import { ${name} } from 'simdloss'; globalThis.f = ${name};`;
export const wholeLibraryApp = "import * as sl from 'simdloss'; globalThis.sl = sl;";

async function readmeTable() {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const lines = ['| family | module (bytes) | module (gzip) | one-function app (gzip) |', '|---|---:|---:|---:|'];
  for (const { name: family, bundle: fn, label } of FAMILIES) {
    const wasm = readFileSync(join(root, 'build', `${family}.wasm`));
    const app = await bundle(oneFunctionApp(fn));
    lines.push(`| ${label ?? family} | ${wasm.length.toLocaleString('en-US')} | ${kb(gzipSync(wasm, { level: 9 }).length)} | \`${fn}\`: ${kb(app.gzip)} |`);
  }
  lines.push(`| the whole library | | | ${kb((await bundle(wholeLibraryApp)).gzip)} |`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(await readmeTable());
