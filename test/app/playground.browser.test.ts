/**
 * The playground in a real browser (Debian's Chromium), against the app started in-process with the offline
 * demo model and a temp data dir: what a person sees and clicks.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app/app.js';
import { CHROMIUM_PATH, hasChromium, launchChromium, loopbackPage } from '../browser.js';
import { startTestApp, tempDataDir } from './app-harness.js';

if (!hasChromium) {
  console.warn(
    `Skipping the playground browser tests: ${CHROMIUM_PATH} is missing (apt-get install -y chromium).`,
  );
}

const TIMEOUT = 15_000;

describe.skipIf(!hasChromium)('playground in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function send(page: Page, text: string) {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  }

  async function lastAgentText(page: Page): Promise<string> {
    return (await page.locator('.msg.agent .text').last().textContent()) ?? '';
  }

  it('runs a refund conversation: personas, handoff marker, approval card, Approve, final reply', async () => {
    const dir = await tempDataDir();
    const app = await startTestApp(dir.path, {}, { demoDelayMs: 300 });
    const { page, blocked } = await loopbackPage(browser);
    try {
      await page.goto(app.url);
      await expect.poll(() => page.locator('#notice').textContent()).toContain('Scripted demo model');

      // Record whether a reply was ever shown while still streaming (deltas before the final message).
      // A string, because the test program has no DOM types.
      await page.evaluate(`
        window.seen = { streaming: false };
        new MutationObserver(() => {
          if (document.querySelector('.msg.streaming')) window.seen.streaming = true;
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      `);
      await send(page, 'My order 1234 arrived damaged, I need a refund. <b>now</b>');
      // Model output and user input are shown as text, never as markup.
      await page.locator('.msg.user .text', { hasText: '<b>now</b>' }).waitFor({ timeout: TIMEOUT });
      expect(await page.locator('#timeline b').count()).toBe(0);

      const handoff = page.locator('.marker.handoff').first();
      await handoff.waitFor({ timeout: TIMEOUT });
      expect(await handoff.textContent()).toMatch(/Triage Agent → Refund Agent · Customer wants a refund/);

      const card = page.locator('.approval-card');
      await card.waitFor({ timeout: TIMEOUT });
      expect(await card.textContent()).toContain('Refund Agent wants to run process_refund');
      expect(await card.locator('.args').textContent()).toBe('order_number: 1234');
      await expect
        .poll(() => page.locator('#status').textContent(), { timeout: TIMEOUT })
        .toContain('Waiting for approval');
      expect(await page.locator('.msg.agent .persona-name').allTextContents()).toEqual(['Refund Agent']);
      expect(await page.evaluate('window.seen.streaming')).toBe(true);
      expect(await page.locator('.threads button').first().textContent()).toContain(
        'My order 1234 arrived damaged',
      );

      await card.getByRole('button', { name: 'Approve' }).click();
      const decision = page.locator('.decision.approved');
      await decision.waitFor({ timeout: TIMEOUT });
      expect(await decision.textContent()).toContain('Approved process_refund (order_number: 1234) · by You');
      await expect
        .poll(() => lastAgentText(page), { timeout: TIMEOUT })
        .toContain('Refund processed successfully for order 1234');
      expect(await page.locator('.approval-card').count()).toBe(0);
      await expect
        .poll(() => page.locator('#status').textContent(), { timeout: TIMEOUT })
        .toContain('Waiting for you — reply to Refund Agent');

      await send(page, 'Thanks, that is all!');
      await page.locator('.marker.ended').waitFor({ timeout: TIMEOUT });
      expect(await lastAgentText(page)).toContain("You're welcome!");
      expect(blocked).toEqual([]);
    } finally {
      await page.context().close();
      await app.close();
      await dir.remove();
    }
  }, 60_000);

  it('restores threads after a restart and continues them (approval included)', async () => {
    const dir = await tempDataDir();
    let app: RunningApp = await startTestApp(dir.path, {}, { demoDelayMs: 200 });
    const { page } = await loopbackPage(browser);
    try {
      await page.goto(app.url);
      await page.locator('#notice').waitFor();
      await send(page, 'I need help with my order');
      await expect
        .poll(() => lastAgentText(page), { timeout: TIMEOUT })
        .toContain('Could you please provide more details');
      await send(page, 'It arrived damaged, I want a refund for order 777');
      await page.locator('.approval-card').waitFor({ timeout: TIMEOUT });

      // Restart mid-conversation: a new process on the same data dir.
      await app.close();
      app = await startTestApp(dir.path, {}, { demoDelayMs: 200 });
      await page.goto(app.url);

      const thread = page.locator('.threads button', { hasText: 'I need help with my order' });
      await thread.waitFor({ timeout: TIMEOUT });
      await thread.click();
      await page.locator('.approval-card').waitFor({ timeout: TIMEOUT });
      expect(await page.locator('.msg.user .text').allTextContents()).toEqual([
        'I need help with my order',
        'It arrived damaged, I want a refund for order 777',
      ]);
      expect(await page.locator('.msg.agent .persona-name').allTextContents()).toEqual([
        'Triage Agent',
        'Refund Agent',
      ]);
      expect(await page.locator('.marker.handoff').textContent()).toContain('Triage Agent → Refund Agent');

      await page.locator('.approval-card').getByRole('button', { name: 'Approve' }).click();
      await expect
        .poll(() => lastAgentText(page), { timeout: TIMEOUT })
        .toContain('Refund processed successfully for order 777');
    } finally {
      await page.context().close();
      await app.close();
      await dir.remove();
    }
  }, 60_000);
});
