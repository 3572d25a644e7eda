/** Checks a `save()` argument before any backend touches storage, so every backend rejects the same inputs. */
import { z } from 'zod';
import { assertValidCheckpointId } from './checkpoint-id.js';
import type { StepRecord } from './checkpoint-log.js';
import type { CheckpointWrite } from './checkpoint-storage.js';
import { jsonObjectSchema } from './step-payload.js';
import { InvalidCheckpointWriteError, UnknownParentCheckpointError } from './storage-errors.js';

/** Conversation ids become DynamoDB partition keys (2 KB max) and folder names: keep them sane. */
export const MAX_CONVERSATION_ID_LENGTH = 1024;

export const conversationIdSchema = z
  .string()
  .min(1, 'the conversation id is empty')
  .max(MAX_CONVERSATION_ID_LENGTH, `conversation ids are at most ${MAX_CONVERSATION_ID_LENGTH} characters`);

const writeSchema = z.object({
  conversationId: conversationIdSchema,
  workflowName: z.string().min(1, 'the workflow name is empty'),
  expectedVersion: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  timestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 timestamp'),
  messages: z.array(jsonObjectSchema),
  state: jsonObjectSchema,
  leaseToken: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export function validateCheckpointWrite(write: CheckpointWrite): void {
  assertValidCheckpointId(write.checkpointId);
  if (write.parentCheckpointId !== null) assertValidCheckpointId(write.parentCheckpointId);
  const parsed = writeSchema.safeParse(write);
  if (!parsed.success) {
    throw new InvalidCheckpointWriteError(
      `Invalid checkpoint write "${String(write.checkpointId)}": ${z.prettifyError(parsed.error)}`,
    );
  }
}

export function assertValidConversationId(conversationId: string): void {
  const parsed = conversationIdSchema.safeParse(conversationId);
  if (!parsed.success) {
    throw new InvalidCheckpointWriteError(
      `Invalid conversation id ${JSON.stringify(conversationId)}: ${z.prettifyError(parsed.error)}`,
    );
  }
}

/** A new step may only continue from a checkpoint that exists and was not deleted. */
export function assertUsableParent(write: CheckpointWrite, parent: StepRecord | undefined): void {
  if (write.parentCheckpointId !== null && (parent === undefined || parent.deleted)) {
    throw new UnknownParentCheckpointError(write.conversationId, write.parentCheckpointId);
  }
}
