/** Lays a new step out as items: the payload inline, in a LargePayloadStore, or split into chunk items. */
import { randomUUID } from 'node:crypto';
import type { StepRecord } from '../checkpoint-log.js';
import type { StepPayload } from '../step-payload.js';
import { InvalidCheckpointWriteError } from '../storage-errors.js';
import type { Item, StoredStep } from './items.js';
import { chunkItem, stepItem } from './items.js';
import { MAX_CHUNKS } from './keys.js';
import type { LargePayloadStore } from './large-payload-store.js';
import { encodePayload, MAX_INLINE_BYTES, splitIntoChunks } from './payload-codec.js';

export interface StepItems {
  step: Item;
  /** Written after the step item; empty unless the payload exceeds one item. */
  chunks: Item[];
  /** Bytes put into the LargePayloadStore instead. */
  offloadedBytes: number;
}

export async function stepItems(
  record: StepRecord,
  payload: StepPayload,
  expiresAt: number,
  largePayloads: LargePayloadStore | undefined,
): Promise<StepItems> {
  const { encoding, bytes } = await encodePayload(payload);
  const nonce = randomUUID();
  const stored: Omit<StoredStep, 'location'> = { record, encoding, size: bytes.byteLength, expiresAt, nonce };
  if (bytes.byteLength <= MAX_INLINE_BYTES) {
    return {
      step: stepItem({ ...stored, location: { kind: 'inline', bytes } }),
      chunks: [],
      offloadedBytes: 0,
    };
  }
  if (largePayloads !== undefined) {
    // The nonce keeps a retried or duplicate save from overwriting another attempt's object.
    const key = `${Buffer.from(record.conversationId).toString('base64url')}/${record.checkpointId}/${nonce}`;
    await largePayloads.put(key, bytes);
    const step = stepItem({ ...stored, location: { kind: 'external', key } });
    return { step, chunks: [], offloadedBytes: bytes.byteLength };
  }
  const parts = splitIntoChunks(bytes);
  if (parts.length > MAX_CHUNKS) {
    throw new InvalidCheckpointWriteError(
      `Checkpoint "${record.checkpointId}" stores ${bytes.byteLength} bytes, more than ${MAX_CHUNKS} chunks; ` +
        'configure a large payload store (option s3) or keep such data out of the transcript.',
    );
  }
  const chunks = parts.map((part, i) =>
    chunkItem(record.conversationId, record.checkpointId, i + 1, part, expiresAt),
  );
  return {
    step: stepItem({ ...stored, location: { kind: 'chunks', parts: parts.length } }),
    chunks,
    offloadedBytes: 0,
  };
}
