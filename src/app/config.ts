/**
 * The app's configuration: one zod schema over environment variables (design §7), read once at start-up.
 * Libraries never read `process.env`; the app turns this object into options for them.
 */

import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type ApproverPolicyOptions, parseApprovers } from '../channels/approver-policy.js';
import { parseLinkHosts } from '../channels/text-safety.js';
import { BatonError } from '../errors.js';
import { isLoopbackHost } from './http/hosts.js';

/** Values that must never reach logs, the page or error messages. */
export const SECRET_KEYS = [
  'OPENAI_API_KEY',
  'AZURE_OPENAI_API_KEY',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'MicrosoftAppPassword',
  'BATON_PLAYGROUND_TOKEN',
] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const TEAMS_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
const SLACK_STREAMING = ['native', 'update', 'off'] as const;

const optionalText = z.string().trim().min(1).optional();

function httpUrl(example: string) {
  return z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
      message: `must be an http(s) URL, e.g. ${example}`,
    })
    .optional();
}

function port(name: string) {
  return z.coerce
    .number({ message: `must be a whole number from 0 to 65535, e.g. ${name}=3000` })
    .int({ message: `must be a whole number from 0 to 65535, e.g. ${name}=3000` })
    .min(0, { message: `must be a whole number from 0 to 65535, e.g. ${name}=3000` })
    .max(65535, { message: `must be a whole number from 0 to 65535, e.g. ${name}=3000` });
}

const EnvSchema = z
  .object({
    // server
    PORT: port('PORT').default(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')} (e.g. LOG_LEVEL=info)` })
      .default('info'),
    BATON_BOT: optionalText,
    BATON_DATA_DIR: z.string().trim().min(1).default('.data'),
    // Turns one process runs at once; more wait their turn so a burst cannot delay Slack's acks. 0: no limit.
    BATON_MAX_CONCURRENT_TURNS: z.coerce
      .number({ message: 'must be a whole number ≥ 0, e.g. BATON_MAX_CONCURRENT_TURNS=32 (0: no limit)' })
      .int({ message: 'must be a whole number ≥ 0, e.g. BATON_MAX_CONCURRENT_TURNS=32 (0: no limit)' })
      .min(0, { message: 'must be a whole number ≥ 0, e.g. BATON_MAX_CONCURRENT_TURNS=32 (0: no limit)' })
      .default(32),
    // The playground has no login: off loopback it needs an access token (BATON_PLAYGROUND_TOKEN, or a random one).
    BATON_PLAYGROUND: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('on'),
    BATON_PLAYGROUND_TOKEN: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{24,200}$/, {
        message: 'must be 24 or more letters, digits, "-" or "_" (e.g. the output of `openssl rand -hex 16`)',
      })
      .optional(),
    // Host names requests may be addressed to (DNS rebinding); "*" for any. Default: loopback names.
    BATON_ALLOWED_HOSTS: z
      .string()
      .trim()
      .refine(
        (v) => v === '*' || v.split(',').every((h) => /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(h.trim())),
        { message: 'must be "*" or comma-separated host names, e.g. BATON_ALLOWED_HOSTS=bot.example.com' },
      )
      .optional(),
    // Behind a reverse proxy that sets X-Forwarded-*; otherwise such requests are refused.
    BATON_TRUST_PROXY: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('off'),
    // model
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: httpUrl('OPENAI_BASE_URL=http://127.0.0.1:11434/v1'),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-4.1-mini'),
    AZURE_OPENAI_ENDPOINT: httpUrl('AZURE_OPENAI_ENDPOINT=https://my-resource.openai.azure.com'),
    AZURE_OPENAI_API_KEY: optionalText,
    AZURE_OPENAI_DEPLOYMENT: optionalText,
    AZURE_OPENAI_API_VERSION: optionalText,
    // Slack
    SLACK_BOT_TOKEN: z
      .string()
      .trim()
      .startsWith('xoxb-', {
        message: 'must be a bot token starting with "xoxb-" (OAuth & Permissions page)',
      })
      .optional(),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: z
      .string()
      .trim()
      .startsWith('xapp-', {
        message: 'must be an app-level token starting with "xapp-" (Basic Information page)',
      })
      .optional(),
    SLACK_CLIENT_ID: optionalText,
    SLACK_CLIENT_SECRET: optionalText,
    SLACK_STATE_SECRET: optionalText,
    SLACK_API_URL: httpUrl('SLACK_API_URL=https://slack-gov.com/api/'),
    // `update` is the fallback if agent names do not show on natively streamed replies in your workspace.
    BATON_SLACK_STREAMING: z
      .enum(SLACK_STREAMING, {
        message: `must be one of ${SLACK_STREAMING.join(', ')} (e.g. BATON_SLACK_STREAMING=update)`,
      })
      .default('native'),
    // Teams (botbuilder's own names)
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    MicrosoftAppType: z
      .enum(TEAMS_APP_TYPES, { message: `must be one of ${TEAMS_APP_TYPES.join(', ')}` })
      .optional(),
    // "off": serve /api/messages without MicrosoftAppId (loopback only, for the Microsoft 365 Agents Playground).
    BATON_TEAMS_AUTH: z.enum(['on', 'off'], { message: 'must be "on" or "off"' }).default('on'),
    // Tenants besides MicrosoftAppTenantId whose users may use the bot ("*": any tenant).
    BATON_TEAMS_TENANTS: z
      .string()
      .trim()
      .transform((v, ctx) => {
        const list = v.split(/[\s,]+/).filter(Boolean);
        for (const t of list) {
          if (t !== '*' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t))
            ctx.addIssue({
              code: 'custom',
              message: `"${t}" is not a tenant id: use Entra tenant GUIDs separated by commas, or "*" for any tenant`,
            });
        }
        return list;
      })
      .optional(),
    // Who may approve tool calls: "requester" (default), "starter", user ids, slack-group:S…, teams-team:…,
    // per tool with "tool=rules", entries separated by ";" (e.g. "requester;process_refund=U123,slack-group:S9").
    BATON_APPROVERS: z
      .string()
      .trim()
      .transform((v, ctx) => {
        try {
          return parseApprovers(v);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    // Hosts model output may link to (example.com, *.example.com); other links show as text.
    BATON_LINK_HOSTS: z
      .string()
      .trim()
      .transform((v, ctx) => {
        try {
          return [...parseLinkHosts(v).hosts];
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    // store
    DYNAMODB_TABLE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, {
        message: 'must be 3-255 characters of A-Z, a-z, 0-9, "_", "-", "."',
      })
      .optional(),
    DYNAMODB_ENDPOINT: httpUrl('DYNAMODB_ENDPOINT=http://127.0.0.1:8000'),
    AWS_REGION: optionalText,
    // AWS Lambda hosting: the SQS FIFO queue between the ingress and the worker.
    // OpenTelemetry: traces and metrics over OTLP/HTTP when the collector's URL is set.
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318'),
    OTEL_SERVICE_NAME: optionalText,
    BATON_QUEUE_URL: httpUrl(
      'BATON_QUEUE_URL=https://sqs.eu-west-1.amazonaws.com/123456789012/baton-turns.fifo',
    ),
  })
  .superRefine((c, ctx) => {
    const need = (present: boolean, path: string, message: string) => {
      if (!present) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const azure = [c.AZURE_OPENAI_ENDPOINT, c.AZURE_OPENAI_API_KEY, c.AZURE_OPENAI_DEPLOYMENT];
    if (azure.some(Boolean)) {
      need(
        !!c.AZURE_OPENAI_ENDPOINT,
        'AZURE_OPENAI_ENDPOINT',
        'is required for Azure OpenAI (with AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT)',
      );
      need(
        !!c.AZURE_OPENAI_API_KEY,
        'AZURE_OPENAI_API_KEY',
        'is required for Azure OpenAI (Keys and Endpoint page of the resource)',
      );
      need(
        !!c.AZURE_OPENAI_DEPLOYMENT,
        'AZURE_OPENAI_DEPLOYMENT',
        'is required for Azure OpenAI: the deployment name of your model',
      );
      need(
        !c.OPENAI_API_KEY && !c.OPENAI_BASE_URL,
        'OPENAI_API_KEY',
        'and AZURE_OPENAI_* are both set: keep one model provider (unset OPENAI_API_KEY / OPENAI_BASE_URL or the AZURE_OPENAI_* variables)',
      );
    }
    // The same rules as the Slack channel's own validation, caught here so the error names the variable.
    const slackOAuth = !!(c.SLACK_CLIENT_ID || c.SLACK_CLIENT_SECRET || c.SLACK_STATE_SECRET);
    if ((c.SLACK_SIGNING_SECRET || c.SLACK_APP_TOKEN) && !slackOAuth) {
      need(
        !!c.SLACK_BOT_TOKEN,
        'SLACK_BOT_TOKEN',
        'is required to turn Slack on (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth installs)',
      );
    }
    if (c.SLACK_BOT_TOKEN) {
      need(
        !!c.SLACK_SIGNING_SECRET || !!c.SLACK_APP_TOKEN,
        'SLACK_SIGNING_SECRET',
        'is required with SLACK_BOT_TOKEN (Basic Information page), or set SLACK_APP_TOKEN for Socket Mode',
      );
    }
    if (slackOAuth) {
      need(!!c.SLACK_CLIENT_ID, 'SLACK_CLIENT_ID', 'is required for Slack OAuth installs');
      need(!!c.SLACK_CLIENT_SECRET, 'SLACK_CLIENT_SECRET', 'is required for Slack OAuth installs');
      need(
        !!c.SLACK_STATE_SECRET,
        'SLACK_STATE_SECRET',
        'is required for Slack OAuth installs (any long random string)',
      );
      need(
        !!c.SLACK_SIGNING_SECRET,
        'SLACK_SIGNING_SECRET',
        'is required for Slack OAuth installs (they run over HTTP, not Socket Mode)',
      );
      need(
        !c.SLACK_BOT_TOKEN,
        'SLACK_BOT_TOKEN',
        'and SLACK_CLIENT_* are both set: use SLACK_BOT_TOKEN for one workspace or SLACK_CLIENT_* for OAuth, not both',
      );
      need(
        !c.SLACK_APP_TOKEN,
        'SLACK_APP_TOKEN',
        'cannot be used with SLACK_CLIENT_* (OAuth installs need HTTP mode)',
      );
    }
    if (c.MicrosoftAppId || c.MicrosoftAppPassword || c.MicrosoftAppTenantId) {
      need(!!c.MicrosoftAppId, 'MicrosoftAppId', "is required for Teams: the Azure Bot resource's app id");
      need(
        !!c.MicrosoftAppPassword || c.MicrosoftAppType === 'UserAssignedMSI',
        'MicrosoftAppPassword',
        "is required for Teams: a client secret of the bot's app registration",
      );
    }
    // New Azure Bot registrations are single-tenant, so that is the default type.
    const appType = c.MicrosoftAppType ?? 'SingleTenant';
    if (c.MicrosoftAppId && (appType === 'SingleTenant' || appType === 'UserAssignedMSI')) {
      need(
        !!c.MicrosoftAppTenantId,
        'MicrosoftAppTenantId',
        `is required when MicrosoftAppType=${appType}${c.MicrosoftAppType ? '' : ' (the default)'}: the bot's Entra tenant id`,
      );
    }
    const loopback = isLoopbackHost(c.HOST);
    if (!loopback) {
      need(
        !!c.BATON_ALLOWED_HOSTS,
        'BATON_ALLOWED_HOSTS',
        `is required when HOST=${c.HOST} (not loopback): the host names clients use to reach Baton, e.g. ` +
          'BATON_ALLOWED_HOSTS=bot.example.com,localhost ("*" for any, if a proxy in front checks Host)',
      );
    }
    if (c.BATON_TEAMS_AUTH === 'off') {
      need(
        !c.MicrosoftAppId,
        'BATON_TEAMS_AUTH',
        'turns Teams authentication off, but MicrosoftAppId is set: unset one of them',
      );
      need(
        loopback,
        'BATON_TEAMS_AUTH',
        `(no Teams authentication) is allowed only when HOST is a loopback address, not HOST=${c.HOST}: anyone who reaches the port could drive the bot`,
      );
    }
    if (c.DYNAMODB_ENDPOINT) {
      need(
        !!c.DYNAMODB_TABLE,
        'DYNAMODB_TABLE',
        'is required with DYNAMODB_ENDPOINT: the table to use there',
      );
    }
    if (c.DYNAMODB_TABLE && !c.DYNAMODB_ENDPOINT) {
      need(!!c.AWS_REGION, 'AWS_REGION', 'is required with DYNAMODB_TABLE, e.g. AWS_REGION=eu-west-1');
    }
  });

export type AppConfig = z.output<typeof EnvSchema>;
/** What a caller (a test, a host) may pass: strings from the environment or typed values. */
export type AppConfigInput = z.input<typeof EnvSchema>;

export class ConfigError extends BatonError {
  readonly code = 'BATON_CONFIG';
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (environment variables or .env):\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'See .env.example for every variable and its meaning.',
    );
  }
}

const KNOWN_KEYS = Object.keys(EnvSchema.shape) as (keyof AppConfig)[];
const SECRETS: ReadonlySet<string> = new Set(SECRET_KEYS);

/**
 * Parses the variables Baton knows from `env` (other variables are ignored). Empty values count as unset, so a
 * copied `.env.example` with blank lines works. Throws {@link ConfigError} naming each bad variable and its fix.
 */
export function parseConfig(env: Readonly<Record<string, string | number | undefined>>): AppConfig {
  const picked: Record<string, string | number> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = EnvSchema.safeParse(picked);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? 'configuration');
    const raw = picked[key];
    // Never echo a secret, even a malformed one.
    const shown = raw === undefined ? '' : SECRETS.has(key) ? '=(hidden)' : `=${JSON.stringify(String(raw))}`;
    return `${key}${shown} ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** Loads `.env` into `process.env` if the file exists; variables already set in the environment win. */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

/** The driver's approver policy from BATON_APPROVERS (absent: the requester decides). */
export function driverApprovers(config: AppConfig): { approvers?: ApproverPolicyOptions } {
  return config.BATON_APPROVERS ? { approvers: config.BATON_APPROVERS } : {};
}
