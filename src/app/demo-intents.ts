/**
 * How the offline demo script reads a conversation: every user message split into clauses, each clause an
 * intent (a refund, a status question, thanks…), in order, and whether the conversation has already dealt
 * with it. Keyword rules, not understanding: the script stays predictable, and says it is one.
 */
import { BARE_MENTION_PROMPT } from '../channels/bare-mention.js';
import { HANDOFF_NOTE_PREFIX } from '../handoff/handoff-tools.js';

/** Intents a specialist's tool serves. */
export type ToolKind = 'refund' | 'status' | 'return';
export type IntentKind = ToolKind | 'thanks' | 'greeting' | 'question' | 'help' | 'other';

export interface Intent {
  kind: IntentKind;
  /** The order it is about: said in the clause, or earlier in the conversation (`inherited`). */
  order: string | undefined;
  inherited: boolean;
  /** The order arrived damaged (a refund's reason). */
  damaged: boolean;
  /** The clause as the user wrote it. */
  text: string;
  /** Index of the user message it came from (in `ChatLine[]`). */
  at: number;
}

/** One message of the request, simplified. */
export interface ChatLine {
  role: 'system' | 'user' | 'assistant' | 'tool';
  text: string;
  toolCalls: { name: string; args: Record<string, unknown> }[];
}

export function chatLines(messages: readonly Record<string, unknown>[]): ChatLine[] {
  return messages.map((m) => {
    const role = m.role === 'user' || m.role === 'assistant' || m.role === 'tool' ? m.role : 'system';
    const calls = Array.isArray(m.tool_calls) ? (m.tool_calls as Record<string, unknown>[]) : [];
    return {
      role,
      text: textOf(m.content),
      toolCalls: calls.map((c) => {
        const fn = (c.function ?? {}) as { name?: unknown; arguments?: unknown };
        return { name: String(fn.name ?? ''), args: parseArgs(fn.arguments) };
      }),
    };
  });
}

/** Which tool serves each kind, and the words that show an assistant has dealt with an order of that kind. */
export const TOOL_OF: Record<ToolKind, string> = {
  refund: 'process_refund',
  status: 'check_order_status',
  return: 'process_return',
};
const DONE_WORDS: Record<ToolKind, RegExp> = {
  refund: /refund/i,
  status: /ship|status|processed|on its way|deliver/i,
  return: /return/i,
};

/** Every intent the user expressed, in order. */
export function readIntents(lines: readonly ChatLine[]): Intent[] {
  const intents: Intent[] = [];
  let lastOrder: string | undefined;
  lines.forEach((line, at) => {
    // The quoted handoff reason is the previous agent's words, not the user's.
    if (line.role !== 'user' || line.text.startsWith(HANDOFF_NOTE_PREFIX)) return;
    for (const clause of clauses(line.text)) {
      const intent = classify(clause, at, lastOrder);
      if (intent.order && !intent.inherited) lastOrder = intent.order;
      const previous = intents.at(-1);
      // "Order 1234 arrived damaged. I need a refund." is one request, not two.
      if (
        previous?.at === at &&
        previous.kind === intent.kind &&
        (intent.inherited || !intent.order || intent.order === previous.order)
      ) {
        continue;
      }
      const plain = intent.kind === 'other' || intent.kind === 'help' || intent.kind === 'question';
      if (plain && intent.order && !intent.inherited) {
        // An order number on its own answers the question for one: complete the request that lacked it
        // (dealt with from this message on).
        const waiting = intents.findLast((i) => isToolKind(i.kind) && !i.order);
        if (waiting) {
          Object.assign(waiting, { order: intent.order, inherited: false, at });
          continue;
        }
        // A number alone is an order to look up; "help with order 555" stays a request for help.
        if (intent.kind === 'other') intent.kind = 'status';
      }
      // "How is my refund going?" after the refund: a question, not a second refund.
      if (
        isToolKind(intent.kind) &&
        intent.inherited &&
        intents.some((i) => i.kind === intent.kind && i.order === intent.order)
      ) {
        intent.kind = 'question';
      }
      intents.push(intent);
    }
  });
  return intents;
}

/** Whether a later message dealt with the intent: a tool call or handoff for it, or a reply mentioning it. */
export function isHandled(intent: Intent, lines: readonly ChatLine[]): boolean {
  const later = lines.slice(intent.at + 1).filter((l) => l.role === 'assistant');
  if (!isToolKind(intent.kind) || !intent.order) return later.some((l) => l.text.trim() !== '');
  const kind = intent.kind;
  const order = intent.order;
  return later.some(
    (l) =>
      mentions(l.text, order, kind) ||
      l.toolCalls.some(
        (c) =>
          (c.name === TOOL_OF[kind] && String(c.args.order_number) === order) ||
          (c.name.startsWith('handoff_to_') && String(c.args.reason ?? '').includes(order)),
      ),
  );
}

/** A reply about that order and kind; examples in “quotes” (the script's own hints) do not count. */
function mentions(text: string, order: string, kind: ToolKind): boolean {
  const said = text.replace(/“[^”]*”/gu, '');
  return said.includes(order) && DONE_WORDS[kind].test(said);
}

export function isToolKind(kind: IntentKind): kind is ToolKind {
  return kind === 'refund' || kind === 'status' || kind === 'return';
}

/** Sentences, and parts joined by "also" or by "and" before a new request. */
function clauses(text: string): string[] {
  if (text.trim() === BARE_MENTION_PROMPT) return [BARE_MENTION_PROMPT];
  return text
    .split(
      /(?<=[.!?;])\s+|\s*\b(?:and\s+)?also\b[,:]?\s*|,?\s+and\s+(?=(?:what|where|when|how|can|could|please|i|my|check|track|refund|return)\b)/iu,
    )
    .map((c) => c.trim())
    .filter((c) => c !== '' && /\w/u.test(c));
}

function classify(clause: string, at: number, lastOrder: string | undefined): Intent {
  const t = clause.toLowerCase();
  const own = /\b(\d{3,})\b/u.exec(t)?.[1];
  const damaged = /damag|broken|smashed|cracked|defective/u.test(t);
  const base = { order: own ?? lastOrder, inherited: own === undefined && lastOrder !== undefined, damaged };
  const make = (kind: IntentKind): Intent => ({ kind, ...base, text: clause, at });
  if (clause === BARE_MENTION_PROMPT) return make('greeting');
  const thanks = /\b(thanks|thank you|thx|cheers|that'?s all|that is all|bye|goodbye)\b/u.test(t);
  const tool: ToolKind | undefined =
    /refund|money back|reimburs/u.test(t) || damaged
      ? 'refund'
      : /\breturn\b|send it back/u.test(t)
        ? 'return'
        : /status|where|track|\bship|deliver|arriv|\blate\b|\beta\b/u.test(t)
          ? 'status'
          : undefined;
  // "Thanks for the refund!" is thanks; "thanks, refund order 5678" names the order it wants.
  if (thanks && !(tool && own)) return make('thanks');
  if (tool) return make(tool);
  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/u.test(t)) return make('greeting');
  if (/\?\s*$/u.test(t) || /^(how|when|what|why|can|could|will|do|does|is|are)\b/u.test(t)) {
    return make('question');
  }
  if (/order|help|problem|issue/u.test(t)) return make('help');
  return make('other');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string'
        ? part.text
        : '',
    )
    .join('\n');
}

function parseArgs(raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
