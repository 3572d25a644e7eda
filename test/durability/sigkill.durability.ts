/**
 * SIGKILL trials of the refund flow through the real app (`src/app/main.ts` over Slack HTTP), file and DynamoDB
 * storage, DynamoDB in its own process. CHAOS_ROUNDS × CHAOS_FLOWS trials per storage (default 3 × 5).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FigureRow, figureTable } from './figures.js';
import { type RefundTrialOutcome, refundFigures, runKillRound, type StorageKind } from './refund-trial.js';
import { startWorld, type World } from './world.js';

let world: World;
const rows: FigureRow[] = [];

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
  if (rows.length)
    console.log(`\nSIGKILL trials (refund flow, real app over Slack HTTP)\n${figureTable(rows)}\n`);
});

function failures(outcomes: readonly RefundTrialOutcome[]): string[] {
  return outcomes.flatMap((o) =>
    o.notes.map(
      (n) => `round ${o.round} flow ${o.flow} (${o.storage}, killed during ${o.killedDuring}): ${n}`,
    ),
  );
}

describe.each<StorageKind>(['dynamodb', 'file'])('refund flow on %s storage', (storage) => {
  test('without a kill: every flow is answered once, the refund runs once, 3 model calls each', async () => {
    const outcomes = await runKillRound(world, { round: storage === 'file' ? 901 : 900, storage, flows: 3 });
    rows.push(refundFigures(`${storage}, no kill`, outcomes));
    expect(failures(outcomes)).toEqual([]);
    expect(outcomes.map((o) => o.modelCalls)).toEqual([3, 3, 3]);
  });
});
