/** Debian's Chromium driven by playwright-core, allowed to reach loopback only. */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

/**
 * `mapToLoopback`: extra host names resolved to 127.0.0.1 (a DNS-rebinding attacker's domain). `extraArgs`: more
 * Chromium switches (e.g. turning off its own local-network protections, to test the server's alone).
 */
export function launchChromium(
  mapToLoopback: readonly string[] = [],
  extraArgs: readonly string[] = [],
): Promise<Browser> {
  const mapped = mapToLoopback.map((host) => `MAP ${host} 127.0.0.1, `).join('');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--host-resolver-rules=${mapped}MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1`,
      ...extraArgs,
    ],
  });
}

/** A page whose requests to anything but loopback are aborted (and recorded, so a test can assert none). */
export async function loopbackPage(browser: Browser): Promise<{ page: Page; blocked: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (
      (protocol === 'http:' || protocol === 'https:') &&
      (hostname === '127.0.0.1' || hostname === 'localhost')
    ) {
      return route.continue();
    }
    if (protocol === 'data:') return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  return { page, blocked };
}
