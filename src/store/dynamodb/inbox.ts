/**
 * The turn inbox in the conversation's partition, without transactions:
 *
 * - `DLV#<deliveryId>`: the delivery's marker, written once with a conditional put (the dedupe), holding its
 *   seq, payload and status (PENDING, then DONE: a tombstone until its TTL).
 * - `IN#<seq>`: the pending item, written after its marker and deleted once done, so listing reads only
 *   what waits.
 * - the head: `inboxSeq`, the per-conversation counter that numbers arrivals, and the sparse index keys.
 *
 * A crash between writes leaves a marker without its item (a redelivery, which gets 'duplicate' with
 * done: false, writes the item back) or an item whose marker is already DONE (listing skips and removes it).
 */
import { randomUUID } from 'node:crypto';
import type { AttributeValue, BatchGetItemCommandOutput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { JsonObject } from '../checkpoint-storage.js';
import { CheckpointCorruptError } from '../checkpoint-storage.js';
import type { InboxItem, PutInboundResult } from '../inbox.js';
import { LeaseLostError, UnknownDeliveryError } from '../storage-errors.js';
import { isConditionalCheckFailed } from './errors.js';
import { SCHEMA_VERSION } from './items.js';
import { deliverySk, HEAD_SK, INBOX_PREFIX, inboxSk, interruptedShard } from './keys.js';
import { INTERRUPTED_DUE_ATTRIBUTE, INTERRUPTED_SHARD_ATTRIBUTE } from './table.js';

type Item = Record<string, AttributeValue>;

export interface DynamoDBInboxOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a pending item (and a head this creates) is kept, in seconds: the conversation TTL. */
  conversationTtlSeconds: number;
  /** How long a finished delivery's tombstone is kept for dedupe, in seconds. */
  tombstoneSeconds: number;
  now: () => number;
}

interface Marker {
  item: InboxItem;
  done: boolean;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });
const BATCH_GET_LIMIT = 100;

/** Whether any item waits (or may wait: a leftover of a finished one counts until a listing removes it). */
export async function hasPendingInbound(
  client: DynamoDBClient,
  tableName: string,
  conversationId: string,
): Promise<boolean> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': s(conversationId), ':prefix': s(INBOX_PREFIX) },
      ProjectionExpression: 'pk',
      ConsistentRead: true,
      Limit: 1,
    }),
  );
  return (Items?.length ?? 0) > 0;
}

export class DynamoDBInbox {
  constructor(private readonly options: DynamoDBInboxOptions) {}

  async put(conversationId: string, deliveryId: string, payloadJson: string): Promise<PutInboundResult> {
    const known = await this.readMarker(conversationId, deliveryId);
    if (known !== undefined) return this.duplicate(conversationId, known);

    const now = this.options.now();
    const nowSeconds = Math.floor(now / 1000);
    const seq = await this.nextSeq(conversationId, nowSeconds);
    const item: InboxItem = {
      deliveryId,
      seq,
      acceptedAt: new Date(now).toISOString(),
      payload: JSON.parse(payloadJson) as JsonObject,
    };
    const expiresAt = nowSeconds + this.options.conversationTtlSeconds;
    const nonce = randomUUID();
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: s(conversationId),
            sk: s(deliverySk(deliveryId)),
            seq: n(seq),
            status: s('PENDING'),
            acceptedAt: s(item.acceptedAt),
            payload: s(payloadJson),
            nonce: s(nonce),
            expiresAt: n(expiresAt),
          },
          // The nonce: an SDK retry of this very put, whose first attempt landed, is not a duplicate.
          ConditionExpression: 'attribute_not_exists(sk) OR expiresAt <= :nowS OR nonce = :nonce',
          ExpressionAttributeValues: { ':nowS': n(nowSeconds), ':nonce': s(nonce) },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Another delivery attempt of the same id won the race (its seq is used; ours is a harmless gap).
      const winner = await this.readMarker(conversationId, deliveryId);
      if (winner === undefined) throw error;
      return this.duplicate(conversationId, winner);
    }
    await this.putPending(conversationId, item, expiresAt);
    await this.markWaiting(conversationId, now);
    return { status: 'accepted', item, done: false };
  }

  async list(conversationId: string): Promise<InboxItem[]> {
    const nowSeconds = Math.floor(this.options.now() / 1000);
    const items: InboxItem[] = [];
    let start: Item | undefined;
    do {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': s(conversationId), ':prefix': s(INBOX_PREFIX) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const raw of page.Items ?? []) {
        if (Number(raw.expiresAt?.N ?? 0) <= nowSeconds) continue;
        items.push(this.parseItem(conversationId, raw));
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    if (items.length === 0) return [];

    // An item is pending only while its marker says so: a crash between completing the marker and deleting
    // the item leaves the item behind, which is skipped here and removed.
    const markers = await this.readMarkers(
      conversationId,
      items.map((item) => item.deliveryId),
    );
    const pending: InboxItem[] = [];
    for (const item of items) {
      const marker = markers.get(item.deliveryId);
      if (marker !== undefined && !marker.done && marker.item.seq === item.seq) pending.push(item);
      else await this.deletePending(conversationId, item.seq).catch(() => undefined);
    }
    return pending;
  }

  async complete(
    conversationId: string,
    deliveryId: string,
    leaseToken: number,
    currentToken: () => Promise<number>,
  ): Promise<void> {
    const [marker, token] = await Promise.all([this.readMarker(conversationId, deliveryId), currentToken()]);
    // Already done: a retry of a completion that landed, whoever holds the lease now.
    if (marker?.done) return;
    if (token !== leaseToken) throw new LeaseLostError(conversationId, leaseToken, token || undefined);
    if (marker === undefined) throw new UnknownDeliveryError(conversationId, deliveryId);
    const now = this.options.now();
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: { pk: s(conversationId), sk: s(deliverySk(deliveryId)) },
          UpdateExpression: 'SET #status = :done, doneAt = :at, expiresAt = :exp',
          ConditionExpression: 'attribute_exists(sk) AND seq = :seq',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':done': s('DONE'),
            ':at': s(new Date(now).toISOString()),
            ':exp': n(Math.floor(now / 1000) + this.options.tombstoneSeconds),
            ':seq': n(marker.item.seq),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Only a deleted conversation removes a marker under us.
      throw new UnknownDeliveryError(conversationId, deliveryId);
    }
    // The marker is what counts; a leftover item is skipped and removed by the next listing.
    await this.deletePending(conversationId, marker.item.seq).catch(() => undefined);
  }

  /** A repeat of a known delivery: if still pending, puts its item and index entry back (a crash may have cut them). */
  private async duplicate(conversationId: string, known: Marker): Promise<PutInboundResult> {
    if (!known.done) {
      const expiresAt = Math.floor(this.options.now() / 1000) + this.options.conversationTtlSeconds;
      await this.putPending(conversationId, known.item, expiresAt, true);
      await this.markWaiting(conversationId, this.options.now());
    }
    return { status: 'duplicate', item: known.item, done: known.done };
  }

  private async nextSeq(conversationId: string, nowSeconds: number): Promise<number> {
    const { Attributes } = await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { pk: s(conversationId), sk: s(HEAD_SK) },
        UpdateExpression:
          'ADD inboxSeq :one SET expiresAt = if_not_exists(expiresAt, :exp), schemaV = if_not_exists(schemaV, :v)',
        ExpressionAttributeValues: {
          ':one': n(1),
          ':exp': n(nowSeconds + this.options.conversationTtlSeconds),
          ':v': n(SCHEMA_VERSION),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(Attributes?.inboxSeq?.N);
    if (!Number.isSafeInteger(seq) || seq < 1) {
      throw new CheckpointCorruptError(
        `The head of conversation "${conversationId}" has no usable inboxSeq.`,
      );
    }
    return seq;
  }

  private async putPending(
    conversationId: string,
    item: InboxItem,
    expiresAt: number,
    onlyIfMissing = false,
  ) {
    try {
      await this.options.client.send(
        new PutItemCommand({
          TableName: this.options.tableName,
          Item: {
            pk: s(conversationId),
            sk: s(inboxSk(item.seq)),
            deliveryId: s(item.deliveryId),
            seq: n(item.seq),
            acceptedAt: s(item.acceptedAt),
            payload: s(JSON.stringify(item.payload)),
            expiresAt: n(expiresAt),
          },
          ...(onlyIfMissing ? { ConditionExpression: 'attribute_not_exists(sk)' } : {}),
        }),
      );
    } catch (error) {
      if (!(onlyIfMissing && isConditionalCheckFailed(error))) throw error;
    }
  }

  /**
   * Puts the head in the sparse index, due now unless it is already there (a held lease is due at its
   * expiry). Runs after the item is written, so a release that looked for pending items just before still
   * leaves the conversation findable.
   */
  private async markWaiting(conversationId: string, now: number): Promise<void> {
    await this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { pk: s(conversationId), sk: s(HEAD_SK) },
        // The head may be gone (the conversation was deleted meanwhile): never leave one without its basics.
        UpdateExpression:
          'SET #shard = :shard, #due = if_not_exists(#due, :now), expiresAt = if_not_exists(expiresAt, :exp), ' +
          'schemaV = if_not_exists(schemaV, :v)',
        ExpressionAttributeNames: {
          '#shard': INTERRUPTED_SHARD_ATTRIBUTE,
          '#due': INTERRUPTED_DUE_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ':shard': s(interruptedShard(conversationId)),
          ':now': n(now),
          ':exp': n(Math.floor(now / 1000) + this.options.conversationTtlSeconds),
          ':v': n(SCHEMA_VERSION),
        },
      }),
    );
  }

  private async deletePending(conversationId: string, seq: number): Promise<void> {
    await this.options.client.send(
      new DeleteItemCommand({
        TableName: this.options.tableName,
        Key: { pk: s(conversationId), sk: s(inboxSk(seq)) },
      }),
    );
  }

  private async readMarker(conversationId: string, deliveryId: string): Promise<Marker | undefined> {
    const { Item: raw } = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: s(conversationId), sk: s(deliverySk(deliveryId)) },
        ConsistentRead: true,
      }),
    );
    return raw && this.parseMarker(conversationId, deliveryId, raw);
  }

  private async readMarkers(conversationId: string, deliveryIds: string[]): Promise<Map<string, Marker>> {
    const markers = new Map<string, Marker>();
    const unique = [...new Set(deliveryIds)];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let keys: Item[] | undefined = unique
        .slice(start, start + BATCH_GET_LIMIT)
        .map((id) => ({ pk: s(conversationId), sk: s(deliverySk(id)) }));
      for (let attempt = 0; keys !== undefined && keys.length > 0; attempt += 1) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt * 25, 1_000)));
        const answer: BatchGetItemCommandOutput = await this.options.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.options.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const raw of answer.Responses?.[this.options.tableName] ?? []) {
          const id = raw.sk?.S?.slice('DLV#'.length);
          if (id === undefined) continue;
          const marker = this.parseMarker(conversationId, id, raw);
          if (marker !== undefined) markers.set(id, marker);
        }
        keys = answer.UnprocessedKeys?.[this.options.tableName]?.Keys;
      }
    }
    return markers;
  }

  /** `undefined` for an expired marker (DynamoDB removes expired items days late). */
  private parseMarker(conversationId: string, deliveryId: string, raw: Item): Marker | undefined {
    if (Number(raw.expiresAt?.N ?? 0) <= Math.floor(this.options.now() / 1000)) return undefined;
    const seq = Number(raw.seq?.N);
    const status = raw.status?.S;
    if (!Number.isSafeInteger(seq) || (status !== 'PENDING' && status !== 'DONE') || !raw.acceptedAt?.S) {
      throw new CheckpointCorruptError(
        `The inbox marker of delivery "${deliveryId}" in conversation "${conversationId}" is not a Baton record.`,
      );
    }
    return {
      item: { deliveryId, seq, acceptedAt: raw.acceptedAt.S, payload: parsePayload(raw, conversationId) },
      done: status === 'DONE',
    };
  }

  private parseItem(conversationId: string, raw: Item): InboxItem {
    const seq = Number(raw.seq?.N);
    const deliveryId = raw.deliveryId?.S;
    if (!Number.isSafeInteger(seq) || deliveryId === undefined || !raw.acceptedAt?.S) {
      throw new CheckpointCorruptError(
        `The inbox item ${raw.sk?.S} of conversation "${conversationId}" is not a Baton record.`,
      );
    }
    return { deliveryId, seq, acceptedAt: raw.acceptedAt.S, payload: parsePayload(raw, conversationId) };
  }
}

function parsePayload(raw: Item, conversationId: string): JsonObject {
  try {
    const value: unknown = JSON.parse(raw.payload?.S ?? '');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // reported below
  }
  throw new CheckpointCorruptError(
    `The inbox record ${raw.sk?.S} of conversation "${conversationId}" has no valid JSON payload.`,
  );
}
