/**
 * Per-conversation write locks for the file store.
 *
 * In one process, writers to a conversation queue on a promise chain. Across processes, the holder also owns
 * `<folder>/.lock`, created with O_EXCL: on a local filesystem at most one process can create it, so writers
 * in several processes are serialized too. The one gap is a crashed holder: its lock file stays behind, and a
 * lock older than `staleLockMs` is assumed abandoned and removed. Writes hold the lock for milliseconds, so a
 * live holder is only overtaken if it stalls for longer than that (or on filesystems without O_EXCL, such as
 * some network mounts).
 */
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from './file-records.js';

export interface FileLockOptions {
  /** Give up waiting for another process's lock after this long. */
  lockTimeoutMs: number;
  /** A lock file older than this is considered left behind by a crashed process. */
  staleLockMs: number;
}

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
    for (let attempt = 0; ; attempt += 1) {
      try {
        const handle = await open(lockPath, 'wx');
        try {
          await handle.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
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
      const held = await stat(lockPath).catch(() => undefined);
      if (held !== undefined && Date.now() - held.mtimeMs > this.options.staleLockMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${this.options.lockTimeoutMs} ms waiting for ${lockPath}, held by another ` +
            'process writing the same conversation. If no other process uses this storage folder, delete the file.',
        );
      }
      await sleep(Math.min(2 ** attempt, 25) * (0.5 + Math.random()));
    }
  }
}
