import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium): the browser tests never download one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and quiet: no update checks, sync or other calls to the internet. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface LocalBrowser {
  context: BrowserContext;
  page: Page;
  /** Requests to anywhere but the local server, refused (a test fails when there is any). */
  refused: string[];
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile that may load pages only from `origin` (the
 * server under test): every other request is aborted and recorded.
 */
export async function launchChromium(origin: string): Promise<LocalBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `npm run test:browser needs Debian's chromium at ${CHROMIUM}, which is missing. ` +
        'Install it with: apt-get update && apt-get install -y chromium (.ci/run does this); no browser is ever downloaded.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'channelstream-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const refused: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    refused.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    refused,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
