/** `baton/slack`: the Slack channel (Bolt for JS) and the pieces it is built from. */
export {
  APPROVE_ACTION_ID,
  approvalCard,
  formatArguments,
  REJECT_ACTION_ID,
  settledCard,
} from './approval-card.js';
export {
  DEFAULT_FILE_LIMITS,
  type FileLimits,
  type ReadFilesOptions,
  readSlackFiles,
  type SlackFile,
  unreadFileText,
} from './files.js';
export {
  actionDeliveryKey,
  conversationKey,
  fileContents,
  messageDeliveryKey,
  stripBotMention,
} from './inbound.js';
export {
  InMemoryInstallationStore,
  type Installation,
  type InstallationQuery,
  type InstallationStore,
  KeyValueInstallationStore,
} from './installation-store.js';
export { DEFAULT_PIECE_LENGTH, SLACK_LIMITS, splitMessage, truncate } from './message-splitter.js';
export { NOTICES } from './renderer.js';
export { createSlackChannel, EPHEMERAL, type SlackChannel } from './slack-channel.js';
export type { SlackDispatch, SlackJob, SlackThreadRef } from './slack-job.js';
export {
  DEFAULT_BOT_SCOPES,
  EVENTS_PATH,
  INSTALL_PATH,
  OAUTH_REDIRECT_PATH,
  type SlackChannelOptions,
} from './slack-options.js';
export type { StreamingMode } from './streaming.js';
