/**
 * Secrets for the Lambda functions: one Secrets Manager secret holding a JSON object whose keys are Baton's
 * variable names (`SLACK_BOT_TOKEN`, `SLACK_SIGNING_SECRET`, `OPENAI_API_KEY`, `MicrosoftAppPassword`, ...), read
 * once per cold start. Secrets never sit in the functions' environment, where the console shows them.
 */

/** The slice of `@aws-sdk/client-secrets-manager` used here. */
interface SecretsManagerModule {
  SecretsManagerClient: new (config: object) => { send(command: object): Promise<{ SecretString?: string }> };
  GetSecretValueCommand: new (input: { SecretId: string }) => object;
}

export type SecretReader = (secretId: string) => Promise<string | undefined>;

/**
 * The Lambda Node.js runtime ships AWS SDK v3, so the bundle leaves it out (`externalModules`). The specifier is
 * a variable so neither esbuild nor tsc needs the package locally.
 */
export const readFromSecretsManager: SecretReader = async (secretId) => {
  const specifier = '@aws-sdk/client-secrets-manager';
  const sdk = (await import(specifier)) as SecretsManagerModule;
  const out = await new sdk.SecretsManagerClient({}).send(
    new sdk.GetSecretValueCommand({ SecretId: secretId }),
  );
  return out.SecretString;
};

/** The secret's variables; values already in the environment win (local overrides). */
export async function loadSecretEnv(
  secretId: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  read: SecretReader = readFromSecretsManager,
): Promise<Record<string, string | undefined>> {
  if (!secretId) return { ...env };
  const text = await read(secretId);
  let values: unknown;
  try {
    values = JSON.parse(text ?? '');
  } catch {
    throw new Error(
      `Secret ${secretId} is not JSON: store an object of variables, e.g. {"SLACK_BOT_TOKEN":"xoxb-..."}.`,
    );
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new Error(`Secret ${secretId} must be a JSON object of variable names to values.`);
  }
  const merged: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(values)) if (typeof value === 'string') merged[key] = value;
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') merged[key] = value;
  return merged;
}
