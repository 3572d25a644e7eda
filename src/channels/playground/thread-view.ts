/** A thread as the page shows it: the stored conversation, with the playground's markers placed between messages. */

import { FunctionApprovalRequest } from '../../handoff/requests.js';
import type { HandoffWorkflow } from '../../handoff/workflow.js';
import type { PlacedMark } from './thread-index.js';
import type { MessageItem, PendingView, ThreadItem, ThreadSnapshot, ThreadSummary } from './view-types.js';

export function conversationKeyOf(threadId: string): string {
  return `playground:${threadId}`;
}

export async function buildSnapshot(
  workflow: HandoffWorkflow,
  thread: ThreadSummary & { marks: readonly PlacedMark[] },
  running: boolean,
): Promise<ThreadSnapshot> {
  const key = conversationKeyOf(thread.id);
  // One instance: it loads the conversation from the store once for all three reads.
  const wf = workflow.forConversation(key);
  const conversation = await wf.getConversation();
  const pendingRequests = await wf.getPendingRequests();
  const status = await wf.getStatus();
  const messages: MessageItem[] = [];
  for (const m of conversation) {
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const item: MessageItem = {
      kind: 'message',
      id: m.messageId ?? `m${messages.length}`,
      role: m.role,
      author: m.role === 'user' ? (m.authorName ?? 'You') : (m.authorName ?? 'agent'),
      text: m.text,
    };
    if (m.role === 'assistant' && m.authorName) item.agent = m.authorName;
    if (m.createdAt) item.at = m.createdAt;
    messages.push(item);
  }
  const pending: PendingView[] = pendingRequests.map((r) =>
    r.data instanceof FunctionApprovalRequest
      ? {
          kind: 'approval',
          requestId: r.requestId,
          agent: r.sourceAgentId,
          tool: r.data.functionCall.name,
          args: r.data.parseArguments(),
        }
      : { kind: 'user_input', requestId: r.requestId, agent: r.sourceAgentId },
  );
  const { marks, ...summary } = thread;
  return {
    ...summary,
    conversationKey: key,
    status: status.status,
    activeAgent: status.activeAgent,
    running,
    items: placeMarks(messages, marks),
    pending,
  };
}

/** Marks go right after the message they followed when they happened; unplaceable ones go last. */
export function placeMarks(messages: readonly MessageItem[], marks: readonly PlacedMark[]): ThreadItem[] {
  const byAfter = new Map<string | null, PlacedMark[]>();
  const ids = new Set(messages.map((m) => m.id));
  const orphans: PlacedMark[] = [];
  for (const placed of marks) {
    if (placed.after !== null && !ids.has(placed.after)) {
      orphans.push(placed);
      continue;
    }
    byAfter.set(placed.after, [...(byAfter.get(placed.after) ?? []), placed]);
  }
  const out: ThreadItem[] = (byAfter.get(null) ?? []).map((p) => p.mark);
  for (const m of messages) {
    out.push(m);
    for (const p of byAfter.get(m.id) ?? []) out.push(p.mark);
  }
  for (const p of orphans) out.push(p.mark);
  return out;
}
