import { DynamoDBCheckpointStorage } from '../../src/store/dynamodb/dynamodb-checkpoint-storage.js';
import { InMemoryIdempotencyStore } from '../../src/store/idempotency.js';
import { describeIdempotencyStore } from '../../src/testing/storage/idempotency-conformance.js';
import { useDynalite } from './dynalite-harness.js';

const harness = useDynalite();
let table: Promise<string> | undefined;

describeIdempotencyStore('InMemoryIdempotencyStore', (now) => new InMemoryIdempotencyStore({ now }));

describeIdempotencyStore('DynamoDBCheckpointStorage claims', async (now) => {
  table ??= harness.newTable();
  return new DynamoDBCheckpointStorage({ client: harness.dynamo.client, tableName: await table, now });
});
