/** `baton/eval`: run JSONL eval cases through a handoff workflow on one or more models and score them. */
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
export {
  type EvalModel,
  type EvalReport,
  type EvaluateOptions,
  type EvalWorkflow,
  evaluate,
  type ModelReport,
  type RunResult,
} from './evaluate.js';
export { checkToolCalls, matchValue, type ObservedToolCall, type ToolCheck } from './matchers.js';
export {
  costOf,
  DEFAULT_PRICES,
  type ModelPrice,
  type PriceTable,
  parsePriceTable,
  priceOf,
} from './prices.js';
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
