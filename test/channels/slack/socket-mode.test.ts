/**
 * Socket Mode end to end through the real Bolt app: `apps.connections.open` on the configured API host (the
 * loopback fake, never slack.com), a WebSocket that speaks Slack's protocol, events and an Approve click acked
 * by `envelope_id`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, handoff } from '../../handoff/fixtures.js';
import { FakeSocketMode } from './fake-socket-mode.js';
import {
  BOT_USER,
  CHANNEL,
  clickPayload,
  mentionEvent,
  STARTER,
  TEAM,
  userTs,
  useSlackHarness,
} from './harness.js';

const h = useSlackHarness();
let socket: FakeSocketMode;
beforeAll(async () => {
  socket = await FakeSocketMode.start();
});
afterAll(async () => {
  await socket.close();
});

function eventEnvelope(event: Record<string, unknown>) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM,
    api_app_id: 'A_BATON',
    type: 'event_callback',
    event_id: `EvSocket${userTs().replace('.', '')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    event,
  };
}

describe('Slack channel: Socket Mode', () => {
  it('connects through the configured API host, acks envelopes, and settles an Approve click', async () => {
    const rig = h.setup({
      appToken: 'xapp-1-test-app-token',
      fake: { socketModeUrl: () => socket.connectionUrl() },
    });
    expect(rig.channel.routes).toEqual([]);
    await rig.channel.start?.();
    try {
      const opens = h.fake.callsTo('apps.connections.open');
      expect(opens).toHaveLength(1);
      expect(opens[0]?.token).toBe('xapp-1-test-app-token');
      expect(socket.connections).toHaveLength(1);

      h.fixture.server.enqueue(
        handoff('refund_agent', 'refund request'),
        as('You process refund', {
          toolCalls: [{ name: 'process_refund', arguments: { order_number: '42' } }],
        }),
      );
      const root = userTs();
      const eventAck = await socket.deliver(
        'events_api',
        eventEnvelope(mentionEvent('refund order 42', { ts: root })),
      );
      expect(eventAck.envelope_id).toEqual(expect.any(String));
      await h.settle();
      const card = h.fake.thread(CHANNEL, root).find((m) => m.blocks.some((b) => b.type === 'actions'));
      expect(card, 'an approval card in the thread').toBeDefined();
      expect(rig.counters.refunds).toBe(0);

      h.fixture.server.enqueue(as('You process refund', { text: 'Refunded order 42.' }));
      const clickAck = await socket.deliver('interactive', clickPayload(card!));
      expect(clickAck.envelope_id).toEqual(expect.any(String));
      await h.settle();
      expect(rig.counters.refunds).toBe(1);
      const edits = h.fake.callsTo('chat.update').filter((c) => c.args.ts === card!.ts);
      expect(JSON.stringify(edits.at(-1)?.args.blocks)).toContain(`Approved by <@${STARTER}>`);
      expect(h.fake.thread(CHANNEL, root).at(-1)?.text).toBe('Refunded order 42.');
    } finally {
      await rig.channel.stop?.();
    }
  });

  it('does not ack an event that came while the bot identity was unknown, so Slack delivers it again', async () => {
    const rig = h.setup({
      appToken: 'xapp-1-test-app-token',
      botUserId: undefined,
      botId: undefined,
      identityRetry: { attempts: 1 },
      fake: { socketModeUrl: () => socket.connectionUrl() },
    });
    h.fake.failNext('auth.test', 'internal_error', 2);
    await rig.channel.start?.();
    try {
      h.fixture.server.enqueue({ text: 'Here now.' });
      const root = userTs();
      const envelope = eventEnvelope(mentionEvent('hello?', { ts: root }));
      await expect(socket.deliver('events_api', envelope, 1500)).rejects.toThrow(/not acked/);
      expect(h.fake.thread(CHANNEL, root)).toEqual([]);
      // Slack's redelivery of the same event, once auth.test answers.
      await socket.deliver('events_api', envelope);
      await h.settle();
      expect(h.fake.thread(CHANNEL, root).map((m) => m.text)).toEqual(['Here now.']);
    } finally {
      await rig.channel.stop?.();
    }
  });
});
