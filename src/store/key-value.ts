/**
 * Small durable records that are not conversation state: a Teams conversation's reference (to post replies
 * hours later), a Slack workspace's installation (its bot token). Values are small JSON objects.
 */
import type { JsonObject } from './checkpoint-storage.js';

export interface KeyValueStore {
  get(namespace: string, key: string): Promise<JsonObject | undefined>;
  put(namespace: string, key: string, value: JsonObject, options?: { ttlSeconds?: number }): Promise<void>;
  delete(namespace: string, key: string): Promise<void>;
}

/** Namespaces and keys become parts of DynamoDB keys: keep them short, and keep "#" out of namespaces. */
export function assertValidRecordKey(namespace: string, key: string): void {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(namespace)) {
    throw new TypeError(
      `Invalid record namespace ${JSON.stringify(namespace)}: use 1-64 of A-Z a-z 0-9 _ . : -`,
    );
  }
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new TypeError(
      `Invalid record key ${JSON.stringify(key)}: use a non-empty string of at most 1024 characters.`,
    );
  }
}

/** Process memory (tests, single-process development): records are lost on restart. */
export class InMemoryKeyValueStore implements KeyValueStore {
  private readonly records = new Map<string, { value: JsonObject; expiresAt?: number }>();
  constructor(private readonly now: () => number = Date.now) {}

  async get(namespace: string, key: string): Promise<JsonObject | undefined> {
    assertValidRecordKey(namespace, key);
    const r = this.records.get(`${namespace}#${key}`);
    if (!r || (r.expiresAt !== undefined && r.expiresAt <= this.now())) return undefined;
    return structuredClone(r.value);
  }

  async put(
    namespace: string,
    key: string,
    value: JsonObject,
    options: { ttlSeconds?: number } = {},
  ): Promise<void> {
    assertValidRecordKey(namespace, key);
    this.records.set(`${namespace}#${key}`, {
      value: structuredClone(value),
      ...(options.ttlSeconds ? { expiresAt: this.now() + options.ttlSeconds * 1000 } : {}),
    });
  }

  async delete(namespace: string, key: string): Promise<void> {
    assertValidRecordKey(namespace, key);
    this.records.delete(`${namespace}#${key}`);
  }
}
