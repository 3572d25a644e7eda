/**
 * `evaluate` against the real customer-support workflow and the real `openai` SDK, with the scripted server
 * playing models whose mistakes are known, so every figure in the report can be checked exactly.
 */
import { describe, expect, it } from 'vitest';
import { createCustomerSupportWorkflow } from '../../examples/customer-support.js';
import { ChatAgent } from '../../src/agents/agent.js';
import type { ChatModel, ChatModelRequest } from '../../src/agents/model.js';
import { parseCases } from '../../src/eval/cases.js';
import { evaluate } from '../../src/eval/evaluate.js';
import { renderHtml, renderMarkdown } from '../../src/eval/report.js';
import type { RecordedRequest, ScriptItem } from '../../src/testing/index.js';
import { useScriptedServer } from '../helpers.js';

const usage = { prompt_tokens: 100, completion_tokens: 10 };

/** A model that routes "where is …" to the returns desk (wrong) unless its name is gpt-good. */
function responder(r: RecordedRequest): ScriptItem {
  const text = r.lastUserText ?? '';
  const last = r.messages.at(-1);
  const good = r.model === 'gpt-good';
  if (r.toolNames.includes('process_refund')) {
    return last?.role === 'tool'
      ? { text: 'Refund done.', usage }
      : { toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }], usage };
  }
  if (r.toolNames.includes('check_order_status')) {
    return last?.role === 'tool'
      ? { text: 'It ships soon.', usage }
      : { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '5678' } }], usage };
  }
  if (r.toolNames.includes('process_return')) {
    return last?.role === 'tool'
      ? { text: 'Return started.', usage }
      : { toolCalls: [{ name: 'process_return', arguments: { order_number: '5678' } }], usage };
  }
  if (/refund/i.test(text)) return { toolCalls: [{ name: 'handoff_to_refund_agent', arguments: {} }], usage };
  if (/where/i.test(text)) {
    return {
      toolCalls: [{ name: good ? 'handoff_to_order_agent' : 'handoff_to_return_agent', arguments: {} }],
      usage,
    };
  }
  return { text: 'Hi! How can I help?', usage };
}

const s = useScriptedServer({ responder });

const CASES = parseCases(
  [
    {
      id: 'refund',
      tags: ['clear'],
      turns: [
        {
          user: 'refund order 1234',
          route: 'refund_agent',
          tools: [{ name: 'process_refund', arguments: { order_number: '1234' } }],
          approval: true,
        },
      ],
    },
    {
      id: 'status',
      tags: ['clear'],
      turns: [
        {
          user: 'where is order 5678',
          route: 'order_agent',
          tools: [{ name: 'check_order_status', arguments: { order_number: '5678' } }],
          approval: false,
        },
      ],
    },
    {
      id: 'hello',
      tags: ['greeting'],
      turns: [{ user: 'hello', route: 'triage_agent', tools: [], approval: false }],
      end: false,
    },
  ]
    .map((c) => JSON.stringify(c))
    .join('\n'),
);

describe('evaluate', () => {
  it('scores routing, tool calls, approvals, handoffs, tokens and cost per model', async () => {
    const report = await evaluate((model) => createCustomerSupportWorkflow({ model }), CASES, {
      models: [
        { name: 'gpt-bad', model: s.model({ model: 'gpt-bad' }) },
        { name: 'gpt-good', model: s.model({ model: 'gpt-good' }) },
      ],
      prices: { 'gpt-bad': { input: 1, output: 2 } },
    });
    expect(report.workflow).toBe('customer_support_handoff');
    const [bad, good] = report.models;
    expect(bad!.metrics).toMatchObject({
      cases: 3,
      runs: 3,
      turns: 3,
      passRate: { hits: 2, of: 3 },
      routingAccuracy: { hits: 2, of: 3 },
      toolCallAccuracy: { hits: 2, of: 3 },
      approvalPrecision: { hits: 1, of: 1, value: 1 },
      approvalRecall: { hits: 1, of: 1, value: 1 },
      endAccuracy: { hits: 1, of: 1 },
      maxHandoffsInTurn: 1,
      errors: 0,
      retries: 0,
      byTag: { clear: { hits: 1, of: 2 }, greeting: { hits: 1, of: 1 } },
    });
    expect(bad!.metrics.handoffsPerTurn).toBeCloseTo(2 / 3);
    // 3 calls (triage, refund tool call, refund reply) + 3 + 1, each 100 in / 10 out.
    expect(bad!.metrics.usage).toMatchObject({ inputTokens: 700, outputTokens: 70, modelCalls: 7 });
    expect(bad!.metrics.estimatedCostUsd).toBeCloseTo((700 * 1 + 70 * 2) / 1e6, 10);
    const failed = bad!.runs.find((r) => !r.score.passed)!;
    expect(failed.evalCase.id).toBe('status');
    expect(failed.score.turns[0]!.failures).toEqual([
      'route: expected order_agent, got return_agent',
      'tools: expected check_order_status({"order_number":"5678"}); got process_return({"order_number":"5678"})',
    ]);
    expect(good!.metrics.passRate).toMatchObject({ hits: 3, of: 3, value: 1 });
    // No price for gpt-good: the cost is unknown, not zero.
    expect(good!.metrics.estimatedCostUsd).toBeNull();

    const table = renderMarkdown(report);
    expect(table).toContain('| routing accuracy         | 66.7% (2/3)');
    expect(table).toContain('- status#1: turn 1 route: expected order_agent, got return_agent');
    const html = renderHtml(report);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('runs each case N times, retries a rate-limited run from the start, and keeps to the concurrency limit', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const counted = (model: ChatModel): ChatModel => ({
      modelId: model.modelId,
      complete: (request: ChatModelRequest) => model.complete(request),
      createAgent(options) {
        return new ChatAgent({ ...options, model: this });
      },
      async *stream(request: ChatModelRequest) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          // Long enough for runs to overlap.
          await new Promise((r) => setTimeout(r, 30));
          yield* model.stream(request);
        } finally {
          inFlight--;
        }
      },
    });
    s.server.fault({ fault: 'rate_limit', retryAfterSeconds: 0.01 });
    const hello = CASES.filter((c) => c.id === 'hello');
    const report = await evaluate((model) => createCustomerSupportWorkflow({ model }), hello, {
      models: [{ name: 'gpt-good', model: counted(s.model({ model: 'gpt-good' })) }],
      repetitions: 6,
      concurrency: 2,
      maxRetries: 2,
    });
    const m = report.models[0]!.metrics;
    expect(m.runs).toBe(6);
    expect(m.passRate.hits).toBe(6);
    expect(m.retries).toBe(1);
    expect(m.errors).toBe(0);
    expect(maxInFlight).toBe(2);
    expect(report.models[0]!.runs.map((r) => r.run.repetition).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('records a run that keeps failing as an error that fails every check, without stopping the others', async () => {
    s.server.fault({ fault: 'server_error', status: 500 });
    const report = await evaluate(
      createCustomerSupportWorkflow({ model: s.model({ model: 'gpt-good' }) }),
      CASES,
      {
        concurrency: 1,
      },
    );
    const m = report.models[0]!.metrics;
    expect(report.models[0]!.name).toBe('gpt-good');
    expect(m).toMatchObject({
      errors: 1,
      retries: 0,
      passRate: { hits: 2, of: 3 },
      routingAccuracy: { hits: 2, of: 3 },
    });
    const failed = report.models[0]!.runs.find((r) => r.run.error)!;
    expect(failed.evalCase.id).toBe('refund');
    expect(failed.run.error!.name).toBe('ModelHttpError');
    expect(failed.score.passed).toBe(false);
    expect(renderMarkdown(report)).toMatch(
      /- refund#1: ModelHttpError: Model "gpt-good" failed with HTTP 500/,
    );
  });

  it('refuses unclear options with a message that says what to pass', async () => {
    await expect(evaluate((model) => createCustomerSupportWorkflow({ model }), CASES)).rejects.toThrow(
      /needs `models`/,
    );
    await expect(
      evaluate(createCustomerSupportWorkflow({ model: s.model() }), CASES, { repetitions: 0 }),
    ).rejects.toThrow('repetitions must be a whole number ≥ 1, got 0.');
  });
});
