/** What one step stores besides its links: the messages it appended and the head state after it. */
import { z } from 'zod';
import type { JsonObject } from './checkpoint-storage.js';
import { CheckpointCorruptError } from './checkpoint-storage.js';

export interface StepPayload {
  messages: JsonObject[];
  state: JsonObject;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape only: what reaches it came out of `JSON.parse`, so it is JSON all the way down, and a deep
 * walk of a 10,000-message thread on every load would cost more than it could find.
 */
export const jsonObjectSchema = z.custom<JsonObject>(isJsonObject, { message: 'expected a JSON object' });

export const stepPayloadSchema = z.object({
  messages: z.array(jsonObjectSchema),
  state: jsonObjectSchema,
});

/** Parses a stored payload; `where` names the record in the error so an operator can find it. */
export function parseStepPayload(json: string, where: string): StepPayload {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new CheckpointCorruptError(`${where}: the stored payload is not valid JSON (${String(error)}).`);
  }
  const parsed = stepPayloadSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CheckpointCorruptError(
      `${where}: the stored payload is not {messages, state}: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The canonical serialization every backend stores (and the deep copy the memory store relies on). */
export function serializeStepPayload(payload: StepPayload): string {
  return JSON.stringify({ messages: payload.messages, state: payload.state });
}
