/**
 * The context strategy: what part of an agent's view of a long thread a model call receives. A turn sends the
 * recent messages — never a tool result without its call, always the agent's unanswered calls with their
 * approvals and the note that handed the conversation to it — so a 1,000-turn thread costs what a 20-turn one
 * does. The transcript itself is never trimmed: every message stays stored and readable.
 */
import type { ChatMessage, Content } from '../agents/messages.js';
import { HandoffConfigurationError } from './errors.js';
import type { TranscriptMessage } from './state.js';

export interface ContextOptions {
  /**
   * Messages of the agent's view sent with each model call (default {@link DEFAULT_CONTEXT_MESSAGES}), besides
   * the instructions; `'all'` sends the whole view. Pinned messages (see {@link agentContext}) count towards it.
   */
  lastMessages?: number | 'all';
  /**
   * An upper bound on the estimated tokens of those messages (4 characters of JSON per token; images and files
   * by their reference, not their bytes). Older messages are left out first; the newest one is always sent.
   */
  tokenBudget?: number;
}

/** The validated strategy a definition carries. */
export interface ContextWindow {
  readonly lastMessages: number;
  readonly tokenBudget: number;
}

/** Enough for a long support exchange with its tool traffic, far below any current model's context window. */
export const DEFAULT_CONTEXT_MESSAGES = 60;

/** Validates the builder's options (the fix goes in the message). */
export function contextWindow(options: ContextOptions = {}): ContextWindow {
  const { lastMessages = DEFAULT_CONTEXT_MESSAGES, tokenBudget } = options;
  if (lastMessages !== 'all' && (!Number.isInteger(lastMessages) || lastMessages < 1)) {
    throw new HandoffConfigurationError(
      `withContext: lastMessages must be a whole number ≥ 1 or 'all' (got ${String(lastMessages)}).`,
    );
  }
  if (tokenBudget !== undefined && (!Number.isInteger(tokenBudget) || tokenBudget < 1)) {
    throw new HandoffConfigurationError(
      `withContext: tokenBudget must be a whole number of tokens ≥ 1 (got ${String(tokenBudget)}).`,
    );
  }
  return {
    lastMessages: lastMessages === 'all' ? Number.POSITIVE_INFINITY : lastMessages,
    tokenBudget: tokenBudget ?? Number.POSITIVE_INFINITY,
  };
}

/**
 * What `agentName` is sent: its view of the transcript (everyone's public messages plus its own private
 * traffic), cut to the window. Always kept, whatever their age: the latest note that handed the conversation
 * to this agent, the latest message of the user (what the agent is answering), and every call of this agent that has no result yet together with its approval decision (a
 * pending approval stays answerable however much was said since). A cut never starts inside a tool exchange:
 * a result is sent only with its call, and the public and private halves of one response stay together.
 */
export function agentContext(
  transcript: readonly TranscriptMessage[],
  agentName: string,
  window: ContextWindow,
): ChatMessage[] {
  const view: TranscriptMessage[] = [];
  for (const m of transcript) if (m.visibleTo === undefined || m.visibleTo === agentName) view.push(m);
  const unbounded =
    window.lastMessages === Number.POSITIVE_INFINITY && window.tokenBudget === Number.POSITIVE_INFINITY;
  const keep = unbounded || view.length <= 1 ? view.map(() => true) : choose(view, agentName, window);
  const out: ChatMessage[] = [];
  view.forEach((m, i) => {
    if (!keep[i]) return;
    const { visibleTo: _v, synthetic: _s, ...message } = m;
    out.push(message);
  });
  return out;
}

function choose(view: readonly TranscriptMessage[], agentName: string, window: ContextWindow): boolean[] {
  const calls = callIndexes(view);
  const pinned = pinnedIndexes(view, agentName, calls);
  const tokens = view.map(estimateTokens);
  const pinnedTokens = [...pinned].reduce((sum, i) => sum + tokens[i]!, 0);

  // Walk back from the newest message while the window has room; pinned messages take room first.
  let room = Math.max(1, window.lastMessages - pinned.size);
  let budget = window.tokenBudget - pinnedTokens;
  let start = view.length;
  for (let i = view.length - 1; i >= 0; i--) {
    if (pinned.has(i)) continue;
    const first = start === view.length;
    if (!first && (room < 1 || budget < tokens[i]!)) break;
    room -= 1;
    budget -= tokens[i]!;
    start = i;
  }
  start = cleanStart(view, start, calls, pinned);

  return view.map((_, i) => i >= start || pinned.has(i));
}

/** Where each call was made: call id → index of the assistant message holding it. */
function callIndexes(view: readonly TranscriptMessage[]): Map<string, number> {
  const calls = new Map<string, number>();
  view.forEach((m, i) => {
    for (const c of m.contents) if (c.type === 'function_call') calls.set(c.callId, i);
  });
  return calls;
}

function answeredCalls(contents: readonly Content[]): string[] {
  const ids: string[] = [];
  for (const c of contents) {
    if (c.type === 'function_result') ids.push(c.callId);
    else if (c.type === 'function_approval_response') ids.push(c.functionCall.callId);
  }
  return ids;
}

/**
 * Moves `start` later until no kept message answers a call made before it and the cut does not separate the
 * public text of a response from its private calls. If that leaves nothing (the newest message is a result
 * whose call is older), moves it earlier instead, to the calls the newest messages need.
 */
function cleanStart(
  view: readonly TranscriptMessage[],
  from: number,
  calls: ReadonlyMap<string, number>,
  pinned: ReadonlySet<number>,
): number {
  const needs = (j: number) =>
    answeredCalls(view[j]!.contents)
      .map((id) => calls.get(id) ?? j)
      .filter((at) => !pinned.has(at));
  // Everything is pinned: nothing else to cut.
  if (from >= view.length) return from;
  let start = from;
  for (;;) {
    let next = start;
    if (next > 0 && halvesOfOneResponse(view[next - 1]!, view[next]!)) next += 1;
    for (let j = next; j < view.length; j++) {
      if (needs(j).some((at) => at < next)) next = j + 1;
    }
    if (next === start) return start;
    if (next >= view.length) break;
    start = next;
  }
  start = from;
  for (;;) {
    let earliest = start;
    for (let j = start; j < view.length; j++) for (const at of needs(j)) earliest = Math.min(earliest, at);
    if (earliest > 0 && halvesOfOneResponse(view[earliest - 1]!, view[earliest]!)) earliest -= 1;
    if (earliest === start) return start;
    start = earliest;
  }
}

/** `splitAssistantMessage` stores one response as public text then private calls, with the same author and time. */
function halvesOfOneResponse(a: TranscriptMessage, b: TranscriptMessage): boolean {
  return (
    a.role === 'assistant' &&
    b.role === 'assistant' &&
    a.visibleTo === undefined &&
    b.visibleTo !== undefined &&
    a.authorName === b.authorName &&
    a.createdAt === b.createdAt
  );
}

function pinnedIndexes(
  view: readonly TranscriptMessage[],
  agentName: string,
  calls: ReadonlyMap<string, number>,
): Set<number> {
  const pinned = new Set<number>();
  const latest = (match: (m: TranscriptMessage) => boolean) => {
    for (let i = view.length - 1; i >= 0; i--) {
      if (match(view[i]!)) {
        pinned.add(i);
        return;
      }
    }
  };
  latest((m) => m.synthetic === 'handoff_note' && m.visibleTo === agentName);
  // What the agent is answering, however many tool rounds it has taken since.
  latest((m) => m.role === 'user' && m.synthetic === undefined && m.visibleTo === undefined);
  const results = new Set<string>();
  for (const m of view) for (const c of m.contents) if (c.type === 'function_result') results.add(c.callId);
  const open = new Set<string>();
  view.forEach((m, i) => {
    if (m.role !== 'assistant' || (m.authorName !== undefined && m.authorName !== agentName)) return;
    const unanswered = m.contents.filter((c) => c.type === 'function_call' && !results.has(c.callId));
    if (unanswered.length === 0) return;
    pinned.add(i);
    if (i > 0 && halvesOfOneResponse(view[i - 1]!, m)) pinned.add(i - 1);
    for (const c of m.contents) if (c.type === 'function_call') open.add(c.callId);
  });
  if (open.size > 0) {
    view.forEach((m, i) => {
      if (answeredCalls(m.contents).some((id) => open.has(id) && calls.has(id))) pinned.add(i);
    });
  }
  return pinned;
}

/** A rough, provider-independent estimate: 4 characters of JSON per token, inline data by its reference. */
export function estimateTokens(message: ChatMessage): number {
  let chars = 0;
  for (const c of message.contents) {
    if (c.type === 'data') chars += 64 + (c.name?.length ?? 0);
    else chars += JSON.stringify(c).length;
  }
  return Math.ceil(chars / 4) + 4;
}
