/**
 * `--models a,b` → chat models: `gpt-4.1-mini` (OpenAI, or OPENAI_BASE_URL when set), `azure:<deployment>`
 * (AZURE_OPENAI_ENDPOINT / _API_KEY / _API_VERSION), `<model>@<base URL>` (any OpenAI-compatible server), or
 * `scripted` (the offline stand-in). No `--models`: the model the environment configures, else `scripted`.
 */
import type { EvalModel } from '../../src/eval/index.js';
import { SCRIPTED_LABEL } from '../../src/eval/index.js';
import { OpenAIChatModel } from '../../src/index.js';

export const SCRIPTED = 'scripted';

export class ModelSpecError extends TypeError {}

/** Real models from their specs; `scripted` entries are left to the caller (they need a server). */
export function parseModelSpecs(
  specs: readonly string[],
  env: NodeJS.ProcessEnv,
): (EvalModel | typeof SCRIPTED)[] {
  return specs.map((spec) => {
    if (spec === SCRIPTED) return SCRIPTED;
    // Many retries would hide rate limits from the eval's own retry and its count; keep the SDK's default.
    const common = { maxRetries: 2, timeoutMs: 120_000 };
    if (spec.startsWith('azure:')) {
      const deployment = spec.slice('azure:'.length);
      if (!deployment || !env.AZURE_OPENAI_ENDPOINT) {
        throw new ModelSpecError(
          `"${spec}" needs a deployment name and AZURE_OPENAI_ENDPOINT (and AZURE_OPENAI_API_KEY), e.g. azure:gpt-4o-mini.`,
        );
      }
      return {
        name: deployment,
        label: `Azure OpenAI deployment "${deployment}" at ${new URL(env.AZURE_OPENAI_ENDPOINT).host}`,
        model: OpenAIChatModel.azure({
          endpoint: env.AZURE_OPENAI_ENDPOINT,
          deployment,
          ...(env.AZURE_OPENAI_API_KEY ? { apiKey: env.AZURE_OPENAI_API_KEY } : {}),
          ...(env.AZURE_OPENAI_API_VERSION ? { apiVersion: env.AZURE_OPENAI_API_VERSION } : {}),
          ...common,
        }),
      };
    }
    const at = spec.indexOf('@');
    if (at > 0) {
      const name = spec.slice(0, at);
      const baseURL = spec.slice(at + 1);
      if (!/^https?:\/\//i.test(baseURL) || !URL.canParse(baseURL)) {
        throw new ModelSpecError(
          `"${spec}": after "@" comes the server's base URL, e.g. llama3.1@http://127.0.0.1:11434/v1.`,
        );
      }
      return {
        name,
        label: `"${name}" at ${new URL(baseURL).origin}`,
        model: new OpenAIChatModel({
          model: name,
          baseURL,
          apiKey: env.OPENAI_API_KEY ?? 'not-needed',
          ...common,
        }),
      };
    }
    if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) {
      throw new ModelSpecError(
        `"${spec}" is an OpenAI model: set OPENAI_API_KEY (or OPENAI_BASE_URL), or use azure:<deployment> or ${spec}@<base URL>.`,
      );
    }
    return {
      name: spec,
      label: env.OPENAI_BASE_URL ? `"${spec}" at ${new URL(env.OPENAI_BASE_URL).origin}` : `OpenAI ${spec}`,
      model: new OpenAIChatModel({
        model: spec,
        ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
        ...common,
      }),
    };
  });
}

/** What runs without `--models`: the configured model, else the offline script. */
export function defaultModelSpecs(env: NodeJS.ProcessEnv): string[] {
  if (env.AZURE_OPENAI_ENDPOINT && env.AZURE_OPENAI_DEPLOYMENT)
    return [`azure:${env.AZURE_OPENAI_DEPLOYMENT}`];
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) return [env.OPENAI_MODEL ?? 'gpt-4.1-mini'];
  return [SCRIPTED];
}

export function scriptedModel(baseURL: string): EvalModel {
  return {
    name: SCRIPTED,
    label: SCRIPTED_LABEL,
    scripted: true,
    model: new OpenAIChatModel({ model: SCRIPTED, baseURL, apiKey: 'offline-eval', maxRetries: 0 }),
  };
}
