/**
 * Proves the benchmark code runs, at tiny sizes. Structure and sanity only: benchmarks never become timed
 * assertions (CPU and RSS vary with the machine).
 */
import { describe, expect, it } from 'vitest';
import { benchLongThreads } from '../../bench/long-threads.js';
import { measureMemory } from '../../bench/memory.js';
import { measureOverhead } from '../../bench/overhead.js';
import { measureSlackLoad } from '../../bench/slack-load.js';
import { measureStateSize } from '../../bench/state-size.js';
import { benchStoreGrowth } from '../../bench/store-growth.js';
import { formatTable } from '../../bench/table.js';

describe('bench smoke', () => {
  it('long threads: the window sends fewer messages than the whole view once the thread is longer', async () => {
    const table = await benchLongThreads(32, [2, 32]);
    expect(table.rows).toHaveLength(2);
    const [short, long] = table.rows as number[][];
    expect(short![1]).toBe(short![2]);
    expect(long![1]).toBe(64);
    expect(long![2]).toBe(61);
    expect(long![4]).toBeLessThan(long![3]!);
  });

  it('overhead: every framework completes the scripted conversation', async () => {
    const results = await measureOverhead({ turns: 2, warmups: 0, runs: 1 });
    expect(results.map((r) => r.name)).toHaveLength(3);
    for (const r of results) {
      expect(r.microsPerStep).toHaveLength(1);
      expect(r.microsPerStep[0]).toBeGreaterThan(0);
    }
  });

  it('state size: every framework stores something, more than the raw transcript for Baton', async () => {
    const [row] = await measureStateSize([2]);
    expect(row!.rawBytes).toBeGreaterThan(1_000);
    expect(row!.batonStoredBytes).toBeGreaterThan(row!.rawBytes);
    expect(row!.batonLatestBytes).toBeGreaterThan(0);
    expect(row!.openAIPausedBytes).toBeGreaterThan(0);
    expect(row!.openAICompletedBytes).toBeGreaterThan(0);
    expect(row!.langGraph?.bytes).toBeGreaterThan(0);
    expect(row!.langGraph?.checkpoints).toBeGreaterThan(0);
  });

  it('memory: the child process reports RSS for idle and active conversations', async () => {
    for (const mode of ['idle', 'active'] as const) {
      const result = await measureMemory(mode, 5);
      expect(result).toMatchObject({ mode, count: 5 });
      expect(result.baselineMb).toBeGreaterThan(0);
      expect(result.loadedMb).toBeGreaterThan(0);
    }
  }, 60_000);

  it('store growth: each reported turn writes a bounded number of bytes', async () => {
    const table = await benchStoreGrowth(3, [1, 3]);
    expect(table.rows.map((r) => r[0])).toEqual([1, 3]);
    for (const row of table.rows) expect(row[3]).toBeGreaterThan(0);
  }, 30_000);

  it('slack load: signed events are acked by Baton and bare Bolt, and every reply reaches Slack', async () => {
    const r = await measureSlackLoad({ conversations: 3, modelDelayMs: 60, replyTimeoutMs: 10_000 });
    expect(r.baton.ackMs).toHaveLength(3);
    expect(r.bolt.ackMs).toHaveLength(3);
    expect(r.baton.modelCalls).toBe(3);
    expect(r.baton.replied).toBe(3);
    expect(r.baton.tokenToSlackMs).toHaveLength(3);
  }, 30_000);

  it('tables format as markdown', () => {
    const text = formatTable({ title: 'T', columns: ['a', 'b'], rows: [[1, 'x|y']], notes: ['n'] });
    expect(text).toContain('| a | b |');
    expect(text).toContain('x\\|y');
  });
});
