/**
 * Public types of the scripted OpenAI-compatible server (`baton/testing`).
 *
 * Kept apart from the server so the wire helpers can use them without an import cycle;
 * `scripted-openai-server.ts` re-exports every one of them.
 */

/** A function tool call the scripted model makes. */
export interface ScriptedToolCall {
  name: string;
  /** Objects are JSON-encoded; strings are sent verbatim, which lets tests send invalid JSON. */
  arguments: Record<string, unknown> | string;
  /** Defaults to `call_<n>`, unique for the lifetime of the server. */
  id?: string;
}

/** One assistant response. */
export interface ScriptedTurn {
  /** Assistant text; may be combined with `toolCalls` (the text is sent first). */
  text?: string;
  /** One or several (parallel) tool calls. */
  toolCalls?: ScriptedToolCall[];
  /** The item is only consumed by a request this returns true for (see the matching rules on the server). */
  when?: (request: RecordedRequest) => boolean;
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter';
  /**
   * Default: rough counts, one token per 4 characters. Sent as OpenAI does, with `prompt_tokens_details`
   * (`cached_tokens`, default 0) and `completion_tokens_details` (`reasoning_tokens`, default 0).
   */
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    cached_tokens?: number;
    reasoning_tokens?: number;
  };
  /**
   * Total time the response takes. Non-streaming: the wait before the response is sent.
   * Streaming: spread evenly over the content chunks — `delayMs / n` before each of the `n` chunks
   * up to and including the one carrying `finish_reason` (headers go out with the first chunk),
   * so the stream takes about `delayMs` whatever `chunkSize` is. The usage chunk and `[DONE]`
   * follow the finish chunk without a further wait.
   */
  delayMs?: number;
  /** Characters per streamed text delta, and per tool-call argument piece (default 8). */
  chunkSize?: number;
  /** Named in error messages, e.g. when a `when` predicate throws or the script is exhausted. */
  label?: string;
}

/**
 * A transport-level failure instead of a response. `when` and `label` are optional extensions
 * over the plain fault shapes: they behave as on {@link ScriptedTurn}.
 */
export type ScriptedFault =
  /** HTTP 429 with `retry-after` (whole seconds, rounded up) and `retry-after-ms` headers. Default 1 s. */
  (
    | { fault: 'rate_limit'; retryAfterSeconds?: number }
    /** An OpenAI-style error with this status (default 500). */
    | { fault: 'server_error'; status?: number }
    /** HTTP 200 whose body (or, streaming, whose first SSE data line) is not JSON. */
    | { fault: 'malformed_json' }
    /**
     * Streaming: send the headers and `afterChunks` chunks (default 0) of a response carrying `text`,
     * then nothing more until the client disconnects or the server is closed. Non-streaming: never answer.
     */
    | { fault: 'stall'; afterChunks?: number; text?: string }
  ) & { when?: (request: RecordedRequest) => boolean; label?: string };

export type ScriptItem = ScriptedTurn | ScriptedFault;

/** A chat completion request as the server received it. */
export interface RecordedRequest {
  /** URL path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  method: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed JSON body as sent. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** `[]` when absent. */
  messages: Array<Record<string, unknown>>;
  /** `[]` when absent. */
  tools: Array<Record<string, unknown>>;
  /** `tool_choice` as sent (undefined when absent). */
  toolChoice: unknown;
  parallelToolCalls: boolean | undefined;
  /** Text of the last `role: 'user'` message: the string, or its text parts joined with `\n`. */
  lastUserText: string | undefined;
  /** Names of the offered function tools. */
  toolNames: string[];
}

export interface ScriptedServerOptions {
  /** Consumed in order, subject to `when`. */
  script?: ScriptItem[];
  /** Fallback when no script item matches (the offline demo uses it to follow what the user typed). */
  responder?: (request: RecordedRequest) => ScriptItem | undefined;
  /** Default `127.0.0.1`. Only loopback addresses (and `localhost`) are accepted. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
}

export interface ScriptedOpenAIServer {
  /** e.g. `http://127.0.0.1:54321/v1` — pass to `new OpenAI({ baseURL, apiKey: 'test' })`. */
  readonly baseURL: string;
  /** Origin without `/v1`. */
  readonly url: string;
  /**
   * Every chat completion request that passed the API-key check and had a JSON object body, in the
   * order the script was consulted, faulted and unmatched ones included. The same array instance
   * for the server's lifetime (`reset()` empties it in place).
   */
  readonly requests: RecordedRequest[];
  /** Appends items to the end of the script. */
  enqueue(...items: ScriptItem[]): void;
  /**
   * Makes the next request fail: the fault jumps ahead of the script items (several injected
   * faults are served in the order injected). Any `when` on `f` is ignored.
   */
  fault(f: ScriptedFault): void;
  /** Script items (injected faults included) not yet consumed. */
  pending(): number;
  /** Clears the script and the recorded requests (tool-call and response ids keep counting). */
  reset(): void;
  /** Ends stalled and delayed responses and all sockets, then stops listening. Idempotent. */
  close(): Promise<void>;
}
