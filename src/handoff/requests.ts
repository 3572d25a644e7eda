/**
 * What a paused workflow asks of a person: user input (`HandoffAgentUserRequest`) or a tool approval
 * (`FunctionApprovalRequestContent`, the seed's name; `FunctionApprovalRequest` is an alias), and the responses
 * they take.
 */
import {
  type ChatMessage,
  type FunctionApprovalResponseContent,
  type FunctionCallContent,
  type MessageInput,
  messageText,
  parseArguments,
  toMessages,
} from '../agents/messages.js';

/** A message as callbacks and outputs see it: the stored message plus its text. */
export type ConversationMessage = ChatMessage & { readonly text: string };

export function withText(message: ChatMessage): ConversationMessage {
  return { ...message, text: messageText(message) };
}

/** The reply to a user-input request: the user's messages, or `[]` to end the conversation. */
export type UserInputResponse = ChatMessage[];

/** An agent answered without handing off: the workflow waits for the user. */
export class HandoffAgentUserRequest {
  readonly kind = 'user_input' as const;
  constructor(
    /** The agent's most recent reply (what the user is answering). */
    readonly agentResponse: { readonly messages: readonly ConversationMessage[] },
  ) {}

  /** The user's reply: text, several texts, or messages. */
  static createResponse(input: MessageInput | readonly string[]): UserInputResponse {
    const list =
      Array.isArray(input) && input.every((x) => typeof x === 'string')
        ? (input as readonly string[])
        : undefined;
    const messages = list ? list.map((text) => toMessages(text)[0]!) : toMessages(input as MessageInput);
    if (messages.length === 0)
      throw new TypeError('createResponse needs text or at least one message; use terminate() to end.');
    return messages;
  }

  /** Ends the conversation instead of answering. */
  static terminate(): UserInputResponse {
    return [];
  }
}

export interface FunctionApprovalRequestDetails {
  validatedArguments?: Readonly<Record<string, unknown>>;
  requestedBy?: string;
  requestedByName?: string;
}

/**
 * The tool call an approval is about (`request.data.functionCall`): the call as the model made it, plus the
 * seed's `parseArguments()`.
 */
export class FunctionCall implements FunctionCallContent {
  readonly type = 'function_call' as const;
  readonly callId: string;
  readonly name: string;
  /** The arguments exactly as the model produced them (possibly invalid JSON). */
  readonly arguments: string;
  /** The arguments parsed as JSON, when they were a JSON object. */
  readonly parsedArguments?: Record<string, unknown>;

  constructor(call: FunctionCallContent) {
    this.callId = call.callId;
    this.name = call.name;
    this.arguments = call.arguments;
    const parsed = call.parsedArguments ?? parseArguments(call.arguments);
    if (parsed !== undefined) this.parsedArguments = parsed;
  }

  /** The arguments as an object; `undefined` when the model's arguments were not a JSON object (seed: `or {}`). */
  parseArguments(): Record<string, unknown> | undefined {
    return this.parsedArguments;
  }

  /** The plain content, as stored in the transcript. */
  toContent(): FunctionCallContent {
    const c: FunctionCallContent = {
      type: 'function_call',
      callId: this.callId,
      name: this.name,
      arguments: this.arguments,
    };
    if (this.parsedArguments !== undefined) c.parsedArguments = this.parsedArguments;
    return c;
  }
}

/** A tool that requires approval was called; nothing runs until a person decides. The seed's class name. */
export class FunctionApprovalRequestContent {
  readonly kind = 'function_approval' as const;
  readonly type = 'function_approval_request' as const;
  readonly functionCall: FunctionCall;
  constructor(
    /** Same as the request id of the event that carries it. */
    readonly id: string,
    functionCall: FunctionCallContent,
    /** The agent whose model called the tool. */
    readonly agentId: string,
    details: FunctionApprovalRequestDetails = {},
  ) {
    this.functionCall = functionCall instanceof FunctionCall ? functionCall : new FunctionCall(functionCall);
    if (details.validatedArguments !== undefined) this.validatedArguments = details.validatedArguments;
    if (details.requestedBy !== undefined) this.requestedBy = details.requestedBy;
    if (details.requestedByName !== undefined) this.requestedByName = details.requestedByName;
  }

  /**
   * The arguments the tool will run with, as its zod schema produced them (defaults applied, transforms run,
   * unknown keys stripped). Absent only for requests recorded before arguments were validated first.
   */
  readonly validatedArguments?: Readonly<Record<string, unknown>>;
  /** The user whose message led to this request (the default approver), when known. */
  readonly requestedBy?: string;
  /** The requester's display name when they asked (for cards only: never used to authorize). */
  readonly requestedByName?: string;

  /** The parsed arguments (`{}` when they were not a JSON object); also `functionCall.parseArguments()`. */
  parseArguments(): Record<string, unknown> {
    return this.functionCall.parseArguments() ?? {};
  }

  /** What an approver must see: the validated arguments, or the model's parsed ones for older requests. */
  approvalArguments(): Readonly<Record<string, unknown>> {
    return this.validatedArguments ?? this.parseArguments();
  }

  createResponse(decision: {
    approved: boolean;
    reason?: string;
    decidedBy?: string;
  }): FunctionApprovalResponse {
    return new FunctionApprovalResponse(
      this.id,
      decision.approved,
      this.functionCall,
      decision.reason,
      decision.decidedBy,
    );
  }
}

/** The name Baton used before 0.2; the same class. */
export const FunctionApprovalRequest = FunctionApprovalRequestContent;
export type FunctionApprovalRequest = FunctionApprovalRequestContent;

export class FunctionApprovalResponse {
  readonly kind = 'function_approval_response' as const;
  /** Plain data (never a class instance): the response is stored as it is. */
  readonly functionCall: FunctionCallContent;
  constructor(
    readonly id: string,
    readonly approved: boolean,
    functionCall: FunctionCallContent,
    readonly reason?: string,
    readonly decidedBy?: string,
  ) {
    this.functionCall = functionCall instanceof FunctionCall ? functionCall.toContent() : functionCall;
  }

  toContent(): FunctionApprovalResponseContent {
    const c: FunctionApprovalResponseContent = {
      type: 'function_approval_response',
      id: this.id,
      approved: this.approved,
      functionCall: this.functionCall,
    };
    if (this.reason !== undefined) c.reason = this.reason;
    if (this.decidedBy !== undefined) c.decidedBy = this.decidedBy;
    return c;
  }
}

export type RequestData = HandoffAgentUserRequest | FunctionApprovalRequestContent;
export type RequestResponse =
  | UserInputResponse
  | FunctionApprovalResponse
  | { approved: boolean; reason?: string; decidedBy?: string };
export type ResponseMap = Readonly<Record<string, RequestResponse>>;
