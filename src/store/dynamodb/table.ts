/** The checkpoint table's definition for infrastructure code, and `ensureTable` for local development. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateTableCommandInput, DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, rebuildWithIndex } from './table-rebuild.js';

/**
 * The TTL attribute (epoch seconds) on every item. Enable TTL on it in IaC (CDK `timeToLiveAttribute:
 * 'expiresAt'`, CloudFormation `TimeToLiveSpecification`); Baton never calls UpdateTimeToLive itself.
 */
export const CHECKPOINT_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The sparse global secondary index that finds interrupted conversations without a scan: only heads with a
 * lease out or pending inbox items carry its keys, `intrShard` (one of a few values) and `intrDue` (epoch ms
 * when the conversation needs a runner: its lease's expiry, or 0 for pending items nobody holds).
 */
export const INTERRUPTED_INDEX = 'interrupted';
export const INTERRUPTED_SHARD_ATTRIBUTE = 'intrShard';
export const INTERRUPTED_DUE_ATTRIBUTE = 'intrDue';

/**
 * One table for conversations and idempotency claims: partition key `pk` (S), sort key `sk` (S), on-demand
 * billing, and the sparse {@link INTERRUPTED_INDEX} (keys only). Also enable TTL on
 * {@link CHECKPOINT_TTL_ATTRIBUTE} and point-in-time recovery. Keep the table in one region: global tables
 * resolve concurrent writes last-writer-wins, defeating the version and lease checks.
 */
export function checkpointTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: INTERRUPTED_SHARD_ATTRIBUTE, AttributeType: 'S' },
      { AttributeName: INTERRUPTED_DUE_ATTRIBUTE, AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INTERRUPTED_INDEX,
        KeySchema: [
          { AttributeName: INTERRUPTED_SHARD_ATTRIBUTE, KeyType: 'HASH' },
          { AttributeName: INTERRUPTED_DUE_ATTRIBUTE, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface EnsureTableOptions {
  /** Give up waiting for the table to become ACTIVE after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * When the table lacks the interrupted index and the endpoint cannot add one (dynalite), copy its items
   * aside, create it again with the index and copy them back. Only for a local table no other process uses
   * (the embedded store); an interrupted rebuild is finished by the next call.
   */
  rebuildToAddIndex?: boolean;
}

/**
 * Creates the table if it is missing and waits until it is ACTIVE; adds the {@link INTERRUPTED_INDEX} to a
 * table made before it existed (DynamoDB and DynamoDB Local can; dynalite cannot add an index to an existing
 * table: see `rebuildToAddIndex`, else listInterrupted says so). Meant for local development and tests.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const source = { definition: checkpointTableDefinition, hasIndex: hasInterruptedIndex };
  let table = await describe(client, tableName);
  if (table !== undefined && !hasInterruptedIndex(table) && table.TableStatus === 'ACTIVE') {
    const added = await addInterruptedIndex(client, tableName);
    if (!added && options.rebuildToAddIndex) await rebuildWithIndex(client, tableName, source, timeoutMs);
  } else if (options.rebuildToAddIndex) {
    // Finishes a rebuild a crash interrupted (the table may be missing then); nothing to do otherwise.
    await rebuildWithIndex(client, tableName, source, timeoutMs);
  }
  table = await describe(client, tableName);
  if (table === undefined) {
    try {
      await client.send(new CreateTableCommand(checkpointTableDefinition(tableName)));
    } catch (error) {
      // Another process created it first: wait for it like for our own.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
    table = await describe(client, tableName);
    const index = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === INTERRUPTED_INDEX);
    if (table?.TableStatus === 'ACTIVE' && (index === undefined || index.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB table "${tableName}" is still ${table?.TableStatus ?? 'missing'} (index ` +
          `${index?.IndexStatus ?? 'missing'}) after ${timeoutMs} ms. Check the endpoint and the table in the ` +
          'console, or raise timeoutMs.',
      );
    }
    await sleep(delay);
  }
}

function hasInterruptedIndex(table: TableDescription): boolean {
  return (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === INTERRUPTED_INDEX);
}

/** Whether the endpoint accepted adding the index (dynalite answers ValidationException: it cannot). */
async function addInterruptedIndex(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const definition = checkpointTableDefinition(tableName);
  const index = definition.GlobalSecondaryIndexes![0]!;
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          {
            Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    // The table still works for everything but listInterrupted, whose error names the fix.
    if (!(error instanceof Error && error.name === 'ValidationException')) throw error;
    return false;
  }
}
