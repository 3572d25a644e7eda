/** A step's payload as stored bytes: JSON, gzipped when that pays, and split when it exceeds one item. */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { CheckpointCorruptError } from '../checkpoint-storage.js';
import type { StepPayload } from '../step-payload.js';
import { parseStepPayload, serializeStepPayload } from '../step-payload.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Below this, gzip headers and CPU cost more than they save. */
export const GZIP_MIN_BYTES = 1024;
/**
 * Payloads up to this size stay inside the step item; larger ones go to chunk items of at most this size (or
 * to the LargePayloadStore). 350 KB leaves room under DynamoDB's 400 KB item limit for keys and attributes.
 */
export const MAX_INLINE_BYTES = 350 * 1024;
export const CHUNK_BYTES = MAX_INLINE_BYTES;

export type PayloadEncoding = 'json' | 'gzip';

export interface EncodedPayload {
  encoding: PayloadEncoding;
  bytes: Uint8Array;
}

export async function encodePayload(payload: StepPayload): Promise<EncodedPayload> {
  const json = Buffer.from(serializeStepPayload(payload), 'utf8');
  if (json.byteLength > GZIP_MIN_BYTES) {
    const zipped = await gzipAsync(json, { level: 6 });
    // Incompressible data (random tool output, images) is kept as JSON rather than paying to inflate it.
    if (zipped.byteLength < json.byteLength * 0.9) return { encoding: 'gzip', bytes: zipped };
  }
  return { encoding: 'json', bytes: json };
}

export async function decodePayload(
  encoding: PayloadEncoding,
  bytes: Uint8Array,
  where: string,
): Promise<StepPayload> {
  let json: Buffer;
  try {
    json =
      encoding === 'gzip'
        ? await gunzipAsync(bytes)
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw new CheckpointCorruptError(`${where}: the stored payload does not gunzip (${String(error)}).`);
  }
  return parseStepPayload(json.toString('utf8'), where);
}

export function splitIntoChunks(bytes: Uint8Array, chunkBytes = CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < bytes.byteLength; start += chunkBytes) {
    chunks.push(bytes.subarray(start, Math.min(start + chunkBytes, bytes.byteLength)));
  }
  return chunks;
}
