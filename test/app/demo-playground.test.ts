/**
 * The offline demo as a newcomer meets it: `npm start`'s app with the scripted model, driven through the
 * playground's API and event stream. It follows the conversation: a question while an approval is pending,
 * thanks followed by another question, and the goodbye that ends the thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app/app.js';
import { api, openEventStream, startTestApp, tempDataDir } from './app-harness.js';

interface Snapshot {
  status: string;
  items: { kind: string; text?: string; agent?: string; from?: string; to?: string }[];
  pending: { kind: string; requestId: string; agent: string }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function boot(): Promise<RunningApp> {
  const dir = await tempDataDir();
  cleanups.push(dir.remove);
  const app = await startTestApp(dir.path);
  cleanups.push(() => app.close());
  return app;
}

describe('the offline demo in the playground', () => {
  it('keeps the refund with its agent through a question asked while the approval waits', async () => {
    const app = await boot();
    const stream = await openEventStream(app);
    cleanups.push(async () => stream.close());
    const id = (await api<{ thread: { id: string } }>(app, 'POST', '/threads', {})).body.thread.id;
    const turn = async (send: () => Promise<unknown>) => {
      const mark = stream.events.length;
      await send();
      await stream.waitFor((e) => e.type === 'turn_end' && e.threadId === id, mark);
      return (await api<Snapshot>(app, 'GET', `/threads/${id}`)).body;
    };
    const say = (text: string) => turn(() => api(app, 'POST', `/threads/${id}/messages`, { text }));

    let snap = await say('My order 1234 arrived damaged, I need a refund.');
    const approval = snap.pending.find((p) => p.kind === 'approval');
    expect(approval?.agent).toBe('refund_agent');

    snap = await say('How long will that take?');
    expect(snap.pending.map((p) => p.kind)).toEqual(['approval']);

    const before = snap.items.length;
    snap = await turn(() =>
      api(app, 'POST', `/threads/${id}/decisions`, { requestId: approval!.requestId, approved: true }),
    );
    const afterApproval = snap.items.slice(before);
    expect(afterApproval.filter((i) => i.kind === 'handoff')).toEqual([]);
    const confirmation = afterApproval.find((i) => i.kind === 'message');
    expect(confirmation).toMatchObject({ agent: 'refund_agent' });
    expect(confirmation?.text).toContain('Refund processed successfully for order 1234');
    expect(confirmation?.text).toContain('How long will that take?');
    expect(snap.pending).toEqual([expect.objectContaining({ kind: 'user_input', agent: 'refund_agent' })]);

    const mid = snap.items.length;
    snap = await say('thanks! also what is the status of order 5678?');
    expect(snap.status).not.toBe('completed');
    expect(snap.items.slice(mid).find((i) => i.kind === 'handoff')).toMatchObject({
      from: 'refund_agent',
      to: 'order_agent',
    });
    expect(snap.items.at(-1)).toMatchObject({ kind: 'message', agent: 'order_agent' });
    expect(snap.items.at(-1)?.text).toContain('Order 5678 is currently being processed');

    snap = await say('Thanks, that is all!');
    expect(snap.status).toBe('completed');
  }, 30_000);
});
