/** Key-value records in the checkpoint table: `pk = "KV#<namespace>#<key>"`, `sk = "KV"`. */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { JsonObject } from '../checkpoint-storage.js';
import { CheckpointCorruptError } from '../checkpoint-storage.js';
import { assertValidRecordKey, type KeyValueStore } from '../key-value.js';
import { KV_SK, kvPk } from './keys.js';

export interface DynamoDBKeyValueStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export class DynamoDBKeyValueStore implements KeyValueStore {
  private readonly now: () => number;
  constructor(private readonly options: DynamoDBKeyValueStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(namespace: string, key: string): Promise<JsonObject | undefined> {
    assertValidRecordKey(namespace, key);
    const out = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: kvPk(namespace, key) }, sk: { S: KV_SK } },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    // DynamoDB deletes expired items late: ignore them on read.
    const expiresAt = item.expiresAt?.N;
    if (expiresAt !== undefined && Number(expiresAt) * 1000 <= this.now()) return undefined;
    try {
      const value: unknown = JSON.parse(item.value?.S ?? '');
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new Error('not an object');
      return value as JsonObject;
    } catch (error) {
      throw new CheckpointCorruptError(
        `Record ${namespace}/${key} in table ${this.options.tableName} is not a JSON object: ${String(error)}`,
      );
    }
  }

  async put(
    namespace: string,
    key: string,
    value: JsonObject,
    options: { ttlSeconds?: number } = {},
  ): Promise<void> {
    assertValidRecordKey(namespace, key);
    await this.options.client.send(
      new PutItemCommand({
        TableName: this.options.tableName,
        Item: {
          pk: { S: kvPk(namespace, key) },
          sk: { S: KV_SK },
          value: { S: JSON.stringify(value) },
          updatedAt: { S: new Date(this.now()).toISOString() },
          ...(options.ttlSeconds
            ? { expiresAt: { N: String(Math.floor(this.now() / 1000) + options.ttlSeconds) } }
            : {}),
        },
      }),
    );
  }

  async delete(namespace: string, key: string): Promise<void> {
    assertValidRecordKey(namespace, key);
    await this.options.client.send(
      new DeleteItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: kvPk(namespace, key) }, sk: { S: KV_SK } },
      }),
    );
  }
}
