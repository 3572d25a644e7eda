import { randomBytes } from 'node:crypto';
import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/store/checkpoint-storage.js';
import { CheckpointCorruptError } from '../../src/store/checkpoint-storage.js';
import type { CheckpointWriteMetrics } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import type { LargePayloadStore } from '../../src/store/dynamodb/large-payload-store.js';
import {
  message,
  newConversationId,
  saveChain,
  writeOf,
} from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { useDynalite } from './dynalite-harness.js';

const harness = useDynalite();
const ITEM_LIMIT = 400 * 1024;

/** Random bytes as base64: what gzip cannot shrink much (an image or encrypted blob in a tool result). */
function incompressible(bytes: number): string {
  return randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes);
}

function toolResult(content: string): JsonObject {
  return { role: 'tool', toolCallId: 'call_1', content };
}

async function storageWithMetrics(
  options: { s3?: LargePayloadStore; now?: () => number; ttlSeconds?: number } = {},
) {
  const metrics: CheckpointWriteMetrics[] = [];
  const tableName = await harness.newTable();
  const storage = new DynamoDBCheckpointStorage({
    client: harness.dynamo.client,
    tableName,
    onWrite: (m) => metrics.push(m),
    ...options,
  });
  return { storage, metrics, tableName };
}

describe('DynamoDBCheckpointStorage with large payloads', () => {
  it('saves and loads 600 KB incompressible tool results by splitting them into chunk items', async () => {
    const { storage, metrics, tableName } = await storageWithMetrics();
    const conversationId = newConversationId();
    const results = [incompressible(600 * 1024), incompressible(600 * 1024), incompressible(600 * 1024)];
    let parent = null;
    for (const result of results)
      parent = await storage.save(writeOf(conversationId, parent, [toolResult(result)]));

    // Each save: the step item, two chunks (350 KB + 250 KB) and the head, every item under the limit.
    expect(metrics.map((m) => m.items)).toEqual([4, 4, 4]);
    for (const m of metrics) expect(m.largestItemBytes).toBeLessThan(ITEM_LIMIT);
    // 1.8 MB in one partition: the load's Query has to follow LastEvaluatedKey past dynalite's 1 MB pages.
    let queries = 0;
    const countQueries =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        if (context.commandName === 'QueryCommand') queries += 1;
        return next(args);
      };
    harness.dynamo.client.middlewareStack.add(countQueries as never, {
      step: 'initialize',
      name: 'countQueries',
    });
    try {
      const latest = await storage.getLatest({ conversationId });
      expect(latest?.messages.map((m) => m.content)).toEqual(results);
    } finally {
      harness.dynamo.client.middlewareStack.remove('countQueries');
    }
    expect(queries).toBeGreaterThan(1);

    await harness.dynamo.client.send(
      new DeleteItemCommand({
        TableName: tableName,
        Key: { pk: { S: conversationId }, sk: { S: `CK#${parent!.checkpointId}#P#0002` } },
      }),
    );
    await expect(storage.getLatest({ conversationId })).rejects.toThrow(/chunk 2 of 2 is missing/);
    await expect(storage.getLatest({ conversationId })).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('offloads payloads over 350 KB to a LargePayloadStore when one is configured', async () => {
    const objects = new Map<string, Uint8Array>();
    const s3: LargePayloadStore = {
      put: async (key, bytes) => void objects.set(key, Uint8Array.from(bytes)),
      get: async (key) => objects.get(key),
    };
    const { storage, metrics } = await storageWithMetrics({ s3 });
    const conversationId = newConversationId();
    const big = incompressible(600 * 1024);
    const [first] = await saveChain(storage, conversationId, 1);
    const second = await storage.save(writeOf(conversationId, first!, [toolResult(big)]));

    expect(metrics[1]).toMatchObject({ items: 2, offloadedBytes: expect.any(Number) });
    expect(metrics[1]!.offloadedBytes).toBeGreaterThan(350 * 1024);
    expect(metrics[1]!.bytes).toBeLessThan(2_000);
    expect(objects.size).toBe(1);
    expect((await storage.load(second.checkpointId, conversationId))?.messages.at(-1)?.content).toBe(big);

    objects.clear();
    await expect(storage.load(second.checkpointId, conversationId)).rejects.toThrow(/missing from the store/);
  });

  it('holds a 10,000-message thread, each save writing only its own 100 messages', async () => {
    const { storage, metrics } = await storageWithMetrics();
    const conversationId = newConversationId();
    let parent = null;
    for (let save = 0; save < 100; save += 1) {
      const messages = Array.from({ length: 100 }, (_, i) => {
        const n = save * 100 + i;
        return message(
          `message ${n}: customer asks about order #${10_000 + n} and its refund status`,
          i % 2 ? 'assistant' : 'user',
        );
      });
      parent = await storage.save(
        writeOf(conversationId, parent, messages, { state: { activeAgent: 'triage', turn: save } }),
      );
    }
    const latest = await storage.getLatest({ conversationId });
    expect(latest?.messages).toHaveLength(10_000);
    latest?.messages.forEach((m, n) => {
      expect(m.content).toMatch(new RegExp(`^message ${n}:`));
    });
    expect(latest?.state).toEqual({ activeAgent: 'triage', turn: 99 });

    expect(metrics).toHaveLength(100);
    expect(Math.max(...metrics.map((m) => m.largestItemBytes))).toBeLessThan(ITEM_LIMIT);
    // O(new content): the 100th save writes about what the 1st did, not 100x.
    expect(metrics[99]!.items).toBe(2);
    expect(metrics[99]!.bytes).toBeLessThan(metrics[0]!.bytes * 1.5);
  });
});

describe('DynamoDBCheckpointStorage retention', () => {
  it('stops returning a conversation once its expiresAt has passed, though DynamoDB has not removed it', async () => {
    const clock = { now: Date.now() };
    const { storage, tableName } = await storageWithMetrics({ now: () => clock.now, ttlSeconds: 3600 });
    const conversationId = newConversationId();
    const start = Math.floor(clock.now / 1000);
    const [first] = await saveChain(storage, conversationId, 1);
    clock.now += 1800 * 1000;
    const [second] = await saveChain(storage, conversationId, 1, first!);

    const { Items } = await harness.dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: conversationId } },
      }),
    );
    // The whole conversation shares one deadline, counted from its first save.
    expect(Items?.map((item) => Number(item.expiresAt?.N))).toEqual([
      start + 3600,
      start + 3600,
      start + 3600,
    ]);

    clock.now = (start + 3599) * 1000;
    expect((await storage.getLatest({ conversationId }))?.messages).toHaveLength(4);

    clock.now = (start + 3600) * 1000;
    expect(await storage.getLatest({ conversationId })).toBeUndefined();
    expect(await storage.load(second!.checkpointId, conversationId)).toBeUndefined();
    expect(await storage.listCheckpoints({ conversationId })).toEqual([]);

    // A message after expiry starts the conversation over, with a new deadline.
    const restarted = await storage.save(writeOf(conversationId, null, [message('hello again')]));
    expect(restarted.version).toBe(1);
    const latest = await storage.getLatest({ conversationId });
    expect(latest?.messages.map((m) => m.content)).toEqual(['hello again']);
    expect(latest?.conversationVersion).toBe(1);
  });
});
