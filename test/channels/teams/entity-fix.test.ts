/**
 * botbuilder 4.23.3 serializes entities through a mapper that keeps only `type`, `text` and `mentioned`; the
 * fix in `botbuilder-entity-fix.ts` must keep streaminfo and AI-label fields on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/channels/logger.js';
import { aiLabelEntity } from '../../../src/channels/teams/adaptive-card.js';
import { createBotbuilderTransport } from '../../../src/channels/teams/botbuilder-transport.js';
import { type FakeConnector, startFakeConnector } from './fake-connector.js';
import { BOT, TENANT } from './harness.js';

let connector: FakeConnector;
beforeAll(async () => {
  connector = await startFakeConnector();
});
afterAll(async () => {
  await connector.close();
});

describe('botbuilder entity fix', () => {
  it('keeps every field of streaminfo and the AI label entity when the transport sends', async () => {
    const transport = createBotbuilderTransport({ logger: silentLogger });
    const ref = {
      serviceUrl: connector.url,
      channelId: 'msteams',
      conversation: { id: 'a:entity-fix', conversationType: 'personal', tenantId: TENANT },
      bot: BOT,
    };
    let streamId: string | undefined;
    await transport.continueConversation(ref, async (sender) => {
      streamId = await sender.send({
        type: 'typing',
        text: 'Working on it…',
        entities: [{ type: 'streaminfo', streamType: 'informative', streamSequence: 1 }],
      });
      await sender.send({
        type: 'message',
        text: 'Done.',
        entities: [{ type: 'streaminfo', streamType: 'final', streamId }, aiLabelEntity()],
      });
    });
    const [first, final] = connector.sent('a:entity-fix');
    expect(first?.body.entities).toEqual([
      { type: 'streaminfo', streamType: 'informative', streamSequence: 1 },
    ]);
    expect(streamId).toMatch(/^stream-/);
    expect(final?.body.entities).toEqual([
      { type: 'streaminfo', streamType: 'final', streamId },
      {
        type: 'https://schema.org/Message',
        '@type': 'Message',
        '@context': 'https://schema.org',
        additionalType: ['AIGeneratedContent'],
      },
    ]);
  });
});
