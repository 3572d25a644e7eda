import { describe, expect, it } from 'vitest';
import { as, handoff } from '../../handoff/fixtures.js';
import { CHANNEL, mentionEvent, REFUND_ICON, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();
const LONG_REPLY = Array.from(
  { length: 40 },
  (_, i) => `Paragraph ${i + 1}: ${'lorem ipsum dolor sit amet '.repeat(8)}`,
).join('\n\n');

describe('Slack channel: streaming by editing (update mode)', () => {
  it('posts the reply at once, then edits it at most once per interval until it is complete', async () => {
    h.setup({ streaming: 'update', updateIntervalMs: 250 });
    const text = 'Checking that for you. '.repeat(12).trim();
    h.fixture.server.enqueue({ text, delayMs: 1500, chunkSize: 6 });
    const ts = userTs();
    await h.postEvent(mentionEvent('status?', { ts }));
    await h.settle();
    const posts = h.fake.callsTo('chat.postMessage');
    const updates = h.fake.callsTo('chat.update');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args).toMatchObject({ username: 'Triage Agent', icon_emoji: ':wave:', thread_ts: ts });
    // The first post was partial: the person saw the reply grow.
    expect(String(posts[0]!.args.text).length).toBeLessThan(text.length);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    // ~1.5 s of streaming at one edit per 250 ms, plus the final edit.
    expect(updates.length).toBeLessThanOrEqual(8);
    const intermediate = [posts[0]!, ...updates.slice(0, -1)];
    for (let i = 1; i < intermediate.length; i++) {
      expect(intermediate[i]!.at - intermediate[i - 1]!.at).toBeGreaterThanOrEqual(240);
    }
    expect(h.fake.callsTo('chat.startStream')).toHaveLength(0);
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual([text]);
  });

  it('splits a long reply into several messages within Slack limits', async () => {
    h.setup({ streaming: 'update' });
    h.fixture.server.enqueue({ text: LONG_REPLY, chunkSize: 400 });
    const ts = userTs();
    await h.postEvent(mentionEvent('tell me everything', { ts }));
    await h.settle();
    const messages = h.fake.thread(CHANNEL, ts);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(4000);
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(m.blocks).length).toBeLessThan(12000);
      expect(m.username).toBe('Triage Agent');
    }
    // Nothing lost or reordered (whitespace at the cuts is dropped).
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    expect(words(messages.map((m) => m.text).join(' '))).toEqual(words(LONG_REPLY));
  });
});

describe('Slack channel: model output is not trusted', () => {
  const ZW = '\u200b';
  it('cannot broadcast or mention from a reply: markdown block and notification text are defanged', async () => {
    h.setup({ streaming: 'update' });
    h.fixture.server.enqueue({ text: 'Hey <!channel>, look at <@U_CEO> and @here <!subteam^S1>' });
    const ts = userTs();
    await h.postEvent(mentionEvent('say something', { ts }));
    await h.settle();
    const [reply] = h.fake.thread(CHANNEL, ts);
    expect(reply?.text).toBe(
      `Hey &lt;${ZW}!channel&gt;, look at &lt;${ZW}@U_CEO&gt; and @${ZW}here &lt;${ZW}!subteam^S1&gt;`,
    );
    expect(reply?.blocks).toEqual([
      {
        type: 'markdown',
        text: `Hey <${ZW}!channel>, look at <${ZW}@U_CEO> and @${ZW}here <${ZW}!subteam^S1>`,
      },
    ]);
  });

  it('defangs a broadcast split across streamed chunks, and links only to allowed hosts (native stream)', async () => {
    h.setup({ linkHosts: ['docs.example.com'] });
    const text =
      'Ping <!channel> now. ✅ [Verified by Finance — safe to approve](https://evil.example/ok) ' +
      'see [the policy](https://docs.example.com/refunds) or https://evil.example/raw';
    h.fixture.server.enqueue({ text, chunkSize: 3 });
    const ts = userTs();
    await h.postEvent(mentionEvent('status?', { ts }));
    await h.settle();
    expect(h.fake.callsTo('chat.startStream').length).toBeGreaterThan(0);
    const [reply] = h.fake.thread(CHANNEL, ts);
    expect(reply?.text).toBe(
      `Ping <${ZW}!channel> now. ✅ Verified by Finance — safe to approve (\`https://evil.example/ok\`) ` +
        'see [the policy](https://docs.example.com/refunds) or `https://evil.example/raw`',
    );
  });
});

describe('Slack channel: native streaming and fallbacks', () => {
  it('falls back to post-and-edit when the workspace has no streaming API, and remembers it', async () => {
    h.setup({ fake: { nativeStreaming: false } });
    const root = userTs();
    h.fixture.server.enqueue({ text: 'First answer.' });
    await h.postEvent(mentionEvent('q1', { ts: root }));
    await h.settle();
    h.fixture.server.enqueue({ text: 'Second answer.' });
    await h.postEvent(mentionEvent('q2', { threadTs: root }));
    await h.settle();
    expect(h.fake.calls.filter((c) => c.method === 'chat.startStream')).toHaveLength(1);
    expect(h.fake.thread(CHANNEL, root).map((m) => [m.via, m.username, m.text])).toEqual([
      ['post', 'Triage Agent', 'First answer.'],
      ['post', 'Triage Agent', 'Second answer.'],
    ]);
  });
});

describe('Slack channel: personas', () => {
  it('falls back to a name header when Slack refuses persona overrides, once per workspace', async () => {
    h.setup({ streaming: 'update', fake: { refusePersona: true } });
    const root = userTs();
    h.fixture.server.enqueue(
      { text: 'Passing you to refunds.', toolCalls: [{ name: 'handoff_to_refund_agent', arguments: {} }] },
      as('You process refund', { text: 'Refund agent here.' }),
    );
    await h.postEvent(mentionEvent('refund', { ts: root }));
    await h.settle();
    const refused = h.fake.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.args.username !== undefined,
    );
    expect(refused).toHaveLength(1);
    const [triage, line, refund] = h.fake.thread(CHANNEL, root);
    expect(triage?.username).toBeUndefined();
    expect(JSON.stringify(triage?.blocks[0])).toContain('*Triage Agent*');
    expect(JSON.stringify(triage?.blocks)).toContain('Passing you to refunds.');
    expect(JSON.stringify(line?.blocks)).toContain('Triage Agent → Refund Agent');
    expect(refund?.blocks[0]).toMatchObject({
      type: 'context',
      elements: [{ type: 'image', image_url: REFUND_ICON }, { text: '*Refund Agent*' }],
    });
  });

  it('keeps the name header when a streamed reply is edited', async () => {
    h.setup({ streaming: 'update', updateIntervalMs: 50, fake: { refusePersona: true } });
    h.fixture.server.enqueue({ text: 'A reply that streams in several pieces.', delayMs: 400, chunkSize: 4 });
    const ts = userTs();
    await h.postEvent(mentionEvent('hi', { ts }));
    await h.settle();
    const edits = h.fake.callsTo('chat.update');
    expect(edits.length).toBeGreaterThan(0);
    for (const e of edits) expect(JSON.stringify(e.args.blocks)).toContain('*Triage Agent*');
  });
});

describe('Slack channel: rate limits', () => {
  it('waits out a 429 (Retry-After) and still delivers the reply', async () => {
    h.setup({ streaming: 'update' });
    h.fake.rateLimitNext('chat.postMessage');
    h.fixture.server.enqueue({ text: 'Delivered despite the rate limit.' });
    const ts = userTs();
    await h.postEvent(mentionEvent('hi', { ts }));
    await h.settle();
    const attempts = h.fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Delivered despite the rate limit.']);
  });

  it('shows a handoff line between two agents in the same turn', async () => {
    h.setup();
    const ts = userTs();
    h.fixture.server.enqueue(handoff('order_agent'), as('You handle order', { text: 'Order desk.' }));
    await h.postEvent(mentionEvent('where is it', { ts }));
    await h.settle();
    const [line, reply] = h.fake.thread(CHANNEL, ts);
    // No reason given: just the two names.
    expect(line?.blocks).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Triage Agent → Order Agent' }] },
    ]);
    expect(reply).toMatchObject({ username: 'Order Agent', iconEmoji: ':package:', text: 'Order desk.' });
  });
});
