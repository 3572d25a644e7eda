/**
 * Loads the bot: the customer-support example by default, or the module named by BATON_BOT, which exports
 * `createWorkflow({ model, storage })` (or a default function) returning a HandoffWorkflow with checkpointing.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChatModel } from '../agents/model.js';
import { BatonError } from '../errors.js';
import type { HandoffWorkflow } from '../handoff/workflow.js';
import type { CheckpointStorage } from '../store/checkpoint-storage.js';

/** The default bot, loaded at run time so the library build (rootDir src) never compiles examples/. */
export const DEFAULT_BOT_PATH = fileURLToPath(new URL('../../examples/customer-support.ts', import.meta.url));

export interface BotContext {
  model: ChatModel;
  storage: CheckpointStorage;
}

export interface LoadedBot {
  workflow: HandoffWorkflow;
  /** e.g. "customer-support example" or "./my-bot.ts". */
  source: string;
}

export class BotLoadError extends BatonError {
  readonly code = 'BATON_BOT_LOAD';
  override readonly name = 'BotLoadError';
}

export async function loadBot(batonBot: string | undefined, context: BotContext): Promise<LoadedBot> {
  if (batonBot === undefined) {
    const workflow = await fromModule(
      DEFAULT_BOT_PATH,
      'the default bot',
      ['createCustomerSupportWorkflow'],
      context,
    );
    return { workflow, source: 'customer-support example' };
  }
  const path = resolve(batonBot);
  if (!existsSync(path)) {
    throw new BotLoadError(
      `BATON_BOT=${batonBot}: no file at ${path}. Set BATON_BOT to your bot module's path relative to the ` +
        'working directory (e.g. BATON_BOT=./my-bot.ts), or unset it to run the customer-support example.',
    );
  }
  const workflow = await fromModule(path, `BATON_BOT=${batonBot}`, ['createWorkflow', 'default'], context);
  return { workflow, source: batonBot };
}

async function fromModule(
  path: string,
  label: string,
  exportNames: readonly string[],
  context: BotContext,
): Promise<HandoffWorkflow> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new BotLoadError(
      `${label}: the module failed to load: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const name = exportNames.find((n) => typeof mod[n] === 'function');
  const factory = name === undefined ? undefined : mod[name];
  if (typeof factory !== 'function') {
    const found = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new BotLoadError(
      `${label} exports no ${exportNames.map((n) => (n === 'default' ? 'default function' : `function "${n}"`)).join(' or ')} ` +
        `(it exports: ${found.length ? found.join(', ') : 'nothing'}). ` +
        'Export `createWorkflow({ model, storage })` returning a HandoffWorkflow built with .withCheckpointing(storage).',
    );
  }
  let workflow: unknown;
  try {
    workflow = await (factory as (ctx: BotContext) => unknown)(context);
  } catch (error) {
    throw new BotLoadError(
      `${label}: ${name}() threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isHandoffWorkflow(workflow)) {
    throw new BotLoadError(
      `${label}: ${name}() returned ${describe(workflow)}, not a HandoffWorkflow. ` +
        'Return `new HandoffBuilder({ ... }).withCheckpointing(storage).build()`.',
    );
  }
  if (!workflow.definition.storage) {
    throw new BotLoadError(
      `${label}: the workflow has no checkpoint storage, so threads would not survive a restart. ` +
        'Call .withCheckpointing(storage) with the `storage` passed to createWorkflow.',
    );
  }
  return workflow;
}

/** Structural, not instanceof: a user module may load Baton from another copy (dist vs src). */
function isHandoffWorkflow(value: unknown): value is HandoffWorkflow {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<
    Record<'forConversation' | 'runStream' | 'getConversation' | 'definition', unknown>
  >;
  return (
    typeof candidate.forConversation === 'function' &&
    typeof candidate.runStream === 'function' &&
    typeof candidate.getConversation === 'function' &&
    typeof candidate.definition === 'object' &&
    candidate.definition !== null
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
