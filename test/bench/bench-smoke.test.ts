/**
 * Proves the benchmark code runs, at tiny sizes. Structure and sanity only: benchmarks never become timed
 * assertions (CPU and RSS vary with the machine).
 */
import { describe, expect, it } from 'vitest';
import { benchLambdaBundle } from '../../bench/lambda-bundle.js';
import { benchLongThreads } from '../../bench/long-threads.js';
import { measureMemory } from '../../bench/memory.js';
import { measureOverhead } from '../../bench/overhead.js';
import { measureSlackLoad } from '../../bench/slack-load.js';
import { measureStateSize } from '../../bench/state-size.js';
import { benchStoreGrowth } from '../../bench/store-growth.js';
import { formatTable } from '../../bench/table.js';

describe('bench smoke', () => {
  it('lambda bundle: both functions bundle, and a fresh process imports each', async () => {
    const table = await benchLambdaBundle(1);
    expect(table.rows.map((row) => row[0])).toEqual(['ingress', 'worker']);
    for (const row of table.rows) {
      expect(row[1]).toBeGreaterThan(100);
      expect(row[2]).toBeLessThan(row[1] as number);
      expect(row[3]).toBeGreaterThan(0);
      expect(String(row[5])).toContain('KB');
    }
  }, 120_000);

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

  it('slack load: signed events are acked by Baton (gated and not) and bare Bolt, every reply reaches Slack', async () => {
    const r = await measureSlackLoad({
      conversations: 3,
      modelDelayMs: 60,
      replyTimeoutMs: 30_000,
      compareUngated: true,
    });
    expect(r.bolt.ackMs).toHaveLength(3);
    for (const b of [r.baton, r.batonUngated!]) {
      expect(b.ackMs).toHaveLength(3);
      expect(b.modelCalls).toBe(3);
      expect(b.replied).toBe(3);
      expect(b.replyMs).toHaveLength(3);
      expect(b.tokenToSlackMs).toHaveLength(3);
    }
  }, 180_000);

  it('tables format as markdown', () => {
    const text = formatTable({ title: 'T', columns: ['a', 'b'], rows: [[1, 'x|y']], notes: ['n'] });
    expect(text).toContain('| a | b |');
    expect(text).toContain('x\\|y');
  });
});
