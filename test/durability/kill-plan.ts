/** Rounds of SIGKILL trials at random kill moments, until `trials` flows have run. */
import { type KillRoundOptions, type RefundTrialOutcome, runKillRound } from './refund-trial.js';
import type { World } from './world.js';

export interface KillPlan extends Omit<KillRoundOptions, 'round' | 'killAtMs' | 'flows'> {
  trials: number;
  flows: number;
  firstRound: number;
  /** Kill moments are drawn uniformly from [200, windowMs) after a round's start (default 4500: the
   * stagger plus about one refund flow, so flows are caught at every step). */
  windowMs?: number;
  onRound?: (outcomes: RefundTrialOutcome[]) => void;
}

export async function killRounds(world: World, plan: KillPlan): Promise<RefundTrialOutcome[]> {
  const { trials, flows, firstRound, windowMs = 4500, onRound, ...round } = plan;
  const all: RefundTrialOutcome[] = [];
  for (let r = 0; all.length < trials; r++) {
    const killAtMs = 200 + Math.random() * (windowMs - 200);
    const outcomes = await runKillRound(world, {
      ...round,
      round: firstRound + r,
      flows: Math.min(flows, trials - all.length),
      killAtMs,
    });
    onRound?.(outcomes);
    all.push(...outcomes);
  }
  return all;
}
