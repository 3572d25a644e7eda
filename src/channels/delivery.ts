/**
 * A delivery as the inbox stores it: its id (the platform's event id, or a fresh one), the message id its
 * user message gets (the same on every attempt, so a retry never records it twice), and the inbound as JSON.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JsonObject } from '../store/checkpoint-storage.js';
import { MAX_INBOUND_PAYLOAD_BYTES } from '../store/inbox.js';
import type { Inbound } from './driver-types.js';

export function deliveryIdOf(inbound: Inbound): string {
  return inbound.eventId ?? `local:${randomUUID()}`;
}

/** Fixed per delivery: a retry of the turn, or a redelivery, must not record the same message twice. */
export function messageIdOf(deliveryId: string): string {
  return `msg_${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}`;
}

/**
 * The inbound as an inbox payload. One too large for the inbox (inline files) keeps its text only, marked
 * `partial`: the process that accepted it still runs it in full; a takeover elsewhere runs the text.
 */
export function inboxPayload(inbound: Inbound): JsonObject {
  const full = { inbound: inbound as unknown as JsonObject };
  if (Buffer.byteLength(JSON.stringify(full), 'utf8') <= MAX_INBOUND_PAYLOAD_BYTES - 1024) return full;
  if (inbound.type !== 'message') return full;
  const contents = inbound.contents.filter((c) => c.type === 'text' || c.type === 'uri');
  return { inbound: { ...inbound, contents } as unknown as JsonObject, partial: true };
}

const userSchema = z.object({ id: z.string(), name: z.string().optional() });
const payloadSchema = z.object({
  inbound: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('message'),
      conversationKey: z.string(),
      user: userSchema,
      contents: z.array(z.record(z.string(), z.unknown())),
      eventId: z.string().optional(),
    }),
    z.object({
      type: z.literal('decision'),
      conversationKey: z.string(),
      user: userSchema,
      requestId: z.string(),
      approved: z.boolean(),
      eventId: z.string().optional(),
    }),
  ]),
});

/** The stored inbound, or `undefined` for a payload this version cannot read (it is then skipped, logged). */
export function inboundOf(payload: JsonObject): Inbound | undefined {
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? (parsed.data.inbound as Inbound) : undefined;
}
