/**
 * A conversation's lease and inbox as one plain record, with the transitions the memory and file backends
 * share (DynamoDB implements the same rules as conditional writes). Every function mutates the record it is
 * given; the caller holds whatever serializes access (a single-threaded Map, the file lock) and persists it.
 */
import type { InboxItem, PutInboundResult } from './inbox.js';
import type { Lease } from './lease.js';
import { LeaseLostError, UnknownDeliveryError } from './storage-errors.js';

export interface LeaseRecord {
  /** The last granted token (0: never granted). */
  token: number;
  /** Absent once released. */
  owner?: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface DeliveryRecord {
  item: InboxItem;
  /** Epoch ms when completed; absent while pending. */
  doneAt?: number;
}

export interface ConversationControl {
  lease: LeaseRecord;
  /** The last inbox sequence number assigned. */
  seq: number;
  /** Every delivery still remembered: pending ones and the tombstones of finished ones. */
  deliveries: Record<string, DeliveryRecord>;
}

export function emptyControl(): ConversationControl {
  return { lease: { token: 0, expiresAt: 0 }, seq: 0, deliveries: {} };
}

function leaseOf(conversationId: string, record: LeaseRecord): Lease {
  return { conversationId, owner: record.owner!, token: record.token, expiresAt: record.expiresAt };
}

export function acquireLease(
  control: ConversationControl,
  conversationId: string,
  owner: string,
  ttlMs: number,
  now: number,
): Lease | undefined {
  const { lease } = control;
  const live = lease.owner !== undefined && lease.expiresAt > now;
  if (live && lease.owner !== owner) return undefined;
  // The same owner's live lease is extended, not re-granted: its retries must not fence its own turn.
  if (!live) lease.token += 1;
  lease.owner = owner;
  lease.expiresAt = now + ttlMs;
  return leaseOf(conversationId, lease);
}

export function renewLease(control: ConversationControl, held: Lease, ttlMs: number, now: number): Lease {
  const { lease } = control;
  if (lease.token !== held.token || lease.owner !== held.owner) {
    throw new LeaseLostError(held.conversationId, held.token, lease.token || undefined);
  }
  lease.expiresAt = now + ttlMs;
  return leaseOf(held.conversationId, lease);
}

export function releaseLease(control: ConversationControl, held: Lease): void {
  const { lease } = control;
  if (lease.token !== held.token || lease.owner !== held.owner) return;
  delete lease.owner;
  lease.expiresAt = 0;
}

/** A fenced write may go ahead only with the current token (expired but not taken over is still current). */
export function assertCurrentToken(
  control: ConversationControl | undefined,
  conversationId: string,
  leaseToken: number | undefined,
): void {
  if (leaseToken === undefined) return;
  const current = control?.lease.token ?? 0;
  if (current !== leaseToken) throw new LeaseLostError(conversationId, leaseToken, current || undefined);
}

export function putInbound(
  control: ConversationControl,
  deliveryId: string,
  payload: InboxItem['payload'],
  now: number,
): PutInboundResult {
  const known = control.deliveries[deliveryId];
  if (known !== undefined) return { status: 'duplicate', item: known.item, done: known.doneAt !== undefined };
  control.seq += 1;
  const item: InboxItem = { deliveryId, seq: control.seq, acceptedAt: new Date(now).toISOString(), payload };
  control.deliveries[deliveryId] = { item };
  return { status: 'accepted', item, done: false };
}

export function pendingItems(control: ConversationControl | undefined): InboxItem[] {
  if (control === undefined) return [];
  return Object.values(control.deliveries)
    .filter((delivery) => delivery.doneAt === undefined)
    .map((delivery) => delivery.item)
    .sort((a, b) => a.seq - b.seq);
}

export function completeInbound(
  control: ConversationControl | undefined,
  conversationId: string,
  deliveryId: string,
  leaseToken: number,
  now: number,
): void {
  const delivery = control?.deliveries[deliveryId];
  // Already done: a retry of a completion that landed, whoever holds the lease now.
  if (delivery?.doneAt !== undefined) return;
  assertCurrentToken(control, conversationId, leaseToken);
  if (delivery === undefined) throw new UnknownDeliveryError(conversationId, deliveryId);
  delivery.doneAt = now;
}

/** Forgets tombstones older than `tombstoneMs`; pending items are never dropped. */
export function pruneTombstones(control: ConversationControl, now: number, tombstoneMs: number): void {
  for (const [id, delivery] of Object.entries(control.deliveries)) {
    if (delivery.doneAt !== undefined && delivery.doneAt + tombstoneMs <= now) delete control.deliveries[id];
  }
}

/**
 * When the conversation needs a runner, for the sparse index: a held lease's expiry (its owner may die),
 * or 0 (at once) for pending items without a holder; `undefined` when nothing is left to do.
 */
export function dueAt(control: ConversationControl): number | undefined {
  if (control.lease.owner !== undefined) return control.lease.expiresAt;
  return pendingItems(control).length > 0 ? 0 : undefined;
}
