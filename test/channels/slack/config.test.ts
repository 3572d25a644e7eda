import { describe, expect, it } from 'vitest';
import { ConversationDriver } from '../../../src/channels/conversation-driver.js';
import { createSlackChannel } from '../../../src/channels/slack/index.js';
import { InMemoryCheckpointStorage } from '../../../src/store/memory.js';
import { CHANNEL, mentionEvent, supportWorkflow, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();

describe('Slack channel: configuration', () => {
  const driver = () =>
    new ConversationDriver({
      workflow: supportWorkflow(h.fixture, new InMemoryCheckpointStorage()).workflow,
    });

  it('fails at start-up with the variable to set', () => {
    expect(() => createSlackChannel({ driver: driver(), botToken: 'xoxb-x' })).toThrow(
      /SLACK_SIGNING_SECRET/,
    );
    expect(() => createSlackChannel({ driver: driver(), signingSecret: 's' })).toThrow(/SLACK_BOT_TOKEN/);
    expect(() =>
      createSlackChannel({ driver: driver(), signingSecret: 's', clientId: 'c', clientSecret: 'x' }),
    ).toThrow(/SLACK_STATE_SECRET/);
    expect(() =>
      createSlackChannel({
        driver: driver(),
        signingSecret: 's',
        botToken: 'xoxb-x',
        clientId: 'c',
        clientSecret: 'x',
        stateSecret: 'y',
      }),
    ).toThrow(/either SLACK_BOT_TOKEN/);
  });

  it('mounts the events route over HTTP, the install routes with OAuth, and none in Socket Mode', () => {
    const http = createSlackChannel({ driver: driver(), signingSecret: 's', botToken: 'xoxb-x' });
    expect(http.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /slack/events']);
    expect(http.describe()).toBe('Slack: on — HTTP /slack/events');
    const oauth = createSlackChannel({
      driver: driver(),
      signingSecret: 's',
      clientId: 'c',
      clientSecret: 'x',
      stateSecret: 'y',
    });
    expect(oauth.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /slack/events',
      'GET /slack/install',
      'GET /slack/oauth_redirect',
    ]);
    // Constructed only: starting would open a WebSocket to Slack.
    const socket = createSlackChannel({ driver: driver(), appToken: 'xapp-test', botToken: 'xoxb-x' });
    expect(socket.routes).toEqual([]);
    expect(socket.describe()).toBe('Slack: on — Socket Mode');
  });

  it('looks the bot up with one auth.test when its ids are not configured', async () => {
    h.setup({ botUserId: undefined, botId: undefined });
    h.fixture.server.enqueue({ text: 'one' }, { text: 'two' });
    const [a, b] = [userTs(), userTs()];
    await h.postEvent(mentionEvent('first', { ts: a }));
    await h.postEvent(mentionEvent('second', { ts: b }));
    await h.settle();
    expect(h.fake.callsTo('auth.test')).toHaveLength(1);
    // The id it learned is used to strip the mention.
    expect(h.fixture.server.requests.map((r) => r.lastUserText)).toEqual(['first', 'second']);
    expect(h.fake.thread(CHANNEL, b).map((m) => m.text)).toEqual(['two']);
  });
});
