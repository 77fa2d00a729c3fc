// The page: the backend badge (and the notice for the js fallback), and one panel shown at a
// time, chosen by the URL hash. Each panel is built the first time it is shown.
import { backend, init, setBackend } from 'simdloss';
import { mountExplorer } from './explorer';
import { mountSpeed } from './speed';
import { mountTraining } from './training';

interface Panel { show(): void; hide(): void }
const mounts: Record<string, () => Panel> = { explorer: mountExplorer, training: mountTraining, speed: mountSpeed };
const panels: Record<string, Panel> = {};

// ?backend=js runs the page on the float64 reference (to compare, or to see the notice).
if (new URLSearchParams(location.search).get('backend') === 'js') setBackend('js');
else await init();
const name = backend();
const badge = document.getElementById('backend')!;
badge.textContent = `backend: ${name}`;
badge.classList.add(name === 'wasm-simd' ? 'ok' : 'warn');
document.getElementById('js-notice')!.hidden = name !== 'js';

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
