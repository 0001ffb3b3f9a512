// What the dashboard's browser tests share: Chromium where the machine has it (else a skip
// reason), launched headless with the flags that keep it off the network, and a stderr that
// resolves the URL a command prints for its dashboard.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** false when Chromium is installed, else why the browser test is skipped. */
export const skipWithoutChromium = (what: string): false | string =>
  existsSync(CHROMIUM)
    ? false
    : `Chromium is not installed at ${CHROMIUM}: ${what} is not checked in a browser`;

/** A headless Chromium with its profile in `dir`. */
export function launchHeadless(dir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    // The page's CSP forbids eval, which Playwright's waitForFunction needs; requests are
    // recorded whatever the CSP, and the tests assert the header itself.
    bypassCSP: true,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A stream that keeps what was written and resolves `url` once `pattern` (group 1: the URL) matches. */
export class UrlLine extends Writable {
  text = '';
  readonly url: Promise<string>;
  private found!: (url: string) => void;
  constructor(private readonly pattern: RegExp) {
    super();
    this.url = new Promise((resolve) => (this.found = resolve));
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    const match = this.pattern.exec(this.text);
    if (match) this.found(match[1]!);
    done();
  }
}
