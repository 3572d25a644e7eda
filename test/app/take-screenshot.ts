/**
 * Regenerates docs/playground.png: the playground mid-conversation with an approval card showing.
 * Run: `npx tsx test/app/take-screenshot.ts` (needs /usr/bin/chromium, and fonts-noto-color-emoji for the avatars).
 */
import { mkdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchChromium, loopbackPage } from '../browser.js';
import { startTestApp, tempDataDir } from './app-harness.js';

async function send(page: Page, text: string, waitForAgents: number) {
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
  await page.waitForFunction(
    `document.querySelectorAll('.msg.agent:not(.streaming)').length >= ${waitForAgents}`,
  );
  await page.waitForFunction(`!document.querySelector('#status.working')`);
}

const dir = await tempDataDir();
const app = await startTestApp(dir.path, {}, { demoDelayMs: 100 });
const browser = await launchChromium();
try {
  const { page } = await loopbackPage(browser);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(app.url);
  await page.locator('#notice').waitFor();
  await send(page, 'I need help with my order', 1);
  await send(page, 'Where is my order 1234? It has not arrived yet.', 2);
  await send(page, 'It just arrived, but the box was damaged. I want a refund.', 3);
  await page.locator('.approval-card').waitFor();
  await page.waitForTimeout(300);
  await mkdir('docs', { recursive: true });
  await page.screenshot({ path: 'docs/playground.png' });
  console.log('wrote docs/playground.png');
} finally {
  await browser.close();
  await app.close();
  await dir.remove();
}
