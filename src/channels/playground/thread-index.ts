/**
 * The playground's thread list, kept in a small JSON file (e.g. `.data/playground-threads.json`) so it
 * survives restarts. Messages are never stored here: they come from the checkpoint store. What is stored is
 * what a chat platform would keep besides the messages: titles and the markers shown between messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { ThreadSummary } from './view-types.js';

const MarkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('handoff'), from: z.string(), to: z.string(), reason: z.string().optional() }),
  z.object({
    kind: z.literal('decision'),
    tool: z.string(),
    args: z.record(z.string(), z.unknown()),
    approved: z.boolean(),
    by: z.string(),
  }),
  z.object({ kind: z.literal('notice'), level: z.enum(['error', 'warning']), text: z.string() }),
  z.object({ kind: z.literal('ended') }),
]);

const PlacedMarkSchema = z.object({ after: z.string().nullable(), mark: MarkSchema });
export type PlacedMark = z.infer<typeof PlacedMarkSchema>;

const ThreadRecordSchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  marks: z.array(PlacedMarkSchema),
});
type ThreadRecord = z.infer<typeof ThreadRecordSchema>;

const IndexFileSchema = z.object({ schemaVersion: z.literal(1), threads: z.array(ThreadRecordSchema) });

export const THREAD_ID_PATTERN = /^t[a-z0-9]{12}$/;

export class ThreadIndex {
  private threads: ThreadRecord[] = [];
  /** Writes run one after another: the file always holds a complete, recent list. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string) {}

  /** Reads the file if it exists; a corrupt file is an error (never silently replaced by an empty list). */
  static async open(path: string): Promise<ThreadIndex> {
    const index = new ThreadIndex(path);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const parsed = IndexFileSchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        throw new Error(
          `The playground thread list ${path} is not valid (${parsed.error.message}). Move it away to start a new list.`,
        );
      }
      index.threads = parsed.data.threads;
    }
    return index;
  }

  /** Newest activity first; threads active in the same millisecond: the newer thread first. */
  list(): ThreadSummary[] {
    return this.threads
      .map((t, i) => ({ t, i }))
      .sort((a, b) => b.t.updatedAt.localeCompare(a.t.updatedAt) || b.i - a.i)
      .map(({ t }) => summary(t));
  }

  get(id: string): (ThreadSummary & { marks: readonly PlacedMark[] }) | undefined {
    const t = this.threads.find((x) => x.id === id);
    return t ? { ...summary(t), marks: t.marks } : undefined;
  }

  async create(): Promise<ThreadSummary> {
    const now = new Date().toISOString();
    const record: ThreadRecord = {
      id: newThreadId(),
      title: 'New conversation',
      createdAt: now,
      updatedAt: now,
      marks: [],
    };
    this.threads.push(record);
    await this.save();
    return summary(record);
  }

  /** Records activity: a title from the first message, and markers placed after a message id. */
  async update(
    id: string,
    change: { title?: string; marks?: readonly PlacedMark[] },
  ): Promise<ThreadSummary | undefined> {
    const t = this.threads.find((x) => x.id === id);
    if (!t) return undefined;
    if (change.title !== undefined && t.title === 'New conversation') t.title = change.title;
    if (change.marks) t.marks.push(...change.marks);
    t.updatedAt = new Date().toISOString();
    await this.save();
    return summary(t);
  }

  /** Resolves when every pending write has reached the disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): Promise<void> {
    const body = `${JSON.stringify({ schemaVersion: 1, threads: this.threads }, null, 2)}\n`;
    const write = async () => {
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.tmp`;
      await writeFile(tmp, body, 'utf8');
      await rename(tmp, this.path);
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}

function summary(t: ThreadRecord): ThreadSummary {
  return { id: t.id, title: t.title, createdAt: t.createdAt, updatedAt: t.updatedAt };
}

function newThreadId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `t${[...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}
