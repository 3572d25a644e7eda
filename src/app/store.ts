/**
 * The checkpoint store: a real DynamoDB table when DYNAMODB_TABLE is set, otherwise the same DynamoDB code
 * against an embedded dynalite whose data lives under BATON_DATA_DIR (so `npm start` needs nothing).
 */
import { join, resolve } from 'node:path';
import {
  createDynamoDBClient,
  DynamoDBCheckpointStorage,
  type EmbeddedDynamo,
  startEmbeddedDynamo,
} from '../store/dynamodb/index.js';
import type { AppConfig } from './config.js';
import { lockDataDir } from './data-dir-lock.js';

export const EMBEDDED_TABLE = 'baton-local';

export interface AppStore {
  /** Checkpoints and idempotency claims on one table. */
  storage: DynamoDBCheckpointStorage;
  mode: 'dynamodb' | 'embedded';
  description: string;
  close(): Promise<void>;
}

export async function createAppStore(config: AppConfig): Promise<AppStore> {
  if (config.DYNAMODB_TABLE) {
    const client = createDynamoDBClient({
      region: config.AWS_REGION ?? 'us-east-1',
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    });
    const storage = new DynamoDBCheckpointStorage({ client, tableName: config.DYNAMODB_TABLE });
    // A local endpoint (DynamoDB Local, LocalStack) gets its table created; in AWS the table comes from IaC.
    if (config.DYNAMODB_ENDPOINT) await storage.ensureTable({ timeoutMs: 15_000 });
    const where = config.DYNAMODB_ENDPOINT ? new URL(config.DYNAMODB_ENDPOINT).origin : config.AWS_REGION;
    return {
      storage,
      mode: 'dynamodb',
      description: `DynamoDB table "${config.DYNAMODB_TABLE}" (${where})`,
      close: async () => client.destroy(),
    };
  }
  const path = resolve(join(config.BATON_DATA_DIR, 'dynamodb'));
  const lock = await lockDataDir(config.BATON_DATA_DIR);
  let dynamo: EmbeddedDynamo | undefined;
  try {
    dynamo = await startEmbeddedDynamo({ path });
    const storage = new DynamoDBCheckpointStorage({ client: dynamo.client, tableName: EMBEDDED_TABLE });
    // A data folder from before the interrupted index gets it (dynalite cannot add one in place).
    await storage.ensureTable({ timeoutMs: 15_000, rebuildToAddIndex: true });
    const started = dynamo;
    return {
      storage,
      mode: 'embedded',
      description: `embedded DynamoDB (dynalite) in ${path}`,
      close: async () => {
        await started.close();
        await lock.release();
      },
    };
  } catch (error) {
    await dynamo?.close().catch(() => {});
    await lock.release();
    throw new Error(
      `Could not start the embedded DynamoDB in ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
