/** Picks the chat model from the configuration: OpenAI, Azure OpenAI, a compatible server, or the offline demo. */
import { OpenAIChatModel } from '../agents/models/openai.js';
import { startScriptedOpenAIServer } from '../testing/scripted-openai-server.js';
import type { AppConfig } from './config.js';
import { createDemoResponder, DEMO_NOTICE } from './demo-responder.js';

export type ModelMode = 'openai' | 'azure' | 'openai-compatible' | 'demo';

export interface AppModel {
  model: OpenAIChatModel;
  mode: ModelMode;
  /** For the banner and the page; never contains a secret. */
  description: string;
  /** Shown on the page and in the banner when the model is not a real one. */
  notice?: string;
  close(): Promise<void>;
}

export interface ModelOptions {
  /** Offline demo only: how long each scripted response takes to stream (ms). */
  demoDelayMs?: number;
}

export async function createAppModel(config: AppConfig, options: ModelOptions = {}): Promise<AppModel> {
  const none = async () => {};
  if (config.AZURE_OPENAI_ENDPOINT && config.AZURE_OPENAI_DEPLOYMENT) {
    const model = OpenAIChatModel.azure({
      endpoint: config.AZURE_OPENAI_ENDPOINT,
      deployment: config.AZURE_OPENAI_DEPLOYMENT,
      ...(config.AZURE_OPENAI_API_KEY ? { apiKey: config.AZURE_OPENAI_API_KEY } : {}),
      ...(config.AZURE_OPENAI_API_VERSION ? { apiVersion: config.AZURE_OPENAI_API_VERSION } : {}),
    });
    const host = new URL(config.AZURE_OPENAI_ENDPOINT).host;
    return {
      model,
      mode: 'azure',
      description: `Azure OpenAI deployment "${config.AZURE_OPENAI_DEPLOYMENT}" at ${host}`,
      close: none,
    };
  }
  if (config.OPENAI_API_KEY || config.OPENAI_BASE_URL) {
    const model = new OpenAIChatModel({
      model: config.OPENAI_MODEL,
      ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}),
      ...(config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : {}),
    });
    if (config.OPENAI_BASE_URL) {
      const origin = new URL(config.OPENAI_BASE_URL).origin;
      return {
        model,
        mode: 'openai-compatible',
        description: `"${config.OPENAI_MODEL}" at ${origin}`,
        close: none,
      };
    }
    return { model, mode: 'openai', description: `OpenAI "${config.OPENAI_MODEL}"`, close: none };
  }
  // No credentials: a scripted OpenAI-compatible server on loopback, so the whole real path still runs.
  const server = await startScriptedOpenAIServer({
    host: '127.0.0.1',
    responder: createDemoResponder(options.demoDelayMs === undefined ? {} : { delayMs: options.demoDelayMs }),
  });
  const model = new OpenAIChatModel({
    model: 'baton-demo-script',
    baseURL: server.baseURL,
    apiKey: 'offline-demo',
    maxRetries: 0,
  });
  return {
    model,
    mode: 'demo',
    description: 'offline demo (scripted, not an AI)',
    notice: DEMO_NOTICE,
    close: () => server.close(),
  };
}
