/**
 * Validation of what people send a workflow: chat input (user text, images, files only) and responses to
 * pending requests, bound to the request they answer.
 */
import { type ChatMessage, type MessageInput, toMessages } from '../agents/messages.js';
import { InvalidResponseError } from './errors.js';
import { FunctionApprovalResponse, type RequestResponse } from './requests.js';
import type { PendingRequest } from './state.js';

export function normalizeResponse(
  request: PendingRequest,
  response: RequestResponse,
): ChatMessage[] | FunctionApprovalResponse {
  const requestId = request.requestId;
  if (request.kind === 'user_input') {
    if (!Array.isArray(response)) {
      throw new InvalidResponseError(
        `Request "${requestId}" asks for user input: answer with HandoffAgentUserRequest.createResponse(text) or .terminate().`,
      );
    }
    return response.length === 0 ? [] : toUserInput(response as ChatMessage[]);
  }
  if (
    Array.isArray(response) ||
    typeof response !== 'object' ||
    response === null ||
    typeof response.approved !== 'boolean'
  ) {
    throw new InvalidResponseError(
      `Request "${requestId}" asks for a tool approval: answer with request.data.createResponse({ approved }).`,
    );
  }
  if (response instanceof FunctionApprovalResponse) {
    if (response.id !== requestId || response.functionCall.callId !== request.functionCall.callId) {
      throw new InvalidResponseError(
        `The approval response for "${response.id}" (call ${response.functionCall.callId}) was sent as the answer to ` +
          `"${requestId}" (call ${request.functionCall.callId}).`,
      );
    }
  }
  // The decision is bound to the call that was requested, whatever call the response object carries.
  return new FunctionApprovalResponse(
    requestId,
    response.approved,
    request.functionCall,
    response.reason,
    response.decidedBy,
  );
}

/**
 * What a person may send: user messages with text, images and files. Tool calls, tool results and approval
 * decisions come only from models and from `sendResponses`, never from chat input.
 */
export function toUserInput(input: MessageInput): ChatMessage[] {
  let messages: ChatMessage[];
  try {
    messages = toMessages(input);
  } catch (error) {
    throw new InvalidResponseError(
      `Invalid input message: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (messages.length === 0) {
    throw new InvalidResponseError(
      'No input: send text or messages (to end the conversation, answer a request with terminate()).',
    );
  }
  for (const m of messages) {
    const bad = m.contents.find((c) => c.type !== 'text' && c.type !== 'uri' && c.type !== 'data');
    if (m.role !== 'user' || bad) {
      throw new InvalidResponseError(
        `Input messages must be role "user" with text, uri or data contents (got role "${m.role}"` +
          `${bad ? ` with ${bad.type}` : ''}).`,
      );
    }
  }
  return messages;
}
