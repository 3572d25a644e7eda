/**
 * What a chat channel gives the app: HTTP routes to mount on the one Hono app (under one policy chain), optional
 * background transports (Slack Socket Mode), and a line for the start-up banner. Transport stays in the channel;
 * conversation logic stays in the driver.
 */
import type { Context } from 'hono';

/** Request body media types a route may accept; anything else is answered 415. */
export type BodyMediaType = 'application/json' | 'application/x-www-form-urlencoded';

/**
 * What the app's one middleware chain enforces for a route, besides what it enforces for every route (Host
 * allow-list, request ids, `X-Forwarded-*` unless from a trusted proxy, HEAD, shutting-down 503).
 */
export interface RoutePolicy {
  /**
   * `browser`: the playground's pages and API; an `Origin`, if sent, must be this server's own, no cross-site
   * request but a navigation, and the access token is required when the app has one (off loopback).
   * `webhook`: called by a platform's servers; any `Origin` is refused.
   * `public`: anyone, no Origin rule (the health check; Slack's OAuth pages, reached by navigation from Slack).
   */
  audience: 'browser' | 'webhook' | 'public';
  /** Body media types accepted on POST (default `application/json`); others get 415. */
  accepts?: readonly BodyMediaType[];
  /** Largest request body in bytes (default 1 MiB); larger ones get 413 before the handler runs. */
  maxBodyBytes?: number;
  /** Answer 504 if the handler takes longer (default 30 s); `false` for long-lived streams. */
  timeoutMs?: number | false;
  /** Refuse `X-Forwarded-*` even from a trusted proxy: for endpoints that must only be reached on loopback. */
  refuseForwarded?: boolean;
}

export interface HttpRoute {
  method: 'GET' | 'POST';
  /** A Hono path: exact (`/slack/events`), with parameters (`/api/playground/threads/:id`). */
  path: string;
  policy: RoutePolicy;
  /**
   * Answers the request. JSON bodies have been parsed (`c.req.json()` is cached) and form bodies read, so both are
   * valid here; a body's raw text stays available through `c.req.text()`.
   */
  handler: (c: Context) => Response | Promise<Response>;
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
