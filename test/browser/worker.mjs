// A module worker for the browser tests: the catalogue of calls off the main thread (where every
// engine allows a synchronous compile), posted back to the page.
import * as sl from '/dist/index.js';
import { runCalls } from '/test/browser/calls.mjs';

try {
  postMessage(runCalls(sl));
} catch (e) {
  postMessage({ error: String((e && e.stack) || e) });
}
