/** dynalite in-process on 127.0.0.1 (random port) for the DynamoDB tests, one server per test file. */
import { afterAll, beforeAll } from 'vitest';
import type { EmbeddedDynamo } from '../../src/store/dynamodb/embedded-dynamo.js';
import { startEmbeddedDynamo } from '../../src/store/dynamodb/embedded-dynamo.js';
import { ensureTable } from '../../src/store/dynamodb/table.js';

export interface DynaliteHarness {
  /** Valid inside tests (after beforeAll). */
  readonly dynamo: EmbeddedDynamo;
  /** A new, empty, ACTIVE table. */
  newTable(): Promise<string>;
}

let tableCounter = 0;

/** Registers beforeAll/afterAll hooks in the calling test file. */
export function useDynalite(): DynaliteHarness {
  let dynamo: EmbeddedDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return {
    get dynamo() {
      if (!dynamo) throw new Error('dynalite is not started yet: use the harness inside tests or hooks');
      return dynamo;
    },
    async newTable() {
      tableCounter += 1;
      const tableName = `baton-test-${tableCounter}`;
      await ensureTable(this.dynamo.client, tableName);
      return tableName;
    },
  };
}
