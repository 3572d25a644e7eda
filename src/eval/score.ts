/**
 * Scores runs against their cases and sums them per model. Each check counts only where the case states an
 * expectation, so a case set can check routing everywhere and tool arguments only where they matter.
 */
import { emptyUsage, type UsageTotals } from '../agents/model.js';
import type { EvalCase, EvalTurn } from './cases.js';
import { checkToolCalls } from './matchers.js';
import { costOf, type PriceTable, priceOf } from './prices.js';
import { addTotals, type CaseRun, type TurnObservation } from './run-case.js';

export interface TurnScore {
  /** `undefined` where the case does not check it. */
  route?: boolean;
  tools?: boolean;
  /** Expected / observed approval, for precision and recall. */
  approvalExpected?: boolean;
  approvalRequested: boolean;
  /** Human-readable reasons for every failed check. */
  failures: string[];
}

export interface CaseScore {
  caseId: string;
  repetition: number;
  tags: string[];
  turns: TurnScore[];
  end?: boolean;
  /** Every check of the case passed and nothing failed. */
  passed: boolean;
  error?: { name: string; message: string };
}

function expectedRoutes(turn: EvalTurn): string[] | undefined {
  if (turn.route === undefined) return undefined;
  return Array.isArray(turn.route) ? turn.route : [turn.route];
}

function scoreTurn(turn: EvalTurn, observed: TurnObservation | undefined): TurnScore {
  const failures: string[] = [];
  const score: TurnScore = { approvalRequested: (observed?.approvals.length ?? 0) > 0, failures };
  const routes = expectedRoutes(turn);
  if (routes) {
    score.route = observed?.route !== undefined && routes.includes(observed.route);
    if (!score.route)
      failures.push(`route: expected ${routes.join(' or ')}, got ${observed?.route ?? 'no answer'}`);
  }
  if (turn.tools) {
    const check = checkToolCalls(turn.tools, observed?.toolCalls ?? []);
    score.tools = observed !== undefined && check.ok;
    if (!score.tools) failures.push(`tools: ${check.detail || 'turn did not run'}`);
  }
  if (turn.approval !== undefined) {
    score.approvalExpected = turn.approval;
    if (turn.approval !== score.approvalRequested) {
      failures.push(
        turn.approval ? 'approval: expected a request, none was made' : 'approval: unexpected request',
      );
    }
  }
  return score;
}

export function scoreRun(evalCase: EvalCase, run: CaseRun): CaseScore {
  const turns = evalCase.turns.map((t, i) => scoreTurn(t, run.turns[i]));
  const score: CaseScore = {
    caseId: evalCase.id,
    repetition: run.repetition,
    tags: evalCase.tags ?? [],
    turns,
    passed: false,
  };
  if (run.error) score.error = run.error;
  if (evalCase.end !== undefined) score.end = !run.error && run.ended === evalCase.end;
  score.passed = !run.error && score.end !== false && turns.every((t) => t.failures.length === 0);
  return score;
}

/** A share with its counts, so "100%" of 2 turns reads differently from 100% of 200. */
export interface Ratio {
  hits: number;
  of: number;
  /** hits / of, or null when nothing was counted. */
  value: number | null;
}

export interface ModelMetrics {
  cases: number;
  runs: number;
  turns: number;
  /** Runs in which every check passed. */
  passRate: Ratio;
  routingAccuracy: Ratio;
  toolCallAccuracy: Ratio;
  /** Of the turns that asked for approval, those that should have. */
  approvalPrecision: Ratio;
  /** Of the turns that should have asked for approval, those that did. */
  approvalRecall: Ratio;
  endAccuracy: Ratio;
  /** Mean handoffs per user turn (a loop shows as a high mean and max). */
  handoffsPerTurn: number;
  maxHandoffsInTurn: number;
  latencyMs: { p50: number; p95: number; max: number };
  usage: UsageTotals;
  tokensPerTurn: number;
  /** Estimated USD for all runs; null when the price table has no entry for the model. */
  estimatedCostUsd: number | null;
  errors: number;
  retries: number;
  /** Pass rate per tag (clear, ambiguous, …). */
  byTag: Record<string, Ratio>;
}

function ratio(hits: number, of: number): Ratio {
  return { hits, of, value: of === 0 ? null : hits / of };
}

/** Nearest-rank percentile of a sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(
  modelName: string,
  runs: readonly { evalCase: EvalCase; run: CaseRun; score: CaseScore }[],
  prices?: PriceTable,
): ModelMetrics {
  const counts = {
    route: [0, 0],
    tools: [0, 0],
    tp: 0,
    fp: 0,
    fn: 0,
    end: [0, 0],
    handoffs: 0,
    maxHandoffs: 0,
    turns: 0,
    errors: 0,
    retries: 0,
    passed: 0,
  };
  const latencies: number[] = [];
  const usage = emptyUsage();
  const byTag: Record<string, [number, number]> = {};
  for (const { run, score } of runs) {
    if (score.passed) counts.passed++;
    if (run.error) counts.errors++;
    counts.retries += run.retries;
    for (const tag of score.tags) {
      const t = byTag[tag] ?? [0, 0];
      byTag[tag] = t;
      t[1]++;
      if (score.passed) t[0]++;
    }
    if (score.end !== undefined) {
      counts.end[1]!++;
      if (score.end) counts.end[0]!++;
    }
    score.turns.forEach((t, i) => {
      const observed = run.turns[i];
      if (t.route !== undefined) {
        counts.route[1]!++;
        if (t.route) counts.route[0]!++;
      }
      if (t.tools !== undefined) {
        counts.tools[1]!++;
        if (t.tools) counts.tools[0]!++;
      }
      if (t.approvalExpected !== undefined) {
        if (t.approvalExpected && t.approvalRequested) counts.tp++;
        else if (!t.approvalExpected && t.approvalRequested) counts.fp++;
        else if (t.approvalExpected && !t.approvalRequested) counts.fn++;
      }
      if (observed) {
        counts.turns++;
        counts.handoffs += observed.handoffs.length;
        counts.maxHandoffs = Math.max(counts.maxHandoffs, observed.handoffs.length);
        latencies.push(observed.latencyMs);
        addTotals(usage, observed.usage);
      }
    });
  }
  latencies.sort((a, b) => a - b);
  const price = priceOf(modelName, prices);
  return {
    cases: new Set(runs.map((r) => r.evalCase.id)).size,
    runs: runs.length,
    turns: counts.turns,
    passRate: ratio(counts.passed, runs.length),
    routingAccuracy: ratio(counts.route[0]!, counts.route[1]!),
    toolCallAccuracy: ratio(counts.tools[0]!, counts.tools[1]!),
    approvalPrecision: ratio(counts.tp, counts.tp + counts.fp),
    approvalRecall: ratio(counts.tp, counts.tp + counts.fn),
    endAccuracy: ratio(counts.end[0]!, counts.end[1]!),
    handoffsPerTurn: counts.turns === 0 ? 0 : counts.handoffs / counts.turns,
    maxHandoffsInTurn: counts.maxHandoffs,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.at(-1) ?? 0,
    },
    usage,
    tokensPerTurn: counts.turns === 0 ? 0 : usage.totalTokens / counts.turns,
    estimatedCostUsd: price ? costOf(usage, price) : null,
    errors: counts.errors,
    retries: counts.retries,
    byTag: Object.fromEntries(Object.entries(byTag).map(([tag, [hits, of]]) => [tag, ratio(hits, of)])),
  };
}
