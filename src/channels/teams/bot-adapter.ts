/**
 * Baton's own seam between the Teams channel and the Bot Framework SDK. Only `botbuilder-transport.ts`
 * implements it with botbuilder (end-of-life); moving to `@microsoft/agents-hosting` means writing one more
 * implementation of `TeamsTransport`, nothing else. The types are the plain JSON shapes of the Bot Connector
 * protocol (the subset we read or write), so no SDK class leaks into the channel.
 */
export interface TeamsAccount {
  id: string;
  name?: string;
  /** Entra object id of a person (absent for bots). */
  aadObjectId?: string;
}

export interface TeamsConversation {
  id: string;
  /** `personal`, `groupChat` or `channel`. */
  conversationType?: string;
  tenantId?: string;
  isGroup?: boolean;
}

/** An entity on an activity: mentions, `streaminfo`, the schema.org `Message` that carries the AI label. */
export type TeamsEntity = { type: string } & Record<string, unknown>;

export interface TeamsAttachment {
  contentType: string;
  contentUrl?: string;
  content?: unknown;
  name?: string;
}

/** An activity as it arrives (the fields Baton reads). */
export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  value?: unknown;
  channelId?: string;
  serviceUrl?: string;
  replyToId?: string;
  from?: TeamsAccount;
  recipient?: TeamsAccount;
  conversation?: TeamsConversation;
  entities?: TeamsEntity[];
  attachments?: TeamsAttachment[];
  channelData?: Record<string, unknown>;
}

/** An activity Baton sends (message, typing) or edits (with `id`). */
export interface OutgoingActivity {
  type: 'message' | 'typing';
  id?: string;
  text?: string;
  textFormat?: 'markdown' | 'plain' | 'xml';
  summary?: string;
  attachments?: TeamsAttachment[];
  entities?: TeamsEntity[];
  channelData?: Record<string, unknown>;
}

/** What is needed to post into a conversation later (Bot Framework's ConversationReference, as JSON). */
export interface ConversationRef {
  serviceUrl: string;
  channelId: string;
  conversation: TeamsConversation;
  bot: TeamsAccount;
  user?: TeamsAccount;
  activityId?: string;
  locale?: string;
}

/** Sends into one conversation; returns the new activity's id (the stream id for a first stream chunk). */
export interface ConversationSender {
  send(activity: OutgoingActivity): Promise<string | undefined>;
  update(activity: OutgoingActivity & { id: string }): Promise<void>;
}

/** An invoke's HTTP answer (`adaptiveCard/action` returns a card or a message here). */
export interface InvokeReply {
  status: number;
  body?: unknown;
}

/** One authenticated inbound activity, valid only until `onActivity` resolves. */
export interface InboundTurn extends ConversationSender {
  readonly activity: TeamsActivity;
  /** The reference to store for proactive replies. */
  readonly reference: ConversationRef;
}

/** An inbound HTTP request as the transport needs it: the app has already checked and parsed it. */
export interface ActivityRequest {
  method: string;
  /** Lower-case header names (`authorization` carries the Bot Framework token). */
  headers: Readonly<Record<string, string>>;
  /** The parsed JSON activity. */
  body: unknown;
}

/** The HTTP answer to an activity (`200` with an invoke's reply as `body`, `401` without a valid token, …). */
export interface ActivityResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface TeamsTransport {
  /** True when inbound requests must carry a valid Bot Framework token. */
  readonly authenticationEnabled: boolean;
  /**
   * Authenticates the HTTP request, then calls `onActivity` while the request is open; for invokes, the value it
   * returns is the HTTP answer. Unauthenticated requests get 401 and never reach `onActivity`.
   */
  process(
    request: ActivityRequest,
    onActivity: (turn: InboundTurn) => Promise<InvokeReply | undefined>,
  ): Promise<ActivityResponse>;
  /** Opens a proactive turn in a stored conversation (replies after the HTTP request has been answered). */
  continueConversation(
    ref: ConversationRef,
    fn: (sender: ConversationSender) => Promise<void>,
  ): Promise<void>;
}
