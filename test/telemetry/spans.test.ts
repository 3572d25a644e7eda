/**
 * The span tree of the seed's refund flow, recorded by the real OpenTelemetry SDK into an in-memory exporter:
 * turn → agent → model call / tool call, the handoff, and the approval wait on the turn that answers it.
 */
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import type { FunctionApprovalRequest } from '../../src/handoff/requests.js';
import { InMemoryCheckpointStorage } from '../../src/store/memory.js';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
const meterProvider = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  metrics.setGlobalMeterProvider(meterProvider);
});
afterAll(async () => {
  await provider.shutdown();
  await meterProvider.shutdown();
  trace.disable();
  metrics.disable();
});
beforeEach(() => exporter.reset());

interface Node {
  name: string;
  children: Node[];
}

/** The spans as a tree of names, children in start order. */
function tree(spans: readonly ReadableSpan[]): Node[] {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((sp) => sp.spanContext().spanId));
  for (const sp of spans) {
    const parent = sp.parentSpanContext?.spanId;
    const key = parent && ids.has(parent) ? parent : undefined;
    byParent.set(key, [...(byParent.get(key) ?? []), sp]);
  }
  const build = (parent: string | undefined): Node[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
      .map((sp) => ({ name: sp.name, children: build(sp.spanContext().spanId) }));
  return build(undefined);
}

const leaf = (name: string): Node => ({ name, children: [] });
const named = (name: string) => exporter.getFinishedSpans().find((sp) => sp.name === name)!;

describe('OpenTelemetry spans', () => {
  it('trace the refund flow: turn, agents, model calls, handoff, approval wait, tool call', async () => {
    const workflow = createCustomerSupportWorkflow({
      model: s.model(),
      storage: new InMemoryCheckpointStorage(),
    });
    s.server.enqueue(
      {
        toolCalls: [{ name: 'handoff_to_refund_agent', arguments: { reason: 'damaged order 1234' } }],
        usage: { prompt_tokens: 120, completion_tokens: 9 },
      },
      {
        text: 'I will refund order 1234 once approved.',
        toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
        usage: { prompt_tokens: 200, completion_tokens: 25, cached_tokens: 128 },
      },
    );
    const first = await workflow.run('My order 1234 arrived damaged, I need a refund.');
    expect(tree(exporter.getFinishedSpans())).toEqual([
      {
        name: 'invoke_workflow customer_support_handoff',
        children: [
          { name: 'invoke_agent triage_agent', children: [leaf('chat gpt-test')] },
          leaf('baton.handoff triage_agent → refund_agent'),
          { name: 'invoke_agent refund_agent', children: [leaf('chat gpt-test')] },
        ],
      },
    ]);
    const turn = named('invoke_workflow customer_support_handoff');
    expect(turn.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.conversation.id': workflow.conversationId,
      'baton.turn.status': 'idle_with_pending_requests',
      'baton.turn.handoffs': 1,
      'baton.turn.model_calls': 2,
      'gen_ai.usage.input_tokens': 320,
      'gen_ai.usage.output_tokens': 34,
    });
    const chats = exporter.getFinishedSpans().filter((sp) => sp.name === 'chat gpt-test');
    expect(chats.map((c) => c.attributes)).toEqual([
      expect.objectContaining({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-test',
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 9,
      }),
      expect.objectContaining({
        'gen_ai.usage.input_tokens': 200,
        'gen_ai.usage.cache_read.input_tokens': 128,
      }),
    ]);
    expect(named('baton.handoff triage_agent → refund_agent').attributes).toMatchObject({
      'baton.handoff.from': 'triage_agent',
      'baton.handoff.to': 'refund_agent',
      'baton.handoff.reason': 'damaged order 1234',
    });
    expect(named('invoke_agent refund_agent').attributes).toMatchObject({
      'gen_ai.agent.name': 'refund_agent',
      'gen_ai.agent.description': 'Agent that handles refund requests.',
    });

    exporter.reset();
    const approval = first.getRequestInfoEvents()[0]!;
    const data = approval.data as FunctionApprovalRequest;
    s.server.enqueue({
      text: 'Refund processed for 1234.',
      usage: { prompt_tokens: 260, completion_tokens: 8 },
    });
    await workflow.sendResponses({ [approval.requestId]: data.createResponse({ approved: true }) });
    expect(tree(exporter.getFinishedSpans())).toEqual([
      {
        name: 'invoke_workflow customer_support_handoff',
        children: [
          leaf('baton.approval_wait process_refund'),
          {
            name: 'invoke_agent refund_agent',
            children: [leaf('execute_tool process_refund'), leaf('chat gpt-test')],
          },
        ],
      },
    ]);
    const wait = named('baton.approval_wait process_refund');
    expect(wait.attributes).toMatchObject({
      'baton.approval.request_id': approval.requestId,
      'baton.approval.decision': 'approved',
      'gen_ai.tool.name': 'process_refund',
      'gen_ai.tool.call.id': data.functionCall.callId,
    });
    // The wait starts when the approval was requested, in the previous turn.
    expect(wait.startTime[0] * 1000 + wait.startTime[1] / 1e6).toBeLessThanOrEqual(
      turn.endTime[0] * 1000 + turn.endTime[1] / 1e6,
    );
    expect(named('execute_tool process_refund').attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'process_refund',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': data.functionCall.callId,
    });
  });

  it('marks a failed model call and its turn as errors, with the error type', async () => {
    const workflow = createCustomerSupportWorkflow({ model: s.model() });
    s.server.fault({ fault: 'server_error', status: 503 });
    await expect(workflow.run('hello')).rejects.toThrow(/HTTP 503/);
    const chat = named('chat gpt-test');
    expect(chat.status.code).toBe(2);
    expect(chat.attributes['error.type']).toBe('ModelHttpError');
    const turn = named('invoke_workflow customer_support_handoff');
    expect(turn.status.code).toBe(2);
    expect(turn.attributes).toMatchObject({ 'error.type': 'ModelHttpError', 'baton.turn.status': 'failed' });
  });

  it('counts turns, tokens per call and pending approvals as metrics', async () => {
    const workflow = createCustomerSupportWorkflow({ model: s.model() });
    s.server.enqueue(
      {
        toolCalls: [{ name: 'handoff_to_refund_agent', arguments: {} }],
        usage: { prompt_tokens: 10, completion_tokens: 2 },
      },
      {
        toolCalls: [{ name: 'process_refund', arguments: { order_number: '7' } }],
        usage: { prompt_tokens: 20, completion_tokens: 3 },
      },
    );
    await workflow.run('refund order 7');
    await reader.forceFlush();
    const latest = metricExporter.getMetrics().at(-1)!;
    const all = latest.scopeMetrics.flatMap((sm) => sm.metrics);
    const find = (name: string) => all.find((m) => m.descriptor.name === name)!;
    const tokens = find('gen_ai.client.token.usage');
    const inputSum = tokens.dataPoints
      .filter((p) => p.attributes['gen_ai.token.type'] === 'input')
      .reduce((sum, p) => sum + (p.value as { sum: number }).sum, 0);
    // Cumulative over this file: 320 + 260 in the refund flow, none for the failed call, 30 here.
    expect(inputSum).toBe(610);
    // The refund flow's approval was requested and decided; this one is still waiting.
    const pending = find('baton.approvals.pending');
    expect(pending.dataPoints.reduce((sum, p) => sum + (p.value as number), 0)).toBe(1);
    const turns = find('baton.turns');
    expect(
      turns.dataPoints.some((p) => p.attributes['baton.turn.status'] === 'idle_with_pending_requests'),
    ).toBe(true);
  });
});
