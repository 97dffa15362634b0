// The browser every browser test drives: Debian's chromium through playwright-core, headless
// and kept off the network (no background fetches, no component updates).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
} satisfies LaunchOptions;

/** Launches chromium (with any extra launch options); fails with how to install it when missing. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const path = CHROMIUM_OPTIONS.executablePath;
  assert.ok(
    existsSync(path),
    `${path} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests`,
  );
  return chromium.launch({ ...CHROMIUM_OPTIONS, ...options });
}
