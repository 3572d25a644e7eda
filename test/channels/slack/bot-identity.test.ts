/**
 * The bot's identity (`auth.test`) at start-up, through the real Bolt app: retried with backoff, reported
 * when it stays unknown, and never an event acked and dropped because of it (Slack redelivers a 5xx).
 */
import { describe, expect, it } from 'vitest';
import { oauthAuthorizeUrl } from '../../../src/channels/slack/slack-options.js';
import { CHANNEL, mentionEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();
/** A channel that has to ask Slack who it is. */
const unknownIds = { botUserId: undefined, botId: undefined } as const;

describe('Slack channel: bot identity at start-up', () => {
  it('retries a failed auth.test after start-up, then answers events without asking again', async () => {
    const { channel } = h.setup({ ...unknownIds, identityRetry: { minDelayMs: 10 } });
    h.fake.failNext('auth.test', 'internal_error');
    await channel.start?.();
    // Start-up is not held up by Slack: the retry runs in the background.
    await h.settle();
    expect(h.fake.calls.filter((c) => c.method === 'auth.test')).toHaveLength(2);
    expect(channel.describe()).not.toContain('WARNING');

    h.fixture.server.enqueue({ text: 'Hello there.' });
    const ts = userTs();
    const res = await h.postEvent(mentionEvent('hi', { ts }));
    expect(res.status).toBe(200);
    await h.settle();
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Hello there.']);
    expect(h.fake.calls.filter((c) => c.method === 'auth.test')).toHaveLength(2);
  });

  it('answers 5xx to an event that came while the identity was unknown, and handles its redelivery', async () => {
    h.setup(unknownIds);
    h.fake.failNext('auth.test', 'internal_error');
    h.fixture.server.enqueue({ text: 'Got it on the second delivery.' });
    const ts = userTs();
    const event = mentionEvent('are you there?', { ts });

    const first = await h.postEvent(event, { eventId: 'Ev-first' });
    expect(first.status).toBeGreaterThanOrEqual(500);
    await h.settle();
    expect(h.fake.thread(CHANNEL, ts)).toEqual([]);
    expect(h.fixture.server.requests).toHaveLength(0);

    // Slack delivers the same event again (X-Slack-Retry-Num: 1); now auth.test answers.
    const retry = await h.postEvent(event, { eventId: 'Ev-first', retryNum: 1 });
    expect(retry.status).toBe(200);
    await h.settle();
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Got it on the second delivery.']);
  });

  it('gives up after a bounded number of attempts and says so in its start-up line', async () => {
    const { channel } = h.setup({ ...unknownIds, identityRetry: { attempts: 3, minDelayMs: 5 } });
    h.fake.failNext('auth.test', 'internal_error', 10);
    await channel.start?.();
    expect(channel.describe()).toMatch(/WARNING: bot identity unknown/);
    await h.settle();
    expect(h.fake.calls.filter((c) => c.method === 'auth.test')).toHaveLength(3);
    expect(channel.describe()).toMatch(/WARNING: bot identity unknown \(auth\.test: internal_error\)/);
  });

  it('fails start-up at once, naming the variable, when Slack refuses the token', async () => {
    const { channel } = h.setup({ ...unknownIds, identityRetry: { minDelayMs: 5 } });
    h.fake.failNext('auth.test', 'invalid_auth', 10);
    await expect(channel.start?.()).rejects.toThrow(/SLACK_BOT_TOKEN.*invalid_auth/);
    expect(h.fake.calls.filter((c) => c.method === 'auth.test')).toHaveLength(1);
  });
});

describe('Slack OAuth install link host', () => {
  it('derives the authorize page from the Web API host', () => {
    expect(oauthAuthorizeUrl('https://slack.com/api/')).toBe('https://slack.com/oauth/v2/authorize');
    expect(oauthAuthorizeUrl('https://slack-gov.com/api/')).toBe('https://slack-gov.com/oauth/v2/authorize');
    expect(oauthAuthorizeUrl('https://slack-gov.com/api')).toBe('https://slack-gov.com/oauth/v2/authorize');
    expect(oauthAuthorizeUrl('http://127.0.0.1:8080/proxy/api/')).toBe(
      'http://127.0.0.1:8080/proxy/oauth/v2/authorize',
    );
  });
});
