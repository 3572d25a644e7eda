import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, splitMessage, truncate } from '../../../src/channels/slack/message-splitter.js';

const words = (t: string) => t.split(/\s+/).filter(Boolean);

describe('splitMessage', () => {
  it('keeps a short reply whole and drops trailing whitespace', () => {
    expect(splitMessage('Hello there.  \n')).toEqual(['Hello there.']);
    expect(splitMessage('')).toEqual([]);
    expect(splitMessage('   \n ')).toEqual([]);
  });

  it('never exceeds the limit and loses no words', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const pieces = splitMessage(text, 500);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(500);
    expect(words(pieces.join(' '))).toEqual(words(text));
  });

  it('prefers paragraph breaks, then lines, then sentence ends', () => {
    const para = 'a'.repeat(60);
    const pieces = splitMessage(`${para}\n\n${para}\n\n${para}`, 130);
    expect(pieces).toEqual([`${para}\n\n${para}`, para]);
    const sentences = splitMessage(`${'word '.repeat(10)}end. ${'more '.repeat(10)}`, 64);
    expect(pieces.every((p) => p.length <= 130)).toBe(true);
    expect(sentences[0]).toMatch(/end\.$/);
  });

  it('cuts an unbroken run only when it must, without splitting emoji', () => {
    const run = '😀'.repeat(100); // 200 UTF-16 units, no spaces
    const pieces = splitMessage(run, 51);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(51);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(p).not.toMatch(/^[\uDC00-\uDFFF]/);
    }
    expect(pieces.join('')).toBe(run);
  });

  it('closes and reopens a code block cut in two, so both halves render as code', () => {
    const code = Array.from({ length: 40 }, (_, i) => `const line${i} = ${i};`).join('\n');
    const pieces = splitMessage(`Here is the fix:\n\n\`\`\`ts\n${code}\n\`\`\`\nDone.`, 300);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(300);
      // Every piece has balanced fences.
      expect((p.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(pieces[1]!.startsWith('```ts\n')).toBe(true);
  });

  it('fits Slack limits by default (4,000 text, one markdown block well under 12,000)', () => {
    const pieces = splitMessage('lorem ipsum '.repeat(5000));
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
      expect(p.length).toBeLessThan(SLACK_LIMITS.blockText);
    }
  });

  it('rejects a limit too small to make progress', () => {
    expect(() => splitMessage('x', 3)).toThrow(RangeError);
  });
});

describe('truncate', () => {
  it('cuts with an ellipsis within the limit', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdefghijk', 5)).toBe('abcd…');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });
});
