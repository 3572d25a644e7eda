/**
 * Token usage from the provider's `usage` (streamed with `stream_options.include_usage`): per model call on
 * `AgentResponseEvent`, per turn on the status event that ends it, summed in the conversation's state.
 */
import { describe, expect, it } from 'vitest';
import { ConversationDriver } from '../../src/channels/conversation-driver.js';
import type { Logger } from '../../src/channels/logger.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { AgentResponseEvent, WorkflowStatusEvent } from '../../src/handoff/events.js';
import type { FunctionApprovalRequest } from '../../src/handoff/requests.js';
import { HeadStateSchema } from '../../src/handoff/state.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();

function refundFlow(storage: InMemoryCheckpointStorage, stream = true) {
  const model = s.model(stream ? {} : { includeStreamUsage: false });
  const agents = supportAgents(model);
  return new HandoffBuilder({ name: 'support', participants: [agents.triage, agents.refund, agents.order] })
    .withStartAgent(agents.triage)
    .withCheckpointing(storage)
    .build();
}

const tokens = (prompt: number, completion: number, cached = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  cached_tokens: cached,
});

async function storedUsage(storage: InMemoryCheckpointStorage, conversationId: string) {
  const latest = await storage.getLatest({ conversationId });
  return HeadStateSchema.parse(latest!.state).usage;
}

describe('token usage', () => {
  it('reports each call, each turn and the conversation, handoff and tool-call calls included', async () => {
    const storage = new InMemoryCheckpointStorage();
    const wf = refundFlow(storage);
    s.server.enqueue(
      { ...handoff('refund_agent', 'refund for 1234'), usage: tokens(120, 9) },
      {
        text: 'I will refund order 1234.',
        toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
        usage: tokens(200, 25, 128),
      },
    );
    const first = await wf.run('My order 1234 arrived damaged. I need a refund.');

    // The streamed request asked for the usage chunk.
    expect(s.server.requests.every((r) => r.stream && r.body.stream_options !== undefined)).toBe(true);
    const responses = first.events.filter((e): e is AgentResponseEvent => e instanceof AgentResponseEvent);
    expect(responses.map((r) => [r.agentId, r.usage])).toEqual([
      [
        'refund_agent',
        { inputTokens: 200, outputTokens: 25, totalTokens: 225, cachedInputTokens: 128, reasoningTokens: 0 },
      ],
    ]);
    const end = first.events
      .filter((e): e is WorkflowStatusEvent => e instanceof WorkflowStatusEvent)
      .at(-1)!;
    expect(end.state).toBe('idle_with_pending_requests');
    // The triage call that only handed off is counted too.
    expect(end.usage).toEqual({
      inputTokens: 320,
      outputTokens: 34,
      totalTokens: 354,
      cachedInputTokens: 128,
      reasoningTokens: 0,
      modelCalls: 2,
    });
    expect(first.usage).toMatchObject({ inputTokens: 320, outputTokens: 34, modelCalls: 2 });

    const approval = first.getRequestInfoEvents()[0]!;
    s.server.enqueue({ text: 'Refund done for 1234.', usage: tokens(260, 8) });
    const second = await wf.sendResponses({
      [approval.requestId]: (approval.data as FunctionApprovalRequest).createResponse({ approved: true }),
    });
    // The second turn counts from zero; the conversation keeps the sum, in the stored state.
    expect(second.usage).toMatchObject({
      inputTokens: 260,
      outputTokens: 8,
      totalTokens: 268,
      modelCalls: 1,
    });
    expect(await storedUsage(storage, wf.conversationId)).toMatchObject({
      inputTokens: 580,
      outputTokens: 42,
      totalTokens: 622,
      cachedInputTokens: 128,
      modelCalls: 3,
    });

    // A reply that ends the conversation without a model call is a turn of zero tokens.
    const user = second.getRequestInfoEvents()[0]!;
    const third = await wf.sendResponses({ [user.requestId]: [] });
    expect(third.state).toBe('idle');
    expect(third.usage).toMatchObject({ totalTokens: 0, modelCalls: 0 });
    expect(await storedUsage(storage, wf.conversationId)).toMatchObject({ totalTokens: 622, modelCalls: 3 });
  });

  it('keeps counting across a reload from storage', async () => {
    const storage = new InMemoryCheckpointStorage();
    const wf = refundFlow(storage);
    s.server.enqueue({ text: 'Hello! How can I help?', usage: tokens(50, 7) });
    await wf.run('hi');
    const again = refundFlow(storage).forConversation(wf.conversationId);
    s.server.enqueue({ text: 'Which order?', usage: tokens(70, 4) });
    const next = await again.run('I have a problem');
    expect(next.usage).toMatchObject({ inputTokens: 70, outputTokens: 4, modelCalls: 1 });
    expect(await storedUsage(storage, wf.conversationId)).toMatchObject({
      inputTokens: 120,
      outputTokens: 11,
      totalTokens: 131,
      modelCalls: 2,
    });
  });

  it('reports no usage when the server sends none (streams without include_usage)', async () => {
    const storage = new InMemoryCheckpointStorage();
    const wf = refundFlow(storage, false);
    s.server.enqueue({ text: 'Hello!', usage: tokens(50, 7) });
    const result = await wf.run('hi');
    expect(s.server.requests[0]!.body.stream_options).toBeUndefined();
    const response = result.events.find((e): e is AgentResponseEvent => e instanceof AgentResponseEvent)!;
    expect(response.usage).toBeUndefined();
    expect(result.usage).toMatchObject({ totalTokens: 0, modelCalls: 0 });
    expect(await storedUsage(storage, wf.conversationId)).toBeUndefined();
  });

  it('is logged once per turn by the conversation driver, with the conversation key', async () => {
    const lines: { bindings: Record<string, unknown>; obj: object; msg?: string }[] = [];
    const logger = (bindings: Record<string, unknown>): Logger => ({
      debug() {},
      info: (obj, msg) => lines.push({ bindings, obj, ...(msg ? { msg } : {}) }),
      warn() {},
      error() {},
      child: (more) => logger({ ...bindings, ...more }),
    });
    const driver = new ConversationDriver({
      workflow: refundFlow(new InMemoryCheckpointStorage()),
      logger: logger({}),
    });
    s.server.enqueue(
      { ...handoff('order_agent'), usage: tokens(40, 5) },
      { text: 'Order 77 ships tomorrow.', usage: tokens(90, 6) },
    );
    const result = await driver.handle(
      {
        type: 'message',
        conversationKey: 'playground:usage',
        user: { id: 'U1' },
        contents: [{ type: 'text', text: 'where is order 77?' }],
      },
      { event() {} },
    );
    expect(result.status).toBe('processed');
    const usageLines = lines.filter((l) => l.msg === 'turn usage');
    expect(usageLines).toEqual([
      {
        bindings: { conversation: 'playground:usage' },
        obj: {
          state: 'idle_with_pending_requests',
          usage: expect.objectContaining({
            inputTokens: 130,
            outputTokens: 11,
            totalTokens: 141,
            modelCalls: 2,
          }),
        },
        msg: 'turn usage',
      },
    ]);
  });
});
