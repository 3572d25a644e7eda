/**
 * The persisted state of one conversation: a small head plus an append-only transcript in which every message
 * is stored once. Plain, versioned JSON, validated on load.
 */
import { z } from 'zod';
import { ChatMessageSchema, FunctionCallContentSchema } from '../agents/messages.js';

export const STATE_SCHEMA_VERSION = 1;

/**
 * A transcript message. `visibleTo` marks agent-private traffic (its tool calls and results, notes meant for
 * it alone); `synthetic` marks plumbing that termination conditions and outputs must not count.
 */
export const TranscriptMessageSchema = ChatMessageSchema.extend({
  visibleTo: z.string().optional(),
  synthetic: z.enum(['autonomous_prompt', 'handoff_note', 'approval_response']).optional(),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessageSchema>;

export const PendingRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user_input'),
    requestId: z.string(),
    agentId: z.string(),
    createdAt: z.string(),
    /** Ids of the agent's messages the user is answering (the request's `agentResponse`). */
    responseMessageIds: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('function_approval'),
    requestId: z.string(),
    agentId: z.string(),
    createdAt: z.string(),
    functionCall: FunctionCallContentSchema,
  }),
]);
export type PendingRequest = z.infer<typeof PendingRequestSchema>;

/** Token counts summed over model calls (a turn's or the whole conversation's). */
export const UsageTotalsSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  modelCalls: z.number().int().nonnegative(),
});

export const HeadStateSchema = z.object({
  schemaVersion: z.literal(STATE_SCHEMA_VERSION),
  workflowName: z.string(),
  conversationId: z.string(),
  /** new: nothing ran yet; running: a turn is in progress (a crash leaves this, and a restore resumes it). */
  status: z.enum(['new', 'running', 'awaiting', 'completed', 'failed']),
  activeAgent: z.string(),
  previousAgent: z.string().optional(),
  pendingRequests: z.array(PendingRequestSchema),
  autonomousTurns: z.record(z.string(), z.number().int().nonnegative()),
  /** Loop-safety counters, reset when a person responds. */
  turn: z.object({
    handoffs: z.number().int().nonnegative(),
    modelCalls: z.number().int().nonnegative(),
    trail: z.array(z.string()),
    /** Tokens of this turn so far (absent in checkpoints written before usage was recorded). */
    usage: UsageTotalsSchema.optional(),
  }),
  /** Tokens of the whole conversation (absent in checkpoints written before usage was recorded). */
  usage: UsageTotalsSchema.optional(),
  /** Approved calls whose execution began: never run again, even after a crash. */
  startedCallIds: z.array(z.string()),
  messageCount: z.number().int().nonnegative(),
  lastError: z.object({ name: z.string(), message: z.string() }).optional(),
});
export type HeadState = z.infer<typeof HeadStateSchema>;

export function newHeadState(workflowName: string, conversationId: string, startAgent: string): HeadState {
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    workflowName,
    conversationId,
    status: 'new',
    activeAgent: startAgent,
    pendingRequests: [],
    autonomousTurns: {},
    turn: { handoffs: 0, modelCalls: 0, trail: [] },
    startedCallIds: [],
    messageCount: 0,
  };
}
