/**
 * The Teams channel end to end: real botbuilder CloudAdapter over HTTP, the fake Bot Connector on loopback, the
 * real openai SDK against the scripted model. Assertions are on what reaches Teams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORBIDDEN_TEXT, NOT_PENDING_TEXT } from '../../../src/channels/teams/approval-click.js';
import { handoff } from '../../handoff/fixtures.js';
import { useScriptedServer } from '../../helpers.js';
import {
  cardButtons,
  cardOf,
  cardTexts,
  hasAiLabel,
  type Json,
  messages,
  streamInfo,
} from './card-helpers.js';
import { ALEX, cardClick, type Harness, MEGAN, message, startHarness } from './harness.js';

const s = useScriptedServer();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(s.model(), { streaming: false });
});
afterAll(async () => {
  await h.close();
});

const refundResults = () =>
  s.server.requests.filter((r) =>
    r.messages.some((m) => m.role === 'tool' && String(m.content).includes('Refund processed successfully')),
  ).length;

/** Sends the group-chat message that ends with the refund agent asking to run process_refund. */
async function pendingRefund(conversationId: string) {
  s.server.enqueue(handoff('refund_agent'), {
    toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
  });
  const before = h.connector.calls.length;
  await h.post(
    message('My order 1234 arrived damaged, I want a refund.', { conversationId, scope: 'groupChat' }),
  );
  await h.connector.waitFor((calls) =>
    calls.slice(before).some((c) => cardButtons(cardOf(c.body)).length > 0),
  );
  await h.channel.whenIdle();
  const cardCall = h.connector.calls.slice(before).find((c) => cardButtons(cardOf(c.body)).length > 0)!;
  const approve = cardButtons(cardOf(cardCall.body)).find((b) => b.title === 'Approve')!;
  return { cardCall, approveData: approve.data, cardId: cardCall.returnedId! };
}

function invokeCard(body: unknown): Json {
  const b = body as { statusCode: number; type: string; value: Json };
  expect(b.type).toBe('application/vnd.microsoft.card.adaptive');
  return b.value;
}

describe('Teams channel (CloudAdapter + fake Bot Connector)', () => {
  it('runs the sample interaction in a group chat: triage → order → refund with an approval click', async () => {
    const conversationId = '19:group-sample@thread.v2';
    s.server.enqueue(
      { ...handoff('order_agent'), delayMs: 1200 },
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1234' } }] },
      { text: 'Order 1234 is being processed and will ship in 2 business days.' },
    );
    const started = Date.now();
    const first = await h.post(message('Where is my order 1234?', { conversationId, scope: 'groupChat' }));
    // Answered at once, before any model call finished: only the typing indicator is out.
    expect(first.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(h.connector.sent(conversationId).map((c) => c.body.type)).toEqual(['typing']);
    // The bot's @mention never reaches the model.
    await h.channel.whenIdle();
    expect(s.server.requests[0]?.lastUserText).toBe('Where is my order 1234?');

    const afterFirst = messages(h.connector.sent(conversationId));
    expect(afterFirst).toEqual([
      '↪ Triage Agent handed the conversation to Order Agent',
      'Order Agent\nOrder 1234 is being processed and will ship in 2 business days.',
    ]);
    const agentCall = h.connector
      .sent(conversationId)
      .find((c) => c.body.type === 'message' && hasAiLabel(c.body));
    expect(agentCall, 'the agent message carries the AI label on the wire').toBeDefined();
    expect(cardOf(agentCall!.body)).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    // No streaming outside personal chats.
    expect(h.connector.calls.some((c) => streamInfo(c.body))).toBe(false);

    const { cardCall, approveData, cardId } = await pendingRefund(conversationId);
    const card = cardOf(cardCall.body)!;
    expect(cardTexts(card)).toEqual([
      'Refund Agent',
      'Wants to run **process_refund**',
      'Asked by Alex Wilber',
      'order_number: "1234"',
      'May decide: the person who asked (not external users)',
      'Approve this action?',
    ]);
    expect(cardButtons(card).map((b) => [b.type, b.title, (b.fallback as Json).type])).toEqual([
      ['Action.Execute', 'Approve', 'Action.Submit'],
      ['Action.Execute', 'Reject', 'Action.Submit'],
    ]);
    expect(refundResults()).toBe(0);

    s.server.enqueue({ text: 'Your refund for order 1234 has been processed.' });
    const click = await h.post(
      cardClick({ conversationId, scope: 'groupChat', cardActivityId: cardId, data: approveData }),
    );
    expect(click.status).toBe(200);
    const decided = invokeCard(click.body);
    expect(cardTexts(decided)).toContain('✅ Approved by Alex Wilber');
    expect(cardButtons(decided)).toEqual([]);
    await h.channel.whenIdle();
    // Everyone's copy of the card is replaced too.
    const updates = h.connector.calls.filter((c) => c.method === 'PUT');
    expect(updates.map((c) => [c.activityId, cardTexts(cardOf(c.body)).at(-1)])).toEqual([
      [cardId, '✅ Approved by Alex Wilber'],
    ]);
    expect(messages(h.connector.sent(conversationId)).at(-1)).toBe(
      'Refund Agent\nYour refund for order 1234 has been processed.',
    );
    expect(refundResults()).toBe(1);

    // A double click (a second invoke) changes nothing and says so.
    const again = await h.post(
      cardClick({ conversationId, scope: 'groupChat', cardActivityId: cardId, data: approveData }),
    );
    expect(cardTexts(invokeCard(again.body))).toEqual([NOT_PENDING_TEXT]);
    await h.channel.whenIdle();
    expect(h.connector.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(refundResults()).toBe(1);
  });

  it('refuses a clicker who may not approve, leaving the card and the request as they were', async () => {
    const conversationId = '19:group-unauthorized@thread.v2';
    s.server.enqueue({ text: 'Hello! How can I help?' });
    await h.post(message('Hi', { conversationId, scope: 'groupChat' }));
    await h.channel.whenIdle();
    const { approveData, cardId } = await pendingRefund(conversationId);
    const requests = s.server.requests.length;
    const puts = h.connector.calls.filter((c) => c.method === 'PUT').length;

    const click = await h.post(
      cardClick({
        conversationId,
        scope: 'groupChat',
        cardActivityId: cardId,
        data: approveData,
        from: MEGAN,
      }),
    );
    const card = invokeCard(click.body);
    expect(cardTexts(card)).toContain(FORBIDDEN_TEXT);
    expect(cardButtons(card).map((b) => b.title)).toEqual(['Approve', 'Reject']);
    await h.channel.whenIdle();
    expect(h.connector.calls.filter((c) => c.method === 'PUT')).toHaveLength(puts);
    expect(s.server.requests).toHaveLength(requests);
    expect(refundResults()).toBe(0);

    // The starter can still decide afterwards: the forbidden click did not consume the request.
    s.server.enqueue({ text: 'Understood, no refund then.' });
    const rejectData = { ...(approveData as Json), approved: false };
    const reject = await h.post(
      cardClick({
        conversationId,
        scope: 'groupChat',
        cardActivityId: cardId,
        data: rejectData,
        verb: 'baton.reject',
        from: ALEX,
      }),
    );
    expect(cardTexts(invokeCard(reject.body))).toContain('❌ Rejected by Alex Wilber');
    await h.channel.whenIdle();
    expect(messages(h.connector.sent(conversationId)).at(-1)).toBe(
      'Refund Agent\nUnderstood, no refund then.',
    );
    expect(refundResults()).toBe(0);
  });

  it('answers a click on an unknown or foreign request with a notice and changes nothing', async () => {
    const conversationId = '19:group-forged@thread.v2';
    const { approveData, cardId } = await pendingRefund(conversationId);
    const requests = s.server.requests.length;
    const forged = await h.post(
      cardClick({
        conversationId,
        scope: 'groupChat',
        cardActivityId: cardId,
        data: { ...(approveData as Json), requestId: 'req_forged' },
      }),
    );
    expect(cardTexts(invokeCard(forged.body))).toEqual([NOT_PENDING_TEXT]);
    // The real request id clicked from another conversation: the key comes from the activity, not the card.
    const foreign = await h.post(
      cardClick({
        conversationId: '19:another-chat@thread.v2',
        scope: 'groupChat',
        cardActivityId: cardId,
        data: approveData,
      }),
    );
    expect(cardTexts(invokeCard(foreign.body))).toEqual([NOT_PENDING_TEXT]);
    await h.channel.whenIdle();
    expect(s.server.requests).toHaveLength(requests);
    expect(h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === cardId)).toEqual([]);
    expect(refundResults()).toBe(0);
  });

  it('accepts the Action.Submit fallback (a message with the button data) and updates the card for everyone', async () => {
    const conversationId = '19:group-submit@thread.v2';
    const { approveData, cardId } = await pendingRefund(conversationId);
    s.server.enqueue({ text: 'Refund done.' });
    const submit = {
      ...message('', { conversationId, scope: 'groupChat' }),
      text: undefined,
      entities: undefined,
      replyToId: cardId,
      value: approveData,
    };
    expect((await h.post(submit)).status).toBe(200);
    await h.channel.whenIdle();
    const update = h.connector.calls.find((c) => c.method === 'PUT' && c.activityId === cardId);
    expect(cardTexts(cardOf(update!.body)).at(-1)).toBe('✅ Approved by Alex Wilber');
    expect(messages(h.connector.sent(conversationId)).at(-1)).toBe('Refund Agent\nRefund done.');
    expect(refundResults()).toBe(1);
  });

  it('processes a redelivered activity (same id) once', async () => {
    const conversationId = '19:group-retry@thread.v2';
    s.server.enqueue({ text: 'Hi there, what can I do for you?' });
    const activity = message('Hello', { conversationId, scope: 'groupChat' });
    await h.post(activity);
    await h.post(activity);
    await h.channel.whenIdle();
    expect(messages(h.connector.sent(conversationId))).toEqual([
      'Triage Agent\nHi there, what can I do for you?',
    ]);
  });

  it('strips the @mention in a channel thread and keys the conversation by thread', async () => {
    const conversationId = '19:general@thread.tacv2;messageid=1700000000000';
    s.server.enqueue({ text: 'Happy to help in this thread.' });
    await h.post(message('Can someone help?', { conversationId, scope: 'channel' }));
    await h.channel.whenIdle();
    expect(s.server.requests.at(-1)?.lastUserText).toBe('Can someone help?');
    const sent = h.connector.sent(conversationId);
    expect(messages(sent)).toEqual(['Triage Agent\nHappy to help in this thread.']);
    const conversation = await h.driver.workflow
      .forConversation(`teams:tenant-contoso:${conversationId}`)
      .getConversation();
    expect(conversation.map((m) => m.text)).toEqual(['Can someone help?', 'Happy to help in this thread.']);
  });
});
