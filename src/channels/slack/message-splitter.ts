/**
 * Splits long agent replies into pieces Slack accepts in one message. Pure, so the limits are unit-tested
 * without Slack.
 */

/** Slack's message limits (docs.slack.dev; see the platform reference, §6). */
export const SLACK_LIMITS = {
  /** `text` is truncated past 40,000 characters; Slack recommends staying under 4,000. */
  text: 4000,
  blocksPerMessage: 50,
  /** The documented cumulative cap of `markdown` blocks; `msg_blocks_too_long` fires near ~13.2k in practice. */
  blockText: 12000,
  /** `section.text` and `context` mrkdwn elements. */
  sectionText: 3000,
  /** `chat.startStream` / `chat.appendStream` `markdown_text` per call. */
  streamChunk: 12000,
  /**
   * Text of one natively streamed message before the reply continues in a new one. Slack renders a stream's
   * markdown as block text, so this stays under the ~12k markdown-block budget (and far under the 40,000-char
   * `text` cap), with room to close a code fence.
   */
  streamedMessage: 11000,
} as const;

/**
 * The default piece size: under the 4,000-char `text` guidance with room for a persona header, and far
 * under the ~11k block-text budget (each piece is one `markdown` block, so a message never nears 50 blocks).
 */
export const DEFAULT_PIECE_LENGTH = 3900;

/**
 * Splits `text` into pieces of at most `limit` characters, preferring (in order) a paragraph break, a line
 * break, a sentence end, then a space; only an unbroken run longer than `limit` is cut mid-word. A fenced code
 * block cut in two is closed at the end of one piece and reopened at the start of the next, so both render as
 * code. Surrogate pairs are never split. Whitespace at a cut is dropped; `''` gives `[]`.
 */
export function splitMessage(text: string, limit: number = DEFAULT_PIECE_LENGTH): string[] {
  if (!Number.isInteger(limit) || limit < 16) {
    throw new RangeError(`splitMessage limit must be an integer >= 16 (got ${limit}).`);
  }
  const pieces: string[] = [];
  let rest = text.replace(/\s+$/u, '');
  let reopenFence = '';
  while (rest.length > 0) {
    rest = reopenFence + rest.replace(/^\s*\n/u, '');
    // Leave room for closing a fence we may have to add ("\n```").
    const budget = limit - 4;
    if (rest.length <= limit) {
      pieces.push(rest);
      break;
    }
    let cut = findCut(rest, budget);
    if (cut <= reopenFence.length) cut = safeCut(rest, budget);
    let piece = rest.slice(0, cut).replace(/\s+$/u, '');
    const fence = openFence(piece);
    if (fence !== undefined) piece = `${piece}\n\`\`\``;
    reopenFence = fence !== undefined ? `${fence}\n` : '';
    pieces.push(piece);
    rest = rest.slice(cut).replace(/^[ \t]+/u, '');
    if (rest.trim().length === 0) break;
  }
  return pieces;
}

/** Truncates to at most `max` characters with an ellipsis, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, safeCut(text, max - 1))}…`;
}

function findCut(text: string, budget: number): number {
  const best = findBreak(text, budget, Math.floor(budget / 2));
  return best > 0 ? best : safeCut(text, budget);
}

/**
 * The best place to end a piece of `text` between `min` and `budget` characters: the last paragraph break, else
 * line break, else sentence end, else space in that range; `-1` if there is none.
 */
export function findBreak(text: string, budget: number, min: number): number {
  const window = text.slice(0, budget + 1);
  for (const pattern of [/\n\s*\n/gu, /\n/gu, /[.!?](?=\s)/gu, /\s/gu]) {
    let best = -1;
    for (const m of window.matchAll(pattern)) {
      const end = m.index + (pattern.source.startsWith('[.!?]') ? 1 : 0);
      if (end <= budget && end >= min) best = end;
    }
    if (best > 0) return best;
  }
  return -1;
}

/** `at`, moved back one if it would split a surrogate pair. */
export function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/** The opening fence line (e.g. "```ts") if `text` ends inside a fenced code block. */
export function openFence(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*(```.*)$/u.exec(line);
    if (m) open = open === undefined ? m[1]!.trim() : undefined;
  }
  return open;
}
