/** Shared test setup: a scripted OpenAI-compatible server on loopback and models that talk to it. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { OpenAIChatModel, type OpenAIChatModelOptions } from '../src/agents/models/openai.js';
import {
  type ScriptedOpenAIServer,
  type ScriptedServerOptions,
  startScriptedOpenAIServer,
} from '../src/testing/index.js';

export interface ScriptedFixture {
  server: ScriptedOpenAIServer;
  model(options?: Partial<OpenAIChatModelOptions>): OpenAIChatModel;
}

/** Starts one server for the file, resets its script after each test, and stops it at the end. */
export function useScriptedServer(options: ScriptedServerOptions = {}): ScriptedFixture {
  const fixture = {} as ScriptedFixture;
  beforeAll(async () => {
    fixture.server = await startScriptedOpenAIServer(options);
    fixture.model = (extra = {}) =>
      new OpenAIChatModel({
        model: 'gpt-test',
        baseURL: fixture.server.baseURL,
        apiKey: 'test',
        maxRetries: 0,
        ...extra,
      });
  });
  afterEach(() => fixture.server.reset());
  afterAll(() => fixture.server.close());
  return fixture;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}
