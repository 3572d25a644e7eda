import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ModelError,
  ModelHttpError,
  ModelRateLimitError,
  ModelResponseError,
  ModelTimeoutError,
} from '../../src/agents/model.js';
import { ToolDefinitionError } from '../../src/agents/tool.js';
import { BotLoadError } from '../../src/app/bot-loader.js';
import { ConfigError } from '../../src/app/config.js';
import { LeaseWaitTimeoutError } from '../../src/channels/driver-types.js';
import { BotIdentityUnavailableError } from '../../src/channels/slack/bot-identity.js';
import { TeamsConfigError } from '../../src/channels/teams/botbuilder-transport.js';
import { BATON_ERROR_CODES, BatonError, isBatonError } from '../../src/errors.js';
import { EvalCaseError } from '../../src/eval/cases.js';
import {
  CheckpointIncompatibleError,
  CheckpointingNotConfiguredError,
  CheckpointNotFoundError,
  HandoffConfigurationError,
  InvalidResponseError,
  UnknownRequestError,
  WorkflowBusyError,
} from '../../src/handoff/errors.js';
import { CheckpointCorruptError, ConcurrentUpdateError } from '../../src/store/checkpoint-storage.js';
import {
  AmbiguousCheckpointIdError,
  ConversationIdRequiredError,
  DuplicateCheckpointIdError,
  InvalidCheckpointIdError,
  InvalidCheckpointWriteError,
  LeaseLostError,
  UnknownDeliveryError,
  UnknownParentCheckpointError,
} from '../../src/store/storage-errors.js';
import { TelemetrySetupError } from '../../src/telemetry/otlp.js';

const root = join(import.meta.dirname, '../..');

/** One instance of every public error class, with the code it must carry. */
const cases: [Error, string, new (...args: never[]) => Error][] = [
  [new EvalCaseError('bad line'), 'BATON_EVAL_CASES', EvalCaseError],
  [new TelemetrySetupError('no sdk'), 'BATON_TELEMETRY_SETUP', TelemetrySetupError],
  [new ToolDefinitionError('bad'), 'BATON_TOOL_DEFINITION', ToolDefinitionError],
  [new ModelError('m', 'gpt'), 'BATON_MODEL', ModelError],
  [new ModelHttpError('m', 'gpt', 500), 'BATON_MODEL_HTTP', ModelHttpError],
  [new ModelRateLimitError('m', 'gpt', 10), 'BATON_MODEL_RATE_LIMIT', ModelRateLimitError],
  [new ModelTimeoutError('m', 'gpt'), 'BATON_MODEL_TIMEOUT', ModelTimeoutError],
  [new ModelResponseError('m', 'gpt'), 'BATON_MODEL_RESPONSE', ModelResponseError],
  [new HandoffConfigurationError('x'), 'BATON_HANDOFF_CONFIGURATION', HandoffConfigurationError],
  [new UnknownRequestError('r1', 'c1', []), 'BATON_UNKNOWN_REQUEST', UnknownRequestError],
  [new InvalidResponseError('x'), 'BATON_INVALID_RESPONSE', InvalidResponseError],
  [new WorkflowBusyError('c1'), 'BATON_CONVERSATION_BUSY', WorkflowBusyError],
  [new CheckpointNotFoundError('k1'), 'BATON_CHECKPOINT_NOT_FOUND', CheckpointNotFoundError],
  [new CheckpointIncompatibleError('x'), 'BATON_CHECKPOINT_INCOMPATIBLE', CheckpointIncompatibleError],
  [
    new CheckpointingNotConfiguredError(),
    'BATON_CHECKPOINTING_NOT_CONFIGURED',
    CheckpointingNotConfiguredError,
  ],
  [new ConcurrentUpdateError('c1', 1, 2), 'BATON_CONCURRENT_UPDATE', ConcurrentUpdateError],
  [new CheckpointCorruptError('x'), 'BATON_CHECKPOINT_CORRUPT', CheckpointCorruptError],
  [new InvalidCheckpointIdError('a/b'), 'BATON_INVALID_CHECKPOINT_ID', InvalidCheckpointIdError],
  [new InvalidCheckpointWriteError('x'), 'BATON_INVALID_CHECKPOINT_WRITE', InvalidCheckpointWriteError],
  [
    new UnknownParentCheckpointError('c1', 'p'),
    'BATON_UNKNOWN_PARENT_CHECKPOINT',
    UnknownParentCheckpointError,
  ],
  [new DuplicateCheckpointIdError('c1', 'k'), 'BATON_DUPLICATE_CHECKPOINT_ID', DuplicateCheckpointIdError],
  [
    new ConversationIdRequiredError('X', 'load'),
    'BATON_CONVERSATION_ID_REQUIRED',
    ConversationIdRequiredError,
  ],
  [
    new AmbiguousCheckpointIdError('k', ['a', 'b']),
    'BATON_AMBIGUOUS_CHECKPOINT_ID',
    AmbiguousCheckpointIdError,
  ],
  [new LeaseLostError('c1', 1, 2), 'BATON_LEASE_LOST', LeaseLostError],
  [new UnknownDeliveryError('c1', 'd'), 'BATON_UNKNOWN_DELIVERY', UnknownDeliveryError],
  [new LeaseWaitTimeoutError('c1', 1000), 'BATON_LEASE_WAIT_TIMEOUT', LeaseWaitTimeoutError],
  [new BotIdentityUnavailableError('x'), 'BATON_SLACK_IDENTITY_UNAVAILABLE', BotIdentityUnavailableError],
  [new TeamsConfigError('x'), 'BATON_TEAMS_CONFIG', TeamsConfigError],
  [new ConfigError(['PORT: bad']), 'BATON_CONFIG', ConfigError],
  [new BotLoadError('x'), 'BATON_BOT_LOAD', BotLoadError],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('BatonError', () => {
  it.each(cases)('%s carries its stable code and stays instanceof its own class', (error, code, cls) => {
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(cls);
    expect((error as BatonError).code).toBe(code);
    expect(error.name).toBe(cls.name);
    expect(isBatonError(error, code as BatonError['code'])).toBe(true);
  });

  it('keeps the subclass chain for model errors (a rate limit is still an HTTP error)', () => {
    const error = new ModelRateLimitError('slow down', 'gpt', 1000);
    expect(error).toBeInstanceOf(ModelHttpError);
    expect(error).toBeInstanceOf(ModelError);
    expect(isBatonError(error, 'BATON_MODEL_HTTP')).toBe(false);
    expect(isBatonError(error)).toBe(true);
  });

  it('recognises a Baton error from another copy of the package by its code, and nothing else', () => {
    const foreign = Object.assign(new Error('x'), { code: 'BATON_LEASE_LOST' });
    expect(isBatonError(foreign, 'BATON_LEASE_LOST')).toBe(true);
    expect(isBatonError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isBatonError('BATON_LEASE_LOST')).toBe(false);
  });

  it('gives every code one class and documents every code in docs/errors.md', () => {
    const used = cases.map(([, code]) => code);
    expect(new Set(used).size).toBe(used.length);
    const docs = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const documented = [...docs.matchAll(/^\| `(BATON_[A-Z_]+)` +\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...BATON_ERROR_CODES].sort());
    // HTTP refusals (400, 413, 415, …) are answers of the app's policy chain, not thrown errors.
    expect([...used].sort()).toEqual([...BATON_ERROR_CODES].sort());
  });

  it('is the base of every error class in src/ (a new error class must pick a code)', () => {
    const offenders = sources(join(root, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)]
        .filter((m) => m[1] !== 'BatonError')
        .map((m) => `${file.slice(root.length + 1)}: ${m[1]}`),
    );
    expect(offenders).toEqual([]);
  });
});
