/** `baton/teams`: the Microsoft Teams channel (loads botbuilder; Slack-only users never import it). */

// The channel: Bot Framework activities through botbuilder's CloudAdapter; one Baton thread per conversation.
export {
  createTeamsChannel,
  MAX_ACTIVITY_BYTES,
  type TeamsChannel,
  type TeamsChannelOptions,
} from './teams-channel.js';
export { createBotbuilderTransport, type TeamsAppType, TeamsConfigError } from './botbuilder-transport.js';
export type {
  ActivityRequest,
  ActivityResponse,
  ConversationRef,
  ConversationSender,
  InboundTurn,
  InvokeReply,
  OutgoingActivity,
  TeamsActivity,
  TeamsTransport,
} from './bot-adapter.js';
export type { StreamTiming } from './teams-stream.js';

// Where proactive replies find their conversation (approvals that come days later).
export {
  type ConversationReferenceStore,
  InMemoryConversationReferenceStore,
  KeyValueConversationReferenceStore,
} from './conversation-references.js';

// What users see: Adaptive Cards for approvals, the AI label, message limits.
export { type AdaptiveCard, aiLabelEntity } from './adaptive-card.js';
export { approvalCard, decidedCard } from './approval-card.js';
export { MAX_TEXT_BYTES, splitText } from './split-text.js';

// Conversation keys (`teams:{tenantId}:{conversationId}`) and queued jobs (the Lambda worker).
export { conversationKeyOf } from './inbound-activity.js';
export type { TeamsDispatch, TeamsJob } from './teams-job.js';
