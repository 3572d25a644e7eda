/**
 * Baton's metrics on `@opentelemetry/api`: GenAI client token usage and operation duration (semantic
 * conventions), plus turns, turn latency, errors and approvals waiting. Instruments are created lazily from the
 * global meter provider, so an SDK registered after import (the app's OTLP set-up) still receives them.
 */
import {
  type Attributes,
  type Counter,
  type Histogram,
  metrics,
  type UpDownCounter,
} from '@opentelemetry/api';
import { ATTR, TRACER_NAME } from './spans.js';

interface Instruments {
  tokenUsage: Histogram;
  operationDuration: Histogram;
  turns: Counter;
  turnDuration: Histogram;
  errors: Counter;
  pendingApprovals: UpDownCounter;
}

let instruments: Instruments | undefined;
let meterProvider: unknown;

function get(): Instruments {
  const provider = metrics.getMeterProvider();
  // A provider registered (or replaced) since the last call gets fresh instruments.
  if (instruments && meterProvider === provider) return instruments;
  const meter = metrics.getMeter(TRACER_NAME);
  meterProvider = provider;
  instruments = {
    tokenUsage: meter.createHistogram('gen_ai.client.token.usage', {
      description: 'Tokens used per model call, by gen_ai.token.type (input, output).',
      unit: '{token}',
    }),
    operationDuration: meter.createHistogram('gen_ai.client.operation.duration', {
      description: 'Duration of a model call.',
      unit: 's',
    }),
    turns: meter.createCounter('baton.turns', {
      description: 'Turns run, by outcome (baton.turn.status).',
      unit: '{turn}',
    }),
    turnDuration: meter.createHistogram('baton.turn.duration', {
      description: 'Wall time of a turn, from the input to the pause, end or failure.',
      unit: 's',
    }),
    errors: meter.createCounter('baton.turn.errors', {
      description: 'Turns that failed, by error.type.',
      unit: '{error}',
    }),
    pendingApprovals: meter.createUpDownCounter('baton.approvals.pending', {
      description: 'Tool approvals requested and not yet decided (this process’s requests minus decisions).',
      unit: '{request}',
    }),
  };
  return instruments;
}

export function recordModelCall(
  model: { modelId: string; providerName?: string },
  seconds: number,
  usage: { inputTokens: number; outputTokens: number } | undefined,
  errorType?: string,
): void {
  const attrs: Attributes = {
    [ATTR.operation]: 'chat',
    [ATTR.provider]: model.providerName ?? 'openai',
    [ATTR.requestModel]: model.modelId,
    ...(errorType ? { [ATTR.errorType]: errorType } : {}),
  };
  const m = get();
  m.operationDuration.record(seconds, attrs);
  if (usage) {
    m.tokenUsage.record(usage.inputTokens, { ...attrs, 'gen_ai.token.type': 'input' });
    m.tokenUsage.record(usage.outputTokens, { ...attrs, 'gen_ai.token.type': 'output' });
  }
}

export function recordTurn(workflowName: string, status: string, seconds: number, errorType?: string): void {
  const attrs: Attributes = { [ATTR.workflowName]: workflowName, [ATTR.turnStatus]: status };
  const m = get();
  m.turns.add(1, attrs);
  m.turnDuration.record(seconds, attrs);
  if (errorType) m.errors.add(1, { [ATTR.workflowName]: workflowName, [ATTR.errorType]: errorType });
}

/** +n when approvals are requested, -n when they are decided. */
export function recordPendingApprovals(workflowName: string, delta: number): void {
  if (delta !== 0) get().pendingApprovals.add(delta, { [ATTR.workflowName]: workflowName });
}
