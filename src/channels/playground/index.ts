/** The browser playground channel. */
export {
  createPlaygroundChannel,
  PLAYGROUND_API,
  PlaygroundChannel,
  type PlaygroundChannelOptions,
} from './playground-channel.js';
export type {
  Mark,
  PendingView,
  PersonaView,
  StreamEvent,
  ThreadItem,
  ThreadSnapshot,
  ThreadSummary,
} from './view-types.js';
