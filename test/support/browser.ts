import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium from Debian's `chromium` package (installed by .ci/run), driven by playwright-core;
 * never a downloaded browser build. Browser tests run wherever it is installed, skip where it is not,
 * and fail under CI=true if it is missing rather than skip.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the browser tests must be skipped: no chromium here, and not on CI. */
export const skipBrowserTests = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Where screenshots go (`test-results/`, not committed). */
export async function screenshotPath(name: string): Promise<string> {
  const dir = join(process.cwd(), 'test-results', 'console');
  await mkdir(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
