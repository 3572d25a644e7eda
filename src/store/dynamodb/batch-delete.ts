/** Deletes many items with BatchWriteItem (25 per call), retrying what DynamoDB leaves unprocessed. */

import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import type { Item } from './items.js';

const BATCH_SIZE = 25;
const MAX_ROUNDS = 8;

export async function deleteItems(client: DynamoDBClient, tableName: string, keys: Item[]): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH_SIZE) {
    let requests: WriteRequest[] = keys
      .slice(start, start + BATCH_SIZE)
      .map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; requests.length > 0; round += 1) {
      if (round === MAX_ROUNDS) {
        throw new Error(
          `DynamoDB left ${requests.length} deletes in table "${tableName}" unprocessed after ${MAX_ROUNDS} ` +
            'rounds (throttling). Retry the deletion later; what was deleted stays deleted.',
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
