/**
 * The scripted model for the durability suite: a responder (not a fixed script) that answers from what the
 * request contains, so a turn re-run after a crash gets the same answers. Triage hands refunds to the refund
 * agent and answers anything else with a note naming the message; the refund agent calls process_refund, then
 * tells the user exactly what the tool answered.
 */
import { HANDOFF_NOTE_PREFIX } from '../../src/handoff/handoff-tools.js';
import type { RecordedRequest, ScriptItem } from '../../src/testing/index.js';

export interface SupportModelOptions {
  /** How long each model response takes (streamed over its chunks). */
  delayMs?: number;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String(p.text) : '')).join('\n');
  }
  return '';
}

export function supportResponder(options: SupportModelOptions = {}) {
  const delayMs = options.delayMs ?? 80;
  return (request: RecordedRequest): ScriptItem => {
    const system = request.messages
      .filter((m) => m.role === 'system')
      .map((m) => text(m.content))
      .join('\n');
    // What the user wrote last: a handoff's reason arrives as a user-role note too, and is not the user's words.
    const userText =
      request.messages
        .filter((m) => m.role === 'user')
        .map((m) => text(m.content))
        .filter((t) => !t.startsWith(HANDOFF_NOTE_PREFIX))
        .at(-1) ?? '';
    if (system.includes('You process refund requests')) {
      const result = request.messages.filter((m) => m.role === 'tool').at(-1);
      const order = /\d+/.exec(userText)?.[0] ?? 'unknown';
      if (result) {
        return {
          text: `About order ${order}: ${text(result.content)} You're welcome!`,
          delayMs,
          label: 'refund answer',
        };
      }
      return {
        toolCalls: [{ name: 'process_refund', arguments: { order_number: order } }],
        delayMs,
        label: 'refund call',
      };
    }
    if (request.toolNames.includes('handoff_to_refund_agent') && /refund/i.test(userText)) {
      return {
        toolCalls: [{ name: 'handoff_to_refund_agent', arguments: { reason: 'The user wants a refund.' } }],
        delayMs,
        label: 'handoff to refund',
      };
    }
    return { text: `Noted: ${userText.replace(/<@[A-Z0-9]+>\s*/g, '')}`, delayMs, label: 'note' };
  };
}
