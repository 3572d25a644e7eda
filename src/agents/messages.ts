/**
 * Chat messages: plain, JSON-serializable data validated by zod, so a transcript can be checkpointed,
 * reloaded in another process and handed between agents without losing what the user sent.
 */
import { z } from 'zod';

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type Role = (typeof ROLES)[number];

export const TextContentSchema = z.object({ type: z.literal('text'), text: z.string() });

export const FunctionCallContentSchema = z.object({
  type: z.literal('function_call'),
  callId: z.string().min(1),
  name: z.string().min(1),
  /** The arguments exactly as the model produced them (possibly invalid JSON). */
  arguments: z.string(),
  /** The arguments parsed as JSON, when they were a JSON object. */
  parsedArguments: z.record(z.string(), z.unknown()).optional(),
});

export const FunctionResultContentSchema = z.object({
  type: z.literal('function_result'),
  callId: z.string().min(1),
  name: z.string().optional(),
  /** The tool's JSON-serializable result (absent when `error` is set). */
  result: z.unknown().optional(),
  /** A failure the model should see and can recover from. */
  error: z.string().optional(),
});

export const FunctionApprovalRequestContentSchema = z.object({
  type: z.literal('function_approval_request'),
  id: z.string().min(1),
  functionCall: FunctionCallContentSchema,
  /**
   * The arguments the tool will receive, as its zod schema produced them (defaults, transforms, unknown keys
   * stripped): what an approval card shows. Absent in requests stored before validation came first.
   */
  validatedArguments: z.record(z.string(), z.unknown()).optional(),
});

export const FunctionApprovalResponseContentSchema = z.object({
  type: z.literal('function_approval_response'),
  id: z.string().min(1),
  approved: z.boolean(),
  functionCall: FunctionCallContentSchema,
  /** Who decided (a chat user id, an email), for the audit trail. */
  decidedBy: z.string().optional(),
  /** Optional reason; shown to the model on rejection. */
  reason: z.string().optional(),
});

/** An image or file by reference (https:, s3:, slack file URL, …). */
export const UriContentSchema = z.object({
  type: z.literal('uri'),
  uri: z.string().min(1),
  mediaType: z.string().min(1),
  name: z.string().optional(),
});

/** An image or file carried inline as base64. */
export const DataContentSchema = z.object({
  type: z.literal('data'),
  data: z.string(),
  mediaType: z.string().min(1),
  name: z.string().optional(),
});

export const ContentSchema = z.discriminatedUnion('type', [
  TextContentSchema,
  FunctionCallContentSchema,
  FunctionResultContentSchema,
  FunctionApprovalRequestContentSchema,
  FunctionApprovalResponseContentSchema,
  UriContentSchema,
  DataContentSchema,
]);

export const ChatMessageSchema = z.object({
  role: z.enum(ROLES),
  contents: z.array(ContentSchema),
  /** Which agent (or user) spoke: a display name. */
  authorName: z.string().optional(),
  /** A stable id of the person who spoke (a Slack user id, an AAD object id), for approvals and audit. */
  authorId: z.string().optional(),
  /** Stable id, assigned when the message enters a transcript. */
  messageId: z.string().optional(),
  /** ISO-8601 time the message was created. */
  createdAt: z.string().optional(),
});

export type TextContent = z.infer<typeof TextContentSchema>;
export type FunctionCallContent = z.infer<typeof FunctionCallContentSchema>;
export type FunctionResultContent = z.infer<typeof FunctionResultContentSchema>;
/** The approval request as stored in a message (the request object handed to people is `FunctionApprovalRequestContent` in handoff). */
export type ApprovalRequestContent = z.infer<typeof FunctionApprovalRequestContentSchema>;
export type FunctionApprovalResponseContent = z.infer<typeof FunctionApprovalResponseContentSchema>;
export type UriContent = z.infer<typeof UriContentSchema>;
export type DataContent = z.infer<typeof DataContentSchema>;
export type Content = z.infer<typeof ContentSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** Anything that can be turned into messages: a string becomes one user message. */
export type MessageInput = string | ChatMessage | readonly ChatMessage[];

/** The text of a message: its text contents joined by a newline ('' when it has none). */
export function messageText(message: Pick<ChatMessage, 'contents'>): string {
  let out = '';
  for (const c of message.contents) {
    if (c.type === 'text') out = out ? `${out}\n${c.text}` : c.text;
  }
  return out;
}

export function userMessage(text: string, extra: readonly Content[] = []): ChatMessage {
  return { role: 'user', contents: [{ type: 'text', text }, ...extra] };
}

export function assistantMessage(text: string, authorName?: string): ChatMessage {
  const m: ChatMessage = { role: 'assistant', contents: [{ type: 'text', text }] };
  if (authorName !== undefined) m.authorName = authorName;
  return m;
}

export function systemMessage(text: string): ChatMessage {
  return { role: 'system', contents: [{ type: 'text', text }] };
}

/** Normalizes user input to messages, validating each one (throws a ZodError naming the bad field). */
export function toMessages(input: MessageInput): ChatMessage[] {
  if (typeof input === 'string') return [userMessage(input)];
  const list = Array.isArray(input) ? (input as readonly ChatMessage[]) : [input as ChatMessage];
  return list.map((m) => ChatMessageSchema.parse(m));
}

export function functionCalls(message: Pick<ChatMessage, 'contents'>): FunctionCallContent[] {
  return message.contents.filter((c): c is FunctionCallContent => c.type === 'function_call');
}

export function functionResults(message: Pick<ChatMessage, 'contents'>): FunctionResultContent[] {
  return message.contents.filter((c): c is FunctionResultContent => c.type === 'function_result');
}

/** Parses raw tool-call arguments; returns undefined unless they are a JSON object. */
export function parseArguments(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function makeFunctionCall(callId: string, name: string, rawArguments: string): FunctionCallContent {
  const call: FunctionCallContent = { type: 'function_call', callId, name, arguments: rawArguments };
  const parsed = parseArguments(rawArguments);
  if (parsed !== undefined) call.parsedArguments = parsed;
  return call;
}
