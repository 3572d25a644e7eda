/**
 * Teams refuses bot messages over ~100 KB (HTTP 413 `MessageSizeTooBig`), counted in UTF-16 — two bytes per
 * code unit, so 50 KB of ASCII text already fills it — and Microsoft advises staying under 80 KB including the
 * card and entities around the text. Long agent answers are sent as several messages, measured the way Teams
 * measures them.
 */

/**
 * Text budget per part, in UTF-16 code units of its JSON encoding (a newline is sent as `\n`, two units). An
 * agent's card carries its text twice (the TextBlock and the notification fallback): 2 × 18,000 units is
 * 72 KB of UTF-16, leaving room under 80 KB for the card, the persona header and the entities.
 */
export const MAX_TEXT_UNITS = 18_000;

/** @deprecated The budget was once counted in UTF-8 bytes; it is {@link MAX_TEXT_UNITS} UTF-16 units now. */
export const MAX_TEXT_BYTES = MAX_TEXT_UNITS;

/**
 * Splits `text` into parts of at most `maxUnits` UTF-16 code units once JSON-encoded, preferring paragraph
 * breaks, then line breaks, then spaces; never splits a surrogate pair. `''` gives `['']`.
 */
export function splitText(text: string, maxUnits = MAX_TEXT_UNITS): string[] {
  if (maxUnits < 12) throw new RangeError('maxUnits must be at least 12 (one escaped character).');
  const parts: string[] = [];
  let rest = text;
  while (encodedUnits(rest) > maxUnits) {
    const hard = prefixWithinUnits(rest, maxUnits);
    const cut = bestBreak(hard);
    const head = rest.slice(0, cut).trimEnd();
    parts.push(head.length > 0 ? head : rest.slice(0, hard.length));
    rest = rest.slice(head.length > 0 ? cut : hard.length).replace(/^\s+/, '');
  }
  parts.push(rest);
  return parts;
}

/** UTF-16 code units of `text` inside a JSON string (without the quotes). */
export function encodedUnits(text: string): number {
  return JSON.stringify(text).length - 2;
}

/** The longest prefix of `text` (in whole code points) whose JSON encoding fits in `maxUnits`. */
function prefixWithinUnits(text: string, maxUnits: number): string {
  let units = 0;
  let end = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    // Most characters are one unit; pairs are two; quotes, backslashes, controls, lone surrogates are escaped.
    const plain =
      ch.length === 2 || (code >= 0x20 && code < 0xd800 && ch !== '"' && ch !== '\\') || code > 0xdfff;
    const size = plain ? ch.length : encodedUnits(ch);
    if (units + size > maxUnits) break;
    units += size;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** Where to cut inside `window`: after the last paragraph/line/space break in its second half, else its end. */
function bestBreak(window: string): number {
  const floor = Math.floor(window.length / 2);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep);
    if (at >= floor) return at + sep.length;
  }
  return window.length;
}
