/**
 * The file store's leases and inbox: one `.control.json` per conversation folder (the lease, the inbox
 * counter, pending deliveries and tombstones), changed only under the conversation's write lock, and a
 * sparse index folder `<storagePath>/.interrupted/` with one small file per conversation that has a lease
 * out or items waiting, so a sweep reads only those.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ConversationControl } from './conversation-control.js';
import { dueAt, emptyControl, pruneTombstones } from './conversation-control.js';
import type { FileLocks } from './file-lock.js';
import {
  conversationFolderName,
  errorCode,
  LOCK_FILE,
  readJsonFile,
  writeJsonFileAtomic,
} from './file-records.js';
import { jsonObjectSchema } from './step-payload.js';

export const CONTROL_FILE = '.control.json';
/** Starts with ".": never read as a conversation folder. */
const INDEX_FOLDER = '.interrupted';

const controlSchema = z.object({
  schemaVersion: z.literal(1),
  conversationId: z.string().min(1),
  lease: z.object({
    token: z.number().int().nonnegative(),
    owner: z.string().min(1).optional(),
    expiresAt: z.number(),
  }),
  seq: z.number().int().nonnegative(),
  deliveries: z.record(
    z.string(),
    z.object({
      item: z.object({
        deliveryId: z.string(),
        seq: z.number().int().positive(),
        acceptedAt: z.string(),
        payload: jsonObjectSchema,
      }),
      doneAt: z.number().optional(),
    }),
  ),
});

const indexEntrySchema = z.object({ conversationId: z.string().min(1) });

export interface FileControlsOptions {
  storagePath: string;
  locks: FileLocks;
  now: () => number;
  tombstoneMs: number;
}

export class FileControls {
  constructor(private readonly options: FileControlsOptions) {}

  folderOf(conversationId: string): string {
    return join(this.options.storagePath, conversationFolderName(conversationId));
  }

  /** The conversation's control record as stored (read it under the lock to act on it). */
  async read(conversationId: string): Promise<ConversationControl | undefined> {
    const file = await readJsonFile(
      join(this.folderOf(conversationId), CONTROL_FILE),
      controlSchema,
      'control',
    );
    if (file === undefined) return undefined;
    const { schemaVersion: _v, conversationId: _id, ...control } = file;
    return control;
  }

  /** Applies a transition under the conversation's lock and persists it with its index entry. */
  async update<T>(conversationId: string, change: (control: ConversationControl) => T): Promise<T> {
    const folder = this.folderOf(conversationId);
    return this.options.locks.withLock(join(folder, LOCK_FILE), async () => {
      const control = (await this.read(conversationId)) ?? emptyControl();
      const wasDue = dueAt(control) !== undefined;
      const result = change(control);
      pruneTombstones(control, this.options.now(), this.options.tombstoneMs);
      const isDue = dueAt(control) !== undefined;
      // Index entry first when it becomes findable, removed last when it stops being: a crash in between
      // leaves at worst an entry the sweep checks and skips, never a conversation it cannot find.
      if (isDue && !wasDue) await this.writeEntry(conversationId);
      await writeJsonFileAtomic(join(folder, CONTROL_FILE), { schemaVersion: 1, conversationId, ...control });
      if (!isDue) await this.removeEntry(conversationId);
      return result;
    });
  }

  async listInterrupted(limit: number | undefined): Promise<string[]> {
    const now = this.options.now();
    const folder = join(this.options.storagePath, INDEX_FOLDER);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const due: Array<{ id: string; at: number }> = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const entry = await readJsonFile(join(folder, name), indexEntrySchema, 'interrupted index').catch(
        () => undefined,
      );
      if (entry === undefined) continue;
      const control = await this.read(entry.conversationId);
      const at = control && dueAt(control);
      if (at !== undefined && at <= now) due.push({ id: entry.conversationId, at });
    }
    due.sort((a, b) => a.at - b.at);
    return due.slice(0, limit).map(({ id }) => id);
  }

  /** Drops the index entry of a conversation that is being deleted (call under its lock). */
  async removeEntry(conversationId: string): Promise<void> {
    await rm(this.entryPath(conversationId), { force: true });
  }

  private async writeEntry(conversationId: string): Promise<void> {
    await writeJsonFileAtomic(this.entryPath(conversationId), { conversationId }, { createFolder: true });
  }

  private entryPath(conversationId: string): string {
    return join(this.options.storagePath, INDEX_FOLDER, `${conversationFolderName(conversationId)}.json`);
  }
}
