import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THREAD_ID_PATTERN, ThreadIndex } from '../../../src/channels/playground/thread-index.js';
import { placeMarks } from '../../../src/channels/playground/thread-view.js';
import type { MessageItem } from '../../../src/channels/playground/view-types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baton-index-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('playground thread index', () => {
  it('survives a reopen: titles (from the first message only) and markers', async () => {
    const path = join(dir, 'nested', 'threads.json');
    const index = await ThreadIndex.open(path);
    const a = await index.create();
    expect(a.id).toMatch(THREAD_ID_PATTERN);
    await index.update(a.id, { title: 'My order is late' });
    await index.update(a.id, {
      title: 'second message',
      marks: [{ after: 'm1', mark: { kind: 'handoff', from: 'x', to: 'y' } }],
    });
    const b = await index.create();

    const reopened = await ThreadIndex.open(path);
    expect(reopened.list().map((t) => t.id)).toEqual([b.id, a.id]);
    expect(reopened.get(a.id)).toMatchObject({
      title: 'My order is late',
      marks: [{ after: 'm1', mark: { kind: 'handoff', to: 'y' } }],
    });
    expect(reopened.get('tnope')).toBeUndefined();
  });

  it('refuses a corrupt file instead of starting an empty list over it', async () => {
    const path = join(dir, 'threads.json');
    await writeFile(path, JSON.stringify({ schemaVersion: 1, threads: [{ id: 1 }] }));
    await expect(ThreadIndex.open(path)).rejects.toThrow(/is not valid.*Move it away/s);
    expect(await readFile(path, 'utf8')).toContain('"id":1');
  });
});

describe('placing markers between messages', () => {
  const msg = (id: string): MessageItem => ({
    kind: 'message',
    id,
    role: 'assistant',
    author: 'a',
    text: id,
  });
  it('puts each marker after the message it followed, in order, and unknown places last', () => {
    const items = placeMarks(
      [msg('m1'), msg('m2')],
      [
        { after: 'm1', mark: { kind: 'handoff', from: 'a', to: 'b' } },
        { after: null, mark: { kind: 'notice', level: 'warning', text: 'first' } },
        { after: 'gone', mark: { kind: 'ended' } },
        { after: 'm1', mark: { kind: 'decision', tool: 't', args: {}, approved: true, by: 'You' } },
      ],
    );
    expect(items.map((i) => (i.kind === 'message' ? i.id : i.kind))).toEqual([
      'notice',
      'm1',
      'handoff',
      'decision',
      'm2',
      'ended',
    ]);
  });
});
