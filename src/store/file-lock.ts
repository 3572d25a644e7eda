/**
 * Per-conversation write locks for the file store.
 *
 * In one process, writers to a conversation queue on a promise chain. Across processes, the holder also owns
 * `<folder>/.lock`, created with O_EXCL: on a local filesystem at most one process can create it. The file
 * names its owner (pid, host, boot id, process start time), so a lock left by a killed process on this host
 * is taken over at once, and a live holder — even one stalled for minutes — is never overtaken: waiters
 * time out instead. Only a lock whose owner cannot be checked (another host on a network mount, or an old
 * lock format) is judged by age (`staleLockMs`). Commits also compare-and-set the head under the lock
 * (see file.ts), so even a wrongly overtaken holder cannot overwrite a newer head.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { errorCode } from './file-records.js';
import { currentProcess, processOwnerSchema, processState } from './process-liveness.js';

export interface FileLockOptions {
  /** Give up waiting for another process's lock after this long. */
  lockTimeoutMs: number;
  /** A lock whose owner cannot be checked is considered abandoned once it is older than this. */
  staleLockMs: number;
}

const lockRecordSchema = processOwnerSchema.extend({ nonce: z.string(), acquiredAt: z.string() });

export class FileLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly options: FileLockOptions) {}

  /** Runs `fn` while holding the lock file at `lockPath` (its folder is created if needed). */
  async withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(lockPath) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(lockPath, tail);
    await previous;
    try {
      const inode = await this.acquire(lockPath);
      try {
        return await fn();
      } finally {
        // Only remove our own lock: deleteConversation moves the folder away with it inside, and by then
        // another process may hold a new lock at the same path.
        const current = await stat(lockPath).catch(() => undefined);
        if (current?.ino === inode) await rm(lockPath, { force: true });
      }
    } finally {
      release();
      if (this.tails.get(lockPath) === tail) this.tails.delete(lockPath);
    }
  }

  /** Returns the lock file's inode, to recognize it at release. */
  private async acquire(lockPath: string): Promise<number> {
    const deadline = Date.now() + this.options.lockTimeoutMs;
    let holder = 'another process';
    for (let attempt = 0; ; attempt += 1) {
      try {
        const handle = await open(lockPath, 'wx');
        try {
          const record = { ...currentProcess(), nonce: randomUUID(), acquiredAt: new Date().toISOString() };
          await handle.writeFile(`${JSON.stringify(record)}\n`);
          return (await handle.stat()).ino;
        } finally {
          await handle.close();
        }
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT') {
          await mkdir(dirname(lockPath), { recursive: true });
          continue;
        }
        if (code !== 'EEXIST') throw error;
      }
      const verdict = await this.inspect(lockPath);
      if (verdict.abandoned) {
        await takeOver(lockPath, verdict.ino, verdict.text);
        continue;
      }
      holder = verdict.holder;
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${this.options.lockTimeoutMs} ms waiting for ${lockPath}, held by ${holder} writing ` +
            'the same conversation. If that process hangs, stop it; if none uses this folder, delete the file.',
        );
      }
      await sleep(Math.min(2 ** attempt, 25) * (0.5 + Math.random()));
    }
  }

  private async inspect(
    lockPath: string,
  ): Promise<{ abandoned: boolean; holder: string; ino?: number; text?: string }> {
    const [info, text] = await Promise.all([
      stat(lockPath).catch(() => undefined),
      readFile(lockPath, 'utf8').catch(() => undefined),
    ]);
    // Gone (released), or created but not yet written by its owner: look again.
    if (info === undefined || text === undefined || text.length === 0) {
      const young = info === undefined || Date.now() - info.mtimeMs <= this.options.staleLockMs;
      return { abandoned: !young, holder: 'another process', ino: info?.ino, text };
    }
    const parsed = lockRecordSchema.safeParse(safeJson(text));
    const state = parsed.success ? processState(parsed.data) : 'unknown';
    const holder = parsed.success ? `pid ${parsed.data.pid} on ${parsed.data.host}` : 'another process';
    if (state === 'dead') return { abandoned: true, holder, ino: info.ino, text };
    if (state === 'alive') return { abandoned: false, holder };
    return { abandoned: Date.now() - info.mtimeMs > this.options.staleLockMs, holder, ino: info.ino, text };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Removes an abandoned lock without ever removing a fresh one by mistake: it is moved aside (atomic), and if
 * what was moved is not the file judged abandoned (another waiter replaced it meanwhile), it is put back.
 */
async function takeOver(lockPath: string, ino: number | undefined, text: string | undefined): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const [movedInfo, movedText] = await Promise.all([
    stat(aside).catch(() => undefined),
    readFile(aside, 'utf8').catch(() => undefined),
  ]);
  if (movedInfo?.ino !== ino || movedText !== text) {
    // A live lock: restore it unless someone has already taken the path (then the head's compare-and-set
    // is what keeps the two holders from overwriting each other).
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
}
