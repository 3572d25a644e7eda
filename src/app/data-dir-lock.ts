/**
 * One Baton per data folder: the embedded DynamoDB (LevelDB) cannot be opened twice, and a second opener
 * crashes inside dynalite instead of failing cleanly. A pid file turns that into a clear start-up error.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Folders locked by this process (a pid file cannot tell two apps of one process apart). */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  const path = join(dir, 'baton.pid');
  const busy = (pid: number) =>
    new Error(
      `Another Baton (pid ${pid}) is using BATON_DATA_DIR=${dataDir} (${dir}). Stop it, or set BATON_DATA_DIR to another folder.`,
    );
  if (heldHere.has(dir)) throw busy(process.pid);
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw busy(pid);
      // Left behind by a process that is gone (a crash, kill -9): take it over.
      await rm(path, { force: true });
    }
  }
  heldHere.add(dir);
  return {
    async release() {
      heldHere.delete(dir);
      await rm(path, { force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
