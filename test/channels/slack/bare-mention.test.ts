/** "@Baton" with nothing else gets an answer: the start agent is told the user mentioned it without a message. */
import { describe, expect, it } from 'vitest';
import { BARE_MENTION_PROMPT } from '../../../src/channels/bare-mention.js';
import { BOT_USER, CHANNEL, mentionEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();

describe('Slack channel: a bare mention', () => {
  it('reaches the start agent with a clear prompt, and its greeting is posted in the thread', async () => {
    h.setup();
    h.fixture.server.enqueue({
      when: (request) => request.lastUserText === BARE_MENTION_PROMPT,
      text: 'Hi! I can check orders and handle refunds. What do you need?',
    });
    const ts = userTs();
    await h.postEvent({ ...mentionEvent('', { ts }), text: `<@${BOT_USER}>` });
    await h.settle();
    expect(h.fixture.server.requests.map((r) => r.lastUserText)).toEqual([BARE_MENTION_PROMPT]);
    expect(h.fake.thread(CHANNEL, ts)).toMatchObject([
      { username: 'Triage Agent', text: 'Hi! I can check orders and handle refunds. What do you need?' },
    ]);
  });

  it('uses a configured prompt instead', async () => {
    h.setup({ bareMentionPrompt: 'Greet the user and list your specialists.' });
    h.fixture.server.enqueue({ text: 'Hello! Triage, orders and refunds are here.' });
    const ts = userTs();
    await h.postEvent({ ...mentionEvent('', { ts }), text: `<@${BOT_USER}>   ` });
    await h.settle();
    expect(h.fixture.server.requests[0]?.lastUserText).toBe('Greet the user and list your specialists.');
    expect(h.fake.thread(CHANNEL, ts)).toHaveLength(1);
  });
});
