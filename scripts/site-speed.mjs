// Runs the page's speed panel (site/, #speed) non-quick in Debian's Chromium (playwright-core)
// and Firefox ESR (puppeteer-core over WebDriver BiDi, as test/browser/firefox.test.ts does), and
// prints each case's ratio (plain JS median time / simdloss median time) with the load average
// before and after each run. Builds the page first (npm run build must have built dist/).
//   node scripts/site-speed.mjs [chromium|firefox ...] [--repeat=N] [--quick]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'site', 'dist');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repeat = Number(args.find((a) => a.startsWith('--repeat='))?.slice(9) ?? 1);
const browsers = args.filter((a) => !a.startsWith('--'));
if (!browsers.length) browsers.push('chromium', 'firefox');

execFileSync(process.execPath, [join(root, 'scripts', 'build-site.mjs')], { cwd: root, stdio: 'inherit' });
const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer((req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
  if (path.endsWith('/')) path += 'index.html';
  const file = join(site, path);
  if (!file.startsWith(site) || !existsSync(file)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/#speed`;
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

async function launch(name) {
  if (name === 'chromium') {
    const { chromium } = await import('playwright-core');
    const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    return { browser: b, page: await b.newPage() };
  }
  const { default: puppeteer } = await import('puppeteer-core');
  const b = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true });
  return { browser: b, page: await b.newPage() };
}

for (const name of browsers) {
  for (let i = 0; i < repeat; i++) {
    const { browser, page } = await launch(name);
    try {
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('backend')?.textContent?.startsWith('backend: '), { timeout: 30_000 });
      if (quick) await page.click('#sp-quick');
      const before = load();
      const t0 = Date.now();
      await page.click('#sp-run');
      await page.waitForFunction(() => window.__speed.results.length === 5 && !window.__speed.running, { timeout: 600_000, polling: 500 });
      const sp = await page.evaluate(() => JSON.parse(JSON.stringify(window.__speed)));
      console.log(`\n${name} run ${i + 1}/${repeat}${quick ? ' (quick)' : ''}: ${sp.env.browser}; backend ${sp.env.backend}; ${((Date.now() - t0) / 1000).toFixed(0)} s; load average before ${before}, after ${load()}`);
      if (sp.error) console.log(`  error: ${sp.error}`);
      const ms = (s) => [s.min, s.median, s.p75].map((v) => v.toFixed(4)).join(' / ');
      for (const r of sp.results) console.log(`  ${r.label.padEnd(44)} ${r.ratio.toFixed(2).padStart(6)}×   simdloss ${ms(r.simd)} ms   plain ${ms(r.plain)} ms`);
    } finally {
      await browser.close();
    }
  }
}
server.close();
