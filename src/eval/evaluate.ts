/**
 * `evaluate(workflow, cases, options)`: every case, N times, on each model, a few at a time; rate limits
 * retried; each run scored and summed per model into the figures `npm run eval` prints.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatModel } from '../agents/model.js';
import { ModelRateLimitError } from '../agents/model.js';
import type { HandoffWorkflow } from '../handoff/workflow.js';
import type { EvalCase } from './cases.js';
import type { PriceTable } from './prices.js';
import { type CaseRun, partialRun, runCase } from './run-case.js';
import { type CaseScore, type ModelMetrics, scoreRun, summarize } from './score.js';

export interface EvalModel {
  /** The name prices are looked up by and the report shows (e.g. `gpt-4.1-mini`). */
  name: string;
  model: ChatModel;
  /** A longer label for the report, e.g. "OpenAI gpt-4.1-mini" or "scripted demo (offline, not an AI)". */
  label?: string;
  /** A scripted stand-in, not a real model: reports say so next to every figure. */
  scripted?: boolean;
}

/** A workflow bound to one model, or a factory that builds the same workflow on any model. */
export type EvalWorkflow = HandoffWorkflow | ((model: ChatModel) => HandoffWorkflow);

export interface EvaluateOptions {
  /** Needed with a factory; with a built workflow, the default is the model its start agent uses. */
  models?: readonly EvalModel[];
  /** Runs per case and model (default 1). */
  repetitions?: number;
  /** Runs in flight at once, across models (default 4). */
  concurrency?: number;
  /** Retries of a run that hit a rate limit after the SDK's own retries (default 3). */
  maxRetries?: number;
  /** First wait before a retry when the provider gave no `retry-after` (ms, doubling; default 2000). */
  retryBaseDelayMs?: number;
  /** USD per 1M tokens by model name; default `DEFAULT_PRICES`. */
  prices?: PriceTable;
  /** Called after each run, e.g. for a progress line. */
  onRun?: (result: RunResult) => void;
}

export interface RunResult {
  model: string;
  evalCase: EvalCase;
  run: CaseRun;
  score: CaseScore;
}

export interface ModelReport {
  name: string;
  label: string;
  scripted: boolean;
  metrics: ModelMetrics;
  runs: RunResult[];
}

export interface EvalReport {
  generatedAt: string;
  workflow: string;
  repetitions: number;
  caseCount: number;
  models: ModelReport[];
}

export async function evaluate(
  workflow: EvalWorkflow,
  cases: readonly EvalCase[],
  options: EvaluateOptions = {},
): Promise<EvalReport> {
  const models = resolveModels(workflow, options.models);
  const repetitions = positive(options.repetitions ?? 1, 'repetitions');
  const concurrency = positive(options.concurrency ?? 4, 'concurrency');
  const workflows = new Map(
    models.map((m) => [m.name, typeof workflow === 'function' ? workflow(m.model) : workflow]),
  );
  const jobs = models.flatMap((m) =>
    cases.flatMap((c) =>
      Array.from({ length: repetitions }, (_, i) => ({ model: m, evalCase: c, rep: i + 1 })),
    ),
  );
  const results: RunResult[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      const run = await runWithRetries(workflows.get(job.model.name)!, job.evalCase, job.rep, options);
      const result = {
        model: job.model.name,
        evalCase: job.evalCase,
        run,
        score: scoreRun(job.evalCase, run),
      };
      results[index] = result;
      options.onRun?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  const first = workflows.values().next().value as HandoffWorkflow;
  return {
    generatedAt: new Date().toISOString(),
    workflow: first.name,
    repetitions,
    caseCount: cases.length,
    models: models.map((m) => {
      const runs = results.filter((r) => r.model === m.name);
      return {
        name: m.name,
        label: m.label ?? m.name,
        scripted: m.scripted ?? false,
        metrics: summarize(m.name, runs, options.prices),
        runs,
      };
    }),
  };
}

async function runWithRetries(
  workflow: HandoffWorkflow,
  evalCase: EvalCase,
  repetition: number,
  options: EvaluateOptions,
): Promise<CaseRun> {
  const maxRetries = options.maxRetries ?? 3;
  const base = options.retryBaseDelayMs ?? 2000;
  for (let attempt = 0; ; attempt++) {
    try {
      const run = await runCase(workflow, evalCase, { repetition });
      run.retries = attempt;
      return run;
    } catch (error) {
      const run = partialRun(error) ?? emptyRun(evalCase, repetition, error);
      run.retries = attempt;
      if (!(error instanceof ModelRateLimitError) || attempt >= maxRetries) return run;
      // The whole case again on a fresh conversation: a half-run conversation would skew every check.
      await sleep(error.retryAfterMs ?? base * 2 ** attempt);
    }
  }
}

function emptyRun(evalCase: EvalCase, repetition: number, error: unknown): CaseRun {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    caseId: evalCase.id,
    repetition,
    turns: [],
    ended: false,
    retries: 0,
    error: { name: err.name, message: err.message },
  };
}

function resolveModels(
  workflow: EvalWorkflow,
  models: readonly EvalModel[] | undefined,
): readonly EvalModel[] {
  if (models && models.length > 0) {
    const names = models.map((m) => m.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new TypeError(`Model "${dup}" is listed twice; give each model a distinct name.`);
    if (typeof workflow !== 'function' && models.length > 1) {
      throw new TypeError(
        'Several models need a workflow factory, `(model) => workflow`, so each model gets its own agents.',
      );
    }
    return models;
  }
  if (typeof workflow === 'function') {
    throw new TypeError('evaluate(factory, cases) needs `models`: the models to build the workflow on.');
  }
  const start = workflow.definition.agents.get(workflow.definition.startAgent)!;
  return [{ name: start.model.modelId, model: start.model }];
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${name} must be a whole number ≥ 1, got ${n}.`);
  return n;
}
