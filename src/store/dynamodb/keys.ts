/** The table's key schema: one partition per conversation (head + steps + chunks + inbox), one per claim. */
import { createHash } from 'node:crypto';
import { InvalidCheckpointWriteError } from '../storage-errors.js';
import { assertValidConversationId } from '../write-validation.js';

export const HEAD_SK = 'HEAD';
export const CLAIM_SK = 'CLAIM';
const CLAIM_PREFIX = 'CLAIM#';
export const KV_SK = 'KV';
const KV_PREFIX = 'KV#';

export function kvPk(namespace: string, key: string): string {
  return `${KV_PREFIX}${namespace}#${key}`;
}
const STEP_SK = /^CK#([A-Za-z0-9_-]{1,128})$/;
const CHUNK_SK = /^CK#([A-Za-z0-9_-]{1,128})#P#(\d{4})$/;

/** Checkpoint ids never contain "#", so a step's key can never be another step's chunk key. */
export function stepSk(checkpointId: string): string {
  return `CK#${checkpointId}`;
}

/** Chunks are numbered from 1, zero-padded so they sort right after their step. */
export function chunkSk(checkpointId: string, index: number): string {
  return `CK#${checkpointId}#P#${String(index).padStart(4, '0')}`;
}

export const MAX_CHUNKS = 9999;

/** An inbox item, by arrival order: zero-padded so the partition's sort order is the arrival order. */
export function inboxSk(seq: number): string {
  return `${INBOX_PREFIX}${String(seq).padStart(16, '0')}`;
}
export const INBOX_PREFIX = 'IN#';

/** A delivery's dedupe marker (and, once done, its tombstone). */
export function deliverySk(deliveryId: string): string {
  return `DLV#${deliveryId}`;
}

/**
 * The sparse `interrupted` index spreads its entries over this many partition values so that no single
 * index partition takes every lease write; a sweep queries each of them.
 */
export const INTERRUPTED_SHARDS = 8;

export function interruptedShard(conversationId: string): string {
  const digest = createHash('sha256').update(conversationId, 'utf8').digest();
  return String(digest.readUInt32BE(0) % INTERRUPTED_SHARDS);
}

export function claimPk(key: string): string {
  return `${CLAIM_PREFIX}${key}`;
}

export type SortKey =
  | { kind: 'head' }
  | { kind: 'step'; checkpointId: string }
  | { kind: 'chunk'; checkpointId: string; index: number }
  | { kind: 'other' };

export function parseSortKey(sk: string): SortKey {
  if (sk === HEAD_SK) return { kind: 'head' };
  const step = STEP_SK.exec(sk);
  if (step) return { kind: 'step', checkpointId: step[1]! };
  const chunk = CHUNK_SK.exec(sk);
  if (chunk) return { kind: 'chunk', checkpointId: chunk[1]!, index: Number(chunk[2]) };
  return { kind: 'other' };
}

/** Conversation ids are partition keys as given; claim partitions own the "CLAIM#" prefix. */
export function assertDynamoConversationId(conversationId: string): void {
  assertValidConversationId(conversationId);
  for (const prefix of [CLAIM_PREFIX, KV_PREFIX]) {
    if (conversationId.startsWith(prefix)) {
      throw new InvalidCheckpointWriteError(
        `Invalid conversation id "${conversationId}": ids starting with "${prefix}" are reserved for ` +
          'claims and records in the DynamoDB table. Use a channel prefix such as "slack:" or "teams:".',
      );
    }
  }
}
