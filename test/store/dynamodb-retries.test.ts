/**
 * Faults injected between the real SDK and dynalite: throttling and 5xx are retried by the SDK, a lost
 * response after a landed write is recognized, and a real conflict is raised at once, never retried.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrentUpdateError } from '../../src/store/checkpoint-storage.js';
import { createDynamoDBClient } from '../../src/store/dynamodb/client.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import {
  message,
  newConversationId,
  saveChain,
  writeOf,
} from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { useDynalite } from './dynalite-harness.js';
import type { FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';

const harness = useDynalite();
let proxy: FaultProxy;
let tableName: string;
/** Talks to dynalite through the proxy, with Baton's default client settings. */
let viaProxy: DynamoDBCheckpointStorage;
/** Talks to dynalite directly: the competitor in races. */
let direct: DynamoDBCheckpointStorage;

beforeAll(async () => {
  proxy = await startFaultProxy(harness.dynamo.endpoint);
  tableName = await harness.newTable();
  const client = createDynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  viaProxy = new DynamoDBCheckpointStorage({ client, tableName });
  direct = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
});
afterAll(async () => {
  viaProxy?.client.destroy();
  await proxy?.close();
});
beforeEach(() => proxy.reset());

describe('DynamoDBCheckpointStorage under injected faults', () => {
  it('uses at least 3 attempts in the client it builds', async () => {
    expect(await viaProxy.client.config.maxAttempts()).toBeGreaterThanOrEqual(3);
  });

  it('saves through throttling and 5xx answers thanks to SDK retries', async () => {
    const conversationId = newConversationId();
    const [first] = await saveChain(viaProxy, conversationId, 1);
    proxy.reset();
    proxy.inject({ operation: 'GetItem', fault: 'server-error', times: 1 });
    proxy.inject({ operation: 'PutItem', fault: 'throttle', times: 1 });
    proxy.inject({ operation: 'UpdateItem', fault: 'throttle', times: 2 });

    const second = await viaProxy.save(writeOf(conversationId, first!, [message('despite throttling')]));
    expect(second.version).toBe(2);
    expect(proxy.count('UpdateItem')).toBe(3);
    expect(proxy.count('PutItem')).toBe(2);

    proxy.inject({ operation: 'Query', fault: 'server-error', times: 2 });
    const latest = await viaProxy.getLatest({ conversationId });
    expect(latest?.messages.at(-1)).toEqual(message('despite throttling'));
    expect(proxy.count('Query')).toBe(3);
  });

  it('raises a real conflict as ConcurrentUpdateError after one attempt and removes the losing step', async () => {
    const conversationId = newConversationId();
    const [first] = await saveChain(viaProxy, conversationId, 1);
    proxy.reset();
    // Our writer has read version 1 and written its step; just before its head update, a competitor commits.
    proxy.inject({
      operation: 'UpdateItem',
      times: 1,
      before: async () => {
        await direct.save(writeOf(conversationId, first!, [message('competitor')]));
      },
    });
    const loser = writeOf(conversationId, first!, [message('loser')]);
    const error = await viaProxy.save(loser).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConcurrentUpdateError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(proxy.count('UpdateItem')).toBe(1);
    const leftover = await harness.dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: conversationId }, sk: { S: `CK#${loser.checkpointId}` } },
      }),
    );
    expect(leftover.Item).toBeUndefined();
    expect((await viaProxy.getLatest({ conversationId }))?.messages.at(-1)).toEqual(message('competitor'));
  });

  it('recognizes its own landed head update when the answer was lost and the SDK retried', async () => {
    const conversationId = newConversationId();
    const [first] = await saveChain(viaProxy, conversationId, 1);
    proxy.reset();
    proxy.inject({ operation: 'UpdateItem', fault: 'lose-response', times: 1 });
    proxy.inject({ operation: 'PutItem', fault: 'lose-response', times: 1 });

    const second = await viaProxy.save(writeOf(conversationId, first!, [message('saved once')]));
    expect(second.version).toBe(2);
    // The retried put and update both hit their conditions; neither was reported as a conflict or duplicate.
    expect(proxy.count('UpdateItem')).toBe(2);
    const latest = await viaProxy.getLatest({ conversationId });
    expect(latest?.checkpointId).toBe(second.checkpointId);
    expect(latest?.messages.filter((m) => m.content === 'saved once')).toHaveLength(1);
  });

  it('recognizes its own landed claim when the answer was lost', async () => {
    proxy.inject({ operation: 'PutItem', fault: 'lose-response', times: 1 });
    expect(await viaProxy.claim('slack:event:EvLost')).toBe(true);
    expect(proxy.count('PutItem')).toBe(2);
    expect(await viaProxy.claim('slack:event:EvLost')).toBe(false);
  });

  it('surfaces the error when every attempt fails, leaving the conversation as it was', async () => {
    const conversationId = newConversationId();
    const [first] = await saveChain(viaProxy, conversationId, 1);
    proxy.reset();
    proxy.inject({ operation: 'UpdateItem', fault: 'server-error', times: 10 });
    const error = await viaProxy
      .save(writeOf(conversationId, first!, [message('lost')]))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InternalServerError' });
    expect(proxy.count('UpdateItem')).toBe(await viaProxy.client.config.maxAttempts());
    expect((await direct.getLatest({ conversationId }))?.conversationVersion).toBe(1);
  });
});
