/**
 * The offline demo "model": plays the seed's customer-support conversation (triage → order → refund with an
 * approval) so `npm start` works with no credentials while every real part (OpenAI SDK, handoff tools, real
 * tools, approvals, checkpoints) still runs. It is a script, not a model: it reads the whole conversation as
 * keyword intents (demo-intents.ts), answers those not yet dealt with in the order they were asked — a tool
 * result first — and says plainly that it is scripted.
 */
import type { RecordedRequest, ScriptItem } from '../testing/types.js';
import {
  type ChatLine,
  chatLines,
  type Intent,
  isHandled,
  readIntents,
  TOOL_OF,
  type ToolKind,
} from './demo-intents.js';

export const DEMO_NOTICE =
  'Scripted demo model: replies follow keywords (an order number, "refund", "damaged", "status", "return", ' +
  '"thanks"). Set OPENAI_API_KEY (or AZURE_OPENAI_*, or OPENAI_BASE_URL) to talk to a real model.';

const HANDOFF_PREFIX = 'handoff_to_';
const ANYTHING_ELSE = 'Anything else I can help with?';
const GOODBYE = "You're welcome! Have a great day. 👋";
const HINT =
  "Hi! I'm the scripted demo model (no AI is connected). Try: “My order 1234 arrived damaged, I need a refund.” " +
  'Set OPENAI_API_KEY to talk to a real model.';

/** The specialist for each kind of request, in the customer-support bot. */
const SPECIALIST: Record<ToolKind, string> = {
  refund: 'refund_agent',
  status: 'order_agent',
  return: 'return_agent',
};

export interface DemoResponderOptions {
  /** Spread over each streamed response, so the page shows text arriving (default 600 ms). */
  delayMs?: number;
}

type Role = ToolKind | 'triage' | 'unknown';

export function createDemoResponder(
  options: DemoResponderOptions = {},
): (request: RecordedRequest) => ScriptItem {
  const delayMs = options.delayMs ?? 600;
  const say = (parts: readonly string[]): ScriptItem => {
    const text = parts.join(' ');
    return { text: /[?👋]$/u.test(text) ? text : `${text} ${ANYTHING_ELSE}`.trim(), delayMs, chunkSize: 6 };
  };
  const call = (name: string, args: Record<string, unknown>, parts: readonly string[] = []): ScriptItem => ({
    ...(parts.length ? { text: parts.join(' ') } : {}),
    toolCalls: [{ name, arguments: args }],
    delayMs: Math.round(delayMs / 2),
    chunkSize: 12,
  });

  return (request) => {
    const tools = new Set(request.toolNames);
    const can = (name: string) => tools.has(name);
    const role = roleOf(can);
    if (role === 'unknown') return say([HINT]);
    const lines = chatLines(request.messages);
    const parts: string[] = [];
    const result = unreportedResult(lines);
    if (result !== undefined) parts.push(report(result));
    const open = readIntents(lines).filter((i) => !isHandled(i, lines));

    for (const [n, intent] of open.entries()) {
      const kind = intent.kind;
      if (kind === 'thanks') {
        // Only the last word ends the conversation ("welcome" ends it); thanks before a question does not.
        if (n === open.length - 1) return say([...parts, GOODBYE]);
        parts.push('Glad I could help!');
      } else if (kind === 'greeting') {
        parts.push(greeting(role));
      } else if (kind === 'question') {
        parts.push(answer(role, intent));
      } else if (
        kind === 'help' &&
        intent.order &&
        can(`${HANDOFF_PREFIX}order_agent`) &&
        role === 'triage'
      ) {
        // Help with a known order: the order desk can look at it.
        return call(`${HANDOFF_PREFIX}order_agent`, { reason: reason({ ...intent, kind: 'status' }) }, parts);
      } else if (kind === 'help' || kind === 'other') {
        parts.push(helpText(role, intent));
      } else if (!intent.order) {
        if (role === kind || role === 'triage') return say([...parts, askOrder(kind, role)]);
        const to = SPECIALIST[kind];
        if (can(`${HANDOFF_PREFIX}${to}`))
          return call(`${HANDOFF_PREFIX}${to}`, { reason: reason(intent) }, parts);
        parts.push(cannot(kind));
      } else if (role === kind) {
        return call(TOOL_OF[kind], { order_number: intent.order }, [...parts, ...preface(intent)]);
      } else {
        const to = SPECIALIST[kind];
        if (can(`${HANDOFF_PREFIX}${to}`))
          return call(`${HANDOFF_PREFIX}${to}`, { reason: reason(intent) }, parts);
        if (can(`${HANDOFF_PREFIX}triage_agent`)) {
          return call(`${HANDOFF_PREFIX}triage_agent`, { reason: reason(intent) }, parts);
        }
        parts.push(cannot(kind));
      }
    }
    if (parts.length === 0) parts.push(role === 'triage' ? HINT : helpText(role, undefined));
    return say(parts);
  };
}

/** Which desk this request is for, from the tools it was offered. */
function roleOf(can: (name: string) => boolean): Role {
  for (const kind of ['refund', 'status', 'return'] as const) if (can(TOOL_OF[kind])) return kind;
  return [...Object.values(SPECIALIST)].some((a) => can(`${HANDOFF_PREFIX}${a}`)) ? 'triage' : 'unknown';
}

/** The agent's own tool result that no reply has reported yet, with the order it was for. */
function unreportedResult(lines: readonly ChatLine[]): string | undefined {
  const last = lines.findLastIndex((l) => l.role === 'tool');
  if (last < 0 || lines.slice(last + 1).some((l) => l.role === 'assistant')) return undefined;
  const caller = lines.slice(0, last).findLast((l) => l.role === 'assistant' && l.toolCalls.length > 0);
  if (!caller || caller.toolCalls.every((c) => c.name.startsWith(HANDOFF_PREFIX))) return undefined;
  return lines[last]!.text;
}

function report(result: string): string {
  if (result.startsWith('Error:')) {
    return /rejected/i.test(result)
      ? "Understood — I haven't done that."
      : `That didn't work: ${result.slice(6).trim()}`;
  }
  return /refund/i.test(result)
    ? `${result} You should see the money back on your card within 3–5 business days.`
    : result;
}

function preface(intent: Intent): string[] {
  if (intent.kind !== 'refund') return [];
  const sorry = intent.damaged
    ? `I'm sorry order ${intent.order} arrived damaged.`
    : `I'm sorry about order ${intent.order}.`;
  return [`${sorry} I'll refund it in full — a person needs to approve refunds, so please confirm below.`];
}

function reason(intent: Intent): string {
  const order = intent.order ? ` (order ${intent.order})` : '';
  if (intent.kind === 'refund') {
    return `Customer wants a refund${intent.damaged ? ': the order arrived damaged' : ''}${order}`;
  }
  if (intent.kind === 'return') return `Customer wants to return an item${order}`;
  return `Customer asks about an order${order}`;
}

function askOrder(kind: ToolKind, role: Role): string {
  if (role === 'triage') {
    return "I'm sorry to hear that. Could you share your order number so I can connect you with the right specialist?";
  }
  return kind === 'refund'
    ? 'I can help with a refund. What is your order number?'
    : kind === 'return'
      ? 'I can start a return. What is your order number?'
      : 'Sure — what is your order number?';
}

function greeting(role: Role): string {
  if (role === 'triage') {
    return (
      "Hi! I'm the triage desk, played by Baton's scripted demo model (no AI is connected). I can check an " +
      'order’s status, start a return, or refund a damaged order — for example “My order 1234 arrived damaged, ' +
      'I need a refund.” What can I do for you?'
    );
  }
  return `Hi! ${helpText(role, undefined)}`;
}

/** A question the script has no tool for: answered from the desk's one line of knowledge, quoting it back. */
function answer(role: Role, intent: Intent): string {
  const quoted = intent.text.length > 80 ? `${intent.text.slice(0, 79)}…` : intent.text;
  const facts: Record<Role, string> = {
    refund: 'refunds reach your card within 3–5 business days of approval.',
    status: 'orders ship within 2 business days, and a tracking link follows by email.',
    return: 'return instructions arrive by email, and the refund follows once the item is back.',
    triage: "I'm a scripted demo, so I can only check an order's status, start a return, or refund an order.",
    unknown: HINT,
  };
  return `About “${quoted}”: ${facts[role]}`;
}

function helpText(role: Role, intent: Intent | undefined): string {
  if (role === 'triage') {
    return intent?.kind === 'other'
      ? HINT
      : "I'd be happy to help you with your order. Could you please provide more details about the issue?";
  }
  const what: Record<ToolKind, string> = {
    refund: 'I handle refunds: tell me the order number and what went wrong.',
    status: 'I handle order status and shipping: tell me the order number.',
    return: 'I handle returns: tell me the order number.',
  };
  return role === 'unknown' ? HINT : what[role];
}

function cannot(kind: ToolKind): string {
  return `I can't help with ${kind === 'status' ? 'order status' : `${kind}s`} here.`;
}
