/** Memory: resident set size of idle and in-flight Baton conversations, each measured in a fresh child process. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchTable } from './table.js';
import { round } from './text.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./memory/child.ts', import.meta.url));

export interface MemoryResult {
  mode: 'idle' | 'active';
  count: number;
  baselineMb: number;
  loadedMb: number;
}

export async function measureMemory(mode: 'idle' | 'active', count: number): Promise<MemoryResult> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', CHILD, mode, String(count)],
    {
      timeout: 120_000,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryResult;
}

export async function benchMemory(): Promise<BenchTable> {
  const results = [await measureMemory('idle', 1_000), await measureMemory('active', 100)];
  return {
    title: 'Memory: RSS of Baton conversations (fresh child process each, after gc)',
    columns: ['conversations', 'state', 'baseline RSS MB', 'RSS MB', 'delta MB', 'KB per conversation'],
    rows: results.map((r) => [
      r.count,
      r.mode === 'idle'
        ? 'idle (2 turns done, waiting for the user)'
        : 'active (2 turns done, 3rd awaiting the model)',
      round(r.baselineMb),
      round(r.loadedMb),
      round(r.loadedMb - r.baselineMb),
      round(((r.loadedMb - r.baselineMb) * 1024) / r.count),
    ]),
    notes: [
      'Each conversation: a 2-agent HandoffBuilder workflow bound to it (forConversation, which caches its session) ' +
        'plus InMemoryCheckpointStorage, 2 completed turns of a ~500-char user message and a ~500-char reply.',
      'Active: all conversations start a 3rd turn concurrently and the model holds every call mid-stream (after a ' +
        'first text delta) while RSS is read; then they are released and finish.',
      'Baseline = RSS after loading the modules and one warm-up turn, after global.gc() (node --expose-gc). ' +
        'Counts state held in process memory; with DynamoDB the checkpoints would live in the table instead.',
    ],
  };
}
