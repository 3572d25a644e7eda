/** Shared behaviour of chat models: `complete` from `stream`, and the seed's `model.createAgent({...})`. */
import { ChatAgent, type ChatAgentOptions } from './agent.js';
import {
  type ChatModel,
  type ChatModelRequest,
  type ChatModelResponse,
  type ChatModelStreamEvent,
  collectResponse,
} from './model.js';

export abstract class BaseChatModel implements ChatModel {
  abstract readonly modelId: string;
  abstract stream(request: ChatModelRequest): AsyncIterable<ChatModelStreamEvent>;

  complete(request: ChatModelRequest): Promise<ChatModelResponse> {
    return collectResponse(this.stream(request));
  }

  /** `chatClient.create_agent(...)` from the MAF docs: an agent on this model. */
  createAgent(options: Omit<ChatAgentOptions, 'model'>): ChatAgent {
    return new ChatAgent({ ...options, model: this });
  }
}
