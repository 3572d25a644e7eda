/**
 * Long non-ASCII answers through the real CloudAdapter, measured on the wire the way Teams measures them
 * (UTF-16, ~100 KB; the fake connector answers 413 past it), and the plain-text previews of the chat list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useScriptedServer } from '../../helpers.js';
import { cardOf, cardTexts, streamInfo } from './card-helpers.js';
import { type ConnectorCall, MAX_MESSAGE_UTF16_BYTES } from './fake-connector.js';
import { type Harness, message, startHarness } from './harness.js';

const s = useScriptedServer();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(s.model(), { streamTiming: { minIntervalMs: 50 } });
});
afterAll(async () => {
  await h.close();
});

const CJK = '注文番号1234の返金を処理しました。您的订单已发货，预计周四送达。📦🚚✅ 😀👍🏽 ';
const LATIN = 'Your refund for order 1234 is on its way 📦 and should arrive soon, café déjà vu. ';

/** ~`units` UTF-16 code units of `paragraph` (CJK and emoji by default), in numbered paragraphs. */
function multilingual(units: number, paragraph = CJK): string {
  const out: string[] = [];
  for (let i = 0; out.join('\n\n').length < units; i++) out.push(`${i}. ${paragraph.repeat(8).trim()}`);
  return out.join('\n\n');
}

const utf16Bytes = (call: ConnectorCall) => JSON.stringify(call.body).length * 2;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
const words = (t: string) => t.split(/\s+/).filter(Boolean);

describe('Teams message size (UTF-16 on the wire)', () => {
  it('splits a long CJK and emoji answer into messages Teams accepts, losing nothing', async () => {
    const conversationId = '19:group-long@thread.v2';
    const answer = multilingual(60_000);
    // Under the old UTF-8 budget this was one part: 60k units × 2 bytes × 2 copies in the card.
    expect(Buffer.byteLength(answer, 'utf8')).toBeLessThan(70 * 1024 * 3);
    s.server.enqueue({ text: answer, chunkSize: 4000 });
    await h.post(message('tell me everything', { conversationId, scope: 'groupChat' }));
    await h.channel.whenIdle();

    const posts = h.connector.calls.filter(
      (c) => c.conversationId === conversationId && c.method === 'POST' && c.body.type === 'message',
    );
    expect(posts.map((c) => c.status).filter((status) => status >= 300)).toEqual([]);
    expect(posts.length).toBeGreaterThanOrEqual(4);
    for (const call of posts) expect(utf16Bytes(call)).toBeLessThanOrEqual(MAX_MESSAGE_UTF16_BYTES);
    const parts = posts.map((c) => cardTexts(cardOf(c.body)).slice(1).join('\n'));
    for (const part of parts) expect(part).not.toMatch(loneSurrogate);
    expect(parts.join('')).not.toContain('\uFFFD');
    expect(words(parts.join('\n'))).toEqual(words(answer));
  });

  it('streams a long answer in a personal chat within the limit, then sends the rest as messages', async () => {
    const conversationId = 'a:personal-long';
    // Mostly Latin: under the old 70 KB UTF-8 budget the final message was ~140 KB of UTF-16.
    const answer = multilingual(80_000, LATIN);
    s.server.enqueue({ text: answer, chunkSize: 3000, delayMs: 200 });
    await h.post(message('everything please', { conversationId }));
    await h.channel.whenIdle();

    const sent = h.connector.calls.filter((c) => c.conversationId === conversationId && c.method === 'POST');
    expect(sent.filter((c) => c.status === 413)).toEqual([]);
    for (const call of sent) expect(utf16Bytes(call)).toBeLessThanOrEqual(MAX_MESSAGE_UTF16_BYTES);
    const final = sent.find((c) => streamInfo(c.body)?.streamType === 'final');
    expect(final?.status).toBe(201);
    const rest = sent.filter((c) => c.body.type === 'message' && c !== final);
    expect(rest.length).toBeGreaterThanOrEqual(1);
    const shown = [
      String(final!.body.text).replace(/^\*\*Triage Agent\*\*\n\n/u, ''),
      ...rest.map((c) => cardTexts(cardOf(c.body)).slice(1).join('\n')),
    ];
    expect(words(shown.join('\n'))).toEqual(words(answer));
  });
});

describe('Teams chat list preview', () => {
  const REPLY =
    '**Good news:** your refund for order `1234` is [approved](https://example.com/r/1234).\n\n- 3–5 days';

  it('gives the final streamed message a plain-text summary with the agent first', async () => {
    const conversationId = 'a:personal-summary';
    s.server.enqueue({ text: REPLY, chunkSize: 10, delayMs: 200 });
    await h.post(message('refund status?', { conversationId }));
    await h.channel.whenIdle();
    const final = h.connector.sent(conversationId).find((c) => streamInfo(c.body)?.streamType === 'final');
    expect(final?.body.text).toContain('**Triage Agent**');
    expect(final?.body.summary).toBe(
      // example.com is not an allowed link host here: its address is shown, not hidden behind the label.
      'Triage Agent: Good news: your refund for order 1234 is approved (https://example.com/r/1234). 3–5 days',
    );
  });

  it('gives persona messages (cards) the same summary', async () => {
    const conversationId = '19:group-summary@thread.v2';
    s.server.enqueue({ text: REPLY });
    await h.post(message('refund status?', { conversationId, scope: 'groupChat' }));
    await h.channel.whenIdle();
    const reply = h.connector.sent(conversationId).find((c) => c.body.type === 'message');
    expect(reply?.body.summary).toBe(
      // example.com is not an allowed link host here: its address is shown, not hidden behind the label.
      'Triage Agent: Good news: your refund for order 1234 is approved (https://example.com/r/1234). 3–5 days',
    );
  });
});
