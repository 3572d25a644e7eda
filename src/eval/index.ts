/** `baton/eval`: run JSONL eval cases through a handoff workflow on one or more models and score them. */
// Cases: JSONL files of turns and what each should do (route, call tools, ask for approval).
export {
  type ArgumentMatcher,
  type EvalCase,
  EvalCaseError,
  EvalCaseSchema,
  type EvalTurn,
  type ExpectedToolCall,
  formatCases,
  loadCases,
  parseCases,
} from './cases.js';
// Running: every case on every model, in order.
export {
  type EvalModel,
  type EvalReport,
  type EvaluateOptions,
  type EvalWorkflow,
  evaluate,
  type ModelReport,
  type RunResult,
} from './evaluate.js';
// Scoring: tool-call matchers, per-turn and per-model metrics.
export { checkToolCalls, matchValue, type ObservedToolCall, type ToolCheck } from './matchers.js';
// Cost: token prices per model.
export {
  costOf,
  DEFAULT_PRICES,
  type ModelPrice,
  type PriceTable,
  parsePriceTable,
  priceOf,
} from './prices.js';
// Reports: Markdown and HTML.
export { renderHtml, renderMarkdown, SCRIPTED_LABEL } from './report.js';
export { type CaseRun, runCase, type TurnObservation } from './run-case.js';
export {
  type CaseScore,
  type ModelMetrics,
  percentile,
  type Ratio,
  scoreRun,
  type TurnScore,
} from './score.js';
