// The browser side of the browser tests, an external module script (so that a page under
// script-src 'self' runs it too): every call of the catalogue, first without init() (the module
// compiles synchronously on the main thread), or after init() when the URL has ?init-first.
import * as sl from '/dist/index.js';
import { runCalls } from '/test/browser/calls.mjs';

try {
  const backendFromInit = new URLSearchParams(location.search).has('init-first') ? await sl.init() : null;
  const result = runCalls(sl);
  const backendAfterInit = await sl.init();
  let setBackendError = null;
  try {
    sl.setBackend('wasm-simd');
  } catch (e) {
    setBackendError = String(e.message);
  }
  window.__result = { ...result, backendFromInit, backendAfterInit, setBackendError };
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
