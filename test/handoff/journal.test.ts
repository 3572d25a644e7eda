/**
 * Journaled effects and model-output checks: a tool's result is durable before the model is called with it,
 * an interrupted call is re-run (idempotent tools, same key) or reported honestly, approval cards only for
 * calls that could run, and empty, cut-off or failed answers are never shown as if all were well.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatAgent, INTERRUPTED_CALL_MESSAGE } from '../../src/agents/agent.js';
import { tool, toolIdempotencyKey } from '../../src/agents/tool.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import {
  toolsRunNotice,
  type WorkflowEvent,
  WorkflowFailedEvent,
  WorkflowWarningEvent,
} from '../../src/handoff/events.js';
import type { FunctionApprovalRequest } from '../../src/handoff/requests.js';
import type { CheckpointInfo, CheckpointWrite } from '../../src/store/checkpoint-storage.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { collect, useScriptedServer } from '../helpers.js';

const s = useScriptedServer();

/** One "process" view of a shared store: after `crash()` it never writes again (a SIGKILLed process). */
class ProcessStorage extends InMemoryCheckpointStorage {
  crashed = false;
  constructor(private readonly inner: InMemoryCheckpointStorage) {
    super();
  }
  crash(): void {
    this.crashed = true;
  }
  override save(write: CheckpointWrite): Promise<CheckpointInfo> {
    if (this.crashed) return new Promise(() => {});
    return this.inner.save(write);
  }
  override load(id: string, conversationId?: string) {
    return this.inner.load(id, conversationId);
  }
  override getLatest(query?: Parameters<InMemoryCheckpointStorage['getLatest']>[0]) {
    return this.inner.getLatest(query);
  }
}

interface Effects {
  runs: { key: string; callId: string }[];
  /** Called inside the tool, after its effect: e.g. kill the "process". */
  after?: () => void;
}

function workflow(storage: InMemoryCheckpointStorage, effects: Effects, idempotent: boolean) {
  const charge = tool({
    name: 'charge_card',
    description: 'Charge the card.',
    parameters: z.object({ amount: z.number().positive() }),
    approvalMode: 'always_require',
    idempotent,
    execute: (_args, ctx) => {
      effects.runs.push({ key: ctx.idempotencyKey, callId: ctx.callId });
      effects.after?.();
      return 'charged';
    },
  });
  const lookup = tool({
    name: 'lookup_order',
    description: 'Look up an order.',
    parameters: z.object({ id: z.string() }),
    execute: ({ id }, ctx) => {
      effects.runs.push({ key: ctx.idempotencyKey, callId: ctx.callId });
      effects.after?.();
      return `order ${id}: shipped`;
    },
  });
  const agent = new ChatAgent({
    name: 'billing',
    instructions: 'You handle billing.',
    model: s.model(),
    tools: [charge, lookup],
  });
  return new HandoffBuilder({ name: 'billing', participants: [agent] })
    .withStartAgent(agent)
    .withCheckpointing(storage)
    .build()
    .forConversation('conv-1');
}

async function untilRequests(n: number): Promise<void> {
  for (let i = 0; i < 500 && s.server.requests.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(s.server.requests.length).toBeGreaterThanOrEqual(n);
}

/** The text of every tool message the model received in its last request. */
function toolMessagesSeen(): string[] {
  return s.server.requests
    .at(-1)!
    .messages.filter((m) => m.role === 'tool')
    .map((m) => String(m.content));
}

async function resume(storage: InMemoryCheckpointStorage, effects: Effects, idempotent: boolean) {
  const wf = workflow(new ProcessStorage(storage), effects, idempotent);
  const { checkpointId } = await wf.getStatus();
  return collect(wf.runStream({ checkpointId: checkpointId! }));
}

describe('journaled tool effects', () => {
  it('commits a tool result before the follow-up model call: a crash during that call keeps the result', async () => {
    const shared = new InMemoryCheckpointStorage();
    const p1 = new ProcessStorage(shared);
    const effects: Effects = { runs: [] };
    s.server.enqueue(
      { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A7' } }] },
      { fault: 'stall', label: 'follow-up that never answers' },
    );
    const controller = new AbortController();
    const dead = workflow(p1, effects, false).run('Where is A7?', { signal: controller.signal });
    dead.catch(() => {});
    await untilRequests(2);
    // The process dies while the model is thinking about the result.
    p1.crash();
    controller.abort();

    s.server.enqueue({ text: 'A7 has shipped.' });
    const events = await resume(shared, effects, false);
    expect(effects.runs).toHaveLength(1);
    expect(toolMessagesSeen()).toEqual(['order A7: shipped']);
    expect(events.some((e) => e.type === 'agent_response')).toBe(true);
    expect(s.server.requests).toHaveLength(3);
  });

  it('re-runs an interrupted idempotent tool once, with the same idempotency key', async () => {
    const shared = new InMemoryCheckpointStorage();
    const p1 = new ProcessStorage(shared);
    const effects: Effects = { runs: [] };
    s.server.enqueue({ toolCalls: [{ name: 'charge_card', arguments: { amount: 20 } }] });
    const wf = workflow(p1, effects, true);
    const [card] = (await wf.run('Charge me $20')).getRequestInfoEvents();
    const request = card!.data as FunctionApprovalRequest;
    // The charge happens, then the process is killed before its result is recorded.
    effects.after = () => p1.crash();
    void collect(
      wf.sendResponsesStreaming({ [card!.requestId]: request.createResponse({ approved: true }) }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(effects.runs).toHaveLength(1);

    effects.after = undefined;
    s.server.enqueue({ text: 'You were charged $20.' });
    await resume(shared, effects, true);
    expect(effects.runs).toHaveLength(2);
    expect(effects.runs[1]).toEqual(effects.runs[0]);
    expect(effects.runs[0]!.key).toBe(toolIdempotencyKey('conv-1', request.functionCall.callId));
    expect(toolMessagesSeen()).toEqual(['charged']);
  });

  it('reports a non-idempotent tool killed mid-run as "outcome unknown" and never runs it again', async () => {
    const shared = new InMemoryCheckpointStorage();
    const p1 = new ProcessStorage(shared);
    const effects: Effects = { runs: [] };
    s.server.enqueue({ toolCalls: [{ name: 'charge_card', arguments: { amount: 20 } }] });
    const wf = workflow(p1, effects, false);
    const [card] = (await wf.run('Charge me $20')).getRequestInfoEvents();
    const request = card!.data as FunctionApprovalRequest;
    effects.after = () => p1.crash();
    void collect(
      wf.sendResponsesStreaming({ [card!.requestId]: request.createResponse({ approved: true }) }),
    );
    await new Promise((r) => setTimeout(r, 50));

    effects.after = undefined;
    s.server.enqueue({ text: 'I could not confirm the charge; please check your statement.' });
    await resume(shared, effects, false);
    expect(effects.runs).toHaveLength(1);
    expect(toolMessagesSeen()).toEqual([`Error: ${INTERRUPTED_CALL_MESSAGE}`]);
  });

  it('gives every call its own stable key: conversation and call id', () => {
    expect(toolIdempotencyKey('c', 'call_1')).toBe(toolIdempotencyKey('c', 'call_1'));
    expect(toolIdempotencyKey('c', 'call_1')).not.toBe(toolIdempotencyKey('c', 'call_2'));
    expect(toolIdempotencyKey('c', 'call_1')).not.toBe(toolIdempotencyKey('d', 'call_1'));
    expect(toolIdempotencyKey('c', 'call_1')).toMatch(/^baton_[0-9a-f]{40}$/);
  });
});

describe('model output checks', () => {
  it('sends invalid arguments of an approval-gated tool back to the model, with no card', async () => {
    const effects: Effects = { runs: [] };
    const wf = workflow(new InMemoryCheckpointStorage(), effects, false);
    s.server.enqueue(
      { toolCalls: [{ name: 'charge_card', arguments: { amount: -5 } }] },
      { toolCalls: [{ name: 'charge_card', arguments: '{"amount": 20' }] },
      { toolCalls: [{ name: 'charge_card', arguments: { amount: 20 } }] },
    );
    const result = await wf.run('Charge me');
    const cards = result.getRequestInfoEvents();
    expect(cards).toHaveLength(1);
    expect((cards[0]!.data as FunctionApprovalRequest).parseArguments()).toEqual({ amount: 20 });
    const seen = s.server.requests[2]!.messages.filter((m) => m.role === 'tool').map((m) =>
      String(m.content),
    );
    expect(seen[0]).toMatch(/Invalid arguments for tool "charge_card": amount: /);
    expect(seen[1]).toMatch(/not valid JSON/);
    expect(effects.runs).toHaveLength(0);
  });

  it('says so when an answer is empty or cut off at the output limit', async () => {
    const wf = workflow(new InMemoryCheckpointStorage(), { runs: [] }, false);
    s.server.enqueue({ text: '   ' });
    const empty = (await wf.run('Hi')).events.filter((e) => e instanceof WorkflowWarningEvent);
    expect(empty.map((e) => [e.code, e.message])).toEqual([
      ['empty_response', 'Billing returned an empty answer. Please rephrase your message or try again.'],
    ]);
    s.server.enqueue({ text: 'Your invoices are: first, second, thi', finishReason: 'length' });
    const cut = (await wf.run('List my invoices')).events.filter((e) => e instanceof WorkflowWarningEvent);
    expect(cut.map((e) => e.code)).toEqual(['truncated_response']);
    expect(cut[0]!.message).toMatch(/cut off at the model's output limit/);
  });

  it('says which tools ran when the turn fails after them', async () => {
    const effects: Effects = { runs: [] };
    const wf = workflow(new InMemoryCheckpointStorage(), effects, false);
    s.server.enqueue({ toolCalls: [{ name: 'charge_card', arguments: { amount: 20 } }] });
    const [card] = (await wf.run('Charge me $20')).getRequestInfoEvents();
    s.server.enqueue({ fault: 'server_error', status: 503 });
    const events: WorkflowEvent[] = [];
    await expect(
      (async () => {
        const request = card!.data as FunctionApprovalRequest;
        for await (const e of wf.sendResponsesStreaming({
          [card!.requestId]: request.createResponse({ approved: true }),
        }))
          events.push(e);
      })(),
    ).rejects.toThrow();
    const failed = events.find((e) => e instanceof WorkflowFailedEvent)!;
    expect(failed.toolsRun).toEqual([
      { name: 'charge_card', callId: (card!.data as FunctionApprovalRequest).functionCall.callId, ok: true },
    ]);
    expect(toolsRunNotice(failed.toolsRun)).toBe('Before that, this ran: charge_card (done).');
    expect(effects.runs).toHaveLength(1);
  });
});
