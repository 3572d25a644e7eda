/**
 * Conversation leases: one runner per conversation at a time, across processes and hosts.
 *
 * A lease is held by an `owner` (one per process, e.g. `host:pid:random`) until `expiresAt`; the runner renews
 * it while a turn runs. Every grant carries a fencing `token` one higher than the conversation's previous
 * grant, and commits pass it as `CheckpointWrite.leaseToken`: a runner that stalled past its lease and was
 * overtaken can never overwrite what the newer holder wrote (Kleppmann's fencing tokens; see
 * shared/reference/durable-turns.md §2).
 */
import { z } from 'zod';

export interface Lease {
  conversationId: string;
  owner: string;
  /** The fencing token: strictly increasing per conversation, never reused (it survives release). */
  token: number;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export interface AcquireLeaseOptions {
  /** Who holds it: unique per process. The same owner acquiring again gets its live lease back. */
  owner: string;
  /** How long the lease lasts unless renewed. */
  ttlMs: number;
}

export interface ListInterruptedOptions {
  /** At most this many conversation ids (default: all of them). */
  limit?: number;
}

export interface LeaseStore {
  /**
   * Takes the lease if free, expired, or held by the same owner. Every new grant gets token = last token + 1
   * (the counter survives release); the same owner's live lease is extended and keeps its token, so an
   * ambiguous retry after a lost answer cannot lock its owner out. `undefined` when another owner holds a
   * live lease.
   */
  acquireLease(conversationId: string, options: AcquireLeaseOptions): Promise<Lease | undefined>;
  /**
   * Extends a held lease by `ttlMs` from now. Throws {@link LeaseLostError} when its token is no longer
   * current or it was released. An expired lease that nobody took over can still be renewed.
   */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Frees it (the token counter stays); a no-op when it was already lost or released. */
  releaseLease(lease: Lease): Promise<void>;
  /**
   * Conversations that need a runner: a lease that expired without release (its owner died mid-turn), or
   * pending inbox items and no live lease. Oldest first. Found through a sparse index, never a scan of all
   * conversations.
   */
  listInterrupted(options?: ListInterruptedOptions): Promise<string[]>;
}

export const MAX_LEASE_OWNER_LENGTH = 256;
/** A day: a turn that needs a longer lease should renew it instead. */
export const MAX_LEASE_TTL_MS = 24 * 60 * 60 * 1000;

const ownerSchema = z.string().min(1).max(MAX_LEASE_OWNER_LENGTH);
const ttlSchema = z.number().int().positive().max(MAX_LEASE_TTL_MS);

export function assertValidLeaseOwner(owner: string): void {
  if (!ownerSchema.safeParse(owner).success) {
    throw new TypeError(
      `Invalid lease owner ${JSON.stringify(owner)}: use a non-empty string of at most ` +
        `${MAX_LEASE_OWNER_LENGTH} characters that is unique per process, e.g. "host:pid:random".`,
    );
  }
}

export function assertValidLeaseTtl(ttlMs: number): void {
  if (!ttlSchema.safeParse(ttlMs).success) {
    throw new RangeError(
      `Invalid lease ttlMs=${String(ttlMs)}: use a whole number of milliseconds from 1 to ${MAX_LEASE_TTL_MS} ` +
        '(renew the lease while a long turn runs).',
    );
  }
}

export function assertValidLease(lease: Lease): void {
  assertValidLeaseOwner(lease?.owner);
  if (!Number.isSafeInteger(lease.token) || lease.token < 1) {
    throw new TypeError(
      `Invalid lease token ${String(lease.token)}: pass a lease returned by acquireLease().`,
    );
  }
}

export function assertValidListLimit(options: ListInterruptedOptions): void {
  const { limit } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
    throw new RangeError(`Invalid listInterrupted limit ${String(limit)}: use a positive whole number.`);
  }
}
