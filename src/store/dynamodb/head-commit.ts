/**
 * The one conditional write that commits a save: the head update checks the version (and `latest`, against
 * ABA) and, for a fenced save, the lease token, all on the same item, so no transaction is needed.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { CheckpointWrite } from '../checkpoint-storage.js';
import { ConcurrentUpdateError } from '../checkpoint-storage.js';
import { LeaseLostError } from '../storage-errors.js';
import type { LiveHead } from './conversation-reader.js';
import { readHeadState } from './conversation-reader.js';
import { attemptsOf, isConditionalCheckFailed } from './errors.js';
import type { Item } from './items.js';
import { HEAD_SK } from './keys.js';

export interface HeadCommit {
  client: DynamoDBClient;
  tableName: string;
  write: CheckpointWrite;
  /** The head the save read (undefined: a new conversation, or its previous life expired). */
  current: LiveHead | undefined;
  /** The head item after the save (its values are written). */
  next: Item;
  nowSeconds: number;
  /** After a retried write failed its condition: whether our own first attempt landed, and the version seen. */
  committedVersion(): Promise<{ committed: boolean; version: number }>;
  /** Removes what the save wrote before the head (best effort): called when the save certainly lost. */
  discard(): Promise<void>;
}

/** A fenced save may go ahead only with the conversation's current lease token. */
export function assertFence(write: CheckpointWrite, currentToken: number): void {
  if (write.leaseToken !== undefined && write.leaseToken !== currentToken) {
    throw new LeaseLostError(write.conversationId, write.leaseToken, currentToken || undefined);
  }
}

/** An update, never a put: the head also carries the lease and the inbox counter. */
export async function commitHead(commit: HeadCommit): Promise<void> {
  const { write, current, next } = commit;
  const fenced = write.leaseToken !== undefined;
  const names: Record<string, string> = {
    '#schemaV': 'schemaV',
    '#v': 'version',
    '#latest': 'latest',
    '#updatedAt': 'updatedAt',
    '#exp': 'expiresAt',
    ...(fenced ? { '#token': 'leaseToken' } : {}),
  };
  const values: Item = {
    ':schemaV': next.schemaV!,
    ':v': next.version!,
    ':latest': next.latest!,
    ':updatedAt': next.updatedAt!,
    ':now': { N: String(commit.nowSeconds) },
    ...(fenced ? { ':token': { N: String(write.leaseToken) } } : {}),
  };
  const fence = fenced ? ' AND #token = :token' : '';
  let set = 'SET #schemaV = :schemaV, #v = :v, #latest = :latest, #updatedAt = :updatedAt';
  let condition: string;
  if (current === undefined) {
    // A new conversation (maybe with a lease or inbox already), or one whose previous life expired.
    set += ', #exp = :exp';
    values[':exp'] = next.expiresAt!;
    condition = `(attribute_not_exists(#v) OR #exp <= :now)${fence}`;
  } else {
    // `latest` too: rules out an ABA where the conversation was deleted and rebuilt to the same version.
    values[':expected'] = { N: String(current.version) };
    values[':previous'] = { S: current.latest };
    condition = `#v = :expected AND #latest = :previous AND #exp > :now${fence}`;
  }
  try {
    await commit.client.send(
      new UpdateItemCommand({
        TableName: commit.tableName,
        Key: { pk: { S: write.conversationId }, sk: { S: HEAD_SK } },
        UpdateExpression: set,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    // Anything else (a timeout, retries exhausted) may have landed: keep the step, it may be committed.
    if (!isConditionalCheckFailed(error)) throw error;
    // After an SDK retry the condition may have failed only because our own first attempt landed.
    const seen = attemptsOf(error) > 1 ? await commit.committedVersion() : undefined;
    if (seen?.committed) return;
    await commit.discard();
    const state = await readHeadState(
      commit.client,
      commit.tableName,
      write.conversationId,
      commit.nowSeconds,
    );
    assertFence(write, state.leaseToken);
    throw new ConcurrentUpdateError(
      write.conversationId,
      write.expectedVersion,
      seen?.version ?? state.live?.version,
    );
  }
}
