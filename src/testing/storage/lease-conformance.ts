/** The lease, inbox and fencing behaviour every backend shares; run against memory, file and DynamoDB. */
import { describe, expect, it } from 'vitest';
import type { CheckpointStorage } from '../../store/checkpoint-storage.js';
import { ConcurrentUpdateError } from '../../store/checkpoint-storage.js';
import type { TurnInbox } from '../../store/inbox.js';
import type { LeaseStore } from '../../store/lease.js';
import { LeaseLostError, UnknownDeliveryError } from '../../store/storage-errors.js';
import { message, newConversationId, saveChain, writeOf } from './checkpoint-storage-conformance.js';

export type DurableStore = CheckpointStorage & LeaseStore & TurnInbox;

/** `make` gets the clock the store must use and returns a store with no conversations in it yet. */
export function describeLeaseStore(
  name: string,
  make: (now: () => number) => DurableStore | Promise<DurableStore>,
): void {
  describe(`${name}: leases, inbox and fencing`, () => {
    async function setup() {
      const clock = { now: Date.UTC(2026, 0, 1, 12) };
      const store = await make(() => clock.now);
      const advance = (ms: number) => {
        clock.now += ms;
      };
      return { store, advance, clock };
    }
    const TTL = 30_000;

    it('lets exactly one of many concurrent acquirers win, with tokens that only go up', async () => {
      const { store } = await setup();
      const id = newConversationId();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.acquireLease(id, { owner: `proc-${i}`, ttlMs: TTL })),
      );
      const won = results.filter((lease) => lease !== undefined);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ conversationId: id, token: 1 });

      const tokens = [won[0]!.token];
      let holder = won[0]!;
      for (let round = 0; round < 3; round += 1) {
        await store.releaseLease(holder);
        const next = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.acquireLease(id, { owner: `round${round}-${i}`, ttlMs: TTL }),
          ),
        );
        const winners = next.filter((lease) => lease !== undefined);
        expect(winners).toHaveLength(1);
        holder = winners[0]!;
        tokens.push(holder.token);
      }
      expect(tokens).toEqual([1, 2, 3, 4]);
    });

    it('gives the same owner its live lease back (same token) and refuses other owners', async () => {
      const { store, advance, clock } = await setup();
      const id = newConversationId();
      const first = await store.acquireLease(id, { owner: 'a', ttlMs: TTL });
      expect(first).toEqual({ conversationId: id, owner: 'a', token: 1, expiresAt: clock.now + TTL });
      advance(10_000);
      const again = await store.acquireLease(id, { owner: 'a', ttlMs: TTL });
      expect(again).toEqual({ conversationId: id, owner: 'a', token: 1, expiresAt: clock.now + TTL });
      expect(await store.acquireLease(id, { owner: 'b', ttlMs: TTL })).toBeUndefined();
      // Another conversation is independent.
      expect(await store.acquireLease(newConversationId(), { owner: 'b', ttlMs: TTL })).toMatchObject({
        token: 1,
      });
    });

    it('renews a held lease and lets a lapsed one be taken over with token + 1', async () => {
      const { store, advance, clock } = await setup();
      const id = newConversationId();
      const a = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      advance(TTL - 1);
      const renewed = await store.renewLease(a, TTL);
      expect(renewed).toEqual({ ...a, expiresAt: clock.now + TTL });
      advance(TTL - 1);
      expect(await store.acquireLease(id, { owner: 'b', ttlMs: TTL })).toBeUndefined();
      advance(2);
      const b = await store.acquireLease(id, { owner: 'b', ttlMs: TTL });
      expect(b).toMatchObject({ owner: 'b', token: 2 });
      const lost = await store.renewLease(renewed, TTL).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(LeaseLostError);
      expect(lost).toMatchObject({ conversationId: id, token: 1, currentToken: 2 });
      // A's release must not free B's lease.
      await store.releaseLease(renewed);
      expect(await store.acquireLease(id, { owner: 'c', ttlMs: TTL })).toBeUndefined();
    });

    it('still accepts an expired lease that nobody took over (no newer token exists)', async () => {
      const { store, advance } = await setup();
      const id = newConversationId();
      const a = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      advance(TTL * 3);
      const saved = await store.save(
        writeOf(id, null, [message('late but current')], { leaseToken: a.token }),
      );
      expect(saved.version).toBe(1);
      expect((await store.renewLease(a, TTL)).token).toBe(1);
    });

    it('rejects an overtaken runner: its save and completeInbound throw LeaseLostError and change nothing', async () => {
      const { store, advance } = await setup();
      const id = newConversationId();
      const stale = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      await store.putInbound(id, 'Ev1', { text: 'refund my order' });
      const first = await store.save(writeOf(id, null, [message('q1')], { leaseToken: stale.token }));
      advance(TTL + 1);
      const fresh = (await store.acquireLease(id, { owner: 'b', ttlMs: TTL }))!;
      expect(fresh.token).toBe(2);
      const second = await store.save(writeOf(id, first, [message('q1 by b')], { leaseToken: fresh.token }));

      const save = await store
        .save(writeOf(id, second, [message('ghost')], { leaseToken: stale.token }))
        .catch((e: unknown) => e);
      expect(save).toBeInstanceOf(LeaseLostError);
      expect(save).toMatchObject({ conversationId: id, token: 1, currentToken: 2 });
      // Even with a stale version as well, the lease loss is what the runner is told.
      const both = await store
        .save(writeOf(id, first, [message('ghost 2')], { leaseToken: stale.token }))
        .catch((e: unknown) => e);
      expect(both).toBeInstanceOf(LeaseLostError);
      const complete = await store.completeInbound(id, 'Ev1', stale.token).catch((e: unknown) => e);
      expect(complete).toBeInstanceOf(LeaseLostError);

      const latest = await store.getLatest({ conversationId: id });
      expect(latest?.conversationVersion).toBe(2);
      expect(latest?.messages.map((m) => m.content)).toEqual(['q1', 'q1 by b']);
      expect((await store.listInbound(id)).map((item) => item.deliveryId)).toEqual(['Ev1']);
      // The new holder's writes go through; a version race is still a ConcurrentUpdateError.
      await store.completeInbound(id, 'Ev1', fresh.token);
      await expect(
        store.save(writeOf(id, first, [message('old parent')], { leaseToken: fresh.token })),
      ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it('fences saves on a conversation that never had a lease, and leaves unfenced saves alone', async () => {
      const { store } = await setup();
      const id = newConversationId();
      await expect(store.save(writeOf(id, null, [message('x')], { leaseToken: 1 }))).rejects.toMatchObject({
        name: 'LeaseLostError',
        currentToken: undefined,
      });
      const [first] = await saveChain(store, id, 1);
      const lease = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      // Writers that do not pass a token are checked by version only (older callers, tools, tests).
      const second = await store.save(writeOf(id, first!, [message('unfenced')]));
      expect(second.version).toBe(2);
      expect(lease.token).toBe(1);
    });

    it('keeps the token counter across release and refuses renewing a released lease', async () => {
      const { store } = await setup();
      const id = newConversationId();
      const first = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      await store.releaseLease(first);
      await store.releaseLease(first);
      await expect(store.renewLease(first, TTL)).rejects.toBeInstanceOf(LeaseLostError);
      const again = await store.acquireLease(id, { owner: 'a', ttlMs: TTL });
      expect(again?.token).toBe(2);
      await expect(
        store.save(writeOf(id, null, [message('old token')], { leaseToken: first.token })),
      ).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('dedupes deliveries and lists pending items in arrival order', async () => {
      const { store } = await setup();
      const id = newConversationId();
      const a = await store.putInbound(id, 'EvA', { text: 'first', n: 1 });
      const b = await store.putInbound(id, 'EvB', { text: 'second' });
      const c = await store.putInbound(id, 'EvC', { text: 'third', nested: { ok: [true, null] } });
      expect(a).toMatchObject({ status: 'accepted', done: false, item: { deliveryId: 'EvA' } });
      expect(a.item.payload).toEqual({ text: 'first', n: 1 });
      expect(Date.parse(a.item.acceptedAt)).not.toBeNaN();
      expect(a.item.seq).toBeLessThan(b.item.seq);
      expect(b.item.seq).toBeLessThan(c.item.seq);

      const again = await store.putInbound(id, 'EvA', { text: 'first', n: 1 });
      expect(again).toEqual({ status: 'duplicate', item: a.item, done: false });
      expect((await store.listInbound(id)).map((item) => item.deliveryId)).toEqual(['EvA', 'EvB', 'EvC']);
      expect((await store.listInbound(id))[2]?.payload).toEqual({
        text: 'third',
        nested: { ok: [true, null] },
      });

      const lease = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      await store.completeInbound(id, 'EvB', lease.token);
      await store.completeInbound(id, 'EvB', lease.token);
      expect((await store.listInbound(id)).map((item) => item.deliveryId)).toEqual(['EvA', 'EvC']);
      expect(await store.putInbound(id, 'EvB', { text: 'second' })).toMatchObject({
        status: 'duplicate',
        done: true,
        item: { deliveryId: 'EvB', seq: b.item.seq },
      });
      const d = await store.putInbound(id, 'EvD', { text: 'fourth' });
      expect(d.item.seq).toBeGreaterThan(c.item.seq);
      expect(await store.listInbound(newConversationId())).toEqual([]);
      await expect(store.completeInbound(id, 'EvNever', lease.token)).rejects.toBeInstanceOf(
        UnknownDeliveryError,
      );
    });

    it('accepts one of many concurrent puts of the same delivery, and every distinct one', async () => {
      const { store } = await setup();
      const id = newConversationId();
      const same = await Promise.all(
        Array.from({ length: 8 }, () => store.putInbound(id, 'EvSame', { n: 1 })),
      );
      expect(same.filter((r) => r.status === 'accepted')).toHaveLength(1);
      expect(new Set(same.map((r) => r.item.seq)).size).toBe(1);
      const distinct = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.putInbound(id, `Ev${i}`, { n: i })),
      );
      expect(distinct.every((r) => r.status === 'accepted')).toBe(true);
      expect(new Set(distinct.map((r) => r.item.seq)).size).toBe(8);
      const pending = await store.listInbound(id);
      expect(pending).toHaveLength(9);
      expect(pending.map((item) => item.seq)).toEqual(
        [...pending.map((item) => item.seq)].sort((x, y) => x - y),
      );
    });

    it('lists exactly the interrupted conversations: lapsed leases and unowned pending items', async () => {
      const { store, advance } = await setup();
      const [lapsed, pendingFree, pendingOwned, finished, idle, released] = Array.from(
        { length: 6 },
        newConversationId,
      );
      expect(await store.listInterrupted()).toEqual([]);

      await store.acquireLease(lapsed!, { owner: 'dead', ttlMs: 1_000 });
      await store.putInbound(pendingFree!, 'Ev1', { text: 'nobody runs me' });
      await store.acquireLease(pendingOwned!, { owner: 'alive', ttlMs: 60_000 });
      await store.putInbound(pendingOwned!, 'Ev2', { text: 'being handled' });
      const done = (await store.acquireLease(finished!, { owner: 'ok', ttlMs: 60_000 }))!;
      await store.putInbound(finished!, 'Ev3', { text: 'handled' });
      await store.completeInbound(finished!, 'Ev3', done.token);
      await store.releaseLease(done);
      await saveChain(store, idle!, 2);
      const gone = (await store.acquireLease(released!, { owner: 'ok', ttlMs: 1_000 }))!;
      await store.releaseLease(gone);

      expect(await store.listInterrupted()).toEqual([pendingFree]);
      advance(1_001);
      expect((await store.listInterrupted()).sort()).toEqual([lapsed, pendingFree].sort());
      expect(await store.listInterrupted({ limit: 1 })).toHaveLength(1);
      advance(60_000);
      expect((await store.listInterrupted()).sort()).toEqual([lapsed, pendingFree, pendingOwned].sort());

      // Resuming takes them off the list once their work is done and the lease released.
      for (const id of [lapsed!, pendingFree!, pendingOwned!]) {
        const lease = (await store.acquireLease(id, { owner: 'sweeper', ttlMs: 60_000 }))!;
        expect(await store.listInterrupted()).not.toContain(id);
        for (const item of await store.listInbound(id))
          await store.completeInbound(id, item.deliveryId, lease.token);
        await store.releaseLease(lease);
      }
      expect(await store.listInterrupted()).toEqual([]);
      // A delivery arriving after release makes it visible again, at once.
      await store.putInbound(lapsed!, 'Ev4', { text: 'again' });
      expect(await store.listInterrupted()).toEqual([lapsed]);
    });

    it('keeps pending items listed when the lease is released before they are done', async () => {
      const { store } = await setup();
      const id = newConversationId();
      const lease = (await store.acquireLease(id, { owner: 'a', ttlMs: TTL }))!;
      await store.putInbound(id, 'Ev1', { text: 'x' });
      await store.putInbound(id, 'Ev2', { text: 'y' });
      await store.completeInbound(id, 'Ev1', lease.token);
      await store.releaseLease(lease);
      expect(await store.listInterrupted()).toEqual([id]);
      expect((await store.listInbound(id)).map((item) => item.deliveryId)).toEqual(['Ev2']);
    });

    it('forgets the lease and inbox of a deleted conversation', async () => {
      const { store } = await setup();
      const id = newConversationId();
      await saveChain(store, id, 1);
      await store.putInbound(id, 'Ev1', { text: 'x' });
      expect(await store.listInterrupted()).toEqual([id]);
      await store.deleteConversation(id);
      expect(await store.listInterrupted()).toEqual([]);
      expect(await store.listInbound(id)).toEqual([]);
      expect((await store.putInbound(id, 'Ev1', { text: 'x' })).status).toBe('accepted');
    });

    it('rejects bad owners, durations and delivery ids with errors that say what to do', async () => {
      const { store } = await setup();
      const id = newConversationId();
      await expect(store.acquireLease(id, { owner: '', ttlMs: TTL })).rejects.toThrow(/lease owner/);
      await expect(store.acquireLease(id, { owner: 'a', ttlMs: 0 })).rejects.toThrow(/ttlMs/);
      await expect(store.acquireLease(id, { owner: 'a', ttlMs: 1.5 })).rejects.toThrow(/ttlMs/);
      await expect(store.acquireLease('', { owner: 'a', ttlMs: TTL })).rejects.toThrow(/conversation id/);
      await expect(store.putInbound(id, '', { text: 'x' })).rejects.toThrow(/delivery id/);
      await expect(store.putInbound(id, 'Ev', { big: 'x'.repeat(200_000) })).rejects.toThrow(/bytes/);
      await expect(store.listInterrupted({ limit: 0 })).rejects.toThrow(/limit/);
      await expect(store.save(writeOf(id, null, [], { leaseToken: 0 }))).rejects.toThrow(/leaseToken/);
    });
  });
}
