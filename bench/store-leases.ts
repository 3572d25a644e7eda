/**
 * What the durable-turn bookkeeping costs per turn: lease acquire / renew / release and inbox put / list /
 * complete, on DynamoDB (dynalite in-process, the `npm start` store) and on the file store, one fresh
 * conversation per iteration, run one after another (latency, not throughput). Also how long a start-up
 * sweep (listInterrupted) takes when a few conversations are interrupted among many idle ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBCheckpointStorage, ensureTable, startEmbeddedDynamo } from '../src/store/dynamodb/index.js';
import { FileCheckpointStorage } from '../src/store/file.js';
import type { TurnInbox } from '../src/store/inbox.js';
import type { LeaseStore } from '../src/store/lease.js';
import type { BenchTable } from './table.js';
import { median, percentile, round } from './text.js';

const ITERATIONS = 300;
const IDLE = 1_000;
const INTERRUPTED = 20;
const OPERATIONS = [
  'acquireLease',
  'renewLease',
  'putInbound',
  'listInbound',
  'completeInbound',
  'releaseLease',
];

type Store = LeaseStore & TurnInbox;

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  samples.push(performance.now() - start);
  return result;
}

/** One turn's bookkeeping per iteration, each operation timed on its own. */
async function measure(store: Store, iterations: number, prefix: string): Promise<Map<string, number[]>> {
  const samples = new Map(OPERATIONS.map((name) => [name, [] as number[]]));
  const s = (name: string) => samples.get(name)!;
  for (let i = 0; i < iterations; i += 1) {
    const id = `slack:TBENCH:C${prefix}:${i}`;
    const lease = await timed(s('acquireLease'), () =>
      store.acquireLease(id, { owner: 'bench', ttlMs: 30_000 }),
    );
    if (lease === undefined) throw new Error(`bench: lease on ${id} was refused`);
    await timed(s('renewLease'), () => store.renewLease(lease, 30_000));
    await timed(s('putInbound'), () =>
      store.putInbound(id, `Ev${i}`, { text: 'where is my refund?', user: 'U1' }),
    );
    const [item] = await timed(s('listInbound'), () => store.listInbound(id));
    await timed(s('completeInbound'), () => store.completeInbound(id, item!.deliveryId, lease.token));
    await timed(s('releaseLease'), () => store.releaseLease(lease));
  }
  return samples;
}

/** `idle` conversations with a finished turn, `interrupted` with a lapsed lease; the sweep's time (median of 5). */
async function sweep(store: Store, idle: number, interrupted: number, prefix: string): Promise<number> {
  for (let i = 0; i < idle; i += 1) {
    const id = `slack:TBENCH:I${prefix}:${i}`;
    const lease = (await store.acquireLease(id, { owner: 'bench', ttlMs: 30_000 }))!;
    await store.releaseLease(lease);
  }
  for (let i = 0; i < interrupted; i += 1) {
    await store.acquireLease(`slack:TBENCH:X${prefix}:${i}`, { owner: 'dead', ttlMs: 1 });
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const found = await timed(times, () => store.listInterrupted());
    if (found.length !== interrupted)
      throw new Error(`bench: sweep found ${found.length}, not ${interrupted}`);
  }
  return median(times);
}

/** Sizes are parameters so the smoke test can run it tiny. */
export async function benchStoreLeases(
  iterations = ITERATIONS,
  idle = IDLE,
  interrupted = INTERRUPTED,
): Promise<BenchTable> {
  const rows: (string | number)[][] = [];
  const sweeps: string[] = [];
  const report = (backend: string, samples: Map<string, number[]>) => {
    for (const [operation, values] of samples) {
      rows.push([
        backend,
        operation,
        round(median(values), 2),
        round(percentile(values, 0.95), 2),
        round(Math.max(...values), 2),
      ]);
    }
  };

  const dynamo = await startEmbeddedDynamo();
  try {
    const tableName = 'baton-bench-leases';
    await ensureTable(dynamo.client, tableName);
    const storage = new DynamoDBCheckpointStorage({ client: dynamo.client, tableName });
    report('DynamoDB (dynalite)', await measure(storage, iterations, 'd'));
    sweeps.push(`DynamoDB ${round(await sweep(storage, idle, interrupted, 'd'), 2)} ms`);
  } finally {
    await dynamo.close();
  }

  const folder = await mkdtemp(join(tmpdir(), 'baton-bench-leases-'));
  try {
    const storage = new FileCheckpointStorage({ storagePath: folder });
    report('file', await measure(storage, iterations, 'f'));
    sweeps.push(`file ${round(await sweep(storage, idle, interrupted, 'f'), 2)} ms`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }

  return {
    title: `Lease and inbox operations, ${iterations} turns one after another (ms)`,
    columns: ['backend', 'operation', 'p50', 'p95', 'max'],
    rows,
    notes: [
      'One fresh conversation per turn: acquire → renew → put → list → complete → release. dynalite runs in the same process (LevelDB in memory); real DynamoDB adds a network round trip (single-digit ms in-region) per call.',
      `listInterrupted with ${interrupted} interrupted among ${idle} idle conversations (median of 5): ${sweeps.join(', ')}; it reads the sparse index only.`,
    ],
  };
}
