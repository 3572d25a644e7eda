/** `baton/playground`: the browser playground channel (a chat page on the app's own server; no platform account). */

// The channel: its page, JSON API and event stream under PLAYGROUND_API.
export {
  createPlaygroundChannel,
  PLAYGROUND_API,
  PlaygroundChannel,
  type PlaygroundChannelOptions,
} from './playground-channel.js';

// What the page receives: thread snapshots and streamed events.
export type {
  Mark,
  PendingView,
  PersonaView,
  StreamEvent,
  ThreadItem,
  ThreadSnapshot,
  ThreadSummary,
} from './view-types.js';
