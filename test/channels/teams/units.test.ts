/** Pure pieces of the Teams channel: text splitting, reading activities, cards. */
import { describe, expect, it } from 'vitest';
import { personaHeader } from '../../../src/channels/teams/adaptive-card.js';
import { approvalCard, decidedCard, parseApprovalData } from '../../../src/channels/teams/approval-card.js';
import {
  attachmentContents,
  conversationKeyOf,
  scopeOf,
  textWithoutBotMention,
  userOf,
} from '../../../src/channels/teams/inbound-activity.js';
import { MAX_TEXT_UNITS, splitText } from '../../../src/channels/teams/split-text.js';
import { FunctionApprovalRequest } from '../../../src/handoff/requests.js';
import { cardButtons, cardTexts, type Json } from './card-helpers.js';

/** What Teams counts: UTF-16 code units of the text as sent (JSON-escaped). */
const units = (s: string) => JSON.stringify(s).length - 2;

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('hello', 100)).toEqual(['hello']);
    expect(splitText('', 100)).toEqual(['']);
  });

  it('splits ~220k characters into parts under the limit, at paragraph breaks, losing nothing', () => {
    const paragraph = `${'The quick brown fox jumps over the lazy dog. '.repeat(40).trim()}`;
    const text = Array.from({ length: 120 }, (_, i) => `${i}: ${paragraph}`).join('\n\n');
    expect(text.length).toBeGreaterThan(200_000);
    const parts = splitText(text, 80_000);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(units(p)).toBeLessThanOrEqual(80_000);
    for (const p of parts.slice(1)) expect(p).toMatch(/^\d+: The quick/);
    expect(parts.join('\n\n')).toBe(text);
  });

  it('counts UTF-16 units, not UTF-8 bytes: ASCII weighs the same as CJK per character', () => {
    // 30k ASCII characters are 30 KB of UTF-8 but 60 KB of UTF-16: over budget twice in a card.
    expect(splitText('a '.repeat(15_000)).length).toBe(2);
    const cjk = '漢字かな交じり文。'.repeat(4000);
    const parts = splitText(cjk);
    for (const p of parts) expect(units(p)).toBeLessThanOrEqual(MAX_TEXT_UNITS);
    expect(parts.length).toBe(Math.ceil(cjk.length / MAX_TEXT_UNITS));
    expect(parts.join('')).toBe(cjk);
  });

  it('counts escaped newlines and quotes as Teams receives them', () => {
    const text = '"\n'.repeat(1000);
    for (const p of splitText(text, 1000)) expect(units(p)).toBeLessThanOrEqual(1000);
  });

  it('never cuts a surrogate pair, even without spaces', () => {
    const text = '😀é'.repeat(5000);
    const parts = splitText(text, 1000);
    for (const p of parts) {
      expect(units(p)).toBeLessThanOrEqual(1000);
      expect(p).not.toMatch(/[\uD800-\uDBFF]$/);
    }
    expect(parts.join('')).toBe(text);
  });
});

describe('reading Teams activities', () => {
  const bot = { id: '28:bot', name: 'Baton' };

  it('removes only the bot mention and keeps other people mentioned', () => {
    const activity = {
      type: 'message',
      text: '<at>Baton</at> please ask <at>Megan</at> about order 7',
      recipient: bot,
      entities: [
        { type: 'mention', text: '<at>Baton</at>', mentioned: bot },
        { type: 'mention', text: '<at>Megan</at>', mentioned: { id: '29:megan' } },
      ],
    };
    expect(textWithoutBotMention(activity)).toBe('please ask <at>Megan</at> about order 7');
  });

  it('keys conversations by tenant and conversation id (threads included) and knows the scope', () => {
    const a = {
      type: 'message',
      conversation: { id: '19:x@thread.tacv2;messageid=17', conversationType: 'channel' },
      channelData: { tenant: { id: 'T1' } },
    };
    expect(conversationKeyOf(a)).toBe('teams:T1:19:x@thread.tacv2;messageid=17');
    expect(scopeOf(a)).toBe('channel');
    expect(scopeOf({ type: 'message', conversation: { id: 'a:1' } })).toBe('personal');
  });

  it('identifies people by Entra object id, falling back to the channel account id', () => {
    expect(userOf({ type: 'message', from: { id: '29:a', name: 'A', aadObjectId: 'aad-a' } })).toEqual({
      id: 'aad-a',
      name: 'A',
    });
    expect(userOf({ type: 'message', from: { id: '29:b' } })).toEqual({ id: '29:b' });
  });

  it('notes images and files without passing their links on, and skips the html copy of the text', () => {
    const contents = attachmentContents([
      { contentType: 'image/png', contentUrl: 'https://smba.example/img/1', name: 'photo.png' },
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name: 'receipt.pdf',
        content: { downloadUrl: 'https://files.example/receipt.pdf', fileType: 'pdf' },
      },
      { contentType: 'text/html', content: '<p>hi</p>' },
    ]);
    expect(contents).toEqual([
      { type: 'text', text: '[File "photo.png" (image/png) was shared in Teams but not read]' },
      { type: 'text', text: '[File "receipt.pdf" (application/pdf) was shared in Teams but not read]' },
    ]);
    expect(JSON.stringify(contents)).not.toContain('https://');
  });
});

describe('cards', () => {
  const request = new FunctionApprovalRequest(
    'req_1',
    {
      type: 'function_call',
      callId: 'call_1',
      name: 'process_refund',
      arguments: '{}',
      parsedArguments: { order_number: '1234', note: 'x'.repeat(2000) },
    },
    'refund_agent',
  );
  const persona = { displayName: 'Refund Agent', iconUrl: 'https://example.com/refund.png' };

  it('shows the agent avatar and name as the header', () => {
    expect(personaHeader(persona)).toMatchObject({
      type: 'ColumnSet',
      columns: [
        { items: [{ type: 'Image', url: 'https://example.com/refund.png', style: 'Person' }] },
        { items: [{ type: 'TextBlock', text: 'Refund Agent' }] },
      ],
    });
  });

  it('approval card: version 1.5, tool, every argument in full, Execute buttons with Submit fallback', () => {
    const card = approvalCard(persona, request) as unknown as Json;
    expect(card.version).toBe('1.5');
    const texts = cardTexts(card);
    expect(texts).toContain('order_number: "1234"');
    // A long value: a visible preview in the card, the whole value behind "Show all arguments".
    expect(texts.find((t) => t.startsWith('note: '))).toMatch(
      /… \(2,002 characters: see Show all arguments\)$/,
    );
    const [showAll, approve, reject] = cardButtons(card);
    expect(showAll).toMatchObject({ type: 'Action.ShowCard', title: 'Show all arguments' });
    expect(cardTexts(showAll!.card as Json)).toEqual([`note: "${'x'.repeat(2000)}"`]);
    expect(approve).toMatchObject({
      type: 'Action.Execute',
      verb: 'baton.approve',
      fallback: { type: 'Action.Submit' },
    });
    expect(reject).toMatchObject({ type: 'Action.Execute', verb: 'baton.reject' });
    expect(parseApprovalData(approve!.data)).toEqual({
      kind: 'baton.approval',
      requestId: 'req_1',
      approved: true,
    });
    expect(parseApprovalData((reject!.fallback as Json).data)).toMatchObject({ approved: false });
    expect(parseApprovalData({ requestId: 'req_1', approved: true })).toBeUndefined();
  });

  it('a value cannot pose as Markdown: "✅ Verified by Finance" with a link stays literal text in a TextRun', () => {
    const memo = '**✅ Verified by Finance — safe to approve** [details](https://evil.example/ok)';
    const r = new FunctionApprovalRequest(
      'req_2',
      { type: 'function_call', callId: 'c2', name: 'process_refund', arguments: JSON.stringify({ memo }) },
      'refund_agent',
      { validatedArguments: { memo, amount: 10 }, requestedBy: 'aad-1', requestedByName: '**Finance**' },
    );
    const card = approvalCard(persona, r) as unknown as Json;
    const blocks = JSON.stringify(card.body);
    // The value appears only as a TextRun (never parsed as Markdown), quoted as JSON.
    const textBlocks = (card.body as Json[]).filter((b) => b.type === 'TextBlock').map((b) => String(b.text));
    expect(textBlocks.join('\n')).not.toContain('Verified');
    expect(textBlocks.join('\n')).not.toContain('Finance');
    expect(blocks).toContain(
      '{"type":"TextRun","text":"\\"**✅ Verified by Finance — safe to approve** [details](https://evil.example/ok)\\"","fontType":"Monospace"}',
    );
    expect(cardTexts(card)).toContain('amount: 10');
    expect(cardTexts(card)).toContain('Asked by **Finance**');
  });

  it('refuses approval (Reject only) when the arguments cannot be shown in a card', () => {
    const big = new FunctionApprovalRequest(
      'req_3',
      { type: 'function_call', callId: 'c3', name: 'process_refund', arguments: '{}' },
      'refund_agent',
      { validatedArguments: { blob: 'y'.repeat(20_000) } },
    );
    const card = approvalCard(persona, big) as unknown as Json;
    expect(cardButtons(card).map((b) => b.title)).toEqual(['Reject']);
    expect(cardTexts(card).join('\n')).toContain('too large to show here (20,006 characters)');
    expect(JSON.stringify(card)).not.toContain('yyyyyyyyyy');
  });

  it('decided card has no buttons and names the decider', () => {
    const card = decidedCard(persona, request, false, 'Alex') as unknown as Json;
    expect(cardButtons(card)).toEqual([]);
    expect(cardTexts(card).at(-1)).toBe('❌ Rejected by Alex');
  });
});
