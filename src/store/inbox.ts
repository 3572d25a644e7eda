/**
 * The durable per-conversation inbox: a channel records each inbound delivery here *before* it acks the
 * platform, so nothing acked can be lost; the runner holding the conversation's lease drains it in order and
 * marks each item done, fenced by its lease token.
 */
import type { JsonObject } from './checkpoint-storage.js';

export interface InboxItem {
  /** The platform's delivery id (Slack event_id, Teams activity id, a click id): one item per delivery. */
  deliveryId: string;
  /** Arrival order at the store, per conversation, starting at 1 (gaps are possible). */
  seq: number;
  /** ISO-8601 UTC. */
  acceptedAt: string;
  payload: JsonObject;
}

export interface PutInboundResult {
  /** 'duplicate' when that delivery was already accepted (pending or done). */
  status: 'accepted' | 'duplicate';
  /** The stored item (for a duplicate: the one accepted first). */
  item: InboxItem;
  /** The item was already completed (only ever true for a duplicate). */
  done: boolean;
}

export interface TurnInbox {
  /**
   * Durable, idempotent by deliveryId. Makes the conversation visible to `listInterrupted` until the item is
   * done. Throws when it could not record the delivery: the channel must then not ack (answer 5xx).
   */
  putInbound(conversationId: string, deliveryId: string, payload: JsonObject): Promise<PutInboundResult>;
  /** Pending items, oldest first (seq order = arrival order at the store). */
  listInbound(conversationId: string): Promise<InboxItem[]>;
  /**
   * Marks an item processed, fenced by the lease token: {@link LeaseLostError} when the token is stale (unless
   * the item is already done, which makes a retry of a landed completion succeed). The item is kept as a
   * tombstone for dedupe until its TTL. Throws {@link UnknownDeliveryError} for a delivery never accepted.
   */
  completeInbound(conversationId: string, deliveryId: string, leaseToken: number): Promise<void>;
}

export const MAX_DELIVERY_ID_LENGTH = 512;
/** Inbound payloads are a message and its routing context, not files: keep them well under DynamoDB's item size. */
export const MAX_INBOUND_PAYLOAD_BYTES = 128 * 1024;
/** How long a finished delivery is remembered for dedupe (Slack retries within minutes; SQS within days). */
export const DEFAULT_INBOX_TOMBSTONE_SECONDS = 24 * 60 * 60;

export function assertValidDeliveryId(deliveryId: string): void {
  if (
    typeof deliveryId !== 'string' ||
    deliveryId.length === 0 ||
    deliveryId.length > MAX_DELIVERY_ID_LENGTH
  ) {
    throw new TypeError(
      `Invalid delivery id ${JSON.stringify(deliveryId)}: use the platform's non-empty event or activity id ` +
        `(at most ${MAX_DELIVERY_ID_LENGTH} characters).`,
    );
  }
}

/** Returns the payload as stored (JSON), so no backend keeps something another could not. */
export function serializeInboundPayload(payload: JsonObject): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TypeError('Invalid inbound payload: pass a JSON object.');
  }
  const json = JSON.stringify(payload);
  if (Buffer.byteLength(json, 'utf8') > MAX_INBOUND_PAYLOAD_BYTES) {
    throw new RangeError(
      `Inbound payload is over ${MAX_INBOUND_PAYLOAD_BYTES} bytes: keep files out of it (pass their URLs).`,
    );
  }
  return json;
}
