/**
 * DynamoDB in-process for local runs and tests: dynalite (LevelDB underneath) on 127.0.0.1, random port.
 * dynalite is loaded only when this is called, so production code never pulls it in.
 */

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDBClient } from './client.js';

export interface EmbeddedDynamoOptions {
  /** Keep the data in this folder (created if missing); in memory when absent. */
  path?: string;
}

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** A client for `endpoint` with dummy credentials, closed by `close()`. */
  client: DynamoDBClient;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  let dynalite: typeof import('dynalite');
  try {
    dynalite = (await import('dynalite')).default;
  } catch (error) {
    throw new Error(
      `The embedded DynamoDB needs the "dynalite" package (${String(error)}). Install it (npm install dynalite) ` +
        'or set DYNAMODB_ENDPOINT / AWS_REGION to use a real DynamoDB.',
    );
  }
  if (options.path !== undefined) await mkdir(options.path, { recursive: true });
  // Tables become ACTIVE at once: nothing to wait for locally.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // dynalite's value streams throw (uncaught) if LevelDB closes while a request is still reading; closing
  // must wait for the requests in flight.
  let inFlight = 0;
  let idle: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    close: async () => {
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, 5_000).unref();
        });
      }
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      client.destroy();
    },
  };
}
