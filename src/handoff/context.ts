/**
 * Views derived from the one shared transcript: what each agent sees, and the conversation people see.
 * Nothing here is stored; every view is computed from the transcript on demand.
 */
import type { ChatMessage } from '../agents/messages.js';
import { type ConversationMessage, withText } from './requests.js';
import type { TranscriptMessage } from './state.js';

/**
 * What `agentName` sees: every user and agent message meant for everyone (text, images, files), plus its own
 * private tool calls, results and notes. Other agents' tool traffic stays hidden.
 */
export function agentView(transcript: readonly TranscriptMessage[], agentName: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of transcript) {
    if (m.visibleTo !== undefined && m.visibleTo !== agentName) continue;
    const { visibleTo: _v, synthetic: _s, ...message } = m;
    out.push(message);
  }
  return out;
}

/** The conversation people see: public, non-synthetic messages with their text. */
export function visibleConversation(transcript: readonly TranscriptMessage[]): ConversationMessage[] {
  const out: ConversationMessage[] = [];
  for (const m of transcript) {
    if (m.visibleTo !== undefined || m.synthetic !== undefined) continue;
    if (m.role !== 'user' && m.role !== 'assistant') continue;
    const { visibleTo: _v, synthetic: _s, ...message } = m;
    out.push(withText(message));
  }
  return out;
}

/**
 * Splits an agent's assistant message into what everyone sees (text, attachments) and what only the agent
 * sees (its function calls). Either part may be absent.
 */
export function splitAssistantMessage(
  message: ChatMessage,
  agentName: string,
): { visible?: TranscriptMessage; private?: TranscriptMessage } {
  const visibleContents = message.contents.filter(
    (c) => c.type === 'text' || c.type === 'uri' || c.type === 'data',
  );
  const privateContents = message.contents.filter(
    (c) => !(c.type === 'text' || c.type === 'uri' || c.type === 'data'),
  );
  const base = {
    role: message.role,
    authorName: agentName,
    ...(message.createdAt ? { createdAt: message.createdAt } : {}),
  };
  const hasText = visibleContents.some((c) => c.type !== 'text' || c.text.trim() !== '');
  const out: { visible?: TranscriptMessage; private?: TranscriptMessage } = {};
  if (hasText) out.visible = { ...base, contents: visibleContents };
  if (privateContents.length > 0) out.private = { ...base, contents: privateContents, visibleTo: agentName };
  return out;
}
