// How the browser tests find a browser on a fresh machine (find-browser.ts): the env variable,
// the usual paths and PATH, else (as root on Debian) apt-get, else one line saying what to install.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { find, type BrowserSpec } from './find-browser';

const dir = mkdtempSync(join(tmpdir(), 'simdloss-find-'));
const fake = join(dir, 'fakebrowser');
writeFileSync(fake, '#!/bin/sh\n');
chmodSync(fake, 0o755);

const spec = (over: Partial<BrowserSpec> = {}): BrowserSpec => ({
  name: 'Fakium', env: 'SIMDLOSS_TEST_FAKIUM_PATH', paths: [join(dir, 'absent')], commands: ['simdloss-no-such-browser'],
  apt: 'fakium', install: 'Debian: apt-get install fakium', ...over,
});
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('finding a browser', () => {
  it('the env variable first', () => {
    process.env.SIMDLOSS_TEST_FAKIUM_PATH = fake;
    expect(find(spec({ paths: ['/bin/sh'] }), false)).toBe(fake);
  });
  it('an env variable naming no executable is one line saying so', () => {
    process.env.SIMDLOSS_TEST_FAKIUM_PATH = join(dir, 'absent');
    expect(() => find(spec(), false)).toThrow(/^SIMDLOSS_TEST_FAKIUM_PATH=.*absent is not an executable file: point it at Fakium's executable, or unset it to search the usual places$/);
  });
  it('then the usual paths, then PATH', () => {
    expect(find(spec({ paths: [join(dir, 'absent'), fake] }), false)).toBe(fake);
    process.env.PATH = `${dir}:${process.env.PATH}`;
    expect(find(spec({ commands: ['fakebrowser'] }), false)).toBe(fake);
  });
  it('nothing found and no way to install: one line saying what to install', () => {
    const call = () => find(spec(), false);
    expect(call).toThrow(/^No Fakium for the browser tests: install one \(Debian: apt-get install fakium\) or set SIMDLOSS_TEST_FAKIUM_PATH to its executable$/);
    let message = '';
    try {
      call();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toHaveLength(1);
  });
});
