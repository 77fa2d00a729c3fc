// Finds the browsers the browser tests drive, so that `npm test` works on a fresh machine:
// the path in CHROMIUM_PATH / FIREFOX_PATH, else the usual system paths and PATH; failing that,
// as root on Debian/Ubuntu, installs the distribution's package (apt-get, once, under a lock);
// otherwise fails with one line saying what to install. Never skips.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface BrowserSpec {
  name: string;
  env: string;
  /** Absolute paths to try, in order. */
  paths: string[];
  /** Executable names to look up on PATH. */
  commands: string[];
  /** Debian's package, installed with apt-get when running as root. */
  apt: string;
  /** What to install, for the failure message. */
  install: string;
}

const CHROMIUM: BrowserSpec = {
  name: 'Chromium',
  env: 'CHROMIUM_PATH',
  paths: [
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium',
    '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  ],
  commands: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'],
  apt: 'chromium',
  install: 'Debian/Ubuntu: apt-get install chromium; macOS: brew install --cask chromium',
};

const FIREFOX: BrowserSpec = {
  name: 'Firefox',
  env: 'FIREFOX_PATH',
  paths: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox', 'C:\\Program Files\\Mozilla Firefox\\firefox.exe'],
  commands: ['firefox-esr', 'firefox'],
  apt: 'firefox-esr',
  install: 'Debian: apt-get install firefox-esr; macOS: brew install --cask firefox',
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, command))) return join(dir, command);
  }
  return null;
}

function lookup(spec: BrowserSpec): string | null {
  for (const p of spec.paths) if (executable(p)) return p;
  for (const c of spec.commands) {
    const p = onPath(c);
    if (p) return p;
  }
  return null;
}

/** Installs Debian's package as root (one test file at a time: apt holds a lock of its own, but update + install must not interleave). */
function aptInstall(spec: BrowserSpec): void {
  const lock = join(tmpdir(), 'simdloss-browser-install.lock');
  process.stderr.write(`simdloss tests: no ${spec.name} found; installing Debian's ${spec.apt} (apt-get install ${spec.apt}) for the browser tests\n`);
  const script = `command -v ${spec.commands[0]} >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${spec.apt} >/dev/null; }`;
  execFileSync('flock', [lock, 'sh', '-c', script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
}

/** The browser's executable; `root` (may apt-get install) is for tests of this function. */
export function find(spec: BrowserSpec, root = typeof process.getuid === 'function' && process.getuid() === 0): string {
  const fromEnv = process.env[spec.env];
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`${spec.env}=${fromEnv} is not an executable file: point it at ${spec.name}'s executable, or unset it to search the usual places`);
    return fromEnv;
  }
  const found = lookup(spec);
  if (found) return found;
  if (root && existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/flock')) {
    try {
      aptInstall(spec);
    } catch (e) {
      throw new Error(`No ${spec.name} for the browser tests, and apt-get install ${spec.apt} failed (${String(e).split('\n')[0]}): install one (${spec.install}) or set ${spec.env}`);
    }
    const installed = lookup(spec);
    if (installed) return installed;
  }
  throw new Error(`No ${spec.name} for the browser tests: install one (${spec.install}) or set ${spec.env} to its executable`);
}

/** The Chromium (or Chrome) executable for the browser tests. */
export const findChromium = (): string => find(CHROMIUM);
/** The Firefox executable for the browser tests (driven through WebDriver BiDi). */
export const findFirefox = (): string => find(FIREFOX);

/** Launch flags for headless Chromium in CI and containers (root: no sandbox). */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** How long a beforeAll that may install a browser may take. */
export const INSTALL_TIMEOUT = 15 * 60_000;
