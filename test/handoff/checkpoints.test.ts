import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { HandoffBuilder } from '../../src/handoff/builder.js';
import {
  CheckpointIncompatibleError,
  CheckpointingNotConfiguredError,
  CheckpointNotFoundError,
} from '../../src/handoff/errors.js';
import { RequestInfoEvent, WorkflowFailedEvent } from '../../src/handoff/events.js';
import { FunctionApprovalRequest, HandoffAgentUserRequest } from '../../src/handoff/requests.js';
import { HeadStateSchema, TranscriptMessageSchema } from '../../src/handoff/state.js';
import {
  CheckpointCorruptError,
  type CheckpointStorage,
  type CheckpointWrite,
  ConcurrentUpdateError,
} from '../../src/store/checkpoint-storage.js';
import { FileCheckpointStorage } from '../../src/store/file.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { collect, useScriptedServer } from '../helpers.js';
import { handoff, supportAgents } from './fixtures.js';

const s = useScriptedServer();
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Records what each save wrote, to check that writes stay proportional to new content. */
class RecordingStorage extends InMemoryCheckpointStorage {
  readonly writes: CheckpointWrite[] = [];
  override async save(write: CheckpointWrite) {
    this.writes.push(structuredClone(write));
    return super.save(write);
  }
}

function supportWorkflow(storage: CheckpointStorage) {
  const { triage, refund, order, counters } = supportAgents(s.model());
  const wf = new HandoffBuilder({ name: 'support', participants: [triage, refund, order] })
    .withStartAgent(triage)
    .withCheckpointing(storage)
    .build();
  return { wf, counters };
}

describe('checkpoints', () => {
  it('commits after every step, storing each message once and plain versioned JSON', async () => {
    const storage = new RecordingStorage();
    const { wf } = supportWorkflow(storage);
    s.server.enqueue(
      handoff('order_agent', 'order question'),
      {
        toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1' } }],
      },
      { text: 'It ships soon.' },
    );
    await wf.run('Where is order 1?');
    // input | triage's call + result + note for the order agent | order's call (journaled before it runs) |
    // its result (journaled before the next model call) | the answer
    expect(storage.writes.map((w) => w.messages.length)).toEqual([1, 3, 1, 1, 1]);
    const latest = (await storage.getLatest({ conversationId: wf.conversationId }))!;
    const ids = latest.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(latest.messages).toHaveLength(7);
    expect(HeadStateSchema.parse(latest.state)).toMatchObject({
      schemaVersion: 1,
      activeAgent: 'order_agent',
      status: 'awaiting',
    });
    for (const m of latest.messages) TranscriptMessageSchema.parse(m);
    expect(JSON.parse(JSON.stringify(latest))).toEqual(latest);
  });

  it('writes bytes per turn that do not grow with the conversation', async () => {
    const storage = new RecordingStorage();
    const { wf } = supportWorkflow(storage);
    const sizes: number[] = [];
    for (let turn = 0; turn < 40; turn++) {
      s.server.enqueue({ text: `Answer number ${String(turn).padStart(3, '0')} ${'x'.repeat(500)}` });
      const before = storage.writes.length;
      await wf.run(`Question number ${String(turn).padStart(3, '0')} ${'y'.repeat(500)}`);
      sizes.push(storage.writes.slice(before).reduce((n, w) => n + JSON.stringify(w).length, 0));
    }
    // Only the ids and timestamps vary: turn 40 writes what turn 2 wrote, within a few bytes.
    expect(Math.abs(sizes[39]! - sizes[1]!)).toBeLessThan(64);
  });

  it('restores in a new workflow object, re-emits the pending approval, and finishes after it', async () => {
    const storage = new InMemoryCheckpointStorage();
    const first = supportWorkflow(storage);
    s.server.enqueue(handoff('refund_agent'), {
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '12345' } }],
    });
    const original = (await first.wf.run('I need a refund for order 12345')).getRequestInfoEvents()[0]!;

    const again = supportWorkflow(storage);
    const latest = (await storage.getLatest({ conversationId: first.wf.conversationId }))!;
    const restored = (await collect(again.wf.runStream({ checkpointId: latest.checkpointId }))).filter(
      (e): e is RequestInfoEvent => e instanceof RequestInfoEvent,
    );
    expect(restored.map((r) => r.requestId)).toEqual([original.requestId]);
    expect(restored[0]!.data).toBeInstanceOf(FunctionApprovalRequest);
    expect(again.wf.conversationId).toBe(first.wf.conversationId);
    s.server.enqueue({ text: 'Refund done.' });
    await again.wf.sendResponses({
      [original.requestId]: (restored[0]!.data as FunctionApprovalRequest).createResponse({ approved: true }),
    });
    expect(again.counters.refunds).toBe(1);
    expect(first.counters.refunds).toBe(0);
  });

  it('restores and answers in one call ({ checkpointId, responses })', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    s.server.enqueue({ text: 'What is your order number?' });
    const [req] = (await wf.run('help')).getRequestInfoEvents();
    const latest = (await storage.getLatest({ conversationId: wf.conversationId }))!;
    s.server.enqueue({ text: 'Thanks, checking 42.' });
    const fresh = supportWorkflow(storage).wf;
    const events = await collect(
      fresh.runStream({
        checkpointId: latest.checkpointId,
        conversationId: wf.conversationId,
        responses: { [req!.requestId]: HandoffAgentUserRequest.createResponse('42') },
      }),
    );
    // The answered request is not re-emitted; the new one is.
    const reqs = events.filter((e): e is RequestInfoEvent => e instanceof RequestInfoEvent);
    expect(reqs).toHaveLength(1);
    expect(reqs[0]!.requestId).not.toBe(req!.requestId);
  });

  it('resumes from an older checkpoint, continuing on a new branch', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    s.server.enqueue({ text: 'How can I help?' }, { text: 'Sure, orders.' });
    await wf.run('hello');
    const branchPoint = (await storage.getLatest({ conversationId: wf.conversationId }))!;
    await wf.run('orders please');
    const fork = supportWorkflow(storage).wf;
    const [req] = (
      await collect(
        fork.runStream({ checkpointId: branchPoint.checkpointId, conversationId: wf.conversationId }),
      )
    ).filter((e): e is RequestInfoEvent => e instanceof RequestInfoEvent);
    s.server.enqueue({ text: 'Returns, got it.' });
    await fork.sendResponses({ [req!.requestId]: HandoffAgentUserRequest.createResponse('returns please') });
    expect((await fork.getConversation()).map((m) => m.text)).toEqual([
      'hello',
      'How can I help?',
      'returns please',
      'Returns, got it.',
    ]);
  });

  it('keeps the user message and the state when a model fails mid-turn, and a restore resumes the turn', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    s.server.enqueue({ fault: 'server_error', status: 500 });
    const events: unknown[] = [];
    await expect(
      (async () => {
        for await (const e of wf.runStream('Is anyone there?')) events.push(e);
      })(),
    ).rejects.toThrow(/HTTP 500/);
    expect(events.find((e) => e instanceof WorkflowFailedEvent)).toMatchObject({
      error: { name: 'ModelHttpError' },
    });
    const latest = (await storage.getLatest({ conversationId: wf.conversationId }))!;
    expect(latest.messages.map((m) => m.contents)).toEqual([[{ type: 'text', text: 'Is anyone there?' }]]);
    s.server.enqueue({ text: 'Yes, I am here.' });
    const resumed = supportWorkflow(storage).wf;
    const after = await collect(
      resumed.runStream({ checkpointId: latest.checkpointId, conversationId: wf.conversationId }),
    );
    expect(after.some((e) => e.type === 'agent_response')).toBe(true);
    expect((await resumed.getConversation()).map((m) => m.text)).toEqual([
      'Is anyone there?',
      'Yes, I am here.',
    ]);
  });

  it('refuses corrupt, foreign and missing checkpoints with typed errors', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    await storage.save({
      conversationId: 'bad',
      workflowName: 'support',
      checkpointId: 'ckpt_bad',
      parentCheckpointId: null,
      expectedVersion: 0,
      timestamp: new Date().toISOString(),
      messages: [],
      state: { schemaVersion: 99 },
    });
    await expect(
      collect(wf.runStream({ checkpointId: 'ckpt_bad', conversationId: 'bad' })),
    ).rejects.toBeInstanceOf(CheckpointCorruptError);
    const other = new HandoffBuilder({ name: 'other', participants: [supportAgents(s.model()).triage] })
      .withCheckpointing(storage)
      .build();
    s.server.enqueue({ text: 'hi' });
    await other.run('x');
    const foreign = (await storage.getLatest({ conversationId: other.conversationId }))!;
    await expect(
      collect(wf.runStream({ checkpointId: foreign.checkpointId, conversationId: other.conversationId })),
    ).rejects.toBeInstanceOf(CheckpointIncompatibleError);
    await expect(collect(wf.runStream({ checkpointId: 'ckpt_none' }))).rejects.toBeInstanceOf(
      CheckpointNotFoundError,
    );
    const noStorage = new HandoffBuilder({ participants: [supportAgents(s.model()).triage] }).build();
    await expect(collect(noStorage.runStream({ checkpointId: 'x' }))).rejects.toBeInstanceOf(
      CheckpointingNotConfiguredError,
    );
  });

  it('raises ConcurrentUpdateError to a stale writer, which succeeds after reloading', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    s.server.enqueue({ text: 'first' });
    await wf.run('one');
    const a = wf.forConversation(wf.conversationId);
    const b = wf.forConversation(wf.conversationId);
    await a.getStatus();
    await b.getStatus();
    s.server.enqueue({ text: 'second' });
    await a.run('two');
    await expect(b.run('three')).rejects.toBeInstanceOf(ConcurrentUpdateError);
    s.server.enqueue({ text: 'third' });
    await b.run('three'); // the driver's retry: the instance reloaded and continues from the new head
    expect((await b.getConversation()).map((m) => m.text)).toEqual([
      'one',
      'first',
      'two',
      'second',
      'three',
      'third',
    ]);
  });

  it('never records a retried message twice, even when its first attempt was committed', async () => {
    const storage = new InMemoryCheckpointStorage();
    const { wf } = supportWorkflow(storage);
    const message = {
      role: 'user' as const,
      messageId: 'msg_fixed_1',
      contents: [{ type: 'text' as const, text: 'hello' }],
    };
    s.server.enqueue({ text: 'Hi there.' });
    await wf.run(message);
    // The same delivery again, on a fresh instance (as a driver retry does): nothing new is recorded or asked.
    const again = await wf.forConversation(wf.conversationId).run(message);
    expect(s.server.requests).toHaveLength(1);
    expect(again.pendingRequests).toHaveLength(1);
    expect((await wf.forConversation(wf.conversationId).getConversation()).map((m) => m.text)).toEqual([
      'hello',
      'Hi there.',
    ]);
  });

  it('answers a pending approval from a new process with a new workflow object and finishes the conversation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-restart-'));
    dirs.push(dir);
    const storage = new FileCheckpointStorage({ storagePath: dir });
    const wf = createCustomerSupportWorkflow({ model: s.model(), storage });
    s.server.enqueue(handoff('refund_agent', 'damaged order'), {
      text: 'I can refund order 12345.',
      toolCalls: [{ name: 'process_refund', arguments: { order_number: '12345' } }],
    });
    const pending = (await wf.run('I need a refund for order 12345')).getRequestInfoEvents();
    expect(pending.map((p) => p.data.kind)).toEqual(['function_approval']);

    s.server.enqueue({ text: 'Your refund is processed. You are welcome!' });
    const child = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'resume-in-new-process.ts'), dir, s.server.baseURL],
      { timeout: 30_000 },
    );
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      restored: string[];
      events: string[];
      output: string[];
    };
    expect(result.restored).toEqual([`function_approval:${pending[0]!.requestId}`]);
    expect(result.events).toContain('tool_result:"Refund processed successfully for order 12345."');
    expect(result.output).toEqual([
      'user: I need a refund for order 12345',
      'refund_agent: I can refund order 12345.',
      'refund_agent: Your refund is processed. You are welcome!',
    ]);
    expect((await storage.getLatest({ conversationId: wf.conversationId }))!.state.status).toBe('completed');
  });
});
