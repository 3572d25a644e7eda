/** TeamsStream's limits, with a recording sender: the 2-minute cap and failures fall back to normal messages. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/channels/logger.js';
import type { ConversationSender, OutgoingActivity } from '../../../src/channels/teams/bot-adapter.js';
import { TeamsStream } from '../../../src/channels/teams/teams-stream.js';

function recordingSender(fail?: (a: OutgoingActivity, n: number) => boolean) {
  const sent: OutgoingActivity[] = [];
  const sender: ConversationSender = {
    async send(activity) {
      if (fail?.(activity, sent.length)) throw new Error('403 ContentStreamNotAllowed');
      sent.push(activity);
      return sent.length === 1 ? 'stream-1' : `activity-${sent.length}`;
    },
    async update() {},
  };
  return { sender, sent };
}

const info = (a: OutgoingActivity | undefined) => a?.entities?.find((e) => e.type === 'streaminfo');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TeamsStream', () => {
  it('ends the stream early at its time limit and reports what was shown, so the rest follows', async () => {
    const { sender, sent } = recordingSender();
    const stream = new TeamsStream(sender, (t) => t, silentLogger, [], {
      minIntervalMs: 20,
      maxDurationMs: 120,
    });
    stream.start('Writing…');
    for (let i = 0; i < 10; i++) {
      stream.append(`part${i} `);
      await sleep(25);
    }
    const outcome = await stream.finish('part0 part1 part2 part3 part4 part5 part6 part7 part8 part9 ');
    expect(outcome.status).toBe('partial');
    const finals = sent.filter((a) => info(a)?.streamType === 'final');
    expect(finals).toHaveLength(1);
    expect(outcome.status === 'partial' && finals[0]!.text).toBe(
      outcome.status === 'partial' && outcome.sentText,
    );
    // Nothing is sent into a stream after its final message.
    expect(info(sent.at(-1))?.streamType).toBe('final');
  });

  it('gives up quietly when Teams refuses a chunk (the user pressed Stop): the answer is sent normally', async () => {
    const { sender, sent } = recordingSender((a) => info(a)?.streamType === 'streaming');
    const stream = new TeamsStream(sender, (t) => t, silentLogger, [], { minIntervalMs: 10 });
    stream.start('Writing…');
    stream.append('Hello');
    await sleep(40);
    stream.append(' world');
    expect(await stream.finish('Hello world')).toEqual({ status: 'not_streamed' });
    expect(sent.map((a) => info(a)?.streamType)).toEqual(['informative']);
  });
});
