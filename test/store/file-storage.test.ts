import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpointId } from '../../src/store/checkpoint-id.js';
import { CheckpointCorruptError, ConcurrentUpdateError } from '../../src/store/checkpoint-storage.js';
import { FileCheckpointStorage } from '../../src/store/file.js';
import { InvalidCheckpointIdError } from '../../src/store/storage-errors.js';
import {
  describeCheckpointStorage,
  message,
  newConversationId,
  saveChain,
  writeOf,
} from '../../src/testing/storage/checkpoint-storage-conformance.js';
import { describeLeaseStore } from '../../src/testing/storage/lease-conformance.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'baton-file-store-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let storeCounter = 0;
async function freshFolder(): Promise<string> {
  storeCounter += 1;
  return join(root, `store-${storeCounter}`);
}

/** Every file under `folder`, relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(folder, join(e.parentPath, e.name)));
}

describeCheckpointStorage(
  'FileCheckpointStorage',
  async () => new FileCheckpointStorage({ storagePath: await freshFolder() }),
);

describeLeaseStore(
  'FileCheckpointStorage',
  async (now) => new FileCheckpointStorage({ storagePath: await freshFolder(), now }),
);

describe('FileCheckpointStorage on disk', () => {
  it('keeps every file inside the storage folder, whatever the ids look like', async () => {
    const outer = await freshFolder();
    const storagePath = join(outer, 'inner');
    const storage = new FileCheckpointStorage({ storagePath });
    const hostile = ['../../escape', '/etc/passwd', 'C:\\windows', '.', '..', 'a\0b', 'x'.repeat(1000)];
    for (const conversationId of hostile) {
      const [first] = await saveChain(storage, conversationId, 2);
      expect((await storage.load(first!.checkpointId, conversationId))?.conversationId).toBe(conversationId);
    }
    for (const bad of ['../../../outside', '..', '/abs', 'a\\..\\b']) {
      await expect(
        storage.save(writeOf('slack:T1:C1:1.0', null, [], { checkpointId: bad })),
      ).rejects.toBeInstanceOf(InvalidCheckpointIdError);
      await expect(storage.load(bad)).rejects.toBeInstanceOf(InvalidCheckpointIdError);
    }
    const files = await filesUnder(outer);
    expect(files.length).toBe(hostile.length * 3);
    for (const file of files) expect(file.startsWith(`inner/`)).toBe(true);
    expect((await storage.listCheckpoints()).map((i) => i.conversationId).sort()).toEqual(
      hostile.flatMap((id) => [id, id]).sort(),
    );
  });

  it('leaves no file behind when a save fails before its data is written', async () => {
    const storagePath = await freshFolder();
    const storage = new FileCheckpointStorage({ storagePath });
    const conversationId = newConversationId();
    const [first] = await saveChain(storage, conversationId, 1);
    const before = await filesUnder(storagePath);

    const unserializable = writeOf(conversationId, first!, [message('x')], { state: { big: 10n } as never });
    await expect(storage.save(unserializable)).rejects.toThrow(/BigInt/);
    expect(await filesUnder(storagePath)).toEqual(before);
    const next = await storage.save(writeOf(conversationId, first!, [message('fine')]));
    expect(next.version).toBe(2);
  });

  it('never shows a reader a partly written file while large checkpoints are saved', async () => {
    const storage = new FileCheckpointStorage({ storagePath: await freshFolder() });
    const conversationId = newConversationId();
    const big = 'x'.repeat(256 * 1024);
    let writing = true;
    const reader = (async () => {
      let reads = 0;
      while (writing) {
        const latest = await storage.getLatest({ conversationId });
        if (latest) expect(latest.messages).toHaveLength(latest.version);
        reads += 1;
      }
      return reads;
    })().catch((error: unknown) => error);
    let parent = null;
    for (let i = 0; i < 16; i += 1)
      parent = await storage.save(writeOf(conversationId, parent, [message(big)]));
    writing = false;
    const reads = await reader;
    expect(reads).toBeTypeOf('number');
    expect(reads).toBeGreaterThan(1);
  });

  it('ignores what a crashed writer leaves behind: temp files, orphan steps and stale locks', async () => {
    const storagePath = await freshFolder();
    const storage = new FileCheckpointStorage({ storagePath, staleLockMs: 1_000 });
    const conversationId = newConversationId();
    const [first] = await saveChain(storage, conversationId, 1);
    const [folder] = await readdir(storagePath);
    const folderPath = join(storagePath, folder!);

    // A crash mid-write leaves a temp file; a crash between the step and the head leaves an orphan step at
    // the next version; a crash while holding the lock leaves the lock file.
    await writeFile(
      join(folderPath, `.${first!.checkpointId}.json.${createCheckpointId()}.tmp`),
      '{"schemaVers',
    );
    const orphanId = createCheckpointId();
    const orphan = JSON.parse(await readFile(join(folderPath, `${first!.checkpointId}.json`), 'utf8'));
    Object.assign(orphan, { checkpointId: orphanId, parentCheckpointId: first!.checkpointId, version: 2 });
    Object.assign(orphan, { previousCheckpointId: first!.checkpointId });
    await writeFile(join(folderPath, `${orphanId}.json`), JSON.stringify(orphan));
    await writeFile(join(folderPath, '.lock'), '12345 crashed');
    const old = new Date(Date.now() - 60_000);
    await utimes(join(folderPath, '.lock'), old, old);

    expect(await storage.load(orphanId, conversationId)).toBeUndefined();
    expect((await storage.listCheckpoints({ conversationId })).map((i) => i.checkpointId)).toEqual([
      first!.checkpointId,
    ]);
    expect((await storage.getLatest({ conversationId }))?.checkpointId).toBe(first!.checkpointId);

    const second = await storage.save(writeOf(conversationId, first!, [message('after crash')]));
    expect(second.version).toBe(2);
    expect((await storage.listCheckpoints({ conversationId })).map((i) => i.checkpointId)).toEqual([
      first!.checkpointId,
      second.checkpointId,
    ]);
    expect(await readdir(folderPath)).not.toContain('.lock');
  });

  it('serializes writers in two storage instances (two processes) sharing one folder', async () => {
    const storagePath = await freshFolder();
    const one = new FileCheckpointStorage({ storagePath });
    const two = new FileCheckpointStorage({ storagePath });
    const conversationId = newConversationId();
    const [first] = await saveChain(one, conversationId, 1);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? one : two).save(writeOf(conversationId, first!, [message(`writer ${i}`)])),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrentUpdateError);
    expect((await two.getLatest({ conversationId }))?.messages).toHaveLength(3);
  });

  it('reads only the asked conversation when given its id, and names a corrupt file', async () => {
    const storagePath = await freshFolder();
    const storage = new FileCheckpointStorage({ storagePath });
    const healthy = newConversationId();
    const broken = newConversationId();
    await saveChain(storage, healthy, 2);
    const [brokenFirst] = await saveChain(storage, broken, 1);
    const brokenFolder = join(storagePath, Buffer.from(broken).toString('base64url'));
    await writeFile(join(brokenFolder, `${brokenFirst!.checkpointId}.json`), '{"truncated":');

    expect(await storage.listCheckpoints({ conversationId: healthy })).toHaveLength(2);
    expect((await storage.getLatest({ conversationId: healthy }))?.messages).toHaveLength(4);
    const error = await storage.listCheckpoints().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as Error).message).toContain(`${brokenFirst!.checkpointId}.json`);
    await expect(storage.getLatest({ conversationId: broken })).rejects.toBeInstanceOf(
      CheckpointCorruptError,
    );
  });
});
