/**
 * The offline demo model follows the conversation, with the agents' real tool names: unit cases on single
 * requests, then whole conversations through the real openai SDK, the scripted server and the real
 * customer-support workflow (approvals included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { OpenAIChatModel } from '../../src/agents/models/openai.js';
import { createDemoResponder } from '../../src/app/demo-responder.js';
import { BARE_MENTION_PROMPT } from '../../src/channels/bare-mention.js';
import type { ConversationRun } from '../../src/handoff/conversation-run.js';
import type { WorkflowEvent } from '../../src/handoff/events.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import {
  type RecordedRequest,
  type ScriptedOpenAIServer,
  type ScriptedTurn,
  startScriptedOpenAIServer,
} from '../../src/testing/index.js';

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
const toolCall = (name: string, args: Record<string, unknown>, content: string | null = null) => ({
  role: 'assistant',
  content,
  tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(args) } }],
});
const toolResult = (content: string) => ({ role: 'tool', tool_call_id: 'call_1', content });

describe('offline demo responder (one request)', () => {
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
      user('My order is 4242'),
      { role: 'assistant', content: 'How can I help with order 4242?' },
      user('Just refund it'),
    );
    expect(refund.toolCalls?.[0]).toEqual({ name: 'process_refund', arguments: { order_number: '4242' } });
    expect(ask(ORDER, user('status of 99999 please')).toolCalls?.[0]?.name).toBe('check_order_status');
    expect(ask(ORDER, user('it came broken, refund 1234')).toolCalls?.[0]?.name).toBe(
      'handoff_to_refund_agent',
    );
  });

  it('completes a request with the order number given in the next message', () => {
    const reply = ask(
      REFUND,
      user('I want a refund'),
      { role: 'assistant', content: 'I can help with a refund. What is your order number?' },
      user('it is 3141'),
    );
    expect(reply.toolCalls?.[0]).toEqual({ name: 'process_refund', arguments: { order_number: '3141' } });
  });

  it('reports tool results and rejections, and says goodbye with "welcome" (the bot ends on it)', () => {
    const call = toolCall('process_refund', { order_number: '1234' });
    const done = ask(
      REFUND,
      user('refund 1234'),
      call,
      toolResult('Refund processed successfully for order 1234.'),
    );
    expect(done.text).toMatch(/^Refund processed successfully for order 1234\./);
    const rejected = ask(
      REFUND,
      user('refund 1234'),
      call,
      toolResult('Error: The user rejected this call.'),
    );
    expect(rejected.text).toContain("I haven't done that");
    expect(ask(REFUND, user('thanks!')).text?.toLowerCase()).toContain('welcome');
  });

  it('reports the result and answers a question asked while the approval was pending, staying put', () => {
    const reply = ask(
      REFUND,
      user('My order 1234 arrived damaged, I need a refund'),
      toolCall('process_refund', { order_number: '1234' }, "I'm sorry order 1234 arrived damaged."),
      toolResult('Refund processed successfully for order 1234.'),
      user('how long will that take?'),
    );
    expect(reply.toolCalls).toBeUndefined();
    expect(reply.text).toMatch(/^Refund processed successfully for order 1234\./);
    expect(reply.text).toContain('About “how long will that take?”: refunds reach your card');
  });

  it('thanks followed by a question answers the question instead of ending', () => {
    const reply = ask(
      REFUND,
      user('refund order 1234'),
      { role: 'assistant', content: 'Refund processed successfully for order 1234. Anything else?' },
      user('thanks! also what is the status of order 5678?'),
    );
    expect(reply.text).not.toMatch(/welcome/i);
    expect(reply.toolCalls?.[0]).toEqual({
      name: 'handoff_to_order_agent',
      arguments: { reason: 'Customer asks about an order (order 5678)' },
    });
  });

  it('greets a bare mention and says what it can do, as a script', () => {
    const hello = ask(TRIAGE, user(BARE_MENTION_PROMPT)).text ?? '';
    expect(hello).toMatch(/^Hi!/);
    expect(hello).toContain('scripted demo model');
    expect(hello).toMatch(/status.*return.*refund/s);
  });

  it('answers any other bot with a scripted hint to connect a real model', () => {
    expect(ask([], user('hello')).text).toMatch(/scripted demo model.*OPENAI_API_KEY/s);
  });
});

describe('offline demo responder (whole conversations through the workflow)', () => {
  let server: ScriptedOpenAIServer;
  beforeAll(async () => {
    server = await startScriptedOpenAIServer({ responder: createDemoResponder({ delayMs: 0 }) });
  });
  afterAll(() => server.close());

  /** One conversation of the customer-support bot on the demo model; each call returns that turn's events. */
  function conversation() {
    const model = new OpenAIChatModel({ model: 'demo', baseURL: server.baseURL, apiKey: 'x', maxRetries: 0 });
    const workflow: ConversationRun = createCustomerSupportWorkflow({
      model,
      storage: new InMemoryCheckpointStorage(),
    }).forConversation(`c-${Math.random()}`);
    const collect = async (events: AsyncIterable<WorkflowEvent>) => {
      const out: WorkflowEvent[] = [];
      for await (const e of events) out.push(e);
      return out;
    };
    return {
      say: (text: string) => collect(workflow.runStream(text)),
      approve: async () => {
        const [pending] = (await workflow.getPendingRequests()).filter(
          (r) => r.data.constructor.name !== 'HandoffAgentUserRequest',
        );
        if (!pending) throw new Error('no approval is pending');
        return collect(workflow.sendResponsesStreaming({ [pending.requestId]: { approved: true } }));
      },
    };
  }
  const replies = (events: WorkflowEvent[]) =>
    events.flatMap((e) => (e.type === 'agent_response' ? [`${e.agentId}: ${e.message.text}`] : []));
  const handoffs = (events: WorkflowEvent[]) =>
    events.flatMap((e) => (e.type === 'handoff' ? [`${e.from} → ${e.to}`] : []));
  const ended = (events: WorkflowEvent[]) => events.some((e) => e.type === 'output');

  it('a question while the approval is pending: the refund confirmation shows, no hand-back to triage', async () => {
    const c = conversation();
    await c.say('My order 1234 arrived damaged, I need a refund');
    const during = await c.say('how long will that take?');
    expect(replies(during)).toEqual([]);
    const after = await c.approve();
    expect(handoffs(after)).toEqual([]);
    expect(replies(after)).toEqual([
      expect.stringMatching(/^refund_agent: Refund processed successfully for order 1234\./),
    ]);
    expect(replies(after)[0]).toContain('how long will that take?');

    const next = await c.say('thanks! also what is the status of order 5678?');
    expect(ended(next)).toBe(false);
    expect(handoffs(next)).toEqual(['refund_agent → order_agent']);
    expect(replies(next).at(-1)).toMatch(/^order_agent: Order 5678 is currently being processed/);

    const bye = await c.say('Thanks, that is all!');
    expect(replies(bye)).toEqual([expect.stringContaining("You're welcome!")]);
    expect(ended(bye)).toBe(true);
  });

  it('several requests in one message are handled in the order they were asked', async () => {
    const c = conversation();
    const first = await c.say("Please refund order 1234, and what's the status of order 5678?");
    expect(handoffs(first)).toEqual(['triage_agent → refund_agent']);
    const after = await c.approve();
    expect(replies(after)[0]).toMatch(/^refund_agent: Refund processed successfully for order 1234\./);
    expect(handoffs(after)).toEqual(['refund_agent → order_agent']);
    expect(replies(after).at(-1)).toMatch(/^order_agent: Order 5678 is currently being processed/);
  });
});
