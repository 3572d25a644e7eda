/** The offline demo model follows what the user typed, with the agents' real tool names. */
import { describe, expect, it } from 'vitest';
import { createDemoResponder } from '../../src/app/demo-responder.js';
import type { RecordedRequest, ScriptedTurn } from '../../src/testing/index.js';

const TRIAGE = ['handoff_to_refund_agent', 'handoff_to_order_agent', 'handoff_to_return_agent'];
const REFUND = ['process_refund', 'handoff_to_triage_agent', 'handoff_to_order_agent'];
const ORDER = ['check_order_status', 'handoff_to_triage_agent', 'handoff_to_refund_agent'];

function ask(toolNames: string[], ...messages: Array<Record<string, unknown>>): ScriptedTurn {
  const lastUser = messages.findLast((m) => m.role === 'user');
  const request = {
    path: '/v1/chat/completions',
    method: 'POST',
    headers: {},
    body: {},
    model: 'm',
    stream: true,
    messages,
    tools: [],
    toolChoice: undefined,
    parallelToolCalls: false,
    lastUserText: typeof lastUser?.content === 'string' ? lastUser.content : undefined,
    toolNames,
  } satisfies RecordedRequest;
  return createDemoResponder({ delayMs: 0 })(request) as ScriptedTurn;
}
const user = (content: string) => ({ role: 'user', content });

describe('offline demo responder', () => {
  it('triage asks for details, then routes by keyword with a reason', () => {
    expect(ask(TRIAGE, user('I need help with my order')).text).toContain('provide more details');
    expect(ask(TRIAGE, user('I want a refund')).text).toContain('order number');
    const handoff = ask(TRIAGE, user('My order 1234 arrived damaged'));
    expect(handoff.toolCalls?.[0]).toMatchObject({ name: 'handoff_to_refund_agent' });
    expect(JSON.stringify(handoff.toolCalls?.[0]?.arguments)).toContain('1234');
    expect(ask(TRIAGE, user('Where is order 555?')).toolCalls?.[0]?.name).toBe('handoff_to_order_agent');
  });

  it('specialists call their real tools, with an order number said earlier in the thread', () => {
    const refund = ask(
      REFUND,
      user('Order 4242 is late'),
      { role: 'assistant', content: 'ok' },
      user('Just refund it'),
    );
    expect(refund.toolCalls?.[0]).toEqual({ name: 'process_refund', arguments: { order_number: '4242' } });
    expect(ask(ORDER, user('status of 99999 please')).toolCalls?.[0]?.name).toBe('check_order_status');
    expect(ask(ORDER, user('it came broken, refund 1234')).toolCalls?.[0]?.name).toBe(
      'handoff_to_refund_agent',
    );
  });

  it('reports tool results and rejections, and says goodbye with "welcome" (the bot ends on it)', () => {
    const done = ask(REFUND, user('refund 1234'), {
      role: 'tool',
      content: 'Refund processed successfully for order 1234.',
    });
    expect(done.text).toMatch(/^Refund processed successfully for order 1234\./);
    const rejected = ask(REFUND, user('refund 1234'), {
      role: 'tool',
      content: 'Error: The user rejected this call.',
    });
    expect(rejected.text).toContain("I haven't done that");
    expect(ask(REFUND, user('thanks!')).text?.toLowerCase()).toContain('welcome');
  });

  it('answers any other bot with a scripted hint to connect a real model', () => {
    expect(ask([], user('hello')).text).toMatch(/scripted demo model.*OPENAI_API_KEY/s);
  });
});
