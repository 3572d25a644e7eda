import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/agents/messages.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import { agentContext, contextWindow } from '../../src/handoff/context-window.js';
import { HandoffConfigurationError } from '../../src/handoff/errors.js';
import type { FunctionApprovalRequest } from '../../src/handoff/requests.js';
import type { TranscriptMessage } from '../../src/handoff/state.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import type { RecordedRequest } from '../../src/testing/index.js';
import { useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();

function support(context: Parameters<HandoffBuilder['withContext']>[0], storage?: InMemoryCheckpointStorage) {
  const agents = supportAgents(s.model());
  let b = new HandoffBuilder({ name: 'support', participants: [agents.triage, agents.refund, agents.order] })
    .withStartAgent(agents.triage)
    .withContext(context);
  if (storage) b = b.withCheckpointing(storage);
  return { ...agents, wf: b.build() };
}

/** The messages after the instructions (the first system message). */
function sent(r: RecordedRequest): Array<Record<string, unknown>> {
  return r.messages.slice(1);
}

/** Every tool message follows the assistant message that made its call, and no call is left unanswered. */
function assertWellFormedToolPairs(r: RecordedRequest): void {
  const open = new Set<string>();
  for (const m of r.messages) {
    if (m.role === 'assistant') {
      expect(open.size, 'an assistant message came before the previous calls were answered').toBe(0);
      for (const call of (m.tool_calls as Array<{ id: string }> | undefined) ?? []) open.add(call.id);
    } else if (m.role === 'tool') {
      expect(open.has(String(m.tool_call_id)), `tool result ${String(m.tool_call_id)} has no call`).toBe(
        true,
      );
      expect(String(m.content)).not.toContain('no result was recorded');
      open.delete(String(m.tool_call_id));
    }
  }
}

/** In what a model call is given, every result follows its call and every call made earlier has its results. */
function assertWholeExchanges(messages: readonly ChatMessage[]): void {
  const calls = new Set<string>();
  for (const m of messages) {
    for (const c of m.contents) {
      if (c.type === 'function_call') calls.add(c.callId);
      if (c.type === 'function_result')
        expect(calls.has(c.callId), `result ${c.callId} without its call`).toBe(true);
    }
  }
}

describe('context window', () => {
  it('sends a 300-turn thread as the last N messages plus the instructions, with the newest user message', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = support({ lastMessages: 20 }, storage);
    for (let turn = 1; turn <= 300; turn++) {
      s.server.enqueue({ text: `Answer ${turn}.` });
      await wf.run(`Question ${turn}?`);
    }
    expect(s.server.requests).toHaveLength(300);
    for (const r of s.server.requests) {
      expect(r.messages[0]!.role).toBe('system');
      expect(sent(r).length).toBeLessThanOrEqual(20);
    }
    const last = s.server.requests.at(-1)!;
    expect(sent(last)).toHaveLength(20);
    expect(sent(last).at(-1)).toMatchObject({ role: 'user', content: 'Question 300?' });
    expect(sent(last)[0]).toMatchObject({ role: 'assistant', content: 'Answer 290.' });
    // The stored transcript keeps everything.
    const conversation = await wf.forConversation(wf.conversationId).getConversation();
    expect(conversation).toHaveLength(600);
    expect(conversation[0]!.text).toBe('Question 1?');
  });

  it('sends the whole view with lastMessages: all', async () => {
    const { wf } = support({ lastMessages: 'all' });
    for (let turn = 1; turn <= 40; turn++) {
      s.server.enqueue({ text: `Answer ${turn}.` });
      await wf.run(`Question ${turn}?`);
    }
    expect(sent(s.server.requests.at(-1)!)).toHaveLength(79);
  });

  it('never sends a tool result without its call, whatever N', async () => {
    for (const lastMessages of [2, 3, 4, 5, 7]) {
      s.server.reset();
      const storage = new InMemoryCheckpointStorage();
      const { wf, counters } = support({ lastMessages }, storage);
      s.server.enqueue(handoff('order_agent'), {
        toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1' } }],
      });
      s.server.enqueue({ text: 'Order 1 ships soon.' });
      await wf.run('Where is order 1?');
      for (let turn = 2; turn <= 12; turn++) {
        s.server.enqueue(
          {
            text: 'Let me check.',
            toolCalls: [
              { name: 'check_order_status', arguments: { order_number: String(turn) } },
              { name: 'check_order_status', arguments: { order_number: `${turn}b` } },
            ],
          },
          { toolCalls: [{ name: 'check_order_status', arguments: { order_number: `${turn}c` } }] },
          { text: `Order ${turn} ships soon.` },
        );
        await wf.run(`And order ${turn}?`);
      }
      expect(counters.lookups).toBe(1 + 11 * 3);
      for (const r of s.server.requests) {
        assertWellFormedToolPairs(r);
        // What the agent is answering is always there, however many tool rounds came after it.
        expect(sent(r).some((m) => m.role === 'user')).toBe(true);
      }
      // The model sees the result of the call it just made.
      const afterCall = s.server.requests.at(-1)!;
      expect(sent(afterCall).at(-1)).toMatchObject({
        role: 'tool',
        content: 'Order 12c will ship in 2 business days.',
      });
      // Every cut of the stored thread, for both agents, keeps whole exchanges.
      const transcript = (await storage.getLatest())!.messages as unknown as TranscriptMessage[];
      for (let end = 1; end <= transcript.length; end++) {
        for (const agent of ['order_agent', 'triage_agent']) {
          const context = agentContext(transcript.slice(0, end), agent, contextWindow({ lastMessages }));
          assertWholeExchanges(context);
          expect(context.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('keeps a pending approval answerable after a long exchange while it waits', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf, counters } = support({ lastMessages: 6 }, storage);
    s.server.enqueue(handoff('refund_agent'), {
      text: 'I will refund order 1234.',
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
    });
    const first = await wf.run('Refund order 1234, please.');
    const [req] = first.getRequestInfoEvents();
    // While the approval waits, the user keeps talking: recorded, no model call.
    for (let i = 1; i <= 30; i++) await wf.run(`Any news? (${i})`);
    expect(s.server.requests).toHaveLength(2);

    // A fresh process: loaded from storage.
    const later = support({ lastMessages: 6 }, storage);
    const wf2 = later.wf.forConversation(wf.conversationId);
    s.server.enqueue({ text: 'Your refund for 1234 is processed.' });
    const done = await wf2.sendResponses({
      [req!.requestId]: (req!.data as FunctionApprovalRequest).createResponse({ approved: true }),
    });
    expect(later.counters.refunds + counters.refunds).toBe(1);
    const r = s.server.requests.at(-1)!;
    assertWellFormedToolPairs(r);
    expect(sent(r).length).toBeLessThanOrEqual(6);
    const call = sent(r).find((m) => m.role === 'assistant' && m.tool_calls);
    expect(call).toMatchObject({ content: 'I will refund order 1234.' });
    expect(sent(r)).toContainEqual(
      expect.objectContaining({ role: 'tool', content: 'Refund processed successfully for order 1234.' }),
    );
    expect(sent(r)).toContainEqual(expect.objectContaining({ role: 'user', content: 'Any news? (30)' }));
    expect(done.getOutputs()).toEqual([]);
  });

  it('keeps the handoff note that gave the agent the conversation', async () => {
    const { wf } = support({ lastMessages: 5 });
    s.server.enqueue(handoff('order_agent', 'shipping question'), { text: 'Happy to help with shipping.' });
    await wf.run('My parcel is late.');
    for (let turn = 1; turn <= 10; turn++) {
      s.server.enqueue({ text: `Still looking (${turn}).` });
      await wf.run(`Any update ${turn}?`);
    }
    const r = s.server.requests.at(-1)!;
    expect(sent(r).length).toBeLessThanOrEqual(5);
    expect(sent(r)[0]).toMatchObject({ role: 'system' });
    expect(String(sent(r)[0]!.content)).toContain('triage_agent handed this conversation to you');
    expect(String(sent(r)[0]!.content)).toContain('shipping question');
    expect(sent(r).at(-1)).toMatchObject({ role: 'user', content: 'Any update 10?' });
  });

  it('stays within a token budget, oldest messages first, and always sends the newest', async () => {
    const { wf } = support({ lastMessages: 'all', tokenBudget: 1_000 });
    const long = 'x'.repeat(1_200); // ~300 tokens
    for (let turn = 1; turn <= 10; turn++) {
      s.server.enqueue({ text: `${long} ${turn}` });
      await wf.run(`${long} question ${turn}`);
    }
    const r = s.server.requests.at(-1)!;
    const chars = sent(r).reduce((sum, m) => sum + String(m.content).length, 0);
    expect(chars).toBeLessThanOrEqual(4_000);
    expect(sent(r).length).toBeGreaterThanOrEqual(2);
    expect(sent(r).at(-1)!.content).toBe(`${long} question 10`);

    s.server.reset();
    const tiny = support({ tokenBudget: 10 }).wf;
    s.server.enqueue({ text: 'ok' });
    await tiny.run(`${long} the only question`);
    expect(sent(s.server.requests[0]!)).toMatchObject([
      { role: 'user', content: `${long} the only question` },
    ]);
  });

  it('rejects a window that cannot work, naming the option', () => {
    const agents = supportAgents(s.model());
    const b = () => new HandoffBuilder({ participants: [agents.triage, agents.refund] });
    expect(() => b().withContext({ lastMessages: 0 }).build()).toThrow(HandoffConfigurationError);
    expect(() => b().withContext({ lastMessages: 2.5 }).build()).toThrow(
      /lastMessages must be a whole number/,
    );
    expect(() => b().withContext({ tokenBudget: -1 }).build()).toThrow(/tokenBudget/);
  });
});
