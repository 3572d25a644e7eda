/**
 * Where payloads too large for a DynamoDB item may go instead of being split into chunk items, usually an S3
 * bucket (implement it with `@aws-sdk/client-s3`; Baton does not depend on it). Objects are written once and
 * never deleted by Baton: give the bucket a lifecycle rule matching the table's TTL.
 */
export interface LargePayloadStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** `undefined` when there is no such object. */
  get(key: string): Promise<Uint8Array | undefined>;
}
