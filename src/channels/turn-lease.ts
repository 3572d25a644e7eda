/**
 * The conversation lease as a turn uses it: wait for it fairly (inbox order across processes), keep it renewed
 * while the turn runs, notice when it is lost (abort the turn), and release it.
 */
import type { InboxItem, TurnInbox } from '../store/inbox.js';
import type { Lease, LeaseStore } from '../store/lease.js';
import { LeaseLostError } from '../store/storage-errors.js';
import type { Logger } from './logger.js';

export type LeaseBackend = LeaseStore & TurnInbox;

export interface LeaseTiming {
  owner: string;
  ttlMs: number;
  /** Poll interval while waiting (jittered ×0.5–1.5). */
  pollMs: number;
  /** How long an older delivery may keep the lease free without being taken before it counts as orphaned. */
  orphanAfterMs: number;
  /** Give up waiting after this long. */
  waitMs: number;
}

export type Granted =
  /** The lease is ours; run the orphaned older items first, then ours (absent: it was processed already). */
  | { status: 'granted'; lease: Lease; item: InboxItem | undefined; orphans: InboxItem[] }
  | { status: 'timeout' };

/**
 * Waits until this delivery may run: the lease is ours and no older pending delivery of another waiter is
 * ahead of it. An older delivery whose waiter seems gone (the lease stays free for `orphanAfterMs` and nobody
 * takes it) is handed back as an orphan to run first, so a dead waiter never blocks the conversation.
 */
export async function waitForTurn(
  backend: LeaseBackend,
  conversationId: string,
  deliveryId: string,
  timing: LeaseTiming,
  localWaiters: ReadonlySet<string>,
): Promise<Granted> {
  const deadline = Date.now() + timing.waitMs;
  let yieldingSince: number | undefined;
  while (true) {
    const lease = await withRetries(() =>
      backend.acquireLease(conversationId, { owner: timing.owner, ttlMs: timing.ttlMs }),
    );
    if (lease) {
      let released = false;
      try {
        const pending = await withRetries(() => backend.listInbound(conversationId));
        const item = pending.find((i) => i.deliveryId === deliveryId);
        const earlier = item
          ? pending.filter((i) => i.seq < item.seq && !localWaiters.has(i.deliveryId))
          : [];
        if (earlier.length === 0) return { status: 'granted', lease, item, orphans: [] };
        yieldingSince ??= Date.now();
        if (Date.now() - yieldingSince >= timing.orphanAfterMs) {
          return { status: 'granted', lease, item, orphans: earlier };
        }
        // Someone else's older delivery goes first: let its waiter take the lease.
        released = true;
        await backend.releaseLease(lease).catch(() => {});
      } catch (error) {
        if (!released) await backend.releaseLease(lease).catch(() => {});
        throw error;
      }
    } else {
      // Held by a live runner: progress is being made, so older deliveries are not orphaned.
      yieldingSince = undefined;
    }
    if (Date.now() >= deadline) return { status: 'timeout' };
    await sleep(timing.pollMs * (0.5 + Math.random()));
  }
}

/** Keeps a granted lease alive while a turn runs; `signal` aborts when it is lost. */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly backend: LeaseBackend,
    private current: Lease,
    private readonly ttlMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(
      () => {
        this.renewing = this.renew();
      },
      Math.max(1, Math.floor(ttlMs / 3)),
    );
    this.timer.unref();
  }

  get lease(): Lease {
    return this.current;
  }
  get token(): number {
    return this.current.token;
  }
  /** Aborted (with the {@link LeaseLostError} as reason) once another runner took the conversation over. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  get lost(): boolean {
    return this.controller.signal.aborted;
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    try {
      this.current = await this.backend.renewLease(this.current, this.ttlMs);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.log.warn({ token: this.current.token }, 'lease lost mid-turn: another runner took over');
        this.controller.abort(error);
      } else {
        // A transient store error: the next renewal tries again; fencing keeps a lapsed lease safe.
        this.log.warn({ err: errorFields(error) }, 'lease renewal failed; retrying');
      }
    }
  }

  /** Stops renewing and frees the lease (best effort: it expires by itself otherwise). */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    await this.backend.releaseLease(this.current).catch((error: unknown) => {
      this.log.warn({ err: errorFields(error) }, 'lease release failed; it will expire');
    });
  }
}

/** Store calls on the turn path are retried a few times (throttling, dropped connections) before failing. */
export async function withRetries<T>(call: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      await sleep(25 * 4 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

/** Contract errors (fencing, bad input) are answers, not faults: never retried. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  return !(
    error instanceof LeaseLostError ||
    error instanceof TypeError ||
    error instanceof RangeError ||
    error.name === 'UnknownDeliveryError'
  );
}

export function errorFields(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The storage's leases and inbox, when it has them (memory, file and DynamoDB do). */
export function leaseBackendOf(storage: unknown): LeaseBackend | undefined {
  const s = storage as Partial<LeaseBackend> | undefined;
  return s &&
    typeof s.acquireLease === 'function' &&
    typeof s.putInbound === 'function' &&
    typeof s.completeInbound === 'function' &&
    typeof s.listInterrupted === 'function'
    ? (s as LeaseBackend)
    : undefined;
}

export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs a channel hook; its failure never fails the turn (the state is safe in the store). */
export async function safely(call: () => unknown): Promise<void> {
  try {
    await call();
  } catch {
    // A channel hook failing must not fail the turn: the state is safe in the store.
  }
}
