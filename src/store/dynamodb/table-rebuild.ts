/**
 * Gives an existing table the `interrupted` index on an emulator that cannot add indexes (dynalite): the
 * items are copied to a side table, the table is created again with the index, and the items are copied
 * back. Only for a local table that no other process uses (the embedded store holds its data folder's lock);
 * every step can be redone, so a crash part-way is finished by the next start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateTableCommandInput, DynamoDBClient, TableDescription } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { putItems } from './batch-delete.js';
import type { Item } from './items.js';

export interface TableDefinitionSource {
  definition(tableName: string): CreateTableCommandInput;
  hasIndex(table: TableDescription): boolean;
}

export async function rebuildWithIndex(
  client: DynamoDBClient,
  tableName: string,
  source: TableDefinitionSource,
  timeoutMs: number,
): Promise<void> {
  const side = `${tableName}-rebuild`;
  const deadline = Date.now() + timeoutMs;
  let original = await describe(client, tableName);
  if ((await describe(client, side)) === undefined) {
    if (original === undefined || source.hasIndex(original)) return;
    await create(client, source.definition(side), deadline);
  }
  // Side table present: copy out while the original still lacks the index (again if a crash cut the copy).
  if (original !== undefined && !source.hasIndex(original)) {
    await copy(client, tableName, side);
    await client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitUntil(client, tableName, deadline, (table) => table === undefined);
    original = undefined;
  }
  if (original === undefined) await create(client, source.definition(tableName), deadline);
  await copy(client, side, tableName);
  await client.send(new DeleteTableCommand({ TableName: side }));
}

async function copy(client: DynamoDBClient, from: string, to: string): Promise<void> {
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: from, ConsistentRead: true, ExclusiveStartKey: start, Limit: 100 }),
    );
    await putItems(client, to, page.Items ?? []);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

async function create(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  deadline: number,
): Promise<void> {
  await client.send(new CreateTableCommand(input));
  await waitUntil(client, input.TableName!, deadline, (table) => table?.TableStatus === 'ACTIVE');
}

async function waitUntil(
  client: DynamoDBClient,
  tableName: string,
  deadline: number,
  done: (table: TableDescription | undefined) => boolean,
): Promise<void> {
  for (let delay = 20; !done(await describe(client, tableName)); delay = Math.min(delay * 2, 1_000)) {
    if (Date.now() > deadline) throw new Error(`Rebuilding DynamoDB table "${tableName}" timed out.`);
    await sleep(delay);
  }
}

/** The table's description, or undefined when there is no such table. */
export async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? {};
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
