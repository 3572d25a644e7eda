/** An approval click whose settle takes longer than Teams waits for an invoke answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_TEXT } from '../../../src/channels/teams/approval-click.js';
import { handoff } from '../../handoff/fixtures.js';
import { useScriptedServer } from '../../helpers.js';
import { cardButtons, cardOf, cardTexts, type Json, messages } from './card-helpers.js';
import { cardClick, type Harness, message, startHarness } from './harness.js';

const s = useScriptedServer();
let h: Harness;

beforeAll(async () => {
  h = await startHarness(s.model(), { streaming: false, invokeWaitMs: 300 });
});
afterAll(async () => {
  await h.close();
});

describe('slow approval clicks', () => {
  it('answers the invoke in time with "recording", then updates the card for everyone once settled', async () => {
    const conversationId = '19:group-slow@thread.v2';
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '77' } }],
    });
    await h.post(message('Refund order 77 please', { conversationId, scope: 'groupChat' }));
    await h.channel.whenIdle();
    const cardCall = h.connector.sent(conversationId).find((c) => cardButtons(cardOf(c.body)).length > 0)!;
    const reject = cardButtons(cardOf(cardCall.body)).find((b) => b.title === 'Reject')!;

    // The rejected turn's first visible event (the model's answer) comes after the invoke deadline.
    s.server.enqueue({ text: 'Okay, I will not refund order 77.', delayMs: 1200, chunkSize: 100 });
    const started = Date.now();
    const click = await h.post(
      cardClick({
        conversationId,
        scope: 'groupChat',
        cardActivityId: cardCall.returnedId!,
        data: reject.data,
        verb: 'baton.reject',
      }),
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(cardTexts((click.body as { value: Json }).value)).toEqual([RECORDING_TEXT]);

    await h.channel.whenIdle();
    const update = h.connector.calls.find((c) => c.method === 'PUT' && c.activityId === cardCall.returnedId);
    expect(cardTexts(cardOf(update!.body)).at(-1)).toBe('❌ Rejected by Alex Wilber');
    expect(messages(h.connector.sent(conversationId)).at(-1)).toBe(
      'Refund Agent\nOkay, I will not refund order 77.',
    );
  });
});
