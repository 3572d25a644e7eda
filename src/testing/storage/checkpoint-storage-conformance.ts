/** The behaviour every CheckpointStorage backend must share; each backend's test file runs it. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createCheckpointId } from '../../store/checkpoint-id.js';
import type {
  CheckpointInfo,
  CheckpointStorage,
  CheckpointWrite,
  JsonObject,
} from '../../store/checkpoint-storage.js';
import { ConcurrentUpdateError } from '../../store/checkpoint-storage.js';
import {
  ConversationIdRequiredError,
  DuplicateCheckpointIdError,
  InvalidCheckpointIdError,
  UnknownParentCheckpointError,
} from '../../store/storage-errors.js';

export interface ConformanceOptions {
  /** The backend needs a conversation id for reads (DynamoDB): cross-conversation queries must throw. */
  partitioned?: boolean;
}

let conversationCounter = 0;

/** A fresh conversation id per test, shaped like the real ones. */
export function newConversationId(): string {
  conversationCounter += 1;
  return `slack:T1:C${conversationCounter}:${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
}

export function message(text: string, role = 'user'): JsonObject {
  return { role, content: text };
}

export function writeOf(
  conversationId: string,
  parent: Pick<CheckpointInfo, 'checkpointId' | 'version'> | null,
  messages: JsonObject[],
  overrides: Partial<CheckpointWrite> = {},
): CheckpointWrite {
  return {
    conversationId,
    workflowName: 'support',
    checkpointId: createCheckpointId(),
    parentCheckpointId: parent?.checkpointId ?? null,
    expectedVersion: parent?.version ?? 0,
    timestamp: new Date().toISOString(),
    messages,
    state: { activeAgent: 'triage', turn: parent ? parent.version + 1 : 1 },
    ...overrides,
  };
}

/** Saves `count` steps in a row, each appending two messages; returns their infos. */
export async function saveChain(
  storage: CheckpointStorage,
  conversationId: string,
  count: number,
  from: CheckpointInfo | null = null,
): Promise<CheckpointInfo[]> {
  const infos: CheckpointInfo[] = [];
  let parent = from;
  for (let i = 0; i < count; i += 1) {
    const turn = (parent?.version ?? 0) + 1;
    parent = await storage.save(
      writeOf(conversationId, parent, [message(`question ${turn}`), message(`answer ${turn}`, 'assistant')]),
    );
    infos.push(parent);
  }
  return infos;
}

function texts(messages: JsonObject[]): unknown[] {
  return messages.map((m) => m.content);
}

export function describeCheckpointStorage(
  name: string,
  makeStorage: () => CheckpointStorage | Promise<CheckpointStorage>,
  options: ConformanceOptions = {},
): void {
  describe(`${name}: CheckpointStorage conformance`, () => {
    let storage: CheckpointStorage;
    beforeEach(async () => {
      storage = await makeStorage();
    });

    it('round-trips a checkpoint with its messages, state and versions', async () => {
      const conversationId = newConversationId();
      const write = writeOf(conversationId, null, [
        message('héllo 👋'),
        { role: 'tool', result: { n: 1.5, ok: [true, null] } },
      ]);
      const info = await storage.save(write);
      expect(info).toEqual({
        checkpointId: write.checkpointId,
        parentCheckpointId: null,
        conversationId,
        workflowName: 'support',
        timestamp: write.timestamp,
        version: 1,
      });

      // Callers mutating their objects afterwards must not change what was stored.
      write.messages.push(message('sneaky'));
      write.state.activeAgent = 'mutated';

      const loaded = await storage.load(write.checkpointId, conversationId);
      expect(loaded).toEqual({
        ...info,
        messages: [message('héllo 👋'), { role: 'tool', result: { n: 1.5, ok: [true, null] } }],
        state: { activeAgent: 'triage', turn: 1 },
        conversationVersion: 1,
      });
      loaded!.messages.push(message('also sneaky'));
      expect((await storage.load(write.checkpointId, conversationId))?.messages).toHaveLength(2);
    });

    it('materializes a checkpoint from every step on its chain, in order', async () => {
      const conversationId = newConversationId();
      const infos = await saveChain(storage, conversationId, 25);

      const latest = await storage.getLatest({ conversationId });
      expect(latest?.checkpointId).toBe(infos[24]!.checkpointId);
      expect(latest?.messages).toHaveLength(50);
      expect(texts(latest!.messages).slice(0, 4)).toEqual([
        'question 1',
        'answer 1',
        'question 2',
        'answer 2',
      ]);
      expect(texts(latest!.messages).slice(-2)).toEqual(['question 25', 'answer 25']);
      expect(latest?.state).toEqual({ activeAgent: 'triage', turn: 25 });

      const middle = await storage.load(infos[9]!.checkpointId, conversationId);
      expect(middle?.messages).toHaveLength(20);
      expect(middle?.state).toEqual({ activeAgent: 'triage', turn: 10 });
      expect(middle?.version).toBe(10);
      // The version to save with next is the conversation's, whichever checkpoint was loaded.
      expect(middle?.conversationVersion).toBe(25);
    });

    it('resumes from an older checkpoint: the fork continues from it and leaves the abandoned branch out', async () => {
      const conversationId = newConversationId();
      const [a, b, c] = await saveChain(storage, conversationId, 3);

      // Continuing from B still needs the conversation's current version (3), not B's.
      const stale = writeOf(conversationId, b!, [message('fork')]);
      await expect(storage.save(stale)).rejects.toBeInstanceOf(ConcurrentUpdateError);
      const d = await storage.save({ ...stale, checkpointId: createCheckpointId(), expectedVersion: 3 });
      expect(d).toMatchObject({ parentCheckpointId: b!.checkpointId, version: 4 });

      const forked = await storage.load(d.checkpointId, conversationId);
      expect(texts(forked!.messages)).toEqual(['question 1', 'answer 1', 'question 2', 'answer 2', 'fork']);
      expect(forked?.conversationVersion).toBe(4);
      const abandoned = await storage.load(c!.checkpointId, conversationId);
      expect(texts(abandoned!.messages)).toHaveLength(6);
      expect((await storage.getLatest({ conversationId }))?.checkpointId).toBe(d.checkpointId);
      const listed = await storage.listCheckpoints({ conversationId });
      expect(listed.map((i) => [i.checkpointId, i.version])).toEqual([
        [a!.checkpointId, 1],
        [b!.checkpointId, 2],
        [c!.checkpointId, 3],
        [d.checkpointId, 4],
      ]);
    });

    it('rejects a stale expectedVersion with ConcurrentUpdateError and changes nothing', async () => {
      const conversationId = newConversationId();
      const [, second] = await saveChain(storage, conversationId, 2);
      const before = await storage.listCheckpoints({ conversationId });

      for (const expectedVersion of [0, 1, 3]) {
        const write = writeOf(conversationId, second!, [message('late')], { expectedVersion });
        const error = await storage.save(write).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrentUpdateError);
        expect(error).toMatchObject({ conversationId, expectedVersion });
        expect((error as ConcurrentUpdateError).message).toContain('Reload');
        expect(await storage.load(write.checkpointId, conversationId)).toBeUndefined();
      }
      expect(await storage.listCheckpoints({ conversationId })).toEqual(before);
      const latest = await storage.getLatest({ conversationId });
      expect(latest).toMatchObject({ checkpointId: second!.checkpointId, conversationVersion: 2 });
      expect(latest?.messages).toHaveLength(4);
    });

    it('filters getLatest and listCheckpoints by conversation and workflow', async () => {
      const one = newConversationId();
      const two = newConversationId();
      const a1 = await storage.save(writeOf(one, null, [message('a1')]));
      const a2 = await storage.save(writeOf(one, a1, [message('a2')], { workflowName: 'billing' }));
      const a3 = await storage.save(writeOf(one, a2, [message('a3')]));
      const b1 = await storage.save(writeOf(two, null, [message('b1')], { workflowName: 'billing' }));

      expect((await storage.listCheckpoints({ conversationId: one })).map((i) => i.checkpointId)).toEqual([
        a1.checkpointId,
        a2.checkpointId,
        a3.checkpointId,
      ]);
      expect(
        (await storage.listCheckpoints({ conversationId: one, workflowName: 'support' })).map(
          (i) => i.checkpointId,
        ),
      ).toEqual([a1.checkpointId, a3.checkpointId]);
      const billing = await storage.getLatest({ conversationId: one, workflowName: 'billing' });
      expect(billing?.checkpointId).toBe(a2.checkpointId);
      expect(texts(billing!.messages)).toEqual(['a1', 'a2']);
      expect((await storage.getLatest({ conversationId: two }))?.checkpointId).toBe(b1.checkpointId);
      expect(await storage.getLatest({ conversationId: two, workflowName: 'support' })).toBeUndefined();
      expect(await storage.getLatest({ conversationId: newConversationId() })).toBeUndefined();
      expect(await storage.listCheckpoints({ conversationId: newConversationId() })).toEqual([]);
      expect(await storage.load(a1.checkpointId, two)).toBeUndefined();

      if (options.partitioned) {
        await expect(storage.listCheckpoints({ workflowName: 'billing' })).rejects.toBeInstanceOf(
          ConversationIdRequiredError,
        );
        await expect(storage.getLatest()).rejects.toBeInstanceOf(ConversationIdRequiredError);
        // The seed's `storage.list_checkpoints()` with no arguments: a typed error naming what is missing.
        await expect(storage.listCheckpoints()).rejects.toMatchObject({
          code: 'BATON_CONVERSATION_ID_REQUIRED',
          message: expect.stringMatching(/listCheckpoints\(\) needs the conversation id.*conversationId/),
        });
        await expect(storage.load(a1.checkpointId)).rejects.toBeInstanceOf(ConversationIdRequiredError);
        await expect(storage.delete(a1.checkpointId)).rejects.toBeInstanceOf(ConversationIdRequiredError);
      } else {
        // The seed's `storage.list_checkpoints()` with no arguments: every conversation's checkpoints.
        expect((await storage.listCheckpoints()).map((i) => i.checkpointId)).toEqual(
          expect.arrayContaining([a1.checkpointId, a2.checkpointId, b1.checkpointId]),
        );
        const billingEverywhere = await storage.listCheckpoints({ workflowName: 'billing' });
        expect(billingEverywhere.map((i) => i.checkpointId).sort()).toEqual(
          [a2.checkpointId, b1.checkpointId].sort(),
        );
        expect((await storage.load(b1.checkpointId))?.conversationId).toBe(two);
        const all = await storage.listCheckpoints();
        expect(all.map((i) => i.checkpointId)).toEqual(
          expect.arrayContaining([a1, a2, a3, b1].map((i) => i.checkpointId)),
        );
        expect((await storage.getLatest())?.checkpointId).toBe(all.at(-1)?.checkpointId);
      }
    });

    it('deletes one checkpoint: hidden from reads, its messages kept for its children', async () => {
      const conversationId = newConversationId();
      const [a, b, c] = await saveChain(storage, conversationId, 3);

      expect(await storage.delete(b!.checkpointId, conversationId)).toBe(true);
      expect(await storage.load(b!.checkpointId, conversationId)).toBeUndefined();
      expect((await storage.listCheckpoints({ conversationId })).map((i) => i.checkpointId)).toEqual([
        a!.checkpointId,
        c!.checkpointId,
      ]);
      expect((await storage.load(c!.checkpointId, conversationId))?.messages).toHaveLength(6);
      expect(await storage.delete(b!.checkpointId, conversationId)).toBe(false);
      expect(await storage.delete(createCheckpointId(), conversationId)).toBe(false);

      // Deleting the latest: getLatest falls back to the newest remaining one, the version does not go back.
      expect(await storage.delete(c!.checkpointId, conversationId)).toBe(true);
      const latest = await storage.getLatest({ conversationId });
      expect(latest).toMatchObject({ checkpointId: a!.checkpointId, conversationVersion: 3 });
      await expect(
        storage.save(writeOf(conversationId, c!, [message('x')], { expectedVersion: 3 })),
      ).rejects.toBeInstanceOf(UnknownParentCheckpointError);
      const d = await storage.save(
        writeOf(conversationId, a!, [message('after delete')], { expectedVersion: 3 }),
      );
      expect(texts((await storage.load(d.checkpointId, conversationId))!.messages)).toEqual([
        'question 1',
        'answer 1',
        'after delete',
      ]);
    });

    it('deletes a whole conversation and lets it start over', async () => {
      const gone = newConversationId();
      const kept = newConversationId();
      const [first] = await saveChain(storage, gone, 3);
      await saveChain(storage, kept, 2);

      await storage.deleteConversation(gone);
      expect(await storage.getLatest({ conversationId: gone })).toBeUndefined();
      expect(await storage.listCheckpoints({ conversationId: gone })).toEqual([]);
      expect(await storage.load(first!.checkpointId, gone)).toBeUndefined();
      expect((await storage.getLatest({ conversationId: kept }))?.messages).toHaveLength(4);

      const restarted = await storage.save(writeOf(gone, null, [message('again')]));
      expect(restarted.version).toBe(1);
      expect(texts((await storage.getLatest({ conversationId: gone }))!.messages)).toEqual(['again']);
      await storage.deleteConversation(newConversationId());
    });

    it('rejects unsafe ids, unknown parents and reused ids with errors that say what to do', async () => {
      const conversationId = newConversationId();
      const [first] = await saveChain(storage, conversationId, 1);
      for (const bad of [
        '../escape',
        'a/b',
        'a\\b',
        'nul\0byte',
        '',
        'dot.json',
        'CK#x#P#0001',
        'x'.repeat(129),
      ]) {
        await expect(
          storage.save(writeOf(conversationId, first!, [], { checkpointId: bad })),
        ).rejects.toBeInstanceOf(InvalidCheckpointIdError);
        await expect(storage.load(bad, conversationId)).rejects.toThrow(/Invalid checkpoint id/);
        await expect(storage.delete(bad, conversationId)).rejects.toBeInstanceOf(InvalidCheckpointIdError);
      }
      const orphan = writeOf(conversationId, first!, [], { parentCheckpointId: createCheckpointId() });
      await expect(storage.save(orphan)).rejects.toBeInstanceOf(UnknownParentCheckpointError);
      await expect(
        storage.save(writeOf(conversationId, first!, [], { checkpointId: first!.checkpointId })),
      ).rejects.toBeInstanceOf(DuplicateCheckpointIdError);
      await expect(
        storage.save(writeOf(conversationId, first!, [], { timestamp: 'yesterday' })),
      ).rejects.toThrow(/ISO-8601/);
      expect((await storage.getLatest({ conversationId }))?.conversationVersion).toBe(1);
    });

    it('lets exactly one of 20 concurrent writers win each version', async () => {
      const conversationId = newConversationId();
      const [first] = await saveChain(storage, conversationId, 1);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          storage.save(writeOf(conversationId, first!, [message(`writer ${i}`)])),
        ),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(19);
      for (const reason of lost) expect(reason).toBeInstanceOf(ConcurrentUpdateError);

      const latest = await storage.getLatest({ conversationId });
      expect(latest?.conversationVersion).toBe(2);
      expect(latest?.messages).toHaveLength(3);
      expect(await storage.listCheckpoints({ conversationId })).toHaveLength(2);
    });

    it('ends with every message exactly once when 20 drivers retry on conflicts', async () => {
      const conversationId = newConversationId();
      const attempts: number[] = [];
      const driver = async (i: number): Promise<void> => {
        for (let attempt = 1; ; attempt += 1) {
          const latest = await storage.getLatest({ conversationId });
          const parent = latest
            ? { checkpointId: latest.checkpointId, version: latest.conversationVersion }
            : null;
          try {
            await storage.save(
              writeOf(conversationId, parent, [message(`driver ${i}`)], {
                state: { count: (latest?.messages.length ?? 0) + 1 },
              }),
            );
            attempts.push(attempt);
            return;
          } catch (error) {
            if (!(error instanceof ConcurrentUpdateError)) throw error;
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          }
        }
      };
      await Promise.all(Array.from({ length: 20 }, (_, i) => driver(i)));

      const latest = await storage.getLatest({ conversationId });
      expect(latest?.conversationVersion).toBe(20);
      expect(texts(latest!.messages).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `driver ${i}`).sort(),
      );
      expect(latest?.state).toEqual({ count: 20 });
      expect(attempts.some((n) => n > 1)).toBe(true);
    });
  });
}
