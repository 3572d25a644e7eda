/** Deletes or puts many items with BatchWriteItem (25 per call), retrying what DynamoDB leaves unprocessed. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from './items.js';

const BATCH_SIZE = 25;
const MAX_ROUNDS = 8;

export function deleteItems(client: DynamoDBClient, tableName: string, keys: Item[]): Promise<void> {
  return writeBatches(
    client,
    tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    'deletes',
  );
}

export function putItems(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  return writeBatches(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
    'puts',
  );
}

async function writeBatches(
  client: DynamoDBClient,
  tableName: string,
  all: WriteRequest[],
  what: string,
): Promise<void> {
  for (let start = 0; start < all.length; start += BATCH_SIZE) {
    let requests = all.slice(start, start + BATCH_SIZE);
    for (let round = 0; requests.length > 0; round += 1) {
      if (round === MAX_ROUNDS) {
        throw new Error(
          `DynamoDB left ${requests.length} ${what} in table "${tableName}" unprocessed after ${MAX_ROUNDS} ` +
            'rounds (throttling). Retry later; what was written stays written.',
        );
      }
      if (round > 0) await sleep(Math.min(50 * 2 ** round, 2_000) * Math.random());
      const result = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = result.UnprocessedItems?.[tableName] ?? [];
    }
  }
}
