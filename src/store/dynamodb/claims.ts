/** Idempotency claims in the checkpoint table: one conditional write decides who handles an event. */

import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ClaimOptions, IdempotencyStore } from '../idempotency.js';
import {
  assertValidClaimKey,
  assertValidClaimOptions,
  DEFAULT_CLAIM_LEASE_SECONDS,
  DEFAULT_CLAIM_TTL_SECONDS,
} from '../idempotency.js';
import { isConditionalCheckFailed } from './errors.js';
import { CLAIM_SK, claimPk } from './keys.js';

export interface DynamoDBIdempotencyStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long claim records are kept (default 24 h); a claim can be taken again after that. */
  claimTtlSeconds?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * Item: `pk = "CLAIM#<key>"`, `sk = "CLAIM"`, `status` IN_PROGRESS | DONE, `leaseUntil` (epoch ms, only while
 * in progress), `expiresAt` (epoch s, the TTL).
 */
export class DynamoDBIdempotencyStore implements IdempotencyStore {
  private readonly client: DynamoDBClient;
  private readonly tableName: string;
  private readonly claimTtlSeconds: number;
  private readonly now: () => number;

  constructor(options: DynamoDBIdempotencyStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.claimTtlSeconds = options.claimTtlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS;
    this.now = options.now ?? Date.now;
    assertValidClaimOptions({ ttlSeconds: this.claimTtlSeconds });
  }

  async claim(key: string, options: ClaimOptions = {}): Promise<boolean> {
    assertValidClaimKey(key);
    assertValidClaimOptions(options);
    const now = this.now();
    const leaseUntil = now + (options.leaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS) * 1000;
    const expiresAt = Math.floor(now / 1000) + (options.ttlSeconds ?? this.claimTtlSeconds);
    const nonce = randomUUID();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: claimPk(key) },
            sk: { S: CLAIM_SK },
            status: { S: 'IN_PROGRESS' },
            leaseUntil: { N: String(leaseUntil) },
            claimedAt: { S: new Date(now).toISOString() },
            nonce: { S: nonce },
            expiresAt: { N: String(expiresAt) },
          },
          // Free when: never claimed, its holder's lease ran out (DONE claims have no lease), or expired but
          // not yet removed by DynamoDB's TTL. The nonce makes an SDK retry of a put that landed (its answer
          // lost) succeed again instead of reporting our own claim as a duplicate.
          ConditionExpression:
            'attribute_not_exists(#pk) OR #lease <= :nowMs OR #exp <= :nowS OR #nonce = :nonce',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#lease': 'leaseUntil',
            '#exp': 'expiresAt',
            '#nonce': 'nonce',
          },
          ExpressionAttributeValues: {
            ':nowMs': { N: String(now) },
            ':nowS': { N: String(Math.floor(now / 1000)) },
            ':nonce': { S: nonce },
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async completeClaim(key: string): Promise<void> {
    assertValidClaimKey(key);
    const now = this.now();
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: claimPk(key) }, sk: { S: CLAIM_SK } },
        // Without a lease the claim condition can never match again: done is final until the record expires.
        UpdateExpression:
          'SET #status = :done, completedAt = :at, #exp = if_not_exists(#exp, :exp) REMOVE #lease',
        ExpressionAttributeNames: { '#status': 'status', '#exp': 'expiresAt', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: {
          ':done': { S: 'DONE' },
          ':at': { S: new Date(now).toISOString() },
          ':exp': { N: String(Math.floor(now / 1000) + this.claimTtlSeconds) },
        },
      }),
    );
  }

  async releaseClaim(key: string): Promise<void> {
    assertValidClaimKey(key);
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: claimPk(key) }, sk: { S: CLAIM_SK } },
          // Never un-complete finished work: only an in-progress claim is freed.
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': { S: 'IN_PROGRESS' } },
        }),
      );
    } catch (error) {
      // Already gone (a retried delete that landed), never claimed, or done: nothing to free.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}
