// Builds the web page (site/) into site/dist/: the page's code with the built package
// (dist/index.js, imported as 'simdloss' the way an app imports it) and uPlot bundled by esbuild
// into app.js, the styles into app.css, plus index.html. Any static file server can serve the
// result. `npm run build:site` builds the package first.
import { build } from 'esbuild';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'site');
const out = join(site, 'dist');
if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/index.js is missing: run npm run build first (npm run build:site does)');

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { app: 'site/src/main.ts', 'app-style': 'site/src/style.css' },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  alias: { simdloss: './dist/index.js' },
  logLevel: 'warning',
});
// esbuild names the stylesheet after its entry; the page links app.css.
cpSync(join(out, 'app-style.css'), join(out, 'app.css'));
rmSync(join(out, 'app-style.css'));

let html = readFileSync(join(site, 'index.html'), 'utf8');
// The TypeDoc reference (npm run docs → docs/api/), when it has been built, ships with the page.
if (existsSync(join(root, 'docs', 'api', 'index.html'))) {
  cpSync(join(root, 'docs', 'api'), join(out, 'api'), { recursive: true });
  html = html.replace('href="api/" hidden', 'href="api/"');
}
writeFileSync(join(out, 'index.html'), html);
cpSync(join(site, 'favicon.svg'), join(out, 'favicon.svg'));

const sizes = readdirSync(out).filter((f) => statSync(join(out, f)).isFile()).map((f) => `${f} ${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`);
console.log(`site/dist: ${sizes.join(', ')}`);
