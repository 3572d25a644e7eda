/**
 * Conversation leases on the conversation's head item: `leaseOwner`, `leaseToken` (the fencing counter) and
 * `leaseUntil` (epoch ms) sit beside `version`, so a save checks version and token in one conditional write.
 * Every operation is one conditional UpdateItem; an answer lost after the write landed is recognized by
 * re-reading the head, never reported as a loss. The head also carries the sparse `interrupted` index keys
 * while a lease is out (due at its expiry) or inbox items wait (due at once).
 */
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { Lease, ListInterruptedOptions } from '../lease.js';
import { LeaseLostError } from '../storage-errors.js';
import { isConditionalCheckFailed } from './errors.js';
import { hasPendingInbound } from './inbox.js';
import { SCHEMA_VERSION } from './items.js';
import { HEAD_SK, INTERRUPTED_SHARDS, interruptedShard } from './keys.js';
import { INTERRUPTED_DUE_ATTRIBUTE, INTERRUPTED_INDEX, INTERRUPTED_SHARD_ATTRIBUTE } from './table.js';

type Item = Record<string, AttributeValue>;

export interface DynamoDBLeasesOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Expiry of a head this creates (a conversation whose first turn has not committed), in seconds. */
  conversationTtlSeconds: number;
  now: () => number;
}

/** Names every lease expression uses; DynamoDB rejects names an expression does not use, so each call picks. */
const NAMES = {
  '#owner': 'leaseOwner',
  '#token': 'leaseToken',
  '#until': 'leaseUntil',
  '#shard': INTERRUPTED_SHARD_ATTRIBUTE,
  '#due': INTERRUPTED_DUE_ATTRIBUTE,
  '#exp': 'expiresAt',
  '#schemaV': 'schemaV',
} as const;

function names(...keys: Array<keyof typeof NAMES>): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, NAMES[key]]));
}

const n = (value: number): AttributeValue => ({ N: String(value) });

interface HeadLease {
  owner: string | undefined;
  token: number;
  until: number;
}

/** Attempts of the acquire/release loops before giving up on a head that keeps changing under them. */
const MAX_ROUNDS = 5;

export class DynamoDBLeases {
  constructor(private readonly options: DynamoDBLeasesOptions) {}

  async acquire(conversationId: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const now = this.options.now();
      const until = now + ttlMs;
      try {
        const { Attributes } = await this.update(conversationId, {
          UpdateExpression:
            'SET #owner = :owner, #until = :until, #shard = :shard, #due = :until, ' +
            '#exp = if_not_exists(#exp, :exp), #schemaV = if_not_exists(#schemaV, :schemaV) ADD #token :one',
          ConditionExpression: 'attribute_not_exists(#owner) OR #until <= :now',
          ExpressionAttributeNames: names('#owner', '#until', '#shard', '#due', '#exp', '#schemaV', '#token'),
          ExpressionAttributeValues: {
            ':owner': { S: owner },
            ':until': n(until),
            ':now': n(now),
            ':one': n(1),
            ':shard': { S: interruptedShard(conversationId) },
            ':exp': n(Math.floor(now / 1000) + this.options.conversationTtlSeconds),
            ':schemaV': n(SCHEMA_VERSION),
          },
          ReturnValues: 'ALL_NEW',
        });
        return { conversationId, owner, token: Number(Attributes?.leaseToken?.N), expiresAt: until };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      // Held by someone, maybe by us: an earlier attempt whose answer was lost, or this owner's live lease.
      const held = await this.read(conversationId);
      if (held.owner === owner && held.until > now) {
        try {
          return await this.extend(conversationId, { ...held, owner }, ttlMs);
        } catch (error) {
          if (!(error instanceof LeaseLostError)) throw error;
          continue;
        }
      }
      if (held.owner !== undefined && held.until > now) return undefined;
      // Released or lapsed between our write and our read: try again.
    }
    return undefined;
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.extend(lease.conversationId, { owner: lease.owner, token: lease.token }, ttlMs);
  }

  async release(lease: Lease): Promise<void> {
    const { conversationId } = lease;
    for (let round = 0; ; round += 1) {
      // Leave the index entry (due at once) when items wait, or when we cannot tell: a spurious entry only
      // costs the sweeper one look; a missing one strands a message.
      const seq = round < MAX_ROUNDS ? await this.inboxSeq(conversationId) : undefined;
      const pending =
        seq === undefined ||
        (await hasPendingInbound(this.options.client, this.options.tableName, conversationId));
      const values: Item = { ':owner': { S: lease.owner }, ':token': n(lease.token), ':zero': n(0) };
      let condition = '#owner = :owner AND #token = :token';
      const keys: Array<keyof typeof NAMES> = ['#owner', '#token', '#until', '#due', '#shard'];
      if (pending) values[':shard'] = { S: interruptedShard(conversationId) };
      else {
        // Nothing waits as of `seq`: a put since then changes it, so this release fails and looks again.
        if (seq === 0) condition += ' AND attribute_not_exists(#seq)';
        else {
          condition += ' AND #seq = :seq';
          values[':seq'] = n(seq!);
        }
      }
      try {
        await this.update(conversationId, {
          UpdateExpression: pending
            ? 'REMOVE #owner SET #until = :zero, #due = :zero, #shard = :shard'
            : 'REMOVE #owner, #shard, #due SET #until = :zero',
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            ...names(...keys),
            ...(pending ? {} : { '#seq': 'inboxSeq' }),
          },
          ExpressionAttributeValues: values,
        });
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const held = await this.read(conversationId);
      // Lost, or already released by an earlier attempt whose answer was lost: nothing left to free.
      if (held.owner !== lease.owner || held.token !== lease.token) return;
    }
  }

  /** Queries each shard of the sparse index for heads due by now; oldest first. */
  async listInterrupted(options: ListInterruptedOptions): Promise<string[]> {
    const now = this.options.now();
    const found: Array<{ id: string; due: number }> = [];
    await Promise.all(
      Array.from({ length: INTERRUPTED_SHARDS }, async (_, shard) => {
        let start: Item | undefined;
        let taken = 0;
        do {
          const page = await this.options.client
            .send(
              new QueryCommand({
                TableName: this.options.tableName,
                IndexName: INTERRUPTED_INDEX,
                KeyConditionExpression: '#shard = :shard AND #due <= :now',
                ExpressionAttributeNames: names('#shard', '#due'),
                ExpressionAttributeValues: { ':shard': { S: String(shard) }, ':now': n(now) },
                ...(options.limit === undefined ? {} : { Limit: options.limit - taken }),
                ExclusiveStartKey: start,
              }),
            )
            .catch((error: unknown) => {
              throw missingIndex(error, this.options.tableName);
            });
          for (const item of page.Items ?? []) {
            if (item.pk?.S === undefined) continue;
            found.push({ id: item.pk.S, due: Number(item[INTERRUPTED_DUE_ATTRIBUTE]?.N ?? 0) });
            taken += 1;
          }
          start = page.LastEvaluatedKey;
        } while (start !== undefined && (options.limit === undefined || taken < options.limit));
      }),
    );
    found.sort((a, b) => a.due - b.due);
    return found.slice(0, options.limit).map(({ id }) => id);
  }

  /** The last granted token, for fencing checks (0: never granted). */
  async currentToken(conversationId: string): Promise<number> {
    return (await this.read(conversationId)).token;
  }

  /** Extends a lease we hold; LeaseLostError (with the current token) when it is no longer ours. */
  private async extend(
    conversationId: string,
    held: { owner: string; token: number },
    ttlMs: number,
  ): Promise<Lease> {
    const until = this.options.now() + ttlMs;
    try {
      // An SDK retry of a renewal that landed meets the same owner and token, so it succeeds too.
      await this.update(conversationId, {
        UpdateExpression: 'SET #until = :until, #due = :until',
        ConditionExpression: '#owner = :owner AND #token = :token',
        ExpressionAttributeNames: names('#owner', '#token', '#until', '#due'),
        ExpressionAttributeValues: {
          ':owner': { S: held.owner },
          ':token': n(held.token),
          ':until': n(until),
        },
      });
      return { conversationId, owner: held.owner, token: held.token, expiresAt: until };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.read(conversationId);
      throw new LeaseLostError(conversationId, held.token, current.token || undefined);
    }
  }

  private update(conversationId: string, input: Omit<UpdateItemCommand['input'], 'TableName' | 'Key'>) {
    return this.options.client.send(
      new UpdateItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: conversationId }, sk: { S: HEAD_SK } },
        ...input,
      }),
    );
  }

  private async read(conversationId: string): Promise<HeadLease> {
    const item = await this.readHead(conversationId, ['#owner', '#token', '#until']);
    return {
      owner: item?.leaseOwner?.S,
      token: Number(item?.leaseToken?.N ?? 0),
      until: Number(item?.leaseUntil?.N ?? 0),
    };
  }

  private async inboxSeq(conversationId: string): Promise<number> {
    const item = await this.readHead(conversationId, [], ['inboxSeq']);
    return Number(item?.inboxSeq?.N ?? 0);
  }

  private async readHead(
    conversationId: string,
    keys: Array<keyof typeof NAMES>,
    extra: string[] = [],
  ): Promise<Item | undefined> {
    const attributeNames: Record<string, string> = {
      ...names(...keys),
      ...Object.fromEntries(extra.map((name, i) => [`#x${i}`, name])),
    };
    const { Item } = await this.options.client.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { pk: { S: conversationId }, sk: { S: HEAD_SK } },
        ConsistentRead: true,
        ProjectionExpression: Object.keys(attributeNames).join(', '),
        ExpressionAttributeNames: attributeNames,
      }),
    );
    return Item;
  }
}

/** A table made before the index existed: say how to add it instead of failing with DynamoDB's words. */
function missingIndex(error: unknown, tableName: string): unknown {
  if (!(error instanceof Error && error.name === 'ValidationException' && /index/i.test(error.message))) {
    return error;
  }
  return new Error(
    `DynamoDB table "${tableName}" has no "${INTERRUPTED_INDEX}" index, which finds interrupted ` +
      'conversations: add it as in checkpointTableDefinition() (redeploy the CDK stack, or call ensureTable() ' +
      'against DynamoDB Local). An embedded store made by an older Baton cannot add indexes: move its data ' +
      'folder away to start a new one.',
    { cause: error },
  );
}
