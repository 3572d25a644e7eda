/**
 * The offline demo "model": plays the seed's customer-support conversation (triage → order → refund with an
 * approval) by reading what the user typed, so `npm start` works with no credentials while every real part
 * (OpenAI SDK, handoff tools, real tools, approvals, checkpoints) still runs. It is a script, not a model.
 */
import type { RecordedRequest, ScriptItem } from '../testing/index.js';

export const DEMO_NOTICE =
  'Scripted demo model: replies follow keywords (an order number, "refund", "damaged", "status", "return", ' +
  '"thanks"). Set OPENAI_API_KEY (or AZURE_OPENAI_*, or OPENAI_BASE_URL) to talk to a real model.';

const HANDOFF_PREFIX = 'handoff_to_';

interface Intent {
  order: string | undefined;
  refund: boolean;
  damaged: boolean;
  ret: boolean;
  status: boolean;
  thanks: boolean;
  help: boolean;
}

export interface DemoResponderOptions {
  /** Spread over each streamed response, so the page shows text arriving (default 600 ms). */
  delayMs?: number;
}

export function createDemoResponder(
  options: DemoResponderOptions = {},
): (request: RecordedRequest) => ScriptItem {
  const delayMs = options.delayMs ?? 600;
  const say = (text: string): ScriptItem => ({ text, delayMs, chunkSize: 6 });
  const call = (name: string, args: Record<string, unknown>, text?: string): ScriptItem => ({
    ...(text ? { text } : {}),
    toolCalls: [{ name, arguments: args }],
    delayMs: Math.round(delayMs / 2),
    chunkSize: 12,
  });

  return (request) => {
    const tools = new Set(request.toolNames);
    const can = (name: string) => tools.has(name);
    const intent = readIntent(request);
    const last = request.messages.at(-1);

    // Our own tool just ran (or was rejected): report its result.
    if (last?.role === 'tool') {
      const result = typeof last.content === 'string' ? last.content : '';
      if (result.startsWith('Error:')) {
        return say(
          /rejected/i.test(result)
            ? "Understood — I haven't done that. Is there anything else I can help you with?"
            : `That didn't work: ${result.slice(6).trim()} Is there anything else I can help you with?`,
        );
      }
      const closing = /refund/i.test(result)
        ? ' You should see the money back on your card within 3–5 business days. Anything else I can help with?'
        : ' Anything else I can help with?';
      return say(`${result}${closing}`);
    }

    if (intent.thanks) return say("You're welcome! Have a great day. 👋");

    const wantsRefund = intent.refund || intent.damaged;
    // Refund specialist
    if (can('process_refund')) {
      if (wantsRefund || /\b(yes|please|go ahead|ok)\b/i.test(request.lastUserText ?? '')) {
        if (!intent.order) return say('I can help with a refund. What is your order number?');
        return call(
          'process_refund',
          { order_number: intent.order },
          `I'm sorry about order ${intent.order}. I'll refund it in full — a person needs to approve refunds, so please confirm below.`,
        );
      }
      if (can(`${HANDOFF_PREFIX}triage_agent`)) {
        return call(`${HANDOFF_PREFIX}triage_agent`, { reason: 'Not a refund question' });
      }
    }
    // Order specialist
    if (can('check_order_status')) {
      if (wantsRefund && can(`${HANDOFF_PREFIX}refund_agent`)) {
        return call(`${HANDOFF_PREFIX}refund_agent`, {
          reason: `Customer asks for a refund${intent.order ? ` for order ${intent.order}` : ''}${intent.damaged ? ' (arrived damaged)' : ''}`,
        });
      }
      if (!intent.order) return say('Sure — what is your order number?');
      return call('check_order_status', { order_number: intent.order });
    }
    // Return specialist
    if (can('process_return')) {
      if (wantsRefund && can(`${HANDOFF_PREFIX}refund_agent`)) {
        return call(`${HANDOFF_PREFIX}refund_agent`, { reason: 'Customer would rather have a refund' });
      }
      if (!intent.order) return say('I can start a return. What is your order number?');
      return call('process_return', { order_number: intent.order });
    }
    // Triage (or any agent that can route)
    const routes: [boolean, string, string][] = [
      [
        wantsRefund,
        'refund_agent',
        `Customer wants a refund${intent.damaged ? ': the order arrived damaged' : ''}`,
      ],
      [intent.ret, 'return_agent', 'Customer wants to return an item'],
      [intent.status || (intent.help && !!intent.order), 'order_agent', 'Customer asks about an order'],
    ];
    for (const [wanted, target, reason] of routes) {
      if (!wanted || !can(`${HANDOFF_PREFIX}${target}`)) continue;
      if (!intent.order) {
        return say(
          `I'm sorry to hear that. Could you share your order number so I can connect you with the right specialist?`,
        );
      }
      return call(`${HANDOFF_PREFIX}${target}`, { reason: `${reason} (order ${intent.order})` });
    }
    if (intent.help) {
      return say(
        "I'd be happy to help you with your order. Could you please provide more details about the issue?",
      );
    }
    return say(
      "Hi! I'm the scripted demo model (no AI is connected). Try: “My order 1234 arrived damaged, I need a refund.” " +
        'Set OPENAI_API_KEY to talk to a real model.',
    );
  };
}

/** Keywords of the last user message; the order number may come from anything the user said before. */
function readIntent(request: RecordedRequest): Intent {
  const text = (request.lastUserText ?? '').toLowerCase();
  return {
    order: orderNumber(text) ?? earlierOrderNumber(request),
    refund: /refund|money back/.test(text),
    damaged: /damag|broken|smashed|cracked/.test(text),
    ret: /\breturn\b|send it back/.test(text),
    status: /status|where|track|ship|deliver|arriv(e|ed)? yet|late/.test(text) && !/damag/.test(text),
    thanks: /\b(thanks|thank you|that's all|that is all|bye)\b/.test(text),
    help: /order|help/.test(text),
  };
}

function orderNumber(text: string): string | undefined {
  return /\b(\d{3,})\b/.exec(text)?.[1];
}

function earlierOrderNumber(request: RecordedRequest): string | undefined {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i];
    if (m?.role !== 'user') continue;
    const found = orderNumber(textOf(m.content));
    if (found) return found;
  }
  return undefined;
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
