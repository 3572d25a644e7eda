/**
 * Lease and inbox operations with faults injected between the real SDK and dynalite: throttling and 5xx are
 * ridden out by SDK retries, and a write that landed but whose answer was lost (a 500 or a dropped
 * connection after the write) is recognized as applied — never a lost lease, a locked-out owner, a second
 * inbox item or a vanished message.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDBClient } from '../../src/store/dynamodb/client.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import { LeaseLostError } from '../../src/store/storage-errors.js';
import {
  message,
  newConversationId,
  writeOf,
} from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { useDynalite } from './dynalite-harness.js';
import type { Fault, FaultProxy } from './fault-proxy.js';
import { startFaultProxy } from './fault-proxy.js';

const harness = useDynalite();
let proxy: FaultProxy;
/** Through the proxy, with Baton's default client settings (5 attempts). */
let viaProxy: DynamoDBCheckpointStorage;
/** Straight to dynalite: the other process in races, and the observer. */
let direct: DynamoDBCheckpointStorage;
const TTL = 60_000;

beforeAll(async () => {
  proxy = await startFaultProxy(harness.dynamo.endpoint);
  const tableName = await harness.newTable();
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

const LANDED: Fault[] = ['lose-response', 'drop-after'];

describe('DynamoDB leases under injected faults', () => {
  it('acquires, renews and releases through throttling, 500s and connections dropped before the write', async () => {
    const id = newConversationId();
    proxy.inject({ operation: 'UpdateItem', fault: 'throttle', times: 1 });
    proxy.inject({ operation: 'UpdateItem', fault: 'server-error', times: 1 });
    proxy.inject({ operation: 'UpdateItem', fault: 'drop-before', times: 1 });
    const lease = await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL });
    expect(lease).toMatchObject({ owner: 'a', token: 1 });
    expect(proxy.count('UpdateItem')).toBe(4);

    proxy.inject({ operation: 'UpdateItem', fault: 'throttle', times: 2 });
    expect((await viaProxy.renewLease(lease!, TTL)).token).toBe(1);
    proxy.inject({ operation: 'UpdateItem', fault: 'server-error', times: 2 });
    await viaProxy.releaseLease(lease!);
    expect(await direct.acquireLease(id, { owner: 'b', ttlMs: TTL })).toMatchObject({ token: 2 });
  });

  for (const fault of LANDED) {
    it(`keeps the lease it took when the answer was lost (${fault}): same token, others refused`, async () => {
      const id = newConversationId();
      proxy.inject({ operation: 'UpdateItem', fault, times: 1 });
      const lease = await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL });
      expect(lease).toMatchObject({ owner: 'a', token: 1 });
      expect(await direct.acquireLease(id, { owner: 'b', ttlMs: TTL })).toBeUndefined();
      // The owner's own retry, as a caller would do after an error, gets the same lease back.
      expect(await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL })).toMatchObject({ token: 1 });
    });

    it(`renews and releases once when the answer was lost (${fault})`, async () => {
      const id = newConversationId();
      const lease = (await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      proxy.inject({ operation: 'UpdateItem', fault, times: 1 });
      expect((await viaProxy.renewLease(lease, TTL)).token).toBe(1);
      proxy.inject({ operation: 'UpdateItem', fault, times: 1 });
      await viaProxy.releaseLease(lease);
      expect(await direct.listInterrupted()).not.toContain(id);
      expect(await direct.acquireLease(id, { owner: 'b', ttlMs: TTL })).toMatchObject({ token: 2 });
    });
  }

  it('reports a real takeover as LeaseLostError at once, not after retries', async () => {
    const id = newConversationId();
    const now = { ms: Date.now() };
    const clocked = new DynamoDBCheckpointStorage({
      client: viaProxy.client,
      tableName: viaProxy.tableName,
      now: () => now.ms,
    });
    const lease = (await clocked.acquireLease(id, { owner: 'a', ttlMs: 1_000 }))!;
    now.ms += 5_000;
    const other = new DynamoDBCheckpointStorage({
      client: harness.dynamo.client,
      tableName: viaProxy.tableName,
      now: () => now.ms,
    });
    expect(await other.acquireLease(id, { owner: 'b', ttlMs: TTL })).toMatchObject({ token: 2 });
    proxy.reset();
    const error = await clocked.renewLease(lease, TTL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ token: 1, currentToken: 2 });
    expect(proxy.count('UpdateItem')).toBe(1);
  });

  it('commits a fenced save whose head update landed but whose answer was dropped', async () => {
    const id = newConversationId();
    const lease = (await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
    proxy.inject({ operation: 'UpdateItem', fault: 'drop-after', times: 1 });
    const info = await viaProxy.save(writeOf(id, null, [message('saved once')], { leaseToken: lease.token }));
    expect(info.version).toBe(1);
    expect((await direct.getLatest({ conversationId: id }))?.messages).toEqual([message('saved once')]);
  });
});

describe('DynamoDB inbox under injected faults', () => {
  for (const fault of LANDED) {
    it(`accepts a delivery once when its marker's answer was lost (${fault})`, async () => {
      const id = newConversationId();
      proxy.inject({ operation: 'PutItem', fault, times: 1 });
      const first = await viaProxy.putInbound(id, 'EvLost', { text: 'hello' });
      expect(first.status).toBe('accepted');
      expect(await viaProxy.putInbound(id, 'EvLost', { text: 'hello' })).toMatchObject({
        status: 'duplicate',
        done: false,
        item: { seq: first.item.seq },
      });
      expect((await direct.listInbound(id)).map((item) => item.deliveryId)).toEqual(['EvLost']);
    });

    it(`completes an item once when the answer was lost (${fault})`, async () => {
      const id = newConversationId();
      await viaProxy.putInbound(id, 'Ev1', { text: 'x' });
      const lease = (await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      proxy.inject({ operation: 'UpdateItem', fault, times: 1 });
      await viaProxy.completeInbound(id, 'Ev1', lease.token);
      expect(await direct.listInbound(id)).toEqual([]);
      expect((await direct.putInbound(id, 'Ev1', { text: 'x' })).done).toBe(true);
    });
  }

  it('never loses a delivery whose put failed half-way: the redelivery finds it pending and restores it', async () => {
    const id = newConversationId();
    // The marker lands; every attempt to write the pending item fails; the caller gets the error (and would
    // answer 5xx, so the platform redelivers).
    proxy.inject({ operation: 'PutItem', times: 1 });
    proxy.inject({ operation: 'PutItem', fault: 'server-error', times: 5 });
    await expect(viaProxy.putInbound(id, 'EvHalf', { text: 'refund please' })).rejects.toMatchObject({
      name: 'InternalServerError',
    });
    expect(await direct.listInbound(id)).toEqual([]);

    const again = await viaProxy.putInbound(id, 'EvHalf', { text: 'refund please' });
    expect(again).toMatchObject({ status: 'duplicate', done: false });
    expect(again.item.payload).toEqual({ text: 'refund please' });
    expect((await direct.listInbound(id)).map((item) => item.deliveryId)).toEqual(['EvHalf']);
    expect(await direct.listInterrupted()).toContain(id);
  });

  it('skips and removes an item whose completion was cut after its marker was marked done', async () => {
    const id = newConversationId();
    await viaProxy.putInbound(id, 'Ev1', { text: 'done already' });
    await viaProxy.putInbound(id, 'Ev2', { text: 'still waiting' });
    const lease = (await viaProxy.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
    proxy.inject({ operation: 'DeleteItem', fault: 'server-error', times: 5 });
    await viaProxy.completeInbound(id, 'Ev1', lease.token);
    expect((await direct.listInbound(id)).map((item) => item.deliveryId)).toEqual(['Ev2']);
  });
});
