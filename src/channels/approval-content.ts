/**
 * What every approval card says, channel-neutral: the tool, each argument exactly as the tool will receive it
 * (the zod-validated, canonical arguments), which keys the model sent that the tool will not see, who asked.
 * Nothing is cut: a card shows every argument in full, puts long ones behind a "show all" view, or refuses.
 */
import type { FunctionApprovalRequest } from '../handoff/requests.js';
import { argumentText } from './text-safety.js';

/** An argument whose text is at most this long is shown inline, before any long one. */
export const SHORT_ARGUMENT_CHARS = 200;

export interface ApprovalArgument {
  key: string;
  /** The value as JSON text (strings quoted, invisible characters spelled out): exactly what runs. */
  text: string;
  /** Longer than {@link SHORT_ARGUMENT_CHARS} or on several lines. */
  long: boolean;
}

export interface ApprovalContent {
  tool: string;
  /** Short arguments first (so a long field cannot push `amount` out of sight), then long ones; each in order. */
  arguments: ApprovalArgument[];
  /** Paths the model sent that the tool's schema removed (the tool never sees them). */
  ignored: string[];
  /** False for a request recorded before validation came first: the card says the arguments are unchecked. */
  validated: boolean;
  /** Characters of every key and value together. */
  totalChars: number;
  requestedBy?: string;
  requestedByName?: string;
}

export function approvalContent(request: FunctionApprovalRequest): ApprovalContent {
  const canonical = request.approvalArguments();
  const all = Object.entries(canonical).map(([key, value]): ApprovalArgument => {
    const text = argumentText(value);
    return { key, text, long: text.length > SHORT_ARGUMENT_CHARS || text.includes('\n') };
  });
  const args = [...all.filter((a) => !a.long), ...all.filter((a) => a.long)];
  const content: ApprovalContent = {
    tool: request.functionCall.name,
    arguments: args,
    ignored:
      request.validatedArguments !== undefined
        ? strippedPaths(request.parseArguments(), request.validatedArguments)
        : [],
    validated: request.validatedArguments !== undefined,
    totalChars: args.reduce((n, a) => n + a.key.length + a.text.length, 0),
  };
  if (request.requestedBy !== undefined) content.requestedBy = request.requestedBy;
  if (request.requestedByName !== undefined) content.requestedByName = request.requestedByName;
  // A call whose arguments were not even a JSON object: the raw text is what the approver must read.
  if (args.length === 0 && request.functionCall.parsedArguments === undefined) {
    const raw = request.functionCall.arguments;
    if (raw.trim() !== '') {
      const text = argumentText(raw);
      content.arguments = [{ key: '(raw arguments, not JSON)', text, long: true }];
      content.totalChars = text.length;
    }
  }
  return content;
}

const MAX_IGNORED = 20;

/** Object keys in `sent` (at any depth) that `kept` no longer has. */
export function strippedPaths(sent: unknown, kept: unknown, prefix = ''): string[] {
  if (!isObject(sent) || !isObject(kept)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(sent)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in kept)) out.push(path);
    else out.push(...strippedPaths(value, kept[key], path));
    if (out.length >= MAX_IGNORED) break;
  }
  return out.slice(0, MAX_IGNORED);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
