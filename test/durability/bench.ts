/**
 * `npm run bench:durability`: every durability scenario at bench counts, printing the table of figures (it
 * measures and does not assert; `npm run test:durability` asserts). CHAOS_BENCH selects scenarios
 * (comma-separated: sigkill, concurrency, faults, lambda; default all). CHAOS_BENCH_TRIALS SIGKILL trials per
 * storage (default 100, so ≥ 200 in all), in rounds of CHAOS_FLOWS (default 5) concurrent refund flows per kill.
 */
import { concurrencyFigures, runConcurrency } from './concurrency.js';
import { faultFigures, runDynamoFaults } from './dynamo-faults.js';
import { type FigureRow, figureTable } from './figures.js';
import { killRounds } from './kill-plan.js';
import { lambdaFigures, runLambdaQueue } from './lambda-queue.js';
import { refundFigures } from './refund-trial.js';
import { startWorld } from './world.js';

const selected = new Set((process.env.CHAOS_BENCH ?? 'sigkill,concurrency,faults,lambda').split(','));
const trials = Number(process.env.CHAOS_BENCH_TRIALS ?? 100);
const flows = Number(process.env.CHAOS_FLOWS ?? 5);
const rows: FigureRow[] = [];
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
const world = await startWorld();
try {
  if (selected.has('sigkill')) {
    for (const storage of ['dynamodb', 'file'] as const) {
      const outcomes = await killRounds(world, {
        storage,
        trials,
        flows,
        firstRound: storage === 'file' ? 500 : 100,
        onRound: (round) =>
          log(`${storage}: round of ${round.length}, notes ${round.flatMap((o) => o.notes).length}`),
      });
      rows.push(refundFigures(`SIGKILL, ${storage}`, outcomes));
    }
    const atMostOnce = await killRounds(world, {
      storage: 'dynamodb',
      refund: 'at-most-once',
      trials: Math.max(flows, Math.round(trials / 5)),
      flows,
      firstRound: 900,
    });
    rows.push(refundFigures('SIGKILL, dynamodb, refund without key', atMostOnce));
  }
  if (selected.has('concurrency')) {
    log('concurrency: 6 processes × 4 sends');
    rows.push(
      concurrencyFigures(
        '6 processes × 4 sends, one thread',
        await runConcurrency(world, { processes: 6, sends: 4 }),
      ),
    );
  }
  if (selected.has('faults')) {
    for (const rate of [0.2, 0.5]) {
      log(`DynamoDB faults at ${rate}`);
      rows.push(faultFigures(await runDynamoFaults(world, { rate, messages: 20 })));
    }
  }
  if (selected.has('lambda')) {
    log('Lambda, SQS faults at 0.3');
    rows.push(lambdaFigures(await runLambdaQueue(world, { rate: 0.3, threads: 8, replies: 2 }), 0.3));
  }
} finally {
  await world.close();
}
process.stdout.write(`\nDurability figures\n${figureTable(rows)}\n`);
