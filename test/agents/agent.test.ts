import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AgentStreamEvent, ChatAgent, displayNameOf } from '../../src/agents/agent.js';
import { messageText } from '../../src/agents/messages.js';
import { ModelHttpError, ModelRateLimitError, ModelTimeoutError } from '../../src/agents/model.js';
import { tool } from '../../src/agents/tool.js';
import { useScriptedServer } from '../helpers.js';

const s = useScriptedServer();

const orderStatus = tool({
  name: 'check_order_status',
  description: 'Check the status of an order.',
  parameters: z.object({ order_number: z.string().describe('Order number to check status for') }),
  execute: ({ order_number }) => `Order ${order_number} ships in 2 business days.`,
});

function agentWith(tools = [orderStatus], extra: Partial<ConstructorParameters<typeof ChatAgent>[0]> = {}) {
  return new ChatAgent({
    name: 'order_agent',
    instructions: 'You handle orders.',
    model: s.model(),
    tools,
    ...extra,
  });
}

describe('ChatAgent over the real openai SDK', () => {
  it('streams text as it is generated and returns the whole answer', async () => {
    s.server.enqueue({ text: 'Your order is on its way, thanks for waiting!', chunkSize: 5 });
    const events: AgentStreamEvent[] = [];
    const run = agentWith().runStream('Where is my order?');
    let next = await run.next();
    while (!next.done) {
      events.push(next.value);
      next = await run.next();
    }
    const deltas = events
      .filter((e) => e.type === 'text_delta')
      .map((e) => (e.type === 'text_delta' ? e.delta : ''));
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Your order is on its way, thanks for waiting!');
    expect(next.value.status).toBe('completed');
    expect(next.value.text).toBe('Your order is on its way, thanks for waiting!');
    expect(next.value.messages.at(-1)?.authorName).toBe('order_agent');
    const sent = s.server.requests[0]!;
    expect(sent.stream).toBe(true);
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'You handle orders.' });
    expect(sent.toolNames).toEqual(['check_order_status']);
    const schema = (sent.tools[0] as { function: { parameters: { properties: Record<string, unknown> } } })
      .function.parameters;
    expect(schema.properties.order_number).toMatchObject({
      type: 'string',
      description: 'Order number to check status for',
    });
  });

  it('runs a tool with valid arguments and gives the model its result', async () => {
    s.server.enqueue(
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1234' } }] },
      { text: 'Order 1234 ships in 2 business days.' },
    );
    const result = await agentWith().run('Status of 1234?');
    expect(result.status).toBe('completed');
    expect(result.text).toBe('Order 1234 ships in 2 business days.');
    const toolMessage = s.server.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toBe('Order 1234 ships in 2 business days.');
  });

  it('feeds invalid arguments back so the next model turn can correct them', async () => {
    let calls = 0;
    const strict = tool({
      name: 'check_order_status',
      description: 'Check an order.',
      parameters: z.object({ order_number: z.string().regex(/^\d+$/) }),
      execute: ({ order_number }) => {
        calls++;
        return { order_number, status: 'shipped' };
      },
    });
    s.server.enqueue(
      { toolCalls: [{ name: 'check_order_status', arguments: '{"order_number": 12' }] }, // not JSON
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: 1234 } }] }, // wrong type
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1234' } }] },
      { text: 'It shipped.' },
    );
    const result = await agentWith([strict]).run('Status of 1234?');
    expect(result.text).toBe('It shipped.');
    expect(calls).toBe(1);
    const toolContents = s.server.requests
      .slice(1)
      .map((r) => String(r.messages.filter((m) => m.role === 'tool').at(-1)?.content));
    expect(toolContents[0]).toMatch(
      /^Error: Invalid arguments for tool "check_order_status": not valid JSON/,
    );
    expect(toolContents[1]).toMatch(
      /^Error: Invalid arguments for tool "check_order_status": order_number: .*string/,
    );
    expect(toolContents[2]).toBe('{"order_number":"1234","status":"shipped"}');
  });

  it('feeds a tool exception back as an error and keeps the conversation going', async () => {
    const broken = tool({
      name: 'check_order_status',
      description: 'Check an order.',
      parameters: z.object({ order_number: z.string() }),
      execute: () => {
        throw new Error('order service unavailable');
      },
    });
    s.server.enqueue(
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1' } }] },
      { text: 'Sorry, try later.' },
    );
    const result = await agentWith([broken]).run('Status of 1?');
    expect(result.text).toBe('Sorry, try later.');
    const toolMessage = s.server.requests[1]!.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toBe('Error: Tool "check_order_status" failed: order service unavailable');
  });

  it('turns a tool that runs too long into a timeout error the model sees', async () => {
    const slow = tool({
      name: 'check_order_status',
      description: 'Check an order.',
      parameters: z.object({ order_number: z.string() }),
      timeoutMs: 50,
      execute: (_args, { signal }) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve('late'))),
    });
    s.server.enqueue(
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1' } }] },
      { text: 'It is slow today.' },
    );
    const result = await agentWith([slow]).run('Status?');
    expect(result.text).toBe('It is slow today.');
    expect(s.server.requests[1]!.messages.find((m) => m.role === 'tool')?.content).toBe(
      'Error: Tool "check_order_status" timed out after 50 ms.',
    );
  });

  it('runs parallel tool calls together and returns every result', async () => {
    const started: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const lookup = tool({
      name: 'check_order_status',
      description: 'Check an order.',
      parameters: z.object({ order_number: z.string() }),
      execute: async ({ order_number }) => {
        started.push(order_number);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return `${order_number}: shipped`;
      },
    });
    s.server.enqueue(
      {
        toolCalls: [
          { name: 'check_order_status', arguments: { order_number: 'A' } },
          { name: 'check_order_status', arguments: { order_number: 'B' } },
          { name: 'check_order_status', arguments: { order_number: 'C' } },
        ],
      },
      { text: 'All three shipped.' },
    );
    const result = await agentWith([lookup]).run('Status of A, B and C?');
    expect(result.text).toBe('All three shipped.');
    expect(maxRunning).toBe(3);
    const tools = s.server.requests[1]!.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(tools).toEqual(['A: shipped', 'B: shipped', 'C: shipped']);
  });

  it('pauses on an always_require tool without executing it, then runs it once approved', async () => {
    let refunds = 0;
    const refund = tool({
      name: 'process_refund',
      description: 'Refund an order.',
      parameters: z.object({ order_number: z.string() }),
      approvalMode: 'always_require',
      execute: ({ order_number }) => {
        refunds++;
        return `Refund processed for ${order_number}.`;
      },
    });
    const agent = new ChatAgent({ name: 'refund_agent', model: s.model(), tools: [refund] });
    s.server.enqueue(
      { toolCalls: [{ name: 'process_refund', arguments: { order_number: '1234' } }] },
      { text: 'Refunded.' },
    );
    const paused = await agent.run('Refund 1234');
    expect(paused.status).toBe('awaiting_approval');
    expect(refunds).toBe(0);
    expect(paused.approvalRequests).toHaveLength(1);
    const request = paused.approvalRequests[0]!;
    expect(request.functionCall).toMatchObject({
      name: 'process_refund',
      parsedArguments: { order_number: '1234' },
    });

    const approval = {
      role: 'user' as const,
      contents: [
        {
          type: 'function_approval_response' as const,
          id: request.id,
          approved: true,
          functionCall: request.functionCall,
        },
      ],
    };
    const resumed = await agent.run([
      { role: 'user', contents: [{ type: 'text', text: 'Refund 1234' }] },
      ...paused.messages,
      approval,
    ]);
    expect(resumed.status).toBe('completed');
    expect(refunds).toBe(1);
    expect(resumed.text).toBe('Refunded.');
    expect(s.server.requests[1]!.messages.find((m) => m.role === 'tool')?.content).toBe(
      'Refund processed for 1234.',
    );
  });

  it('gives the model an error naming the available tools when it calls an unknown one', async () => {
    s.server.enqueue(
      { toolCalls: [{ name: 'cancel_order', arguments: {} }] },
      { text: 'I cannot cancel orders.' },
    );
    const result = await agentWith().run('Cancel it');
    expect(result.text).toBe('I cannot cancel orders.');
    expect(s.server.requests[1]!.messages.find((m) => m.role === 'tool')?.content).toBe(
      'Error: Unknown tool "cancel_order". Available tools: check_order_status.',
    );
  });

  it('stops after the configured number of tool rounds', async () => {
    s.server.enqueue(
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '1' } }] },
      { toolCalls: [{ name: 'check_order_status', arguments: { order_number: '2' } }] },
      { text: 'never reached' },
    );
    const result = await agentWith([orderStatus], { maxToolRounds: 2 }).run('Loop');
    expect(result.status).toBe('max_tool_rounds');
    expect(s.server.requests).toHaveLength(2);
  });
});

describe('model errors', () => {
  it('retries a 429 and succeeds', async () => {
    s.server.fault({ fault: 'rate_limit', retryAfterSeconds: 0 });
    s.server.enqueue({ text: 'Hello after the rate limit.' });
    const agent = new ChatAgent({ name: 'a', model: s.model({ maxRetries: 2 }) });
    const result = await agent.run('hi');
    expect(result.text).toBe('Hello after the rate limit.');
    expect(s.server.requests).toHaveLength(2);
  });

  it('raises a typed rate-limit error with the status once retries run out', async () => {
    s.server.enqueue(
      { fault: 'rate_limit', retryAfterSeconds: 0 },
      { fault: 'rate_limit', retryAfterSeconds: 0 },
      { fault: 'rate_limit', retryAfterSeconds: 0 },
    );
    const agent = new ChatAgent({ name: 'a', model: s.model({ maxRetries: 2 }) });
    const error = await agent.run('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({ status: 429, modelId: 'gpt-test' });
    expect(s.server.requests).toHaveLength(3);
  });

  it('raises a typed HTTP error for a 5xx after retries', async () => {
    s.server.enqueue({ fault: 'server_error', status: 503 }, { fault: 'server_error', status: 503 });
    const agent = new ChatAgent({ name: 'a', model: s.model({ maxRetries: 1 }) });
    const error = await agent.run('hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelHttpError);
    expect(error).toMatchObject({ status: 503 });
    expect((error as Error).message).toMatch(/HTTP 503/);
  });

  it('ends a stalled stream with a timeout error', async () => {
    s.server.enqueue({ fault: 'stall', afterChunks: 1 });
    const agent = new ChatAgent({ name: 'a', model: s.model({ streamIdleTimeoutMs: 200 }) });
    const started = Date.now();
    const error = await agent.run('hi', { stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as Error).message).toMatch(/stalled: no data for 200 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('agent construction', () => {
  it('rejects names that cannot be tool names, and duplicate tools, saying which and why', () => {
    const model = s.model();
    expect(() => new ChatAgent({ name: 'refund agent', model })).toThrow(
      /Agent name "refund agent" is invalid/,
    );
    expect(() => new ChatAgent({ name: 'a', model, tools: [orderStatus, orderStatus] })).toThrow(
      /two tools named "check_order_status"/,
    );
    expect(() =>
      tool({ name: 'bad name!', description: '', parameters: z.object({}), execute: () => null }),
    ).toThrow(/Tool name "bad name!" is invalid/);
  });

  it('derives a readable persona and accepts overrides', () => {
    const model = s.model();
    expect(new ChatAgent({ name: 'refund_agent', model }).persona).toEqual({ displayName: 'Refund Agent' });
    expect(displayNameOf('order-agent')).toBe('Order Agent');
    const a = model.createAgent({ name: 'triage_agent', persona: { iconEmoji: ':compass:' } });
    expect(a.persona).toEqual({ displayName: 'Triage Agent', iconEmoji: ':compass:' });
    expect(a.model).toBe(model);
  });

  it('keeps images and files the user sent when talking to the model', async () => {
    s.server.enqueue({ text: 'I see a cracked mug.' });
    const agent = new ChatAgent({ name: 'a', model: s.model() });
    const result = await agent.run({
      role: 'user',
      contents: [
        { type: 'text', text: 'It arrived like this' },
        { type: 'uri', uri: 'https://files.example.test/mug.png', mediaType: 'image/png' },
        { type: 'data', data: 'JVBERi0=', mediaType: 'application/pdf', name: 'receipt.pdf' },
      ],
    });
    expect(messageText(result.messages[0]!)).toBe('I see a cracked mug.');
    expect(s.server.requests[0]!.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'It arrived like this' },
        { type: 'image_url', image_url: { url: 'https://files.example.test/mug.png' } },
        {
          type: 'file',
          file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'receipt.pdf' },
        },
      ],
    });
  });
});
