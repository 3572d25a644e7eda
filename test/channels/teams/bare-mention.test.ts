/** "@Baton" alone in a Teams group chat gets an answer through the real CloudAdapter: the start agent greets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARE_MENTION_PROMPT } from '../../../src/channels/bare-mention.js';
import { useScriptedServer } from '../../helpers.js';
import { messages } from './card-helpers.js';
import { type Harness, message, startHarness } from './harness.js';

const s = useScriptedServer();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(s.model());
});
afterAll(async () => {
  await h.close();
});

describe('Teams: a bare mention', () => {
  it('reaches the start agent with a clear prompt and posts its greeting', async () => {
    const conversationId = '19:group-bare@thread.v2';
    s.server.enqueue({
      when: (request) => request.lastUserText === BARE_MENTION_PROMPT,
      text: 'Hi! I can check orders, returns and refunds.',
    });
    const res = await h.post(message('', { conversationId, scope: 'groupChat' }));
    expect(res.status).toBe(200);
    await h.channel.whenIdle();
    expect(s.server.requests.map((r) => r.lastUserText)).toEqual([BARE_MENTION_PROMPT]);
    expect(messages(h.connector.sent(conversationId)).join('\n')).toContain(
      'Hi! I can check orders, returns and refunds.',
    );
  });
});
