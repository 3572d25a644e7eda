/**
 * What a chat channel gives the app: HTTP routes to mount on the one server, optional background
 * transports (Slack Socket Mode), and a line for the start-up banner. Transport stays in the channel;
 * conversation logic stays in the driver.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Exact path, or a prefix ending in `/*` (e.g. `/api/playground/*`). */
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface ChatChannel {
  readonly name: string;
  readonly routes: readonly HttpRoute[];
  /** Starts background transports (e.g. a Socket Mode connection). */
  start?(): Promise<void>;
  /** Stops accepting new work; in-flight turns are drained by the app through the driver. */
  stop?(): Promise<void>;
  /** One line for the start-up banner, e.g. "Slack: on — HTTP /slack/events". */
  describe(): string;
}
