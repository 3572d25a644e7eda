/**
 * Whether the process that left a lock behind is still running, so a lock of a killed process is taken over
 * at once instead of after a timeout. A pid alone can be reused, so the owner also records its host, the
 * machine's boot id and its own start time (Linux /proc); whatever cannot be checked is reported unknown
 * and the caller falls back to the lock's age.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

export const processOwnerSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  /** /proc/sys/kernel/random/boot_id, when readable. */
  bootId: z.string().optional(),
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot), when readable. */
  startTicks: z.string().optional(),
});
export type ProcessOwner = z.infer<typeof processOwnerSchema>;

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function startTicksOf(pid: number): string | undefined {
  const stat = readTrimmed(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ")".
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields?.[19];
}

let self: ProcessOwner | undefined;

/** This process, as recorded in the locks it takes. */
export function currentProcess(): ProcessOwner {
  self ??= {
    pid: process.pid,
    host: hostname(),
    ...optional('bootId', readTrimmed('/proc/sys/kernel/random/boot_id')),
    ...optional('startTicks', startTicksOf(process.pid)),
  };
  return self;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/** 'dead' only when certain; 'unknown' for another host (a network filesystem) or an unverifiable record. */
export function processState(owner: ProcessOwner): 'alive' | 'dead' | 'unknown' {
  const here = currentProcess();
  if (owner.host !== here.host) return 'unknown';
  // The machine rebooted since: every process of that boot is gone.
  if (owner.bootId !== undefined && here.bootId !== undefined && owner.bootId !== here.bootId) return 'dead';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  if (owner.startTicks !== undefined) {
    const ticks = startTicksOf(owner.pid);
    // The pid was reused by a process that started later.
    if (ticks !== undefined && ticks !== owner.startTicks) return 'dead';
  }
  return 'alive';
}
