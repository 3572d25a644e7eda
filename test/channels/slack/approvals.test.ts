import { describe, expect, it } from 'vitest';
import { EPHEMERAL } from '../../../src/channels/slack/index.js';
import { as, handoff } from '../../handoff/fixtures.js';
import type { FakeMessage } from './fake-slack-api.js';
import {
  CHANNEL,
  clickPayload,
  mentionEvent,
  type SetupOptions,
  STARTER,
  userTs,
  useSlackHarness,
} from './harness.js';

const h = useSlackHarness();
const REFUND = 'You process refund';

/** Starts a thread that ends with an approval card; returns the card. */
async function threadWithCard(options: SetupOptions = {}) {
  const rig = h.setup(options);
  const root = userTs();
  h.fixture.server.enqueue(
    handoff('refund_agent', 'refund request'),
    as(REFUND, { toolCalls: [{ name: 'process_refund', arguments: { order_number: '42' } }] }),
  );
  await h.postEvent(mentionEvent('refund order 42 please', { ts: root }));
  await h.settle();
  const card = h.fake.thread(CHANNEL, root).find((m) => m.blocks.some((b) => b.type === 'actions'));
  if (!card) throw new Error('no approval card was posted');
  return { rig, root, card };
}

const cardUpdates = (card: FakeMessage) => h.fake.callsTo('chat.update').filter((c) => c.args.ts === card.ts);
const ephemerals = () => h.fake.callsTo('chat.postEphemeral').map((c) => c.args);

describe('Slack channel: approval clicks', () => {
  it('settles a double click and a redelivered click once; the duplicate shows nothing', async () => {
    const { rig, root, card } = await threadWithCard();
    h.fixture.server.enqueue(as(REFUND, { text: 'Refunded order 42.', delayMs: 100 }));
    const first = clickPayload(card, { actionTs: '1900000000.000001' });
    const second = clickPayload(card, { actionTs: '1900000000.000002' });
    const responses = await Promise.all([
      h.postAction(first),
      h.postAction(first, { retryNum: 1 }), // the same click delivered again
      h.postAction(second), // a double click
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.settle();
    expect(rig.counters.refunds).toBe(1);
    expect(cardUpdates(card)).toHaveLength(1);
    expect(JSON.stringify(cardUpdates(card)[0]?.args.blocks)).toContain(`Approved by <@${STARTER}>`);
    // The double click gets a private "already decided"; the redelivery gets nothing at all.
    expect(ephemerals()).toEqual([
      expect.objectContaining({
        user: STARTER,
        channel: CHANNEL,
        thread_ts: root,
        text: EPHEMERAL.notPending,
      }),
    ]);
    expect(h.fake.thread(CHANNEL, root).filter((m) => m.text === 'Refunded order 42.')).toHaveLength(1);
  });

  it('refuses a clicker who may not approve: a private notice, and nothing runs or changes', async () => {
    const { rig, root, card } = await threadWithCard();
    const before = h.fake.thread(CHANNEL, root).length;
    await h.postAction(clickPayload(card, { user: 'U_INTRUDER' }));
    await h.settle();
    expect(rig.counters.refunds).toBe(0);
    expect(cardUpdates(card)).toHaveLength(0);
    expect(ephemerals()).toEqual([
      expect.objectContaining({ user: 'U_INTRUDER', text: EPHEMERAL.forbidden }),
    ]);
    expect(h.fake.thread(CHANNEL, root)).toHaveLength(before);
    expect(h.fixture.server.requests).toHaveLength(2);
    // The rightful approver can still decide.
    h.fixture.server.enqueue(as(REFUND, { text: 'Done.' }));
    await h.postAction(clickPayload(card));
    await h.settle();
    expect(rig.counters.refunds).toBe(1);
  });

  it('lets configured approvers decide instead of the starter', async () => {
    const { rig, card } = await threadWithCard({ approvers: { process_refund: ['U_MANAGER'] } });
    await h.postAction(clickPayload(card));
    await h.settle();
    expect(rig.counters.refunds).toBe(0);
    expect(ephemerals()[0]).toMatchObject({ user: STARTER, text: EPHEMERAL.forbidden });
    h.fixture.server.enqueue(as(REFUND, { text: 'Approved and done.' }));
    await h.postAction(clickPayload(card, { user: 'U_MANAGER' }));
    await h.settle();
    expect(rig.counters.refunds).toBe(1);
    expect(JSON.stringify(cardUpdates(card)[0]?.args.blocks)).toContain('Approved by <@U_MANAGER>');
  });

  it('the requester decides, not whoever started the thread; the card says who asked and who may decide', async () => {
    h.setup();
    const root = userTs();
    h.fixture.server.enqueue({ text: 'Hi! How can I help?' });
    await h.postEvent(mentionEvent('hello', { ts: root }));
    await h.settle();
    h.fixture.server.enqueue(
      handoff('refund_agent', 'refund request'),
      as(REFUND, { toolCalls: [{ name: 'process_refund', arguments: { order_number: '77' } }] }),
    );
    await h.postEvent(mentionEvent('refund my order 77', { threadTs: root, user: 'U_BOB' }));
    await h.settle();
    const card = h.fake.thread(CHANNEL, root).find((m) => m.blocks.some((b) => b.type === 'actions'))!;
    expect(JSON.stringify(card.blocks)).toContain(
      'Asked by <@U_BOB> · May decide: the person who asked (not external users)',
    );
    await h.postAction(clickPayload(card));
    await h.settle();
    expect(ephemerals()[0]).toMatchObject({ user: STARTER, text: EPHEMERAL.forbidden });
    h.fixture.server.enqueue(as(REFUND, { text: 'Refunded 77.' }));
    await h.postAction(clickPayload(card, { user: 'U_BOB' }));
    await h.settle();
    expect(JSON.stringify(cardUpdates(card)[0]?.args.blocks)).toContain('Approved by <@U_BOB>');
  });

  it('a Slack Connect user may chat but not approve their own call', async () => {
    const rig = h.setup();
    const root = userTs();
    h.fixture.server.enqueue(
      handoff('refund_agent', 'refund request'),
      as(REFUND, { toolCalls: [{ name: 'process_refund', arguments: { order_number: '9' } }] }),
    );
    // user_team differs from the workspace: a Slack Connect user from another organisation.
    await h.postEvent({
      ...mentionEvent('refund order 9', { ts: root, user: 'U_GUEST' }),
      user_team: 'T_OTHER',
    });
    await h.settle();
    const card = h.fake.thread(CHANNEL, root).find((m) => m.blocks.some((b) => b.type === 'actions'));
    expect(card, 'the external user could chat').toBeDefined();
    const click = clickPayload(card!, { user: 'U_GUEST' });
    await h.postAction({ ...click, user: { ...click.user, team_id: 'T_OTHER' } });
    await h.settle();
    expect(rig.counters.refunds).toBe(0);
    expect(ephemerals().at(-1)).toMatchObject({ user: 'U_GUEST', text: EPHEMERAL.forbidden });
  });

  it('ignores a button value forged into another thread: the conversation comes from where the click was', async () => {
    const { rig, root, card } = await threadWithCard();
    // Another Baton thread by the same person …
    const other = userTs();
    h.fixture.server.enqueue({ text: 'Hi again.' });
    await h.postEvent(mentionEvent('another question', { ts: other }));
    await h.settle();
    // … where a click arrives carrying the first thread's request id.
    const forged = clickPayload({ ...card, threadTs: other }, {});
    await h.postAction(forged);
    // And a made-up request id in the right thread.
    await h.postAction(clickPayload(card, { value: 'req_made_up' }));
    await h.settle();
    expect(rig.counters.refunds).toBe(0);
    expect(h.fake.callsTo('chat.update')).toHaveLength(0);
    expect(ephemerals().map((e) => e.text)).toEqual([EPHEMERAL.notPending, EPHEMERAL.notPending]);
    // The real request is still pending in its own thread.
    const key = `slack:T1:${CHANNEL}:${root}`;
    expect(await rig.driver.workflow.forConversation(key).getPendingRequests()).toHaveLength(1);
  });

  it('acks a click at once while the approved turn takes its time', async () => {
    const { rig, root, card } = await threadWithCard();
    h.fixture.server.enqueue(as(REFUND, { text: 'All done, slowly.', delayMs: 1500 }));
    const started = Date.now();
    const res = await h.postAction(clickPayload(card));
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await h.settle();
    expect(rig.counters.refunds).toBe(1);
    expect(h.fake.thread(CHANNEL, root).at(-1)?.text).toBe('All done, slowly.');
  });

  it('records a rejection on the card and never runs the tool', async () => {
    const { rig, card } = await threadWithCard();
    h.fixture.server.enqueue(as(REFUND, { text: 'Understood, no refund.' }));
    await h.postAction(clickPayload(card, { approve: false }));
    await h.settle();
    expect(rig.counters.refunds).toBe(0);
    const blocks = JSON.stringify(cardUpdates(card)[0]?.args.blocks);
    expect(blocks).toContain(`Rejected by <@${STARTER}>`);
    expect(blocks).not.toContain('"actions"');
  });

  it('accepts a click after a restart (new channel and driver over the same store)', async () => {
    const { rig, card } = await threadWithCard();
    const restarted = h.setup({ storage: rig.storage, idempotency: rig.idempotency });
    h.fixture.server.enqueue(as(REFUND, { text: 'Refund done after the restart.' }));
    await h.postAction(clickPayload(card));
    await h.settle();
    expect(restarted.counters.refunds + rig.counters.refunds).toBe(1);
    expect(JSON.stringify(cardUpdates(card)[0]?.args.blocks)).toContain('Approved by');
  });
});
