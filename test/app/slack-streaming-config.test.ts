/**
 * BATON_SLACK_STREAMING reaches the Slack channel the app builds: `update` posts then edits instead of
 * Slack's streaming API. Driven through the app's own channel wiring, a signed event and the loopback Web API.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../src/app/channels.js';
import { parseConfig } from '../../src/app/config.js';
import type { HttpRoute } from '../../src/channels/channel.js';
import { ConversationDriver } from '../../src/channels/conversation-driver.js';
import { silentLogger } from '../../src/channels/logger.js';
import type { SlackChannel } from '../../src/channels/slack/index.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { InMemoryKeyValueStore } from '../../src/store/key-value.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { FakeSlackApi } from '../channels/slack/fake-slack-api.js';
import { supportAgents } from '../handoff/fixtures.js';
import { useScriptedServer } from '../helpers.js';
import { type RoutesServer, serveRoutes } from '../http-routes.js';

const s = useScriptedServer();
const signingSecret = randomBytes(16).toString('hex');
let fake: FakeSlackApi;
let server: RoutesServer;
let url = '';
let routes: readonly HttpRoute[] = [];

beforeAll(async () => {
  fake = await FakeSlackApi.start();
  server = await serveRoutes(() => routes);
  url = server.url;
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

async function slackFromEnv(env: Record<string, string>): Promise<SlackChannel> {
  const { triage } = supportAgents(s.model());
  const workflow = new HandoffBuilder({ participants: [triage] })
    .withCheckpointing(new InMemoryCheckpointStorage())
    .build();
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    BATON_PLAYGROUND: 'off',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: fake.apiUrl,
    ...env,
  });
  const setup = await createChannels({
    config,
    driver: new ConversationDriver({ workflow }),
    logger: silentLogger,
    records: new InMemoryKeyValueStore(),
    playground: { about: { model: 'm', store: 's' } },
  });
  routes = setup.slack!.routes;
  await setup.slack!.start?.();
  return setup.slack!;
}

async function mention(ts: string): Promise<number> {
  const body = JSON.stringify({
    team_id: 'T1',
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: `Ev${ts}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    event: { type: 'app_mention', user: 'U1', text: '<@UBOT> hi', ts, channel: 'C1' },
  });
  const stamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${stamp}:${body}`).digest('hex')}`;
  const res = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': stamp,
      'x-slack-signature': signature,
    },
    body,
  });
  return res.status;
}

describe('BATON_SLACK_STREAMING', () => {
  it('defaults to native and rejects unknown values, naming the choices', () => {
    expect(parseConfig({}).BATON_SLACK_STREAMING).toBe('native');
    expect(() => parseConfig({ BATON_SLACK_STREAMING: 'fast' })).toThrow(
      /BATON_SLACK_STREAMING="fast" must be one of native, update, off/,
    );
  });

  it.each([
    ['native', { startStream: 1, postMessage: 0 }],
    ['update', { startStream: 0, postMessage: 1 }],
    ['off', { startStream: 0, postMessage: 1 }],
  ] as const)('%s reaches the Slack channel', async (mode, expected) => {
    fake.reset();
    const slack = await slackFromEnv({ BATON_SLACK_STREAMING: mode });
    s.server.enqueue({
      text: 'A reply written in several pieces, one after the other.',
      chunkSize: 5,
      delayMs: 300,
    });
    const ts = `1800000100.${mode.length}0000${Date.now() % 10}`;
    expect(await mention(ts)).toBe(200);
    await slack.idle();
    expect(fake.callsTo('chat.startStream')).toHaveLength(expected.startStream);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(expected.postMessage);
    // `update` shows the reply growing (edits); `off` posts it once, complete.
    if (mode === 'update') expect(fake.callsTo('chat.update').length).toBeGreaterThan(0);
    if (mode === 'off') expect(fake.callsTo('chat.update')).toHaveLength(0);
    expect(fake.thread('C1', ts).map((m) => m.text)).toEqual([
      'A reply written in several pieces, one after the other.',
    ]);
    await slack.stop?.();
  });
});
