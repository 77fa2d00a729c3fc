// The browser run: bundles bench/page.mjs with esbuild, serves it from a loopback HTTP server,
// and runs it in Debian's Chromium through playwright-core (no browser download: the system's
// /usr/bin/chromium, or BENCH_CHROMIUM). Returns the page's results, or throws.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';

async function bundle() {
  // esbuild comes with tsup (a devDependency).
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: [join(here, 'page.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return r.outputFiles[0].contents;
}

function serve(files, dirs) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let body = files[url.pathname];
    if (!body) {
      for (const [prefix, dir] of Object.entries(dirs)) {
        if (!url.pathname.startsWith(prefix)) continue;
        const p = normalize(join(dir, url.pathname.slice(prefix.length)));
        if (p.startsWith(dir) && existsSync(p)) body = readFileSync(p);
      }
    }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const type = url.pathname.endsWith('.wasm') ? 'application/wasm' : url.pathname.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function runBrowser({ floorPath, rounds, quick = false, tfjs = true, log = console.log }) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set BENCH_CHROMIUM)`);
  const { chromium } = await import('playwright-core');
  const files = {
    '/': '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>simdloss bench</title><script type="module" src="/bench.js"></script>',
    '/bench.js': await bundle(),
    '/floor.wasm': readFileSync(floorPath),
    '/math.wasm': readFileSync(join(root, 'build', 'math.wasm')),
  };
  const server = await serve(files, { '/tfjs/': join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log(m.text()));
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 60_000 });
    const r = await page.evaluate((o) => window.runBench(o), { rounds, quick, tfjs });
    return { runtime: `Chromium ${browser.version()}`, engine: `Chromium ${browser.version()} (${CHROMIUM})`, ...r };
  } finally {
    await browser.close();
    server.close();
  }
}
