import { describe, expect, it } from 'vitest';
import { BARE_MENTION_PROMPT } from '../../../src/channels/bare-mention.js';
import {
  actionDeliveryKey,
  asMessageEvent,
  conversationKey,
  isUserMessage,
  messageDeliveryKey,
  messageInbound,
  stripBotMention,
  workspaceOf,
} from '../../../src/channels/slack/inbound.js';

const bot = { botUserId: 'UBOT', botId: 'BBOT' };

describe('Slack inbound normalization', () => {
  it('keys a conversation by workspace, channel and thread root', () => {
    const root = asMessageEvent({
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> hi',
      ts: '1.1',
      channel: 'C1',
    })!;
    const reply = asMessageEvent({
      type: 'message',
      user: 'U1',
      text: 'more',
      ts: '1.2',
      thread_ts: '1.1',
      channel: 'C1',
    })!;
    expect(messageInbound(root, 'T1', bot)?.conversationKey).toBe('slack:T1:C1:1.1');
    expect(messageInbound(reply, 'T1', bot)?.conversationKey).toBe(conversationKey('T1', 'C1', '1.1'));
    // Enterprise Grid: the org, not the workspace.
    expect(workspaceOf({ enterpriseId: 'E1', teamId: 'T1' })).toBe('E1');
    expect(workspaceOf({ enterpriseId: null, teamId: 'T1' })).toBe('T1');
  });

  it('gives the app_mention and message events of one message the same delivery key', () => {
    const mention = asMessageEvent({
      type: 'app_mention',
      user: 'U1',
      text: '<@UBOT> x',
      ts: '5.5',
      channel: 'C1',
    })!;
    const message = asMessageEvent({
      type: 'message',
      user: 'U1',
      text: '<@UBOT> x',
      ts: '5.5',
      channel: 'C1',
    })!;
    expect(messageInbound(mention, 'T1', bot)?.eventId).toBe(messageInbound(message, 'T1', bot)?.eventId);
    expect(messageDeliveryKey('T1', 'C1', '5.5')).not.toBe(messageDeliveryKey('T1', 'C1', '5.6'));
    expect(actionDeliveryKey('T1', 'C1', '5.5', '9.1')).not.toBe(actionDeliveryKey('T1', 'C1', '5.5', '9.2'));
  });

  it('strips mentions of the bot only', () => {
    expect(stripBotMention('<@UBOT> refund   please <@U2>', 'UBOT')).toBe('refund please <@U2>');
    expect(stripBotMention('hey <@UBOT|baton>, help', 'UBOT')).toBe('hey , help');
    expect(stripBotMention('  plain  ', undefined)).toBe('plain');
  });

  it('turns files into placeholders (never uri contents a model provider cannot fetch)', () => {
    const e = asMessageEvent({
      type: 'message',
      subtype: 'file_share',
      user: 'U1',
      text: '',
      ts: '1.1',
      channel: 'D1',
      files: [
        {
          id: 'F1',
          name: 'receipt.pdf',
          mimetype: 'application/pdf',
          size: 2048,
          url_private: 'https://files.slack.com/r.pdf',
          url_private_download: 'https://files.slack.com/download/r.pdf',
        },
        { name: 'no-url' },
      ],
    })!;
    expect(isUserMessage(e, bot)).toBe(true);
    expect(e.files?.[0]).toEqual({
      id: 'F1',
      name: 'receipt.pdf',
      mimetype: 'application/pdf',
      size: 2048,
      url_private: 'https://files.slack.com/r.pdf',
      url_private_download: 'https://files.slack.com/download/r.pdf',
    });
    expect(messageInbound(e, 'T1', bot)?.contents).toEqual([
      { type: 'text', text: '[File "receipt.pdf" (application/pdf, 2 KB) was shared but not read]' },
      { type: 'text', text: '[File "no-url" (application/octet-stream) was shared but not read]' },
    ]);
  });

  it('ignores edits, deletions, joins, other bots and the bot itself', () => {
    const base = { type: 'message', user: 'U1', text: 'x', ts: '1.1', channel: 'C1' };
    const ok = (extra: object) => isUserMessage(asMessageEvent({ ...base, ...extra })!, bot);
    expect(ok({})).toBe(true);
    expect(ok({ subtype: 'message_changed' })).toBe(false);
    expect(ok({ subtype: 'message_deleted' })).toBe(false);
    expect(ok({ subtype: 'channel_join' })).toBe(false);
    expect(ok({ subtype: 'bot_message', bot_id: 'B2' })).toBe(false);
    expect(ok({ bot_id: 'B2' })).toBe(false);
    expect(ok({ user: 'UBOT' })).toBe(false);
  });

  it('has nothing to send for an empty message, and a clear prompt for a bare mention', () => {
    const empty = asMessageEvent({ type: 'message', user: 'U1', text: '  ', ts: '1.1', channel: 'C1' })!;
    expect(messageInbound(empty, 'T1', bot)).toBeUndefined();
    const e = asMessageEvent({ type: 'app_mention', user: 'U1', text: '<@UBOT>', ts: '1.1', channel: 'C1' })!;
    expect(messageInbound(e, 'T1', bot)?.contents).toEqual([{ type: 'text', text: BARE_MENTION_PROMPT }]);
    expect(messageInbound(e, 'T1', bot, [], 'Say hello.')?.contents).toEqual([
      { type: 'text', text: 'Say hello.' },
    ]);
    expect(asMessageEvent({ type: 'message' })).toBeUndefined();
  });
});
