import { describe, expect, it } from 'vitest';
import { CHANNEL, mentionEvent, messageEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();

describe('Slack channel: request verification', () => {
  it.each([
    ['unsigned', { sign: false as const }],
    ['signed with another secret', { sign: 'forged' as const }],
    ['signed six minutes ago (replayed)', { sign: { ageSeconds: 360 } }],
  ])('rejects a request %s and processes nothing', async (_label, opts) => {
    h.setup();
    h.fixture.server.enqueue({ text: 'should never be said' });
    const res = await h.postEvent(mentionEvent('hello'), opts);
    expect([401, 403]).toContain(res.status);
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(0);
    expect(h.fake.calls).toHaveLength(0);
  });

  it('answers the URL verification challenge when signed', async () => {
    h.setup();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'chal-123', token: 't' });
    const res = await h.post(body, 'application/json');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('chal-123');
  });
});

describe('Slack channel: acking and deduplication', () => {
  it('acks within a second while a slow model takes two', async () => {
    h.setup();
    h.fixture.server.enqueue({ text: 'Sorry for the wait!', delayMs: 2000 });
    const ts = userTs();
    const started = Date.now();
    const res = await h.postEvent(mentionEvent('are you there?', { ts }));
    const ackMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(1000);
    // The reply was not there yet when Slack got its ack …
    expect(h.fake.thread(CHANNEL, ts)).toHaveLength(0);
    await h.settle();
    // … and arrives once the model is done.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Sorry for the wait!']);
  });

  it('processes a Slack retry (same event_id, X-Slack-Retry-Num) once', async () => {
    h.setup();
    h.fixture.server.enqueue({ text: 'Hello once.', delayMs: 300 });
    const ts = userTs();
    const event = mentionEvent('hi', { ts });
    const first = await h.postEvent(event, { eventId: 'EvRETRY' });
    const retry = await h.postEvent(event, { eventId: 'EvRETRY', retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await h.settle();
    const late = await h.postEvent(event, { eventId: 'EvRETRY', retryNum: 2 });
    expect(late.status).toBe(200);
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(1);
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Hello once.']);
  });

  it('processes the app_mention + message pair for one message once', async () => {
    h.setup();
    const root = userTs();
    h.fixture.server.enqueue({ text: 'Started.' });
    await h.postEvent(mentionEvent('start', { ts: root }));
    await h.settle();
    // A reply in the Baton thread that also mentions the bot: Slack sends two events with different ids.
    h.fixture.server.enqueue({ text: 'Got it.', delayMs: 200 }, { text: 'SECOND ANSWER (must not happen)' });
    const ts = userTs();
    await Promise.all([
      h.postEvent(mentionEvent('one more thing', { ts, threadTs: root }), { eventId: 'EvMention' }),
      h.postEvent(messageEvent('<@UBOT> one more thing', { ts, threadTs: root }), { eventId: 'EvMessage' }),
    ]);
    await h.settle();
    expect(h.fixture.server.requests.map((r) => r.lastUserText)).toEqual(['start', 'one more thing']);
    expect(h.fake.thread(CHANNEL, root).map((m) => m.text)).toEqual(['Started.', 'Got it.']);
  });

  it('posts a short apology when the model fails, and the next message works', async () => {
    h.setup();
    const root = userTs();
    h.fixture.server.enqueue({ fault: 'server_error', status: 500 });
    await h.postEvent(mentionEvent('help', { ts: root }));
    await h.settle();
    const afterFailure = h.fake.thread(CHANNEL, root);
    expect(afterFailure).toHaveLength(1);
    const apology = JSON.stringify(afterFailure[0]!.blocks);
    expect(apology).toContain('Sorry, something went wrong');
    // No internals reach the thread.
    expect(apology).not.toMatch(/500|server_error|Error:|stack/i);
    h.fixture.server.enqueue({ text: 'I am back. How can I help?' });
    await h.postEvent(messageEvent('hello again', { threadTs: root }));
    await h.settle();
    expect(h.fake.thread(CHANNEL, root).at(-1)?.text).toBe('I am back. How can I help?');
  });

  it('stops accepting events after stop(): Slack gets a 503 and will redeliver', async () => {
    const rig = h.setup();
    await rig.channel.stop?.();
    const res = await h.postEvent(mentionEvent('anyone?'));
    expect(res.status).toBe(503);
    expect(h.fixture.server.requests).toHaveLength(0);
    await rig.channel.start?.();
  });
});
