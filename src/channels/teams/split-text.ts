/**
 * Teams refuses bot messages over ~100 KB (HTTP 413 `MessageSizeTooBig`); Microsoft advises staying under
 * 80 KB including the card and entities around the text. Long agent answers are sent as several messages.
 */

/** Text budget per activity, in UTF-8 bytes: 80 KB minus room for the card, header and entities. */
export const MAX_TEXT_BYTES = 70 * 1024;

/**
 * Splits `text` into parts of at most `maxBytes` UTF-8 bytes, preferring paragraph breaks, then line breaks,
 * then spaces; never splits a character (surrogate pairs stay whole). `''` gives `['']`.
 */
export function splitText(text: string, maxBytes = MAX_TEXT_BYTES): string[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must be at least 4 (one UTF-8 character).');
  const parts: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest, 'utf8') > maxBytes) {
    const hard = prefixWithinBytes(rest, maxBytes);
    const cut = bestBreak(hard);
    const head = rest.slice(0, cut).trimEnd();
    parts.push(head.length > 0 ? head : rest.slice(0, hard.length));
    rest = rest.slice(head.length > 0 ? cut : hard.length).replace(/^\s+/, '');
  }
  parts.push(rest);
  return parts;
}

/** The longest prefix of `text` (in whole code points) whose UTF-8 encoding fits in `maxBytes`. */
function prefixWithinBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
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
