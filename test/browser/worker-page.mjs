// The page side of the worker test: starts test/browser/worker.mjs and keeps what it posts.
// ?worker=<url> starts the same script from another URL (served with other headers: the CSP test)
const worker = new Worker(new URLSearchParams(location.search).get('worker') ?? '/test/browser/worker.mjs', { type: 'module' });
worker.onmessage = (e) => {
  window.__result = e.data;
};
worker.onerror = (e) => {
  window.__result = { error: String(e.message || e) };
};
