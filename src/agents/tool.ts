/**
 * Function tools declared with a zod schema: `tool({ name, description, parameters, approvalMode, execute })`,
 * the TypeScript spelling of MAF's `@ai_function(approval_mode=...)`.
 *
 * Invalid arguments, a thrown error or a timeout become a function-result *error* that the model sees and can
 * recover from; a tool never crashes the conversation.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BatonError } from '../errors.js';
import type { FunctionCallContent, FunctionResultContent } from './messages.js';

export type ApprovalMode = 'never_require' | 'always_require';

/** What a model is told about a tool. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolContext {
  /** The agent whose model called the tool. */
  agentName: string;
  callId: string;
  /** Aborted when the tool times out or the run is cancelled. */
  signal: AbortSignal;
  /** The conversation (thread) the call belongs to, when run inside a workflow. */
  conversationId?: string;
  /**
   * Stable for this call across crashes and re-runs ({@link toolIdempotencyKey} of the conversation and the
   * call id): pass it to a payment provider as its idempotency key so a re-run cannot charge twice.
   */
  idempotencyKey: string;
}

/** What `invoke` needs from its caller: the rest (call id, signal, idempotency key) it derives. */
export type ToolInvokeContext = Omit<ToolContext, 'callId' | 'signal' | 'idempotencyKey'> & {
  signal?: AbortSignal;
};

/**
 * The idempotency key of one tool call: the same conversation and call id always give the same key
 * (`baton_` + 40 hex characters, well under Stripe's 255).
 */
export function toolIdempotencyKey(conversationId: string | undefined, callId: string): string {
  const digest = createHash('sha256')
    .update(`${conversationId ?? ''}\u0000${callId}`)
    .digest('hex');
  return `baton_${digest.slice(0, 40)}`;
}

export interface ToolOptions<P extends z.ZodObject> {
  name: string;
  description: string;
  parameters: P;
  /** `always_require` pauses the run until a person approves the call. Default `never_require`. */
  approvalMode?: ApprovalMode;
  /** Per-call time limit in ms (default 60 000). */
  timeoutMs?: number;
  /**
   * The tool is safe to run again with the same `idempotencyKey` (its effect happens at most once, e.g. a
   * payment API honouring idempotency keys). After a crash mid-run it is re-run instead of being reported
   * to the model as "outcome unknown". Default false.
   */
  idempotent?: boolean;
  execute: (args: z.infer<P>, context: ToolContext) => unknown;
}

/** A tool the agent can run. Create one with {@link tool}. */
export interface FunctionTool {
  readonly kind: 'function';
  readonly name: string;
  readonly description: string;
  readonly approvalMode: ApprovalMode;
  readonly timeoutMs: number;
  /** Safe to re-run with the same idempotency key after an interruption (see {@link ToolOptions.idempotent}). */
  readonly idempotent?: boolean;
  readonly definition: ToolDefinition;
  /**
   * Checks a call's arguments without running it: the error the model should see, or `undefined` when they
   * are valid. Approval-gated calls are checked before anyone is asked to approve them.
   */
  validate?(call: FunctionCallContent): string | undefined;
  /** Validates and runs one call; never throws. */
  invoke(call: FunctionCallContent, context: ToolInvokeContext): Promise<FunctionResultContent>;
}

/** Tool (and agent) names must be valid function names for every major model API. */
export const TOOL_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class ToolDefinitionError extends BatonError {
  readonly code = 'BATON_TOOL_DEFINITION';
  override readonly name = 'ToolDefinitionError';
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function tool<P extends z.ZodObject>(options: ToolOptions<P>): FunctionTool {
  const { name, description, parameters, execute } = options;
  if (!TOOL_NAME_PATTERN.test(name)) {
    throw new ToolDefinitionError(
      `Tool name "${name}" is invalid: use 1-64 letters, digits, "_" or "-" (model APIs reject other names).`,
    );
  }
  if (!(parameters instanceof z.ZodObject)) {
    throw new ToolDefinitionError(`Tool "${name}": parameters must be a z.object({...}) schema.`);
  }
  const approvalMode = options.approvalMode ?? 'never_require';
  const idempotent = options.idempotent === true;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const definition: ToolDefinition = { name, description, parameters: toJsonSchema(parameters) };

  function parse(call: FunctionCallContent): { ok: true; args: z.infer<P> } | { ok: false; error: string } {
    let raw: unknown;
    try {
      raw = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
    } catch {
      return {
        ok: false,
        error:
          `Invalid arguments for tool "${name}": not valid JSON (${truncate(call.arguments, 200)}). ` +
          'Call the tool again with a JSON object that matches its schema.',
      };
    }
    const parsed = parameters.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        error:
          `Invalid arguments for tool "${name}": ${formatIssues(parsed.error)}. ` +
          'Call the tool again with arguments that match its schema.',
      };
    }
    return { ok: true, args: parsed.data as z.infer<P> };
  }

  function validate(call: FunctionCallContent): string | undefined {
    const parsed = parse(call);
    return parsed.ok ? undefined : parsed.error;
  }

  async function invoke(
    call: FunctionCallContent,
    context: ToolInvokeContext,
  ): Promise<FunctionResultContent> {
    const fail = (error: string): FunctionResultContent => ({
      type: 'function_result',
      callId: call.callId,
      name,
      error,
    });
    const parsed = parse(call);
    if (!parsed.ok) return fail(parsed.error);
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort(context.signal?.reason);
    context.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(`Tool "${name}" timed out after ${timeoutMs} ms.`);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      const value = await Promise.race([
        Promise.resolve().then(() =>
          execute(parsed.args, {
            ...context,
            callId: call.callId,
            signal: controller.signal,
            idempotencyKey: toolIdempotencyKey(context.conversationId, call.callId),
          }),
        ),
        timeout,
      ]);
      return { type: 'function_result', callId: call.callId, name, result: toJsonValue(value) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return fail(message.startsWith(`Tool "${name}"`) ? message : `Tool "${name}" failed: ${message}`);
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  return {
    kind: 'function',
    name,
    description,
    approvalMode,
    timeoutMs,
    idempotent,
    definition,
    validate,
    invoke,
  };
}

function toJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`)
    .join('; ');
}

/** Tool results are stored in checkpoints: they must be plain JSON. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error('the result is not JSON-serializable');
  return JSON.parse(text);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
