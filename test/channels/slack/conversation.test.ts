import { describe, expect, it } from 'vitest';
import { NOTICES } from '../../../src/channels/slack/index.js';
import { as, handoff } from '../../handoff/fixtures.js';
import {
  CHANNEL,
  clickPayload,
  mentionEvent,
  messageEvent,
  REFUND_ICON,
  STARTER,
  userTs,
  useSlackHarness,
} from './harness.js';

const h = useSlackHarness();
const TRIAGE = 'You are frontline support triage.';
const ORDER = 'You handle order';
const REFUND = 'You process refund';

describe('Slack channel: the seed conversation in one thread', () => {
  it('hands off triage → order → refund, asks for approval, runs the refund once after the click', async () => {
    const rig = h.setup();
    const root = userTs();
    h.fixture.server.enqueue(
      as(TRIAGE, {
        text: 'Let me get our order specialist for you.',
        toolCalls: [{ name: 'handoff_to_order_agent', arguments: { reason: 'order status question' } }],
      }),
      as(ORDER, { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1234' } }] }),
      as(ORDER, { text: 'Order 1234 will ship in 2 business days.', chunkSize: 5 }),
    );
    const res = await h.postEvent(mentionEvent('Where is my order 1234?', { ts: root }));
    expect(res.status).toBe(200);
    await h.settle();

    // The user's mention was stripped before it reached the model.
    expect(h.fixture.server.requests[0]?.lastUserText).toBe('Where is my order 1234?');

    // Continue in the thread without a mention.
    h.fixture.server.enqueue(
      handoff('refund_agent', 'order arrived damaged'),
      as(REFUND, {
        text: 'I can refund that.',
        toolCalls: [
          { name: 'process_refund', arguments: { order_number: '1234', note: '<!channel> *urgent*' } },
        ],
      }),
    );
    await h.postEvent(messageEvent('It arrived damaged, I want a refund.', { threadTs: root }));
    await h.settle();
    expect(rig.counters.refunds).toBe(0);

    const thread = () => h.fake.thread(CHANNEL, root);
    const card = thread().find((m) => m.blocks.some((b) => b.type === 'actions'));
    expect(card, 'approval card posted in the thread').toBeDefined();
    // The card speaks for the refund agent.
    expect(card).toMatchObject({ username: 'Refund Agent', iconUrl: REFUND_ICON });
    const cardJson = JSON.stringify(card!.blocks);
    expect(cardJson).toContain('process_refund');
    // The card shows what will run: the validated arguments. The tool's schema strips `note` (with its
    // <!channel>), and the card says so instead of showing it as if it were used.
    expect(cardJson).toContain('*order_number*\\n```\\"1234\\"```');
    expect(cardJson).toContain('Not passed to the tool (its schema removes them): `note`');
    expect(cardJson).not.toContain('<!channel>');
    expect(cardJson).toContain('Asked by <@U_STARTER>');
    const actions = card!.blocks.find((b) => b.type === 'actions') as {
      elements: Array<Record<string, unknown>>;
    };
    const [approve, reject] = actions.elements;
    expect(approve).toMatchObject({
      text: { text: 'Approve' },
      style: 'primary',
      action_id: 'baton_approve',
    });
    expect(approve!.confirm).toMatchObject({ confirm: { text: 'Approve' }, deny: { text: 'Cancel' } });
    expect(reject).toMatchObject({ text: { text: 'Reject' }, action_id: 'baton_reject' });
    expect(reject!.style).toBeUndefined();
    const pending = await rig.driver.workflow
      .forConversation(`slack:T1:${CHANNEL}:${root}`)
      .getPendingRequests();
    expect(approve!.value).toBe(pending[0]?.requestId);
    expect(reject!.value).toBe(pending[0]?.requestId);

    // The starter approves.
    h.fixture.server.enqueue(
      as(REFUND, { text: 'Your refund for order 1234 is on its way. You are welcome!' }),
    );
    const click = await h.postAction(clickPayload(card!));
    expect(click.status).toBe(200);
    await h.settle();
    expect(rig.counters.refunds).toBe(1);

    const updatedCard = thread().find((m) => m.ts === card!.ts)!;
    const updatedJson = JSON.stringify(updatedCard.blocks);
    expect(updatedJson).toContain(`Approved by <@${STARTER}>`);
    expect(updatedCard.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(h.fake.callsTo('chat.update').filter((c) => c.args.ts === card!.ts)).toHaveLength(1);

    // What a person reads in the thread, in order.
    const lines = thread().map(
      (m) => `${m.username ?? '(app)'}: ${m.blocks.length ? JSON.stringify(m.blocks) : m.text}`,
    );
    const index = (needle: string) => lines.findIndex((l) => l.includes(needle));
    expect(lines[0]).toBe('Triage Agent: Let me get our order specialist for you.');
    expect(index('Triage Agent → Order Agent · order status question')).toBe(1);
    expect(lines[2]).toBe('Order Agent: Order 1234 will ship in 2 business days.');
    expect(index('Order Agent → Refund Agent · order arrived damaged')).toBe(3);
    expect(lines[4]).toBe('Refund Agent: I can refund that.');
    expect(index('Approval needed')).toBe(5);
    expect(lines[6]).toBe('Refund Agent: Your refund for order 1234 is on its way. You are welcome!');
    expect(index(NOTICES.closed)).toBe(7);
    expect(lines).toHaveLength(8);

    // Each agent spoke under its own persona, streamed natively to the person who asked.
    const starts = h.fake.callsTo('chat.startStream');
    expect(starts.map((c) => [c.args.username, c.args.icon_emoji ?? c.args.icon_url])).toEqual([
      ['Triage Agent', ':wave:'],
      ['Order Agent', ':package:'],
      ['Refund Agent', REFUND_ICON],
      ['Refund Agent', REFUND_ICON],
    ]);
    for (const c of starts) {
      expect(c.args).toMatchObject({ channel: CHANNEL, thread_ts: root, recipient_team_id: 'T1' });
    }
    expect(starts.slice(0, 2).every((c) => c.args.recipient_user_id === STARTER)).toBe(true);
    expect(thread().every((m) => !m.streaming)).toBe(true);
    // Nothing was ever posted outside the thread.
    expect(h.fake.messages.every((m) => m.threadTs === root)).toBe(true);
  });

  it('works in a DM without a mention, with a thinking status', async () => {
    h.setup();
    h.fixture.server.enqueue({ text: 'Hi! How can I help?' });
    const ts = userTs();
    await h.postEvent(messageEvent('hello', { ts, channel: 'D_DM', channelType: 'im' }));
    await h.settle();
    expect(h.fake.thread('D_DM', ts).map((m) => m.text)).toEqual(['Hi! How can I help?']);
    expect(h.fake.callsTo('assistant.threads.setStatus')[0]?.args).toMatchObject({
      channel_id: 'D_DM',
      thread_ts: ts,
      status: NOTICES.thinking,
    });
  });

  it('ignores channel messages outside Baton threads, edits, and other bots', async () => {
    h.setup();
    const root = userTs();
    // Not a Baton thread: no mention ever started it.
    await h.postEvent(messageEvent('just chatting', { threadTs: root }));
    await h.postEvent(messageEvent('top-level chatter'));
    h.fixture.server.enqueue({ text: 'Hello there.' });
    await h.postEvent(mentionEvent('hi', { ts: root }));
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(1);
    // In the Baton thread now: edits, deletions, bot posts and our own posts are not turns.
    await h.postEvent(
      messageEvent('', {
        threadTs: root,
        extra: { subtype: 'message_changed', message: { text: 'edited', ts: root } },
      }),
    );
    await h.postEvent(
      messageEvent('beep', { threadTs: root, extra: { bot_id: 'B_OTHER', subtype: 'bot_message' } }),
    );
    await h.postEvent(messageEvent('I am the bot', { threadTs: root, user: 'UBOT' }));
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(1);
  });

  it('passes files in a message to the model as attachments, read with the bot token', async () => {
    h.setup();
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    // Served by the Slack fake (the host of slackApiUrl stands in for files.slack.com).
    const url = h.fake.addFile('box.png', image, 'image/png');
    h.fixture.server.enqueue({ text: 'Thanks for the photo.' });
    const ts = userTs();
    await h.postEvent({
      ...mentionEvent('here is the damage', { ts }),
      subtype: undefined,
      files: [{ name: 'box.png', mimetype: 'image/png', url_private: url }],
    });
    await h.settle();
    const sent = JSON.stringify(h.fixture.server.requests[0]?.messages);
    // Inline, never the private link (no model provider can fetch it without the token).
    expect(sent).toContain(`data:image/png;base64,${image.toString('base64')}`);
    expect(sent).not.toContain(url);
    expect(h.fake.thread(CHANNEL, ts).map((m) => m.text)).toEqual(['Thanks for the photo.']);
  });
});
