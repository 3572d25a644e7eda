import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createCheckpointId } from '../../src/store/checkpoint-id.js';
import { CheckpointCorruptError } from '../../src/store/checkpoint-storage.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import { startEmbeddedDynamo } from '../../src/store/dynamodb/embedded-dynamo.js';
import { checkpointTableDefinition, ensureTable } from '../../src/store/dynamodb/table.js';
import { InvalidCheckpointWriteError } from '../../src/store/storage-errors.js';
import {
  describeCheckpointStorage,
  message,
  newConversationId,
  saveChain,
  writeOf,
} from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { describeLeaseStore } from '../../src/testing/storage/lease-conformance.js';
import { useDynalite } from './dynalite-harness.js';

const harness = useDynalite();
let sharedTable: Promise<string> | undefined;

describeCheckpointStorage(
  'DynamoDBCheckpointStorage',
  async () => {
    sharedTable ??= harness.newTable();
    return new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName: await sharedTable });
  },
  { partitioned: true },
);

// A table per test: listInterrupted must return exactly the conversations a test made interrupted.
describeLeaseStore(
  'DynamoDBCheckpointStorage',
  async (now) =>
    new DynamoDBCheckpointStorage({
      client: harness.dynamo.client,
      tableName: await harness.newTable(),
      now,
    }),
);

describe('DynamoDBCheckpointStorage specifics', () => {
  it('writes only the new step and the head, keyed by the conversation id as given', async () => {
    const tableName = await harness.newTable();
    const writes: number[] = [];
    const storage = new DynamoDBCheckpointStorage({
      client: harness.dynamo.client,
      tableName,
      onWrite: (metrics) => writes.push(metrics.items),
    });
    const conversationId = 'slack:T1:C1:1712345678.000100';
    const [first, second] = await saveChain(storage, conversationId, 2);
    expect(writes).toEqual([2, 2]);

    const { Items } = await harness.dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: conversationId } },
      }),
    );
    expect(Items?.map((item) => item.sk?.S).sort()).toEqual(
      [`CK#${first!.checkpointId}`, `CK#${second!.checkpointId}`, 'HEAD'].sort(),
    );
    const head = Items?.find((item) => item.sk?.S === 'HEAD');
    expect(head).toMatchObject({ version: { N: '2' }, latest: { S: second!.checkpointId } });
    for (const item of Items ?? []) expect(Number(item.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
  });

  it('ignores a step whose head update never happened (a crash between the two writes)', async () => {
    const tableName = await harness.newTable();
    const storage = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
    const conversationId = newConversationId();
    const [first] = await saveChain(storage, conversationId, 1);

    // Crash the writer right before its head update: the SDK middleware throws instead of sending.
    const crash =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        if (context.commandName === 'UpdateItemCommand') throw new Error('process crashed');
        return next(args);
      };
    harness.dynamo.client.middlewareStack.add(crash as never, { step: 'initialize', name: 'crash' });
    const doomed = writeOf(conversationId, first!, [message('never committed')]);
    try {
      await expect(storage.save(doomed)).rejects.toThrow('process crashed');
    } finally {
      harness.dynamo.client.middlewareStack.remove('crash');
    }
    const orphan = await harness.dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: conversationId }, sk: { S: `CK#${doomed.checkpointId}` } },
      }),
    );
    expect(orphan.Item?.version?.N).toBe('2');

    expect(await storage.load(doomed.checkpointId, conversationId)).toBeUndefined();
    expect((await storage.listCheckpoints({ conversationId })).map((i) => i.checkpointId)).toEqual([
      first!.checkpointId,
    ]);
    const second = await storage.save(writeOf(conversationId, first!, [message('committed')]));
    expect(second.version).toBe(2);
    const latest = await storage.getLatest({ conversationId });
    expect(latest?.messages.map((m) => m.content)).toEqual(['question 1', 'answer 1', 'committed']);
    expect((await storage.listCheckpoints({ conversationId })).map((i) => i.version)).toEqual([1, 2]);
  });

  it('reports a step item it cannot read as CheckpointCorruptError naming the item', async () => {
    const tableName = await harness.newTable();
    const storage = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
    const conversationId = newConversationId();
    const [first] = await saveChain(storage, conversationId, 1);
    await harness.dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: conversationId },
          sk: { S: `CK#${first!.checkpointId}` },
          schemaV: { N: '99' },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) },
        },
      }),
    );
    const error = await storage.getLatest({ conversationId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as Error).message).toContain(`CK#${first!.checkpointId}`);
    expect((error as Error).message).toContain('schema version');
  });

  it('keeps claim partitions apart from conversations and validates its options', async () => {
    const tableName = await harness.newTable();
    const storage = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
    await expect(storage.save(writeOf('CLAIM#slack:Ev1', null, []))).rejects.toBeInstanceOf(
      InvalidCheckpointWriteError,
    );
    expect(() => new DynamoDBCheckpointStorage({ tableName: 'x' })).toThrow(/table name/);
    expect(() => new DynamoDBCheckpointStorage({ tableName: 'ok-table', ttlSeconds: 0 })).toThrow(
      /ttlSeconds/,
    );
    expect(checkpointTableDefinition('t1')).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(await storage.claim('slack:Ev1')).toBe(true);
    await saveChain(storage, 'slack:Ev1', 1);
    expect(await storage.claim('slack:Ev1')).toBe(false);
    expect((await storage.getLatest({ conversationId: 'slack:Ev1' }))?.version).toBe(1);
    expect(createCheckpointId()).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('keeps conversations across restarts of the embedded DynamoDB when given a folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'baton-embedded-'));
    try {
      const conversationId = newConversationId();
      const first = await startEmbeddedDynamo({ path: join(folder, 'dynamo') });
      expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await ensureTable(first.client, 'baton-local');
      const [saved] = await saveChain(
        new DynamoDBCheckpointStorage({ client: first.client, tableName: 'baton-local' }),
        conversationId,
        2,
      );
      await first.close();

      const second = await startEmbeddedDynamo({ path: join(folder, 'dynamo') });
      try {
        await ensureTable(second.client, 'baton-local');
        const storage = new DynamoDBCheckpointStorage({ client: second.client, tableName: 'baton-local' });
        expect((await storage.load(saved!.checkpointId, conversationId))?.messages).toHaveLength(2);
        expect((await storage.getLatest({ conversationId }))?.conversationVersion).toBe(2);
      } finally {
        await second.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('DynamoDBCheckpointStorage on a table made before the interrupted index', () => {
  it('keeps working and says how to add the index when listInterrupted needs it', async () => {
    const tableName = 'baton-legacy-table';
    const { GlobalSecondaryIndexes: _index, ...legacy } = checkpointTableDefinition(tableName);
    await harness.dynamo.client.send(
      new CreateTableCommand({
        ...legacy,
        AttributeDefinitions: legacy.AttributeDefinitions?.filter((a) =>
          ['pk', 'sk'].includes(a.AttributeName!),
        ),
      }),
    );
    // dynalite cannot add an index to an existing table; ensureTable must not fail because of it.
    await ensureTable(harness.dynamo.client, tableName, { timeoutMs: 5_000 });
    const storage = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
    const id = newConversationId();
    const lease = await storage.acquireLease(id, { owner: 'a', ttlMs: 60_000 });
    await storage.putInbound(id, 'Ev1', { text: 'hi' });
    await storage.save(writeOf(id, null, [message('hi')], { leaseToken: lease!.token }));
    expect((await storage.listInbound(id)).map((item) => item.deliveryId)).toEqual(['Ev1']);
    await expect(storage.listInterrupted()).rejects.toThrow(
      /no "interrupted" index.*checkpointTableDefinition/s,
    );

    // The embedded store's way out: rebuild the table with the index, keeping every item.
    await ensureTable(harness.dynamo.client, tableName, { timeoutMs: 10_000, rebuildToAddIndex: true });
    expect(await storage.listInterrupted()).toEqual([]);
    expect((await storage.getLatest({ conversationId: id }))?.messages).toEqual([message('hi')]);
    expect((await storage.listInbound(id)).map((item) => item.deliveryId)).toEqual(['Ev1']);
    // Its index entry came along: released with an item waiting, it is interrupted.
    await storage.releaseLease(lease!);
    expect(await storage.listInterrupted()).toEqual([id]);
    const next = await storage.acquireLease(id, { owner: 'b', ttlMs: 60_000 });
    expect(next?.token).toBe(2);
    await storage.completeInbound(id, 'Ev1', next!.token);
    await storage.releaseLease(next!);
    expect(await storage.listInterrupted()).toEqual([]);
  });

  it('finishes a rebuild that a crash cut after the old table was dropped', async () => {
    const tableName = 'baton-half-rebuilt';
    // What a crash leaves: the items only in the side table, the table itself gone.
    await ensureTable(harness.dynamo.client, `${tableName}-rebuild`);
    const side = new DynamoDBCheckpointStorage({
      client: harness.dynamo.client,
      tableName: `${tableName}-rebuild`,
    });
    const id = newConversationId();
    await saveChain(side, id, 2);

    await ensureTable(harness.dynamo.client, tableName, { timeoutMs: 10_000, rebuildToAddIndex: true });
    const storage = new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName });
    expect((await storage.getLatest({ conversationId: id }))?.conversationVersion).toBe(2);
    expect(await storage.listInterrupted()).toEqual([]);
    const { TableNames } = await harness.dynamo.client.send(new ListTablesCommand({}));
    expect(TableNames).not.toContain(`${tableName}-rebuild`);
  });
});
