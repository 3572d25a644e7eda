/**
 * End to end in a real Microsoft client: Microsoft 365 Agents Playground (offline Teams emulator, its own mock
 * Bot Connector) driven by Debian's Chromium through playwright-core. Skipped when /usr/bin/chromium is absent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARE_MENTION_PROMPT } from '../../../src/channels/bare-mention.js';
import { CHROMIUM_PATH as CHROMIUM, hasChromium, launchChromium, loopbackPage } from '../../browser.js';
import { handoff } from '../../handoff/fixtures.js';
import { useScriptedServer } from '../../helpers.js';
import { type Harness, startHarness } from './harness.js';

if (!hasChromium) {
  console.warn(
    `Skipping the Agents Playground browser test: ${CHROMIUM} is not installed (apt-get install -y chromium).`,
  );
}

const s = useScriptedServer();
let h: Harness;
let playground: ChildProcess | undefined;
let browser: Browser | undefined;
let workDir: string;
let page: Page;

async function startPlayground(endpoint: string): Promise<string> {
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  workDir = await mkdtemp(join(tmpdir(), 'baton-playground-'));
  const child = spawn(
    process.execPath,
    [cli, '-e', endpoint, '-c', 'msteams', '-p', '0', '--disable-telemetry'],
    {
      cwd: workDir,
      // Keeps it offline: no browser launch, no Application Insights probes.
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', APPLICATION_INSIGHTS_NO_STATSBEAT: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  playground = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Agents Playground did not start:\n${output}`)), 15_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const port = /Listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(`http://localhost:${port}`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Agents Playground exited (${code}):\n${output}`)));
  });
}

async function send(text: string): Promise<void> {
  const box = page.locator('[data-lexical-editor="true"][role="textbox"]').last();
  await box.click();
  await box.fill(text);
  await page.getByRole('button', { name: 'Send Message' }).click();
}

describe.skipIf(!hasChromium)('Agents Playground (Chromium)', () => {
  beforeAll(async () => {
    h = await startHarness(s.model());
    const url = await startPlayground(h.url);
    browser = await launchChromium();
    // Loopback only: the UI asks a CDN for fonts and renders fine without them.
    ({ page } = await loopbackPage(browser));
    await page.goto(url);
    await page.getByRole('treeitem', { name: /Personal Chat/ }).click();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await h?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('shows personas, a handoff line, a streamed answer and an approval that resumes the refund', async () => {
    s.server.enqueue(
      handoff('order_agent'),
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1234' } }] },
      { text: 'Order 1234 is being processed and will ship in 2 business days.', delayMs: 300 },
    );
    await send('Where is my order 1234?');
    await expect
      .poll(() =>
        page.getByText('Triage Agent handed the conversation to Order Agent', { exact: false }).count(),
      )
      .toBeGreaterThan(0);
    const answer = page
      .getByText('Order 1234 is being processed and will ship in 2 business days.', { exact: true })
      .last();
    await answer.waitFor({ timeout: 10_000 });
    await page.getByText('Order Agent', { exact: true }).last().waitFor();

    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
    });
    await send('It arrived damaged. I want a refund.');
    const card = page.locator('.ac-adaptiveCard').filter({ hasText: 'process_refund' }).last();
    await card.waitFor({ timeout: 10_000 });
    await expect.poll(() => card.textContent()).toContain('order_number');

    s.server.enqueue({ text: 'Your refund for order 1234 has been processed.' });
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('✅ Approved by Alex Wilber', { exact: true }).last().waitFor({ timeout: 10_000 });
    await page.getByText('Your refund for order 1234 has been processed.', { exact: true }).last().waitFor({
      timeout: 10_000,
    });
    // Teams' AI label on each agent message (needs the botbuilder entity fix).
    expect(await page.getByText('AI generated', { exact: true }).count()).toBeGreaterThanOrEqual(2);
    await h.channel.whenIdle();
    const refunds = s.server.requests.filter((r) =>
      r.messages.some(
        (m) => m.role === 'tool' && String(m.content).includes('Refund processed successfully'),
      ),
    );
    expect(refunds).toHaveLength(1);
  }, 45_000);

  it('answers an @mention in the group chat with a persona card (no streaming outside personal chats)', async () => {
    await page.getByRole('treeitem', { name: /Group Chat/ }).click();
    s.server.enqueue({ text: 'Hello group, how can I help?' });
    const box = page.locator('[data-lexical-editor="true"][role="textbox"]').last();
    await box.click();
    await box.pressSequentially('@');
    await page
      .getByRole('listbox', { name: 'Typeahead menu' })
      .getByRole('menuitem', { name: /Test Bot/ })
      .click();
    await box.pressSequentially(' hello');
    await page.getByRole('button', { name: 'Send Message' }).click();
    const reply = page.locator('.ac-adaptiveCard').filter({ hasText: 'Hello group, how can I help?' }).last();
    await reply.waitFor({ timeout: 10_000 });
    // A card with the agent's header, not streamed text.
    await expect.poll(() => reply.textContent()).toContain('Triage Agent');
    await h.channel.whenIdle();
    expect(s.server.requests.at(-1)?.lastUserText).toBe('hello');
  }, 30_000);

  it('answers a bare @mention in the group chat with the start agent greeting', async () => {
    s.server.enqueue({
      when: (request) => request.lastUserText === BARE_MENTION_PROMPT,
      text: 'Hi! I can check orders, start returns and handle refunds.',
    });
    const box = page.locator('[data-lexical-editor="true"][role="textbox"]').last();
    await box.click();
    await box.pressSequentially('@');
    await page
      .getByRole('listbox', { name: 'Typeahead menu' })
      .getByRole('menuitem', { name: /Test Bot/ })
      .click();
    await page.getByRole('button', { name: 'Send Message' }).click();
    const reply = page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: 'Hi! I can check orders, start returns and handle refunds.' })
      .last();
    await reply.waitFor({ timeout: 10_000 });
    await h.channel.whenIdle();
    expect(s.server.requests.at(-1)?.lastUserText).toBe(BARE_MENTION_PROMPT);
  }, 30_000);
});
