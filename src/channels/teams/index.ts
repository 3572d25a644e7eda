/** `baton/teams`: the Microsoft Teams channel (loads botbuilder; Slack-only users never import it). */
export type { AdaptiveCard } from './adaptive-card.js';
export { aiLabelEntity } from './adaptive-card.js';
export { approvalCard, decidedCard, parseApprovalData } from './approval-card.js';
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
export { applyBotbuilderEntityFix } from './botbuilder-entity-fix.js';
export { createBotbuilderTransport, type TeamsAppType, TeamsConfigError } from './botbuilder-transport.js';
export {
  type ConversationReferenceStore,
  InMemoryConversationReferenceStore,
  KeyValueConversationReferenceStore,
} from './conversation-references.js';
export { conversationKeyOf } from './inbound-activity.js';
export { MAX_TEXT_BYTES, splitText } from './split-text.js';
export {
  createTeamsChannel,
  MAX_ACTIVITY_BYTES,
  type TeamsChannel,
  type TeamsChannelOptions,
} from './teams-channel.js';
export type { TeamsDispatch, TeamsJob } from './teams-job.js';
export type { StreamTiming } from './teams-stream.js';
