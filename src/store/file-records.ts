/** The file store's on-disk layout and records: names, schemas, atomic writes and validated reads. */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { assertValidCheckpointId, CHECKPOINT_ID_PATTERN } from './checkpoint-id.js';
import type { HeadRecord, StepRecord } from './checkpoint-log.js';
import { CheckpointCorruptError } from './checkpoint-storage.js';
import { stepPayloadSchema } from './step-payload.js';

/*
 * <storagePath>/<conversation folder>/
 *   .head.json           version, latest checkpoint, conversation id
 *   .lock                present while a writer holds the conversation (names its owner process)
 *   .control.json        the conversation's lease and inbox (file-control.ts)
 *   <checkpointId>.json  one step: links + its messages and state
 * Checkpoint ids never contain ".", so no checkpoint file can be mistaken for the head, the lock or a temp file.
 */
export const HEAD_FILE = '.head.json';
export const LOCK_FILE = '.lock';
const STEP_FILE = /^([A-Za-z0-9_-]{1,128})\.json$/;

/** Base64url keeps the folder name reversible and filesystem-safe; very long ids fall back to a hash. */
export function conversationFolderName(conversationId: string): string {
  const encoded = Buffer.from(conversationId, 'utf8').toString('base64url');
  if (encoded.length <= 200) return encoded;
  // "~" is not in the base64url alphabet, so hashed names cannot collide with encoded ones.
  return `~${createHash('sha256').update(conversationId, 'utf8').digest('hex')}`;
}

/** Conversation folders are base64url or "~hash"; anything starting with "." is ours (trash, temp). */
export function isConversationFolderName(name: string): boolean {
  return /^(?:[A-Za-z0-9_-]+|~[0-9a-f]{64})$/.test(name);
}

export function stepFileName(checkpointId: string): string {
  // Checked here too, so no path this module builds can leave the conversation folder.
  assertValidCheckpointId(checkpointId);
  return `${checkpointId}.json`;
}

export function stepIdOfFileName(name: string): string | undefined {
  return STEP_FILE.exec(name)?.[1];
}

const SCHEMA_VERSION = 1;

const headFileSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  conversationId: z.string().min(1),
  version: z.number().int().positive(),
  latest: z.string().regex(CHECKPOINT_ID_PATTERN),
  updatedAt: z.string(),
});
export type HeadFile = z.infer<typeof headFileSchema>;

const stepFileSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  conversationId: z.string().min(1),
  checkpointId: z.string().regex(CHECKPOINT_ID_PATTERN),
  parentCheckpointId: z.string().regex(CHECKPOINT_ID_PATTERN).nullable(),
  previousCheckpointId: z.string().regex(CHECKPOINT_ID_PATTERN).nullable(),
  workflowName: z.string().min(1),
  timestamp: z.string(),
  version: z.number().int().positive(),
  deleted: z.boolean(),
  /** `null` once deleted and needed by no child. */
  payload: stepPayloadSchema.nullable(),
});
export type StepFile = z.infer<typeof stepFileSchema>;

export function headFile(conversationId: string, head: HeadRecord, updatedAt: string): HeadFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    conversationId,
    version: head.version,
    latest: head.latest,
    updatedAt,
  };
}

export function stepFile(record: StepRecord, payload: StepFile['payload']): StepFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    conversationId: record.conversationId,
    checkpointId: record.checkpointId,
    parentCheckpointId: record.parentCheckpointId,
    previousCheckpointId: record.previousCheckpointId,
    workflowName: record.workflowName,
    timestamp: record.timestamp,
    version: record.version,
    deleted: record.deleted,
    payload,
  };
}

export function stepRecordOf(file: StepFile): StepRecord {
  const { schemaVersion: _schema, payload: _payload, ...record } = file;
  return record;
}

export function readHeadFile(path: string): Promise<HeadFile | undefined> {
  return readJsonFile(path, headFileSchema, 'conversation head');
}

export function readStepFile(path: string): Promise<StepFile | undefined> {
  return readJsonFile(path, stepFileSchema, 'checkpoint');
}

/** `undefined` when the file does not exist; a corrupt or foreign file is an error that names it. */
export async function readJsonFile<T>(
  path: string,
  schema: z.ZodType<T>,
  what: string,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CheckpointCorruptError(`The ${what} file ${path} is not valid JSON (${String(error)}).`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new CheckpointCorruptError(
      `The ${what} file ${path} is not a Baton ${what} record (schema version ${SCHEMA_VERSION}): ` +
        z.prettifyError(parsed.error),
    );
  }
  return parsed.data;
}

/**
 * Readers see the old file or the new one, never a part: the data goes to a temp file in the same folder,
 * is flushed, and is renamed over the target (rename is atomic within one filesystem).
 */
export async function writeJsonFileAtomic(
  path: string,
  value: unknown,
  options: { createFolder?: boolean } = {},
): Promise<void> {
  if (options.createFolder) await mkdir(dirname(path), { recursive: true });
  const prepared = await prepareJsonFile(path, value);
  await prepared.commit();
}

export interface PreparedFile {
  /** Renames the flushed temp file over the target: one syscall, so a check just before it stays true. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The slow half of an atomic write (write + flush a temp file), so the rename can follow a last check. */
export async function prepareJsonFile(path: string, value: unknown): Promise<PreparedFile> {
  const text = `${JSON.stringify(value)}\n`;
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const abort = () => rm(temp, { force: true });
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await abort();
    throw error;
  }
  return {
    commit: async () => {
      try {
        await rename(temp, path);
      } catch (error) {
        await abort();
        throw error;
      }
    },
    abort,
  };
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Whether a path exists (any other error is one). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: unknown) => {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    },
  );
}

/** A folder's entry names; none when it does not exist. */
export async function listFolder(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}
