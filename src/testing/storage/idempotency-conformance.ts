/** The claim semantics every IdempotencyStore shares; run against memory and DynamoDB. */
import { describe, expect, it } from 'vitest';
import type { IdempotencyStore } from '../../store/idempotency.js';

/** `make` receives the clock the store must use (milliseconds since the epoch). */
export function describeIdempotencyStore(
  name: string,
  make: (now: () => number) => IdempotencyStore | Promise<IdempotencyStore>,
): void {
  describe(`${name}: IdempotencyStore conformance`, () => {
    let counter = 0;
    const newKey = () => {
      counter += 1;
      return `slack:event:Ev${Date.now()}${counter}`;
    };
    async function setup() {
      const clock = { now: Date.UTC(2026, 0, 1) };
      const store = await make(() => clock.now);
      const advance = (seconds: number) => {
        clock.now += seconds * 1000;
      };
      return { store, advance };
    }

    it('lets exactly one of many concurrent claimers through', async () => {
      const { store } = await setup();
      const key = newKey();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(key)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.claim(key)).toBe(false);
      expect(await store.claim(newKey())).toBe(true);
    });

    it('never hands out a completed claim again, even long after its lease', async () => {
      const { store, advance } = await setup();
      const key = newKey();
      expect(await store.claim(key, { leaseSeconds: 10 })).toBe(true);
      await store.completeClaim(key);
      advance(3600);
      expect(await store.claim(key, { leaseSeconds: 10 })).toBe(false);
    });

    it('lets a claim be taken over once its holder lease ran out without completing', async () => {
      const { store, advance } = await setup();
      const key = newKey();
      expect(await store.claim(key, { leaseSeconds: 60 })).toBe(true);
      advance(59);
      expect(await store.claim(key)).toBe(false);
      advance(2);
      expect(await store.claim(key, { leaseSeconds: 60 })).toBe(true);
      // The new holder is protected by its own lease.
      advance(30);
      expect(await store.claim(key)).toBe(false);
      await store.completeClaim(key);
      advance(120);
      expect(await store.claim(key)).toBe(false);
    });

    it('forgets claims after their TTL', async () => {
      const { store, advance } = await setup();
      const key = newKey();
      expect(await store.claim(key, { ttlSeconds: 100 })).toBe(true);
      await store.completeClaim(key);
      advance(99);
      expect(await store.claim(key)).toBe(false);
      advance(2);
      expect(await store.claim(key)).toBe(true);
    });

    it('lets a retry take a released claim at once, but never frees a completed one', async () => {
      const { store } = await setup();
      const key = newKey();
      expect(await store.claim(key, { leaseSeconds: 300 })).toBe(true);
      expect(await store.claim(key)).toBe(false);
      await store.releaseClaim(key);
      expect(await store.claim(key, { leaseSeconds: 300 })).toBe(true);
      expect(await store.claim(key)).toBe(false);
      await store.completeClaim(key);
      await store.releaseClaim(key);
      expect(await store.claim(key)).toBe(false);
      await store.releaseClaim(newKey());
    });

    it('rejects empty keys and nonsense durations', async () => {
      const { store } = await setup();
      await expect(store.claim('')).rejects.toThrow(/claim key/);
      await expect(store.claim(newKey(), { leaseSeconds: -1 })).rejects.toThrow(/leaseSeconds/);
    });
  });
}
