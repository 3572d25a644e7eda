/**
 * The seed's customer-support handoff: triage routes to order, return and refund specialists; refunds need a
 * person's approval. The default bot of `npm start`; chat with it on a real model: `npx tsx examples/chat.ts`.
 */
import { z } from 'zod';
import {
  ChatAgent,
  type ChatModel,
  type CheckpointStorage,
  HandoffBuilder,
  type HandoffWorkflow,
  tool,
} from '../src/index.js';

/**
 * A stand-in for a payment provider's refund API. Real ones (Stripe's `Idempotency-Key`, Adyen's
 * `Idempotency-Key`, PayPal's `PayPal-Request-Id`) behave like this: a repeated key returns the first
 * result instead of refunding again.
 */
const refundsByKey = new Map<string, string>();
function refundOnce(idempotencyKey: string, orderNumber: string): string {
  let receipt = refundsByKey.get(idempotencyKey);
  if (receipt === undefined) {
    receipt = `Refund processed successfully for order ${orderNumber}.`;
    refundsByKey.set(idempotencyKey, receipt);
  }
  return receipt;
}

export const processRefund = tool({
  name: 'process_refund',
  description: 'Process a refund for a given order number.',
  parameters: z.object({ order_number: z.string().describe('Order number to process refund for') }),
  approvalMode: 'always_require',
  // Safe to re-run after a crash: the provider refunds once per key, and Baton's key is stable per call.
  idempotent: true,
  execute: ({ order_number }, { idempotencyKey }) => refundOnce(idempotencyKey, order_number),
});

export const checkOrderStatus = tool({
  name: 'check_order_status',
  description: 'Check the status of a given order number.',
  parameters: z.object({ order_number: z.string().describe('Order number to check status for') }),
  execute: ({ order_number }) =>
    `Order ${order_number} is currently being processed and will ship in 2 business days.`,
});

export const processReturn = tool({
  name: 'process_return',
  description: 'Process a return for a given order number.',
  parameters: z.object({ order_number: z.string().describe('Order number to process return for') }),
  execute: ({ order_number }) =>
    `Return initiated successfully for order ${order_number}. You will receive return instructions via email.`,
});

export interface CustomerSupportOptions {
  model: ChatModel;
  storage?: CheckpointStorage;
}

export function createCustomerSupportAgents(model: ChatModel) {
  const triage = new ChatAgent({
    name: 'triage_agent',
    instructions:
      'You are frontline support triage. Route customer issues to the appropriate specialist agents based on the problem described.',
    description: 'Triage agent that handles general inquiries.',
    model,
    persona: { iconEmoji: ':wave:', color: '#4f46e5' },
  });
  const refund = new ChatAgent({
    name: 'refund_agent',
    instructions: 'You process refund requests.',
    description: 'Agent that handles refund requests.',
    model,
    tools: [processRefund],
    persona: { iconEmoji: ':money_with_wings:', color: '#059669' },
  });
  const order = new ChatAgent({
    name: 'order_agent',
    instructions: 'You handle order and shipping inquiries.',
    description: 'Agent that handles order tracking and shipping issues.',
    model,
    tools: [checkOrderStatus],
    persona: { iconEmoji: ':package:', color: '#d97706' },
  });
  const ret = new ChatAgent({
    name: 'return_agent',
    instructions: 'You manage product return requests.',
    description: 'Agent that handles return processing.',
    model,
    tools: [processReturn],
    persona: { iconEmoji: ':leftwards_arrow_with_hook:', color: '#db2777' },
  });
  return { triage, refund, order, ret };
}

/** The bot `npm start` runs by default. */
export function createCustomerSupportWorkflow({ model, storage }: CustomerSupportOptions): HandoffWorkflow {
  const { triage, refund, order, ret } = createCustomerSupportAgents(model);
  const builder = new HandoffBuilder({
    name: 'customer_support_handoff',
    participants: [triage, refund, order, ret],
  })
    .withStartAgent(triage)
    .withTerminationCondition(
      // Ends when an agent's closing message says "welcome" (as in the seed's sample).
      (conversation) =>
        conversation.length > 0 && (conversation.at(-1)?.text.toLowerCase().includes('welcome') ?? false),
    );
  return (storage ? builder.withCheckpointing(storage) : builder).build();
}
