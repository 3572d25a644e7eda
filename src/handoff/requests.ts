/**
 * What a paused workflow asks of a person: user input (`HandoffAgentUserRequest`) or a tool approval
 * (`FunctionApprovalRequest`), and the responses they take.
 */
import {
  type ChatMessage,
  type FunctionApprovalResponseContent,
  type FunctionCallContent,
  type MessageInput,
  messageText,
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

/** A tool that requires approval was called; nothing runs until a person decides. */
export class FunctionApprovalRequest {
  readonly kind = 'function_approval' as const;
  readonly type = 'function_approval_request' as const;
  constructor(
    /** Same as the request id of the event that carries it. */
    readonly id: string,
    readonly functionCall: FunctionCallContent & { readonly parsedArguments?: Record<string, unknown> },
    /** The agent whose model called the tool. */
    readonly agentId: string,
    details: FunctionApprovalRequestDetails = {},
  ) {
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

  /** The parsed arguments (`{}` when they were not a JSON object). */
  parseArguments(): Record<string, unknown> {
    return this.functionCall.parsedArguments ?? {};
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

export class FunctionApprovalResponse {
  readonly kind = 'function_approval_response' as const;
  constructor(
    readonly id: string,
    readonly approved: boolean,
    readonly functionCall: FunctionCallContent,
    readonly reason?: string,
    readonly decidedBy?: string,
  ) {}

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

export type RequestData = HandoffAgentUserRequest | FunctionApprovalRequest;
export type RequestResponse =
  | UserInputResponse
  | FunctionApprovalResponse
  | { approved: boolean; reason?: string; decidedBy?: string };
export type ResponseMap = Readonly<Record<string, RequestResponse>>;
