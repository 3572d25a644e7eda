import OpenAI, {
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../src/testing/index.js';

let server: ScriptedOpenAIServer;

beforeEach(async () => {
  server = await startScriptedOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function client(options: { maxRetries?: number; apiKey?: string } = {}): OpenAI {
  return new OpenAI({
    baseURL: server.baseURL,
    apiKey: options.apiKey ?? 'test',
    maxRetries: options.maxRetries ?? 0,
    // The SDK logs unparseable SSE lines before throwing; the malformed-JSON tests expect exactly that.
    logLevel: 'off',
  });
}

function user(content: string): ChatCompletionMessageParam[] {
  return [{ role: 'user', content }];
}

const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function streamChunks(
  params: { messages?: ChatCompletionMessageParam[]; includeUsage?: boolean } = {},
): Promise<ChatCompletionChunk[]> {
  const stream = await client().chat.completions.create({
    model: 'gpt-test',
    messages: params.messages ?? user('hi'),
    stream: true,
    ...(params.includeUsage === undefined ? {} : { stream_options: { include_usage: params.includeUsage } }),
  });
  return collect(stream);
}

async function ask(text: string, openai: OpenAI = client()): Promise<string | null> {
  const completion = await openai.chat.completions.create({ model: 'gpt-test', messages: user(text) });
  return completion.choices[0]?.message.content ?? null;
}

/** Reassembles streamed tool calls by index, the way a client must. */
function toolCallsOf(chunks: ChatCompletionChunk[]): Array<{ id?: string; name: string; arguments: string }> {
  const calls: Array<{ id?: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = calls[delta.index] ?? { name: '', arguments: '' };
      calls[delta.index] = call;
      if (delta.id !== undefined) call.id = delta.id;
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

describe('text responses', () => {
  it('streams text in several deltas that reassemble, starting with the role and ending with finish_reason', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    server.enqueue({ text, chunkSize: 5 });

    const chunks = await streamChunks();

    const deltas = chunks
      .map((chunk) => chunk.choices[0]?.delta.content)
      .filter((c) => typeof c === 'string');
    expect(deltas.filter((d) => d.length > 0).length).toBeGreaterThanOrEqual(Math.ceil(text.length / 5));
    expect(deltas.join('')).toBe(text);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(
      chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'gpt-test'),
    ).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("is accumulated by the SDK's own stream helper", async () => {
    server.enqueue({ text: 'Hello from the stream helper.' });

    const completion = await client()
      .chat.completions.stream({ model: 'gpt-test', messages: user('hi') })
      .finalChatCompletion();

    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Hello from the stream helper.',
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('answers a non-streamed request with a chat.completion', async () => {
    server.enqueue({
      text: 'Plain answer.',
      finishReason: 'length',
      usage: { prompt_tokens: 11, completion_tokens: 3 },
    });

    const completion = await client().chat.completions.create({ model: 'gpt-test', messages: user('hi') });

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-test');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Plain answer.' });
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
  });

  it('defaults usage to rough positive counts', async () => {
    server.enqueue({ text: 'x'.repeat(40) });

    const completion = await client().chat.completions.create({ model: 'gpt-test', messages: user('hi') });

    expect(completion.usage?.completion_tokens).toBe(10);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('paces a streamed response over delayMs', async () => {
    server.enqueue({ text: 'abcdefghijklmnop', chunkSize: 4, delayMs: 250 });

    const started = Date.now();
    const arrivals: number[] = [];
    const stream = await client().chat.completions.create({ model: 'm', messages: user('hi'), stream: true });
    for await (const _chunk of stream) arrivals.push(Date.now() - started);

    expect(arrivals.at(-1)).toBeGreaterThanOrEqual(200);
    // Spread out, not all at the end: the first chunk arrives well before the last.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(120);
  });
});

describe('tool calls', () => {
  it('sends a single tool call whose arguments parse to the scripted object', async () => {
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] });

    const completion = await client().chat.completions.create({
      model: 'gpt-test',
      messages: user('weather?'),
      tools: [weatherTool],
    });

    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toMatch(/^call_\d+$/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', days: 3 });
  });

  it('sends several parallel tool calls in one non-streamed response, keeping given ids', async () => {
    server.enqueue({
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_weather', arguments: { city: 'Oslo' }, id: 'call_custom' },
        { name: 'get_time', arguments: {} },
      ],
    });

    const completion = await client().chat.completions.create({ model: 'gpt-test', messages: user('both') });

    const calls = (completion.choices[0]?.message.tool_calls ?? []).map((call) =>
      call.type === 'function'
        ? { id: call.id, name: call.function.name, args: JSON.parse(call.function.arguments) }
        : null,
    );
    expect(calls.map((call) => call?.name)).toEqual(['get_weather', 'get_weather', 'get_time']);
    expect(calls.map((call) => call?.args)).toEqual([{ city: 'Paris' }, { city: 'Oslo' }, {}]);
    expect(calls[1]?.id).toBe('call_custom');
    expect(new Set(calls.map((call) => call?.id)).size).toBe(3);
  });

  it('streams several parallel tool calls, arguments in pieces, after any text', async () => {
    const args = { city: 'Reykjavik', units: 'metric', note: 'a fairly long argument value' };
    server.enqueue({
      text: 'Checking both.',
      toolCalls: [
        { name: 'get_weather', arguments: args },
        { name: 'get_time', arguments: { zone: 'UTC' } },
      ],
    });

    const chunks = await streamChunks();

    const argumentPieces = chunks.filter((chunk) =>
      chunk.choices[0]?.delta.tool_calls?.some((d) => d.index === 0 && (d.function?.arguments ?? '') !== ''),
    );
    expect(argumentPieces.length).toBeGreaterThan(1);
    const calls = toolCallsOf(chunks);
    expect(calls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(JSON.parse(calls[0]?.arguments ?? '')).toEqual(args);
    expect(JSON.parse(calls[1]?.arguments ?? '')).toEqual({ zone: 'UTC' });
    expect(calls[0]?.id).toMatch(/^call_\d+$/);
    expect(calls[0]?.id).not.toBe(calls[1]?.id);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Checking both.');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it("streams tool calls the SDK's stream helper accumulates", async () => {
    server.enqueue({
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Lima' } },
        { name: 'get_weather', arguments: { city: 'Quito' } },
      ],
    });

    const completion = await client()
      .chat.completions.stream({ model: 'gpt-test', messages: user('hi'), tools: [weatherTool] })
      .finalChatCompletion();

    const calls = completion.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((call) => (call.type === 'function' ? JSON.parse(call.function.arguments) : null)),
    ).toEqual([{ city: 'Lima' }, { city: 'Quito' }]);
  });

  it('sends string arguments verbatim, even when they are not JSON', async () => {
    const broken = '{"city": "Par';
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: broken }] });
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: broken }] });

    const completion = await client().chat.completions.create({ model: 'gpt-test', messages: user('hi') });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? call.function.arguments : undefined).toBe(broken);

    const streamed = toolCallsOf(await streamChunks());
    expect(streamed[0]?.arguments).toBe(broken);
  });

  it('never reuses a generated tool call id across responses', async () => {
    server.enqueue(
      { toolCalls: [{ name: 'a', arguments: {} }] },
      { toolCalls: [{ name: 'b', arguments: {} }] },
    );

    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const completion = await client().chat.completions.create({ model: 'm', messages: user('hi') });
      ids.push(completion.choices[0]?.message.tool_calls?.[0]?.id ?? '');
    }

    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('matching', () => {
  it('picks the first item whose `when` matches, leaving a skipped item for later', async () => {
    server.enqueue(
      { text: 'weather answer', when: (request) => request.lastUserText?.includes('weather') === true },
      { text: 'greeting answer', when: (request) => request.lastUserText?.includes('hello') === true },
    );

    expect(await ask('hello there')).toBe('greeting answer');
    expect(server.pending()).toBe(1);
    expect(await ask('what is the weather')).toBe('weather answer');
    expect(server.pending()).toBe(0);
  });

  it('lets an unconditional item answer when an earlier conditional one does not match', async () => {
    server.enqueue(
      { text: 'only for billing', when: (request) => request.lastUserText === 'billing' },
      { text: 'anything' },
    );

    expect(await ask('something else')).toBe('anything');
    expect(await ask('billing')).toBe('only for billing');
  });

  it('falls back to the responder when no script item matches, and prefers script items', async () => {
    await server.close();
    server = await startScriptedOpenAIServer({
      script: [{ text: 'scripted first' }],
      responder: (request) => ({ text: `echo: ${request.lastUserText}` }),
    });

    expect(await ask('one')).toBe('scripted first');
    expect(await ask('two')).toBe('echo: two');
    expect(await ask('three')).toBe('echo: three');
  });

  it('answers 500 naming the last user text when the script is exhausted, without inviting retries', async () => {
    server.enqueue({ text: 'never', when: () => false });

    const error = await client({ maxRetries: 2 })
      .chat.completions.create({ model: 'm', messages: user('an unexpected question') })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(500);
    expect((error as InternalServerError).message).toContain('an unexpected question');
    expect(server.requests).toHaveLength(1);
    expect(server.pending()).toBe(1);
  });

  it('reports a throwing `when` by its label instead of crashing', async () => {
    server.enqueue({
      label: 'fragile',
      when: () => {
        throw new Error('boom');
      },
    });

    const error = await ask('hi').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toMatch(/fragile.*boom/);
  });
});

describe('faults', () => {
  it('sends 429 with retry-after headers and an OpenAI error body', async () => {
    server.fault({ fault: 'rate_limit', retryAfterSeconds: 1.5 });

    const error = await ask('hi').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimit = error as RateLimitError;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers?.get('retry-after')).toBe('2');
    expect(rateLimit.headers?.get('retry-after-ms')).toBe('1500');
    expect(rateLimit.headers?.get('x-request-id')).toBeTruthy();
    expect(rateLimit.code).toBe('rate_limit_exceeded');
  });

  it("recovers from a 429 through the SDK's own retries", async () => {
    server.enqueue({ fault: 'rate_limit', retryAfterSeconds: 0 }, { text: 'after the rate limit' });

    expect(await ask('hi', client({ maxRetries: 2 }))).toBe('after the rate limit');
    expect(server.requests).toHaveLength(2);
  });

  it("recovers from a 500 through the SDK's own retries", async () => {
    server.enqueue({ fault: 'server_error' }, { text: 'after the server error' });

    expect(await ask('hi', client({ maxRetries: 2 }))).toBe('after the server error');
    expect(server.requests).toHaveLength(2);
  });

  it('uses the given server_error status', async () => {
    server.fault({ fault: 'server_error', status: 503 });

    const error = await ask('hi').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(503);
  });

  it('makes the SDK throw on a malformed JSON body', async () => {
    server.fault({ fault: 'malformed_json' });

    await expect(ask('hi')).rejects.toThrow();
    expect(server.requests).toHaveLength(1);
  });

  it('makes the SDK throw on a malformed SSE data line', async () => {
    server.fault({ fault: 'malformed_json' });

    await expect(streamChunks()).rejects.toThrow();
  });

  it('serves an injected fault before the already scripted items', async () => {
    server.enqueue({ text: 'first scripted' });
    server.fault({ fault: 'server_error' });
    server.fault({ fault: 'rate_limit', retryAfterSeconds: 0 });

    await expect(ask('a')).rejects.toBeInstanceOf(InternalServerError);
    await expect(ask('b')).rejects.toBeInstanceOf(RateLimitError);
    expect(await ask('c')).toBe('first scripted');
  });

  it('stalls a non-streamed request until the SDK times out', async () => {
    server.fault({ fault: 'stall' });

    const started = Date.now();
    const error = await client()
      .chat.completions.create({ model: 'm', messages: user('hi') }, { timeout: 300 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stalls a stream after the given number of chunks until aborted', async () => {
    server.fault({ fault: 'stall', afterChunks: 2, text: 'partial text' });
    const controller = new AbortController();
    const received: ChatCompletionChunk[] = [];

    const stream = client().chat.completions.stream(
      { model: 'm', messages: user('hi') },
      { signal: controller.signal },
    );
    stream.on('chunk', (chunk) => {
      received.push(chunk);
      if (received.length === 2) setTimeout(() => controller.abort(), 200);
    });

    await expect(stream.finalChatCompletion()).rejects.toBeInstanceOf(APIUserAbortError);
    expect(received).toHaveLength(2);
    expect(received.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
  });

  it('closes promptly with a stalled stream open, ending it on the client side', async () => {
    server.fault({ fault: 'stall', afterChunks: 1 });
    const stream = await client().chat.completions.create({ model: 'm', messages: user('hi'), stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const rest = iterator.next();

    const started = Date.now();
    await server.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(rest).rejects.toThrow();
  });

  it('closes promptly with a stalled non-streamed request and a delayed response open', async () => {
    server.enqueue({ fault: 'stall' }, { text: 'slow', delayMs: 60_000 });
    const openai = client();
    const stalled = ask('a', openai).catch((e: unknown) => e);
    const delayed = ask('b', openai).catch((e: unknown) => e);
    await expect.poll(() => server.requests.length).toBe(2);

    const started = Date.now();
    await server.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await stalled).toBeInstanceOf(Error);
    expect(await delayed).toBeInstanceOf(Error);
  });
});

describe('recording', () => {
  it('records messages, tools offered, tool_choice and parallel_tool_calls', async () => {
    server.enqueue({ text: 'ok' });
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: 'You are a triage agent.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'a reply' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'second,' },
          { type: 'text', text: 'in parts' },
        ],
      },
    ];

    await client().chat.completions.create({
      model: 'gpt-test',
      messages,
      tools: [weatherTool, { type: 'function', function: { name: 'transfer_to_billing' } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request).toMatchObject({
      path: '/v1/chat/completions',
      method: 'POST',
      model: 'gpt-test',
      stream: false,
      messages,
      toolChoice: 'required',
      parallelToolCalls: false,
      lastUserText: 'second,\nin parts',
      toolNames: ['get_weather', 'transfer_to_billing'],
    });
    expect(request?.tools).toHaveLength(2);
    expect(request?.headers.authorization).toBe('Bearer test');
    expect(request?.body.model).toBe('gpt-test');
  });

  it('defaults absent fields', async () => {
    server.enqueue({ text: 'ok' });

    await streamChunks({ messages: [{ role: 'system', content: 'only system' }] });

    expect(server.requests[0]).toMatchObject({
      stream: true,
      tools: [],
      toolNames: [],
      toolChoice: undefined,
      parallelToolCalls: undefined,
      lastUserText: undefined,
    });
  });

  it('reset() clears the script and the recorded requests', async () => {
    server.enqueue({ text: 'one' }, { text: 'two' });
    await ask('hi');
    const recorded = server.requests;

    server.reset();

    expect(server.pending()).toBe(0);
    expect(recorded).toHaveLength(0);
    await expect(ask('hi')).rejects.toBeInstanceOf(InternalServerError);
  });
});

describe('streaming usage', () => {
  it('sends a usage chunk with no choices before [DONE] when include_usage is set', async () => {
    server.enqueue({ text: 'counted', usage: { prompt_tokens: 7, completion_tokens: 2 } });

    const chunks = await streamChunks({ includeUsage: true });

    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 2,
      total_tokens: 9,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('reports cached and reasoning tokens in the details, as OpenAI does', async () => {
    server.enqueue({
      text: 'cached',
      usage: { prompt_tokens: 100, completion_tokens: 30, cached_tokens: 64, reasoning_tokens: 12 },
    });

    const chunks = await streamChunks({ includeUsage: true });

    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 30,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it('sends no usage chunk otherwise', async () => {
    server.enqueue({ text: 'uncounted' }, { text: 'uncounted' });

    for (const includeUsage of [undefined, false]) {
      const chunks = await streamChunks(includeUsage === undefined ? {} : { includeUsage });
      expect(chunks.some((chunk) => chunk.usage)).toBe(false);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    }
  });
});

describe('server', () => {
  it('lists the scripted model and answers unknown paths with a 404 error body', async () => {
    const models = await client().models.list();
    expect(models.data.map((model) => model.id)).toEqual(['scripted']);

    const response = await fetch(`${server.baseURL}/embeddings`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error?: { message?: string } };
    expect(body.error?.message).toContain('/v1/embeddings');
  });

  it('rejects a body that is not JSON with 400, without consuming the script', async () => {
    server.enqueue({ text: 'kept' });

    const response = await fetch(`${server.baseURL}/chat/completions`, { method: 'POST', body: 'not json' });

    expect(response.status).toBe(400);
    expect(server.pending()).toBe(1);
  });

  it('requires the API key when one is set', async () => {
    await server.close();
    server = await startScriptedOpenAIServer({ apiKey: 'sk-right', script: [{ text: 'authorised' }] });

    await expect(ask('hi', client({ apiKey: 'sk-wrong' }))).rejects.toBeInstanceOf(AuthenticationError);
    expect(server.pending()).toBe(1);
    expect(await ask('hi', client({ apiKey: 'sk-right' }))).toBe('authorised');
  });

  it('binds loopback and refuses other hosts', async () => {
    expect(new URL(server.baseURL).hostname).toBe('127.0.0.1');
    expect(server.baseURL).toBe(`${server.url}/v1`);

    await expect(startScriptedOpenAIServer({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('rejects invalid script items when they are enqueued', () => {
    expect(() => server.enqueue({ text: 'x', chunkSize: 0 })).toThrow(/chunkSize/);
    expect(server.pending()).toBe(0);
  });

  it('stops listening on close()', async () => {
    const { baseURL } = server;
    await server.close();
    await server.close();

    await expect(fetch(`${baseURL}/models`)).rejects.toThrow();
  });
});
