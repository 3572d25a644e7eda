/**
 * The bot the durability suite runs (`BATON_BOT`): the customer-support handoff of examples/customer-support.ts
 * with a refund tool that records every execution in a side ledger (a JSON-lines file that outlives the killed
 * process), standing in for a payment provider.
 *
 * CHAOS_LEDGER: the ledger file. CHAOS_REFUND: `idempotent` (the default: the tool passes the call's stable
 * idempotency key to the "provider", which refuses a second refund under the same key, as Stripe does) or
 * `at-most-once` (no key: a re-run would refund twice). CHAOS_TOOL_MS: how long a refund takes (default 150).
 * CHAOS_FILE_STORE: a folder: keep conversations (and so the driver's leases and inbox) in the file store there
 * instead of the app's DynamoDB table (which still holds the app's own records).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { createCustomerSupportAgents } from '../../examples/customer-support.js';
import {
  ChatAgent,
  type ChatModel,
  type CheckpointStorage,
  HandoffBuilder,
  type HandoffWorkflow,
  tool,
} from '../../src/index.js';
import { FileCheckpointStorage } from '../../src/store/file.js';

export interface LedgerEntry {
  /** `start`: the provider was called; `effect`: money moved; `replay`: a repeat under a known key; `done`. */
  event: 'start' | 'effect' | 'replay' | 'done';
  order: string;
  callId: string;
  conversationId: string | undefined;
  /** The stable key the tool got (idempotent variant). */
  key: string | undefined;
  pid: number;
  at: number;
}

export function readLedger(path: string): LedgerEntry[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);
}

function record(path: string, entry: Omit<LedgerEntry, 'pid' | 'at'>): void {
  appendFileSync(path, `${JSON.stringify({ ...entry, pid: process.pid, at: Date.now() })}\n`);
}

function refundTool(ledger: string, mode: string, toolMs: number) {
  const options = {
    name: 'process_refund',
    description: 'Process a refund for a given order number.',
    parameters: z.object({ order_number: z.string().describe('Order number to process refund for') }),
    approvalMode: 'always_require' as const,
    // Read by the runner once durable turns land: an idempotent tool is re-run with the same key after a crash.
    idempotent: mode === 'idempotent',
    execute: async (
      { order_number }: { order_number: string },
      context: { callId: string; conversationId?: string; idempotencyKey?: string },
    ) => {
      const key = mode === 'idempotent' ? context.idempotencyKey : undefined;
      const base = {
        order: order_number,
        callId: context.callId,
        conversationId: context.conversationId,
        key,
      };
      record(ledger, { event: 'start', ...base });
      // The provider: a key it has seen gets the first answer back, and no second refund.
      const seen = key !== undefined && readLedger(ledger).some((e) => e.key === key && e.event === 'effect');
      await new Promise((resolve) => setTimeout(resolve, toolMs / 2));
      record(ledger, { event: seen ? 'replay' : 'effect', ...base });
      await new Promise((resolve) => setTimeout(resolve, toolMs / 2));
      record(ledger, { event: 'done', ...base });
      return `Refund processed successfully for order ${order_number}.`;
    },
  };
  return tool(options);
}

export function createWorkflow({
  model,
  storage,
}: {
  model: ChatModel;
  storage: CheckpointStorage;
}): HandoffWorkflow {
  // The test process builds the same workflow only to read stored conversations: no ledger needed there.
  const ledger = process.env.CHAOS_LEDGER ?? '/dev/null';
  const mode = process.env.CHAOS_REFUND ?? 'idempotent';
  const toolMs = Number(process.env.CHAOS_TOOL_MS ?? 150);
  const { triage, order, ret } = createCustomerSupportAgents(model);
  const refund = new ChatAgent({
    name: 'refund_agent',
    instructions: 'You process refund requests.',
    description: 'Agent that handles refund requests.',
    model,
    tools: [refundTool(ledger, mode, toolMs)],
  });
  return new HandoffBuilder({ name: 'customer_support_handoff', participants: [triage, refund, order, ret] })
    .withStartAgent(triage)
    .withTerminationCondition(
      (conversation) =>
        conversation.length > 0 && (conversation.at(-1)?.text.toLowerCase().includes('welcome') ?? false),
    )
    .withCheckpointing(process.env.CHAOS_FILE_STORE ? chaosFileStore(process.env.CHAOS_FILE_STORE) : storage)
    .build();
}

/** One instance per folder and process: the file store's lock and caches are per instance. */
const fileStores = new Map<string, FileCheckpointStorage>();
export function chaosFileStore(storagePath: string): FileCheckpointStorage {
  let store = fileStores.get(storagePath);
  if (!store) {
    store = new FileCheckpointStorage({ storagePath });
    fileStores.set(storagePath, store);
  }
  return store;
}
