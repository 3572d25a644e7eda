/**
 * Does a turn's write stay flat as a thread grows? One thread on DynamoDB (dynalite in-process) for 1,000
 * turns of a ~1 KB user message + a ~1 KB assistant reply + a small head state.
 */

import { createCheckpointId } from '../src/store/checkpoint-id.js';
import type { CheckpointInfo, JsonObject } from '../src/store/checkpoint-storage.js';
import type { CheckpointWriteMetrics } from '../src/store/dynamodb/index.js';
import { DynamoDBCheckpointStorage, ensureTable, startEmbeddedDynamo } from '../src/store/dynamodb/index.js';
import type { BenchTable } from './table.js';
import { median, prose, round } from './text.js';

const TURNS = 1_000;
const REPORTED = [10, 100, 1_000];
const LOAD_REPEATS = 3;

function turnMessages(turn: number): JsonObject[] {
  return [
    { role: 'user', content: prose(turn * 2, 1_000) },
    { role: 'assistant', author: 'refund_agent', content: prose(turn * 2 + 1, 1_000) },
  ];
}

/** `turns` and `reported` are parameters so the smoke test can run it tiny. */
export async function benchStoreGrowth(
  turns = TURNS,
  reported: readonly number[] = REPORTED,
): Promise<BenchTable> {
  const reportedTurns = new Set(reported);
  const dynamo = await startEmbeddedDynamo();
  try {
    const tableName = 'baton-bench-store-growth';
    await ensureTable(dynamo.client, tableName);
    let lastWrite: CheckpointWriteMetrics | undefined;
    const storage = new DynamoDBCheckpointStorage({
      client: dynamo.client,
      tableName,
      onWrite: (metrics) => {
        lastWrite = metrics;
      },
    });
    const conversationId = 'slack:TBENCH:CBENCH:1712345678.000100';
    const rows: (string | number)[][] = [];
    const saveMs: number[] = [];
    let transcriptBytes = 0;
    let parent: CheckpointInfo | null = null;

    for (let turn = 1; turn <= turns; turn += 1) {
      const messages = turnMessages(turn);
      transcriptBytes += Buffer.byteLength(JSON.stringify(messages));
      const started = performance.now();
      parent = await storage.save({
        conversationId,
        workflowName: 'customer-support',
        checkpointId: createCheckpointId(),
        parentCheckpointId: parent?.checkpointId ?? null,
        expectedVersion: parent?.version ?? 0,
        timestamp: new Date().toISOString(),
        messages,
        state: { schemaVersion: 1, activeAgent: 'refund_agent', status: 'idle', pendingRequests: [], turn },
      });
      saveMs.push(performance.now() - started);

      if (!reportedTurns.has(turn)) continue;
      const loadMs: number[] = [];
      for (let i = 0; i < LOAD_REPEATS; i += 1) {
        const loadStarted = performance.now();
        const loaded = await storage.getLatest({ conversationId });
        loadMs.push(performance.now() - loadStarted);
        if (loaded?.messages.length !== turn * 2)
          throw new Error(`turn ${turn}: loaded ${loaded?.messages.length} messages`);
      }
      rows.push([
        turn,
        turn * 2,
        lastWrite!.items,
        lastWrite!.bytes,
        transcriptBytes,
        round(saveMs.at(-1)!, 2),
        round(median(saveMs.slice(-10)), 2),
        round(median(loadMs)),
      ]);
    }

    return {
      title: `Store growth: one thread on DynamoDB (dynalite), ${turns.toLocaleString('en-US')} turns`,
      columns: [
        'turn',
        'messages in thread',
        'items written (this turn)',
        'bytes written (this turn)',
        'full transcript bytes (a copy-per-step store would write)',
        'save ms (this turn)',
        'save ms (median of last 10)',
        'load ms (whole thread, median of 3)',
      ],
      rows,
      notes: [
        'Each turn appends a ~1 KB user message and a ~1 KB assistant message and replaces a small head state.',
        'Bytes written = DynamoDB item sizes (attribute names + values) of the step item and the head item the ' +
          "save put/updated, counted by the storage's onWrite hook; payloads over 1 KB are gzipped.",
        'Load = getLatest: one paginated, strongly consistent Query of the thread, then materialization ' +
          'of every message; it grows with the thread by design, the write does not.',
        'dynalite runs in-process on loopback, so latencies show the code path, not network or AWS service time.',
      ],
    };
  } finally {
    await dynamo.close();
  }
}
