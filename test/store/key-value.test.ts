import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { KeyValueInstallationStore } from '../../src/channels/slack/installation-store.js';
import { KeyValueConversationReferenceStore } from '../../src/channels/teams/conversation-references.js';
import { CheckpointCorruptError } from '../../src/store/checkpoint-storage.js';
import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/index.js';
import { DynamoDBKeyValueStore } from '../../src/store/dynamodb/key-value.js';
import { InMemoryKeyValueStore, type KeyValueStore } from '../../src/store/key-value.js';
import { useDynalite } from './dynalite-harness.js';

const d = useDynalite();

function describeKeyValueStore(name: string, make: (now: () => number) => Promise<KeyValueStore>) {
  describe(`${name} key-value store`, () => {
    it('puts, gets (a copy), overwrites and deletes records by namespace and key', async () => {
      const kv = await make(Date.now);
      expect(await kv.get('teams-ref', 'teams:t1:c1')).toBeUndefined();
      const value = { serviceUrl: 'https://smba.example.test/emea/', conversation: { id: 'c1' } };
      await kv.put('teams-ref', 'teams:t1:c1', value);
      const got = await kv.get('teams-ref', 'teams:t1:c1');
      expect(got).toEqual(value);
      expect(got).not.toBe(value);
      expect(await kv.get('other-ns', 'teams:t1:c1')).toBeUndefined();
      await kv.put('teams-ref', 'teams:t1:c1', { serviceUrl: 'changed' });
      expect(await kv.get('teams-ref', 'teams:t1:c1')).toEqual({ serviceUrl: 'changed' });
      await kv.delete('teams-ref', 'teams:t1:c1');
      expect(await kv.get('teams-ref', 'teams:t1:c1')).toBeUndefined();
    });

    it('ignores expired records', async () => {
      let now = Date.UTC(2026, 0, 1);
      const kv = await make(() => now);
      await kv.put('ns', 'k', { a: 1 }, { ttlSeconds: 60 });
      expect(await kv.get('ns', 'k')).toEqual({ a: 1 });
      now += 61_000;
      expect(await kv.get('ns', 'k')).toBeUndefined();
    });

    it('rejects namespaces that could collide in the table', async () => {
      const kv = await make(Date.now);
      await expect(kv.put('bad#ns', 'k', {})).rejects.toThrow(/Invalid record namespace/);
      await expect(kv.get('ns', '')).rejects.toThrow(/Invalid record key/);
    });
  });
}

describeKeyValueStore('in-memory', async (now) => new InMemoryKeyValueStore(now));
describeKeyValueStore('DynamoDB', async (now) => {
  const tableName = await d.newTable();
  return new DynamoDBKeyValueStore({ client: d.dynamo.client, tableName, now });
});

describe('records in the checkpoint table', () => {
  it('keeps Slack installs and Teams references across store instances (a restart)', async () => {
    const tableName = await d.newTable();
    const first = new DynamoDBKeyValueStore({ client: d.dynamo.client, tableName });
    const installs = new KeyValueInstallationStore(first);
    await installs.storeInstallation({
      team: { id: 'T2', name: 'Two' },
      enterprise: undefined,
      user: { id: 'U1', token: undefined, scopes: undefined },
      bot: { token: 'xoxb-test-two', scopes: ['chat:write'], id: 'B2', userId: 'UBOT2' },
      isEnterpriseInstall: false,
    });
    const refs = new KeyValueConversationReferenceStore(first);
    await refs.set('teams:t1:c1', {
      serviceUrl: 'https://smba.example.test/',
      channelId: 'msteams',
      conversation: { id: 'c1' },
      bot: { id: '28:bot' },
    } as never);

    const second = new DynamoDBKeyValueStore({ client: d.dynamo.client, tableName });
    const fetched = await new KeyValueInstallationStore(second).fetchInstallation({
      teamId: 'T2',
      isEnterpriseInstall: false,
      enterpriseId: undefined,
    });
    expect(fetched.bot?.token).toBe('xoxb-test-two');
    expect(await new KeyValueConversationReferenceStore(second).get('teams:t1:c1')).toMatchObject({
      serviceUrl: 'https://smba.example.test/',
    });
  });

  it('reports a corrupt record instead of returning garbage', async () => {
    const tableName = await d.newTable();
    await d.dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { pk: { S: 'KV#ns#k' }, sk: { S: 'KV' }, value: { S: '{oops' } },
      }),
    );
    const kv = new DynamoDBKeyValueStore({ client: d.dynamo.client, tableName });
    await expect(kv.get('ns', 'k')).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('keeps conversation ids out of the records prefix', async () => {
    const tableName = await d.newTable();
    const storage = new DynamoDBCheckpointStorage({ client: d.dynamo.client, tableName });
    await expect(
      storage.save({
        conversationId: 'KV#ns#k',
        workflowName: 'w',
        checkpointId: 'ckpt_1',
        parentCheckpointId: null,
        expectedVersion: 0,
        timestamp: new Date().toISOString(),
        messages: [],
        state: {},
      }),
    ).rejects.toThrow(/reserved for claims and records/);
  });
});
