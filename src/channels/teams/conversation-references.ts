/**
 * Where the Teams channel keeps each conversation's reference (service URL, conversation, bot) so replies can be
 * posted proactively — after the HTTP request was answered, or hours later when someone approves a refund.
 * Keyed by the conversation key (`teams:{tenantId}:{conversationId}`); back it with a durable store
 * (DynamoDB) when the bot runs on several hosts or restarts between a message and its approval.
 */
import type { JsonObject } from '../../store/checkpoint-storage.js';
import type { KeyValueStore } from '../../store/key-value.js';
import type { ConversationRef } from './bot-adapter.js';

export interface ConversationReferenceStore {
  get(conversationKey: string): Promise<ConversationRef | undefined>;
  /** Saved on every inbound activity: the service URL can change over time. */
  set(conversationKey: string, ref: ConversationRef): Promise<void>;
}

export class InMemoryConversationReferenceStore implements ConversationReferenceStore {
  private readonly refs = new Map<string, ConversationRef>();

  async get(conversationKey: string): Promise<ConversationRef | undefined> {
    const ref = this.refs.get(conversationKey);
    return ref ? structuredClone(ref) : undefined;
  }

  async set(conversationKey: string, ref: ConversationRef): Promise<void> {
    // A copy: the same plain JSON a durable store would keep.
    this.refs.set(conversationKey, structuredClone(ref));
  }
}

/** References in a durable {@link KeyValueStore} (the app uses the DynamoDB table), kept for 90 days. */
export class KeyValueConversationReferenceStore implements ConversationReferenceStore {
  constructor(
    private readonly records: KeyValueStore,
    private readonly ttlSeconds = 90 * 24 * 60 * 60,
  ) {}

  async get(conversationKey: string): Promise<ConversationRef | undefined> {
    return (await this.records.get('teams-ref', conversationKey)) as ConversationRef | undefined;
  }

  async set(conversationKey: string, ref: ConversationRef): Promise<void> {
    await this.records.put('teams-ref', conversationKey, ref as unknown as JsonObject, {
      ttlSeconds: this.ttlSeconds,
    });
  }
}
