/** Reads one conversation's partition with a paginated, strongly consistent Query, skipping expired items. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { HeadRecord, StepRecord } from '../checkpoint-log.js';
import { CheckpointCorruptError } from '../checkpoint-storage.js';
import type { StepPayload } from '../step-payload.js';
import type { Item, StoredHead, StoredStep } from './items.js';
import { readChunkItem, readExpiresAt, readHeadItem, readStepItem } from './items.js';
import { HEAD_SK, parseSortKey, stepSk } from './keys.js';
import type { LargePayloadStore } from './large-payload-store.js';
import { decodePayload } from './payload-codec.js';

export interface ConversationItems {
  head: StoredHead | undefined;
  steps: Map<string, StoredStep>;
  /** Chunk bytes by checkpoint id, then chunk index (only when payloads were read). */
  chunks: Map<string, Map<number, Uint8Array>>;
}

/** Everything but the payload bytes: enough to list checkpoints and to delete one. */
export const METADATA_ATTRIBUTES = [
  'pk',
  'sk',
  'schemaV',
  'version',
  'latest',
  'updatedAt',
  'wf',
  'ts',
  'parent',
  'prev',
  'enc',
  'size',
  'nonce',
  'parts',
  'ext',
  'deleted',
  'expiresAt',
  'leaseToken',
];

export interface ReadOptions {
  /** Items whose `expiresAt` (epoch seconds) is at or before this are treated as gone. */
  nowSeconds: number;
  /** Read payload bytes too (loading), or only metadata (listing, deleting). */
  payloads: boolean;
}

export interface LiveHead extends HeadRecord {
  expiresAt: number;
}

export interface HeadState {
  /** The committed head as of now, or undefined when there is none or it expired. */
  live: LiveHead | undefined;
  /** The conversation's current lease token (0: never granted); kept even when the head expired. */
  leaseToken: number;
}

/** The head item read strongly consistent: what a save checks its version and fencing token against. */
export async function readHeadState(
  client: DynamoDBClient,
  tableName: string,
  conversationId: string,
  nowSeconds: number,
): Promise<HeadState> {
  const { Item: item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: conversationId }, sk: { S: HEAD_SK } },
      ConsistentRead: true,
    }),
  );
  if (item === undefined) return { live: undefined, leaseToken: 0 };
  const { head, expiresAt, leaseToken } = readHeadItem(item);
  const live = head !== undefined && expiresAt > nowSeconds ? { ...head, expiresAt } : undefined;
  return { live, leaseToken };
}

/** One step's links without its payload, or undefined when there is none or it expired. */
export async function readStepMetadata(
  client: DynamoDBClient,
  tableName: string,
  conversationId: string,
  checkpointId: string,
  nowSeconds: number,
): Promise<StepRecord | undefined> {
  const names = Object.fromEntries(METADATA_ATTRIBUTES.map((name, i) => [`#a${i}`, name]));
  const { Item: item } = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: conversationId }, sk: { S: stepSk(checkpointId) } },
      ConsistentRead: true,
      ProjectionExpression: Object.keys(names).join(', '),
      ExpressionAttributeNames: names,
    }),
  );
  if (item === undefined || (readExpiresAt(item) ?? 0) <= nowSeconds) return undefined;
  return readStepItem(item, conversationId, checkpointId).record;
}

export async function* queryPartition(
  client: DynamoDBClient,
  tableName: string,
  pk: string,
  attributes?: readonly string[],
): AsyncGenerator<Item> {
  const names = attributes && Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name]));
  let exclusiveStartKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk', ...names },
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ProjectionExpression: names && Object.keys(names).join(', '),
        ConsistentRead: true,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    yield* page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
}

export async function readConversation(
  client: DynamoDBClient,
  tableName: string,
  conversationId: string,
  options: ReadOptions,
): Promise<ConversationItems> {
  const items: ConversationItems = { head: undefined, steps: new Map(), chunks: new Map() };
  const attributes = options.payloads ? undefined : METADATA_ATTRIBUTES;
  for await (const item of queryPartition(client, tableName, conversationId, attributes)) {
    // DynamoDB deletes expired items late (days); until then they are still returned and must be ignored.
    const expiresAt = readExpiresAt(item);
    if (expiresAt !== undefined && expiresAt <= options.nowSeconds) continue;
    const key = parseSortKey(item.sk?.S ?? '');
    if (key.kind === 'head') items.head = readHeadItem(item);
    else if (key.kind === 'step')
      items.steps.set(key.checkpointId, readStepItem(item, conversationId, key.checkpointId));
    else if (key.kind === 'chunk' && options.payloads) {
      const bytes = readChunkItem(item);
      if (bytes === undefined) continue;
      const parts = items.chunks.get(key.checkpointId) ?? new Map<number, Uint8Array>();
      parts.set(key.index, bytes);
      items.chunks.set(key.checkpointId, parts);
    }
    // Other sort keys are left for newer versions of Baton that may add item kinds.
  }
  return items;
}

/** Reassembles and decodes one step's payload from what `readConversation` returned. */
export async function readStepPayload(
  items: ConversationItems,
  step: StoredStep,
  largePayloads: LargePayloadStore | undefined,
): Promise<StepPayload> {
  const { checkpointId, conversationId } = step.record;
  const where = `Checkpoint "${checkpointId}" of conversation "${conversationId}"`;
  const fail = (detail: string): never => {
    throw new CheckpointCorruptError(`${where}: ${detail}.`);
  };
  let bytes: Uint8Array;
  const location = step.location;
  if (location.kind === 'inline') {
    bytes = location.bytes ?? fail('its step item has no payload');
  } else if (location.kind === 'chunks') {
    const parts = items.chunks.get(checkpointId);
    const ordered: Uint8Array[] = [];
    for (let index = 1; index <= location.parts; index += 1) {
      ordered.push(parts?.get(index) ?? fail(`payload chunk ${index} of ${location.parts} is missing`));
    }
    bytes = Buffer.concat(ordered);
  } else {
    if (largePayloads === undefined) {
      return fail(
        `its payload is in a large payload store ("${location.key}"), but none is configured (option s3)`,
      );
    }
    bytes =
      (await largePayloads.get(location.key)) ??
      fail(`its payload "${location.key}" is missing from the store`);
  }
  if (bytes.byteLength !== step.size)
    fail(`its payload has ${bytes.byteLength} bytes instead of ${step.size}`);
  return decodePayload(step.encoding, bytes, where);
}
