import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Debian's chromium, driven by puppeteer-core (which never downloads a browser). A missing binary
 * fails the test with how to install it: the HTML report is checked in a real browser or not at all.
 */
export const CHROMIUM = process.env.STREAMSCORE_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: install it with \`bash scripts/ci-prerequisites.sh\` (Debian's chromium package), or point STREAMSCORE_CHROMIUM at one`);
  // --no-sandbox: tests and CI run as root, where Chromium's sandbox refuses to start.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * Opens a local file; returns the page and every request it made for anything but itself (a
 * self-contained page makes none).
 */
export async function openFile(browser: Browser, file: string): Promise<{ page: Page; foreignRequests: string[] }> {
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const foreignRequests: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === url || request.url().startsWith('data:')) {
      void request.continue();
    } else {
      foreignRequests.push(request.url());
      void request.abort();
    }
  });
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  return { page, foreignRequests };
}
