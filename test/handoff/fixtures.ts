/** Agents and helpers shared by the handoff tests. */
import { z } from 'zod';
import { ChatAgent } from '../../src/agents/agent.js';
import type { ChatModel } from '../../src/agents/model.js';
import { tool } from '../../src/agents/tool.js';
import type { WorkflowEvent } from '../../src/handoff/events.js';
import type { RecordedRequest, ScriptedTurn } from '../../src/testing/index.js';

export function supportAgents(model: ChatModel, counters = { refunds: 0, lookups: 0 }) {
  const refundTool = tool({
    name: 'process_refund',
    description: 'Process a refund for a given order number.',
    parameters: z.object({ order_number: z.string() }),
    approvalMode: 'always_require',
    execute: ({ order_number }) => {
      counters.refunds++;
      return `Refund processed successfully for order ${order_number}.`;
    },
  });
  const statusTool = tool({
    name: 'check_order_status',
    description: 'Check the status of a given order number.',
    parameters: z.object({ order_number: z.string() }),
    execute: ({ order_number }) => {
      counters.lookups++;
      return `Order ${order_number} will ship in 2 business days.`;
    },
  });
  const triage = new ChatAgent({
    name: 'triage_agent',
    instructions: 'You are frontline support triage.',
    description: 'Triage agent that handles general inquiries.',
    model,
  });
  const refund = new ChatAgent({
    name: 'refund_agent',
    instructions: 'You process refund requests.',
    description: 'Agent that handles refund requests.',
    model,
    tools: [refundTool],
  });
  const order = new ChatAgent({
    name: 'order_agent',
    instructions: 'You handle order and shipping inquiries.',
    description: 'Agent that handles order tracking and shipping issues.',
    model,
    tools: [statusTool],
  });
  return { triage, refund, order, counters };
}

/** A scripted turn that only answers the agent whose instructions start with `instructions`. */
export function as(instructions: string, turn: ScriptedTurn): ScriptedTurn {
  return {
    ...turn,
    when: (r: RecordedRequest) => String(r.messages[0]?.content ?? '').startsWith(instructions),
  };
}

export function handoff(target: string, reason?: string): ScriptedTurn {
  return { toolCalls: [{ name: `handoff_to_${target}`, arguments: reason ? { reason } : {} }] };
}

export function types(events: readonly WorkflowEvent[]): string[] {
  return events.map((e) => e.type);
}

export function systemPrompt(r: RecordedRequest): string {
  return String(r.messages[0]?.content ?? '');
}
