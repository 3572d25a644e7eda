/** What the playground's JSON API and event stream send to the page: plain data, rendered as text only. */

export interface PersonaView {
  /** Agent id, e.g. `refund_agent`. */
  name: string;
  displayName: string;
  /** An emoji, or initials when the persona has none. */
  avatar: string;
  color: string;
  iconUrl?: string;
}

/** Things shown between messages; persisted in the thread index (the playground's own "chat history"). */
export type Mark =
  | { kind: 'handoff'; from: string; to: string; reason?: string }
  | { kind: 'decision'; tool: string; args: Record<string, unknown>; approved: boolean; by: string }
  | { kind: 'notice'; level: 'error' | 'warning'; text: string }
  | { kind: 'ended' };

export interface MessageItem {
  kind: 'message';
  id: string;
  role: 'user' | 'assistant';
  /** The agent id for assistant messages. */
  agent?: string;
  author: string;
  text: string;
  at?: string;
}

export type ThreadItem = MessageItem | Mark;

export type PendingView =
  | { kind: 'approval'; requestId: string; agent: string; tool: string; args: Record<string, unknown> }
  | { kind: 'user_input'; requestId: string; agent: string };

export interface ThreadSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

export interface ThreadSnapshot extends ThreadSummary {
  conversationKey: string;
  status: string;
  activeAgent: string;
  /** A turn is queued or running for this thread in this process. */
  running: boolean;
  items: ThreadItem[];
  pending: PendingView[];
}

/** One Server-Sent Event `data:` payload. */
export type StreamEvent =
  | { type: 'thread'; thread: ThreadSummary }
  | { type: 'user_message'; threadId: string; text: string; author: string }
  | { type: 'turn_start'; threadId: string }
  | { type: 'delta'; threadId: string; agent: string; text: string }
  | { type: 'message'; threadId: string; agent: string; id: string; text: string }
  | { type: 'mark'; threadId: string; mark: Mark }
  | { type: 'tool'; threadId: string; agent: string; name: string; phase: 'call' | 'result'; ok?: boolean }
  | { type: 'decision'; threadId: string; requestId: string; approved: boolean }
  | { type: 'pending'; threadId: string; pending: PendingView }
  | { type: 'turn_end'; threadId: string; status: 'processed' | 'duplicate' | 'failed'; decision?: string };
