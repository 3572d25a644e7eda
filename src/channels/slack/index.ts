/** `baton/slack`: the Slack channel (Bolt for JS). Slack-only users load neither botbuilder nor the playground. */

// The channel: Events API over HTTP, Socket Mode, OAuth installs; one Baton thread per Slack thread.
export { createSlackChannel, EPHEMERAL, type SlackChannel } from './slack-channel.js';
export {
  DEFAULT_BOT_SCOPES,
  EVENTS_PATH,
  INSTALL_PATH,
  OAUTH_REDIRECT_PATH,
  type SlackChannelOptions,
} from './slack-options.js';
export type { StreamingMode } from './streaming.js';

// Workspace installs (OAuth): where bot tokens are kept.
export {
  InMemoryInstallationStore,
  type Installation,
  type InstallationQuery,
  type InstallationStore,
  KeyValueInstallationStore,
} from './installation-store.js';

// What users see: approval cards, the notices, message limits.
export { APPROVE_ACTION_ID, approvalCard, REJECT_ACTION_ID, settledCard } from './approval-card.js';
export { DEFAULT_PIECE_LENGTH, SLACK_LIMITS, splitMessage } from './message-splitter.js';
export { NOTICES } from './renderer.js';

// Files attached to messages: read into the agent's input within limits.
export { DEFAULT_FILE_LIMITS, type FileLimits, type SlackFile } from './files.js';

// Conversation keys (`slack:{team}:{channel}:{thread_ts}`) and queued jobs (the Lambda worker).
export { conversationKey } from './inbound.js';
export type { SlackDispatch, SlackJob, SlackThreadRef } from './slack-job.js';
