/** Conversation items as DynamoDB attribute maps, written and validated on the way back. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { CHECKPOINT_ID_PATTERN } from '../checkpoint-id.js';
import type { HeadRecord, StepRecord } from '../checkpoint-log.js';
import { CheckpointCorruptError } from '../checkpoint-storage.js';
import { chunkSk, HEAD_SK, stepSk } from './keys.js';
import type { PayloadEncoding } from './payload-codec.js';

export type Item = Record<string, AttributeValue>;

export const SCHEMA_VERSION = 1;

/** Where a step's payload bytes are kept. */
export type PayloadLocation =
  /** In the step item's `body`; `bytes` is undefined when a listing projected it away. */
  | { kind: 'inline'; bytes: Uint8Array | undefined }
  /** In `parts` chunk items right after the step item. */
  | { kind: 'chunks'; parts: number }
  /** In the LargePayloadStore under `key`. */
  | { kind: 'external'; key: string };

export interface StoredStep {
  record: StepRecord;
  encoding: PayloadEncoding;
  /** Stored payload length in bytes (after gzip), checked when chunks are reassembled. */
  size: number;
  location: PayloadLocation;
  /** Epoch seconds; the same for every item of one conversation. */
  expiresAt: number;
  /** Random per save attempt: lets an SDK retry of the same put succeed instead of looking like a duplicate. */
  nonce: string;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

export function headItem(
  conversationId: string,
  head: HeadRecord,
  updatedAt: string,
  expiresAt: number,
): Item {
  return {
    pk: s(conversationId),
    sk: s(HEAD_SK),
    schemaV: n(SCHEMA_VERSION),
    version: n(head.version),
    latest: s(head.latest),
    updatedAt: s(updatedAt),
    expiresAt: n(expiresAt),
  };
}

export function stepItem(step: StoredStep): Item {
  const { record, location } = step;
  const item: Item = {
    pk: s(record.conversationId),
    sk: s(stepSk(record.checkpointId)),
    schemaV: n(SCHEMA_VERSION),
    version: n(record.version),
    wf: s(record.workflowName),
    ts: s(record.timestamp),
    enc: s(step.encoding),
    size: n(step.size),
    nonce: s(step.nonce),
    expiresAt: n(step.expiresAt),
  };
  if (record.parentCheckpointId !== null) item.parent = s(record.parentCheckpointId);
  if (record.previousCheckpointId !== null) item.prev = s(record.previousCheckpointId);
  if (record.deleted) item.deleted = { BOOL: true };
  if (location.kind === 'inline' && location.bytes !== undefined) item.body = { B: location.bytes };
  if (location.kind === 'chunks') item.parts = n(location.parts);
  if (location.kind === 'external') item.ext = s(location.key);
  return item;
}

export function chunkItem(
  conversationId: string,
  checkpointId: string,
  index: number,
  bytes: Uint8Array,
  expiresAt: number,
): Item {
  return {
    pk: s(conversationId),
    sk: s(chunkSk(checkpointId, index)),
    part: { B: bytes },
    expiresAt: n(expiresAt),
  };
}

const str = z.object({ S: z.string() }).transform((v) => v.S);
const checkpointIdAttr = z.object({ S: z.string().regex(CHECKPOINT_ID_PATTERN) }).transform((v) => v.S);
const int = z.object({ N: z.string() }).transform((v, ctx) => {
  const value = Number(v.N);
  if (!Number.isSafeInteger(value))
    ctx.addIssue({ code: 'custom', message: `expected an integer, got ${v.N}` });
  return value;
});
const bin = z.object({ B: z.instanceof(Uint8Array) }).transform((v) => v.B);
const schemaVersion = int.pipe(z.literal(SCHEMA_VERSION, `only schema version ${SCHEMA_VERSION} is known`));
const expiresAt = z.object({ expiresAt: int });

// A head may hold only a lease or an inbox counter: a conversation whose first turn has not committed yet.
const headSchema = z
  .object({
    schemaV: schemaVersion,
    version: int.pipe(z.number().positive()).optional(),
    latest: checkpointIdAttr.optional(),
    expiresAt: int,
    leaseToken: int.pipe(z.number().nonnegative()).optional(),
  })
  .refine((head) => (head.version === undefined) === (head.latest === undefined), {
    message: 'a head has both a version and a latest checkpoint, or neither',
  });

const stepSchema = z.object({
  schemaV: schemaVersion,
  version: int.pipe(z.number().positive()),
  wf: str.pipe(z.string().min(1)),
  ts: str,
  parent: checkpointIdAttr.optional(),
  prev: checkpointIdAttr.optional(),
  enc: z.object({ S: z.enum(['json', 'gzip']) }).transform((v) => v.S),
  size: int.pipe(z.number().nonnegative()),
  nonce: str,
  body: bin.optional(),
  parts: int.pipe(z.number().positive()).optional(),
  ext: str.optional(),
  deleted: z
    .object({ BOOL: z.boolean() })
    .transform((v) => v.BOOL)
    .optional(),
  expiresAt: int,
});

const chunkSchema = z.object({ part: bin.optional(), expiresAt: int });

function parse<T>(schema: z.ZodType<T>, item: Item, what: string): T {
  const parsed = schema.safeParse(item);
  if (parsed.success) return parsed.data;
  throw new CheckpointCorruptError(
    `The ${what} item pk=${JSON.stringify(item.pk?.S)} sk=${JSON.stringify(item.sk?.S)} is not a Baton ` +
      `record (schema version ${SCHEMA_VERSION}): ${z.prettifyError(parsed.error)}`,
  );
}

/** Epoch seconds, or undefined for items without one (never written by Baton). */
export function readExpiresAt(item: Item): number | undefined {
  const parsed = expiresAt.safeParse(item);
  return parsed.success ? parsed.data.expiresAt : undefined;
}

export interface StoredHead {
  /** `undefined` while no checkpoint was committed (the head holds only a lease or inbox counter). */
  head: HeadRecord | undefined;
  expiresAt: number;
  /** The last granted lease token (0: never granted). */
  leaseToken: number;
}

export function readHeadItem(item: Item): StoredHead {
  const head = parse(headSchema, item, 'conversation head');
  return {
    head:
      head.version === undefined || head.latest === undefined
        ? undefined
        : { version: head.version, latest: head.latest },
    expiresAt: head.expiresAt,
    leaseToken: head.leaseToken ?? 0,
  };
}

export function readStepItem(item: Item, conversationId: string, checkpointId: string): StoredStep {
  const step = parse(stepSchema, item, 'checkpoint');
  const location: PayloadLocation =
    step.parts !== undefined
      ? { kind: 'chunks', parts: step.parts }
      : step.ext !== undefined
        ? { kind: 'external', key: step.ext }
        : { kind: 'inline', bytes: step.body };
  return {
    record: {
      checkpointId,
      conversationId,
      parentCheckpointId: step.parent ?? null,
      previousCheckpointId: step.prev ?? null,
      workflowName: step.wf,
      timestamp: step.ts,
      version: step.version,
      deleted: step.deleted ?? false,
    },
    encoding: step.enc,
    size: step.size,
    location,
    expiresAt: step.expiresAt,
    nonce: step.nonce,
  };
}

export function readChunkItem(item: Item): Uint8Array | undefined {
  return parse(chunkSchema, item, 'payload chunk').part;
}
