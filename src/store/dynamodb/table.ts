/** The checkpoint table's definition for infrastructure code, and `ensureTable` for local development. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';

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
}

/** Creates the table if it is missing and waits until it is ACTIVE. Meant for local development and tests. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let status = await tableStatus(client, tableName);
  if (status === undefined) {
    try {
      await client.send(new CreateTableCommand(checkpointTableDefinition(tableName)));
    } catch (error) {
      // Another process created it first: wait for it like for our own.
      if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    }
  }
  for (let delay = 50; ; delay = Math.min(delay * 2, 2_000)) {
    status = await tableStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB table "${tableName}" is still ${status ?? 'missing'} after ${options.timeoutMs ?? 60_000} ms. ` +
          'Check the endpoint and the table in the console, or raise timeoutMs.',
      );
    }
    await sleep(delay);
  }
}

async function tableStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
