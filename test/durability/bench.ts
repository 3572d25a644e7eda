/**
 * `npm run bench:durability`: the durability suite's SIGKILL trials at bench counts, printing the table of
 * figures. CHAOS_BENCH_TRIALS trials per storage (default 100, so ≥ 200 in all), in rounds of CHAOS_FLOWS
 * (default 5) concurrent refund flows per kill; plus a few rounds of the refund tool without an idempotency key.
 */
import { type FigureRow, figureTable } from './figures.js';
import { killRounds } from './kill-plan.js';
import { refundFigures } from './refund-trial.js';
import { startWorld } from './world.js';

const trials = Number(process.env.CHAOS_BENCH_TRIALS ?? 100);
const flows = Number(process.env.CHAOS_FLOWS ?? 5);
const world = await startWorld();
const rows: FigureRow[] = [];
try {
  for (const storage of ['dynamodb', 'file'] as const) {
    const outcomes = await killRounds(world, {
      storage,
      trials,
      flows,
      firstRound: storage === 'file' ? 500 : 100,
    });
    rows.push(refundFigures(`${storage}, SIGKILL`, outcomes));
    process.stderr.write(`${storage}: ${outcomes.length} trials done\n`);
  }
  const atMostOnce = await killRounds(world, {
    storage: 'dynamodb',
    refund: 'at-most-once',
    trials: Math.max(flows, Math.round(trials / 5)),
    flows,
    firstRound: 900,
  });
  rows.push(refundFigures('dynamodb, SIGKILL, refund without key', atMostOnce));
} finally {
  await world.close();
}
process.stdout.write(`\nSIGKILL trials (refund flow, real app over Slack HTTP)\n${figureTable(rows)}\n`);
