/** Long replies through the real Bolt app: streamed replies continue in new messages before Slack's limits. */
import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS } from '../../../src/channels/slack/message-splitter.js';
import { CHANNEL, mentionEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();

/** About `chars` characters of numbered paragraphs, so order and completeness can be checked word by word. */
function longReply(chars: number): string {
  const paragraphs: string[] = [];
  for (let i = 1; paragraphs.join('\n\n').length < chars; i++) {
    paragraphs.push(
      `Paragraph ${i}. ${`Step ${i} of the plan is described here in detail. `.repeat(6).trim()}`,
    );
  }
  return paragraphs.join('\n\n').slice(0, chars);
}

const words = (t: string) => t.split(/\s+/).filter(Boolean);

describe('Slack channel: a streamed reply longer than one message', () => {
  it('continues a 47,000-character reply in new streamed messages, none over the limit, nothing lost', async () => {
    h.setup();
    const reply = longReply(47_000);
    expect(reply).toHaveLength(47_000);
    h.fixture.server.enqueue({ text: reply, chunkSize: 3000, delayMs: 300 });
    const ts = userTs();
    await h.postEvent(mentionEvent('tell me everything', { ts }));
    await h.settle();

    const messages = h.fake.thread(CHANNEL, ts);
    expect(messages.length).toBeGreaterThanOrEqual(5);
    for (const m of messages) {
      expect(m.via).toBe('stream');
      // Every message was stopped (none left spinning), carries the persona, and stays within the limits.
      expect(m.streaming).toBe(false);
      expect(m.username).toBe('Triage Agent');
      expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.streamedMessage);
    }
    // The fake refuses what Slack refuses: no call was answered with an error.
    const refused = h.fake.calls.filter((c) => c.method.startsWith('chat.') && c.status !== 200);
    expect(refused).toEqual([]);
    expect(h.fake.callsTo('chat.stopStream')).toHaveLength(messages.length);
    // Each message ends at a paragraph, and together they are the reply in order.
    for (const m of messages.slice(0, -1)) expect(m.text).toMatch(/\.$/);
    expect(words(messages.map((m) => m.text).join('\n'))).toEqual(words(reply));
  });

  it('closes a code block cut between two messages and reopens it in the next', async () => {
    h.setup();
    const lines = Array.from({ length: 700 }, (_, i) => `const value${i} = compute(${i}); // line ${i}`);
    const reply = `Here is the file:\n\n\`\`\`ts\n${lines.join('\n')}\n\`\`\`\n\nThat is all.`;
    expect(reply.length).toBeGreaterThan(SLACK_LIMITS.streamedMessage * 2);
    h.fixture.server.enqueue({ text: reply, chunkSize: 2000 });
    const ts = userTs();
    await h.postEvent(mentionEvent('show me the file', { ts }));
    await h.settle();

    const messages = h.fake.thread(CHANNEL, ts);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.streamedMessage);
      // Every message has balanced fences, so each renders its part as code.
      expect((m.text.match(/^```/gm) ?? []).length % 2).toBe(0);
    }
    expect(messages[1]!.text.startsWith('```ts\n')).toBe(true);
    const code = messages.map((m) => m.text).join('\n');
    for (const line of [lines[0]!, lines[350]!, lines[699]!]) expect(code).toContain(line);
    expect(messages.at(-1)!.text).toMatch(/That is all\.$/);
  });

  it('in `off` mode posts the complete reply once, split like any long message, without streaming', async () => {
    h.setup({ streaming: 'off' });
    const reply = longReply(9000);
    h.fixture.server.enqueue({ text: reply, chunkSize: 500, delayMs: 300 });
    const ts = userTs();
    await h.postEvent(mentionEvent('tell me a lot', { ts }));
    await h.settle();
    expect(h.fake.callsTo('chat.startStream')).toHaveLength(0);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    const messages = h.fake.thread(CHANNEL, ts);
    expect(messages.length).toBe(h.fake.callsTo('chat.postMessage').length);
    expect(messages.length).toBeGreaterThan(1);
    expect(words(messages.map((m) => m.text).join('\n'))).toEqual(words(reply));
  });
});
