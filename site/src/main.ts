// The page: the backend badge (and, on js, a notice saying why: the URL forced it, or the kernels
// cannot run here), and one panel shown at a time, chosen by the URL hash. Each panel is built the
// first time it is shown.
import { backend, init, setBackend } from 'simdloss';
import { simd } from 'wasm-feature-detect';
import { mountExplorer } from './explorer';
import { mountSpeed } from './speed';
import { mountTraining } from './training';

interface Panel { show(): void; hide(): void }
const mounts: Record<string, () => Panel> = { explorer: mountExplorer, training: mountTraining, speed: mountSpeed };
const panels: Record<string, Panel> = {};

// ?backend=js runs the page on the float64 reference (to compare, or to see the notice).
const forced = new URLSearchParams(location.search).get('backend') === 'js';
if (forced) setBackend('js');
else await init();
const name = backend();
if (name === 'js') await jsNotice();
// the badge last: the browser test takes its text as the sign that the page has started
const badge = document.getElementById('backend')!;
badge.textContent = `backend: ${name}`;
badge.classList.add(name === 'wasm-simd' ? 'ok' : 'warn');

/** Says why the page runs on js: the URL asked for it, or the kernels cannot run here (and which of the two reasons). */
async function jsNotice(): Promise<void> {
  const notice = document.getElementById('js-notice')!;
  const js = Object.assign(document.createElement('b'), { textContent: 'js' });
  const same = ' backend (the float64 reference). The numbers are the same; the speed is not.';
  if (forced) {
    const url = new URL(location.href);
    url.searchParams.delete('backend');
    const back = Object.assign(document.createElement('a'), { id: 'js-unforce', href: url.href, textContent: 'Load the page without it' });
    const param = Object.assign(document.createElement('code'), { textContent: '?backend=js' });
    notice.append('The URL forced the ', js, ' backend (', param, '): simdloss runs on its float64 reference instead of WebAssembly SIMD. The numbers are the same; the speed is not. ', back, '.');
  } else if (!(await simd())) {
    notice.append('WebAssembly SIMD is not available in this browser: simdloss runs on its ', js, same);
  } else {
    // SIMD validates, so the engine refused to compile (a Content-Security-Policy without 'wasm-unsafe-eval', say)
    notice.append('This browser refused to compile simdloss\'s WebAssembly (see the console): simdloss runs on its ', js, same);
  }
  notice.hidden = false;
}

let current = '';
function route(): void {
  const id = location.hash.slice(1) in mounts ? location.hash.slice(1) : 'explorer';
  if (id === current) return;
  if (current) { panels[current].hide(); document.getElementById(current)!.hidden = true; }
  document.getElementById(id)!.hidden = false;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === `#${id}`);
  (panels[id] ??= mounts[id]()).show();
  current = id;
}
addEventListener('hashchange', route);
route();
