// The page side of the worker test: starts test/browser/worker.mjs and keeps what it posts.
const worker = new Worker('/test/browser/worker.mjs', { type: 'module' });
worker.onmessage = (e) => {
  window.__result = e.data;
};
worker.onerror = (e) => {
  window.__result = { error: String(e.message || e) };
};
