/**
 * Idempotency claims: "has anyone already started (or finished) handling this event?". Chat channels claim a
 * Slack `event_id` or a button click before acting so retries and double clicks run once.
 */

export interface ClaimOptions {
  /**
   * How long the claimer may work before others may take the claim over, assuming it crashed
   * (default {@link DEFAULT_CLAIM_LEASE_SECONDS}).
   */
  leaseSeconds?: number;
  /** How long the record is kept at all (default: the store's claim TTL, usually 24 h). */
  ttlSeconds?: number;
}

export interface IdempotencyStore {
  /**
   * `true` for the first claimer (go ahead), `false` for a duplicate: the claim is held by someone else whose
   * lease has not run out, or the work is done. A claim whose holder's lease ran out without completing is
   * taken over (`true`).
   */
  claim(key: string, options?: ClaimOptions): Promise<boolean>;
  /** Marks the work done: the key can never be claimed again (until its record expires). */
  completeClaim(key: string): Promise<void>;
  /**
   * Frees an in-progress claim so the next `claim` (a retry of the same delivery) gets it at once instead of
   * after the lease: for work that failed before it had any effect (e.g. the enqueue failed). A completed
   * claim stays completed; an unknown key is a no-op.
   */
  releaseClaim(key: string): Promise<void>;
}

export const DEFAULT_CLAIM_LEASE_SECONDS = 300;
export const DEFAULT_CLAIM_TTL_SECONDS = 24 * 60 * 60;

/** Claim keys become DynamoDB partition keys: keep them short and non-empty. */
export function assertValidClaimKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new TypeError(
      `Invalid claim key ${JSON.stringify(key)}: use a non-empty string of at most 1024 characters, ` +
        'e.g. "slack:event:Ev0123".',
    );
  }
}

export function assertValidClaimOptions(options: ClaimOptions): void {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(
        `Invalid claim option ${name}=${String(value)}: use a positive number of seconds.`,
      );
    }
  }
}

export interface InMemoryIdempotencyStoreOptions {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  claimTtlSeconds?: number;
}

interface ClaimRecord {
  done: boolean;
  leaseUntil: number;
  expiresAt: number;
}

/** Same semantics as the DynamoDB claims, in process memory (tests, the local server without DynamoDB). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly claims = new Map<string, ClaimRecord>();
  private readonly now: () => number;
  private readonly claimTtlSeconds: number;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.claimTtlSeconds = options.claimTtlSeconds ?? DEFAULT_CLAIM_TTL_SECONDS;
    assertValidClaimOptions({ ttlSeconds: this.claimTtlSeconds });
  }

  async claim(key: string, options: ClaimOptions = {}): Promise<boolean> {
    assertValidClaimKey(key);
    assertValidClaimOptions(options);
    const now = this.now();
    const existing = this.claims.get(key);
    const free =
      existing === undefined || existing.expiresAt <= now || (!existing.done && existing.leaseUntil <= now);
    if (!free) return false;
    this.claims.set(key, {
      done: false,
      leaseUntil: now + (options.leaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS) * 1000,
      expiresAt: now + (options.ttlSeconds ?? this.claimTtlSeconds) * 1000,
    });
    return true;
  }

  async releaseClaim(key: string): Promise<void> {
    assertValidClaimKey(key);
    const existing = this.claims.get(key);
    if (existing !== undefined && !existing.done) this.claims.delete(key);
  }

  async completeClaim(key: string): Promise<void> {
    assertValidClaimKey(key);
    const now = this.now();
    const existing = this.claims.get(key);
    this.claims.set(key, {
      done: true,
      leaseUntil: 0,
      expiresAt: existing?.expiresAt ?? now + this.claimTtlSeconds * 1000,
    });
  }
}
