import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatAgent } from '../../src/agents/agent.js';
import { tool } from '../../src/agents/tool.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { InvalidResponseError, UnknownRequestError } from '../../src/handoff/errors.js';
import { RequestInfoEvent, ToolResultEvent } from '../../src/handoff/events.js';
import { FunctionApprovalRequest, HandoffAgentUserRequest } from '../../src/handoff/requests.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { collect, useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();

function refundFlow(storage?: InMemoryCheckpointStorage) {
  const agents = supportAgents(s.model());
  const b = new HandoffBuilder({
    name: 'support',
    participants: [agents.triage, agents.refund, agents.order],
  }).withStartAgent(agents.triage);
  return { ...agents, wf: (storage ? b.withCheckpointing(storage) : b).build() };
}

describe('tool approval', () => {
  it('pauses with a FunctionApprovalRequest and runs the tool once after approval', async () => {
    const { wf, counters } = refundFlow();
    s.server.enqueue(handoff('refund_agent'), {
      text: 'I will refund order 1234.',
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
    });
    const first = await wf.run('My order 1234 arrived damaged. I need a refund.');
    expect(counters.refunds).toBe(0);
    const [req] = first.getRequestInfoEvents();
    expect(req).toBeInstanceOf(RequestInfoEvent);
    expect(req!.sourceAgentId).toBe('refund_agent');
    const data = req!.data as FunctionApprovalRequest;
    expect(data).toBeInstanceOf(FunctionApprovalRequest);
    expect(data.functionCall.name).toBe('process_refund');
    expect(data.parseArguments()).toEqual({ order_number: '1234' });
    expect(first.state).toBe('idle_with_pending_requests');

    s.server.enqueue({ text: 'Your refund for 1234 is processed.' });
    const second = await wf.sendResponses({ [req!.requestId]: data.createResponse({ approved: true }) });
    expect(counters.refunds).toBe(1);
    const results = second.events.filter((e): e is ToolResultEvent => e instanceof ToolResultEvent);
    expect(results.map((r) => r.result.result)).toEqual(['Refund processed successfully for order 1234.']);
    const toolMsg = s.server.requests
      .at(-1)!
      .messages.find((m) => m.role === 'tool' && String(m.content).includes('Refund'));
    expect(toolMsg?.content).toBe('Refund processed successfully for order 1234.');
    expect(second.getRequestInfoEvents()[0]!.data).toBeInstanceOf(HandoffAgentUserRequest);
  });

  it('gives the model a clear rejection and never runs a rejected tool', async () => {
    const { wf, counters } = refundFlow();
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '9' } }],
    });
    const [req] = (await wf.run('refund 9')).getRequestInfoEvents();
    s.server.enqueue({ text: 'Understood, no refund.' });
    await wf.sendResponses({
      [req!.requestId]: (req!.data as FunctionApprovalRequest).createResponse({
        approved: false,
        reason: 'order 9 is not eligible',
      }),
    });
    expect(counters.refunds).toBe(0);
    const toolMsg = s.server.requests
      .at(-1)!
      .messages.find((m) => m.role === 'tool' && String(m.content).includes('rejected'));
    expect(toolMsg?.content).toBe(
      'Error: The user rejected this call: order 9 is not eligible. Do not retry it unless the user asks again.',
    );
  });

  it('accepts several pending approvals answered in one call, plus a plain { approved } decision', async () => {
    const { wf, counters } = refundFlow();
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [
        { name: 'process_refund', arguments: { order_number: 'A' } },
        { name: 'process_refund', arguments: { order_number: 'B' } },
      ],
    });
    const reqs = (await wf.run('refund A and B')).getRequestInfoEvents();
    expect(reqs).toHaveLength(2);
    // Answering only one keeps the other pending and runs nothing.
    const partial = await wf.sendResponses({ [reqs[0]!.requestId]: { approved: true } });
    expect(counters.refunds).toBe(0);
    expect(partial.pendingRequests.map((r) => r.requestId)).toEqual([reqs[1]!.requestId]);
    s.server.enqueue({ text: 'Refunded A; B was declined.' });
    await wf.sendResponses({
      [reqs[1]!.requestId]: (reqs[1]!.data as FunctionApprovalRequest).createResponse({ approved: false }),
    });
    expect(counters.refunds).toBe(1);
  });

  it('records a user message sent while an approval is pending, and the agent reads it after the tool result', async () => {
    const { wf } = refundFlow();
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '7' } }],
    });
    const [req] = (await wf.run('refund 7')).getRequestInfoEvents();
    const meanwhile = await wf.run('Also, please email me the receipt.');
    expect(meanwhile.getRequestInfoEvents().map((r) => r.requestId)).toEqual([req!.requestId]);
    s.server.enqueue({ text: 'Done, and I will email the receipt.' });
    await wf.sendResponses({ [req!.requestId]: { approved: true } });
    const sent = s.server.requests.at(-1)!.messages.map((m) => m.role);
    // assistant(tool_calls) → tool → user: valid Chat Completions ordering.
    const callIdx = sent.lastIndexOf('assistant');
    expect(sent.slice(callIdx, callIdx + 3)).toEqual(['assistant', 'tool', 'user']);
  });

  it('rejects unknown, answered and mismatched responses with a typed error and changes nothing', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf, counters } = refundFlow(storage);
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '5' } }],
    });
    const [req] = (await wf.run('refund 5')).getRequestInfoEvents();
    const before = await storage.listCheckpoints({ conversationId: wf.conversationId });

    await expect(wf.sendResponses({ req_forged: { approved: true } })).rejects.toBeInstanceOf(
      UnknownRequestError,
    );
    await expect(
      wf.sendResponses({ [req!.requestId]: HandoffAgentUserRequest.createResponse('yes') }),
    ).rejects.toBeInstanceOf(InvalidResponseError);
    expect(await storage.listCheckpoints({ conversationId: wf.conversationId })).toEqual(before);
    expect(counters.refunds).toBe(0);

    s.server.enqueue({ text: 'Refunded.' });
    await wf.sendResponses({ [req!.requestId]: { approved: true } });
    const again = wf.sendResponses({ [req!.requestId]: { approved: true } });
    await expect(again).rejects.toThrow(/is not pending in conversation .* already answered/);
    expect(counters.refunds).toBe(1);

    // A request id from another conversation is foreign here.
    const other = wf.forConversation('another-thread');
    await expect(other.sendResponses({ [req!.requestId]: { approved: true } })).rejects.toBeInstanceOf(
      UnknownRequestError,
    );
  });

  it('processes a handoff requested alongside an approval only after the approval is decided', async () => {
    const counters = { refunds: 0 };
    const refundTool = tool({
      name: 'process_refund',
      description: 'Refund',
      parameters: z.object({ order_number: z.string() }),
      approvalMode: 'always_require',
      execute: () => {
        counters.refunds++;
        return 'refunded';
      },
    });
    const model = s.model();
    const refund = new ChatAgent({ name: 'refund_agent', model, tools: [refundTool] });
    const triage = new ChatAgent({ name: 'triage_agent', instructions: 'Triage.', model });
    const wf = new HandoffBuilder({ participants: [refund, triage] }).withStartAgent(refund).build();
    s.server.enqueue({
      toolCalls: [
        { name: 'process_refund', arguments: { order_number: '1' } },
        { name: 'handoff_to_triage_agent', arguments: {} },
      ],
    });
    const events = await collect(wf.runStream('refund 1 then back to triage'));
    const req = events.find((e): e is RequestInfoEvent => e instanceof RequestInfoEvent)!;
    expect(events.some((e) => e.type === 'handoff')).toBe(false);
    s.server.enqueue({ text: 'Triage here, anything else?' });
    const after = await collect(wf.sendResponsesStreaming({ [req.requestId]: { approved: true } }));
    expect(counters.refunds).toBe(1);
    expect(after.find((e) => e.type === 'handoff')).toMatchObject({
      from: 'refund_agent',
      to: 'triage_agent',
    });
  });

  it('validates before asking: the request carries what will run, and invalid arguments go back to the model', async () => {
    const counters = { refunds: 0 };
    const refundTool = tool({
      name: 'process_refund',
      description: 'Refund',
      parameters: z.object({
        order_number: z.string().transform((v) => v.trim().toUpperCase()),
        amount: z.number().positive(),
        currency: z.string().default('EUR'),
      }),
      approvalMode: 'always_require',
      execute: ({ order_number, amount, currency }) => {
        counters.refunds++;
        return `refunded ${amount} ${currency} on ${order_number}`;
      },
    });
    const model = s.model();
    const refund = new ChatAgent({
      name: 'refund_agent',
      instructions: 'Refunds.',
      model,
      tools: [refundTool],
    });
    const wf = new HandoffBuilder({ participants: [refund] }).withStartAgent(refund).build();
    // First a call zod refuses (no card), then a valid one with a default, a transform and a key zod strips.
    s.server.enqueue(
      { toolCalls: [{ name: 'process_refund', arguments: { order_number: 'a-1', amount: -5 } }] },
      {
        toolCalls: [
          { name: 'process_refund', arguments: { order_number: ' a-1 ', amount: 5, approved_by: 'finance' } },
        ],
      },
    );
    const events = await collect(
      wf.runStream({ role: 'user', contents: [{ type: 'text', text: 'refund a-1' }], authorId: 'U_ALICE' }),
    );
    const requests = events.filter((e): e is RequestInfoEvent => e instanceof RequestInfoEvent);
    expect(requests).toHaveLength(1);
    const refusal = s.server.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(String(refusal?.content)).toContain('Invalid arguments for tool "process_refund": amount');
    const data = requests[0]!.data as FunctionApprovalRequest;
    expect(data.validatedArguments).toEqual({ order_number: 'A-1', amount: 5, currency: 'EUR' });
    expect(data.approvalArguments()).toEqual({ order_number: 'A-1', amount: 5, currency: 'EUR' });
    expect(data.parseArguments()).toEqual({ order_number: ' a-1 ', amount: 5, approved_by: 'finance' });
    expect(data.requestedBy).toBe('U_ALICE');
    // The same after a reload from the store (a new process rebuilds the request from the checkpoint).
    const [pending] = await wf.getPendingRequests();
    expect((pending!.data as FunctionApprovalRequest).validatedArguments).toEqual(data.validatedArguments);
    expect((pending!.data as FunctionApprovalRequest).requestedBy).toBe('U_ALICE');
    s.server.enqueue({ text: 'Done.' });
    const after = await collect(wf.sendResponsesStreaming({ [data.id]: { approved: true } }));
    const result = after.find((e): e is ToolResultEvent => e instanceof ToolResultEvent);
    expect(result?.result.result).toBe('refunded 5 EUR on A-1');
    expect(counters.refunds).toBe(1);
  });
});
