/** The DynamoDB client Baton builds when none is given. */
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The SDK retries throttling and 5xx answers itself (standard mode, exponential backoff with jitter); five
 * attempts ride out a burst of throttling on an on-demand table. `ConditionalCheckFailedException` is a 400
 * that the SDK never retries, and Baton turns it into a typed error, never a silent success.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** A client with Baton's defaults; `config` (endpoint, region, credentials...) overrides them. */
export function createDynamoDBClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: DEFAULT_MAX_ATTEMPTS, ...config });
}
