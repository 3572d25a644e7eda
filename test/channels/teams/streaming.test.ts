/** Teams streaming in personal chats, as it reaches the Bot Connector (streaminfo protocol, throttling, AI label). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useScriptedServer } from '../../helpers.js';
import { hasAiLabel, streamInfo } from './card-helpers.js';
import { type Harness, message, startHarness } from './harness.js';

const s = useScriptedServer();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(s.model());
});
afterAll(async () => {
  await h.close();
});

const ANSWER =
  'Your order 1234 left our warehouse yesterday. It is with the courier now and should reach you on Thursday. ' +
  'You will get a tracking link by email within the hour.';

describe('Teams streaming (personal chat)', () => {
  it('streams informative → cumulative streaming chunks (≥ 1.5 s apart) → final with the stream id and AI label', async () => {
    const conversationId = 'a:personal-stream';
    s.server.enqueue({ text: ANSWER, delayMs: 3600, chunkSize: 6 });
    const res = await h.post(message('Where is my order 1234?', { conversationId }));
    expect(res.status).toBe(200);
    await h.channel.whenIdle();

    const sent = h.connector.sent(conversationId).filter((c) => c.method === 'POST');
    expect(sent[0]?.body).toMatchObject({ type: 'typing' });
    expect(streamInfo(sent[0]!.body)).toBeUndefined();
    const stream = sent.slice(1);
    const info = stream.map((c) => streamInfo(c.body));
    expect(info.every(Boolean), 'every later activity is part of the stream').toBe(true);

    const [informative, ...rest] = stream;
    const streamId = informative!.returnedId;
    expect(informative!.body.type).toBe('typing');
    expect(streamInfo(informative!.body)).toEqual({
      type: 'streaminfo',
      streamType: 'informative',
      streamSequence: 1,
    });
    expect(informative!.body.text).toBe('Triage Agent is writing…');

    const chunks = rest.slice(0, -1);
    const final = rest.at(-1)!;
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    chunks.forEach((c, i) => {
      expect(c.body.type).toBe('typing');
      expect(streamInfo(c.body)).toEqual({
        type: 'streaminfo',
        streamType: 'streaming',
        streamId,
        streamSequence: i + 2,
      });
    });
    // Each chunk carries the whole text so far, under the agent's name.
    const texts = chunks.map((c) => String(c.body.text));
    for (const t of texts) expect(t.startsWith('**Triage Agent**\n\n')).toBe(true);
    for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
    // No update sooner than 1.5 s after the previous one.
    const times = [informative!, ...chunks].map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1450);

    expect(final.body.type).toBe('message');
    expect(streamInfo(final.body)).toEqual({ type: 'streaminfo', streamType: 'final', streamId });
    expect(final.body.text).toBe(`**Triage Agent**\n\n${ANSWER}`);
    expect(hasAiLabel(final.body)).toBe(true);
    // The stream is the answer: no second copy as a normal message.
    expect(sent.filter((c) => c.body.type === 'message')).toHaveLength(1);
  });

  it('sends a short answer as one stream when the model is fast', async () => {
    const conversationId = 'a:personal-fast';
    s.server.enqueue({ text: 'Hello! How can I help?' });
    await h.post(message('hi', { conversationId }));
    await h.channel.whenIdle();
    const sent = h.connector.sent(conversationId).filter((c) => c.method === 'POST');
    expect(sent.map((c) => [c.body.type, streamInfo(c.body)?.streamType])).toEqual([
      ['typing', undefined],
      ['typing', 'informative'],
      ['message', 'final'],
    ]);
    expect(sent.at(-1)!.body.text).toBe('**Triage Agent**\n\nHello! How can I help?');
  });
});
