import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Content } from '../../../src/agents/messages.js';
import { readSlackFiles, unreadFileText } from '../../../src/channels/slack/files.js';
import type { SlackJob } from '../../../src/channels/slack/slack-job.js';
import { as } from '../../handoff/fixtures.js';
import { mentionEvent, messageEvent, userTs, useSlackHarness } from './harness.js';

const h = useSlackHarness();
const TRIAGE = 'You are frontline support triage.';
const TOKEN = 'xoxb-test-token';
const MB = 1024 * 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
function png(bytes = 64): Buffer {
  return Buffer.concat([PNG_SIGNATURE, randomBytes(Math.max(0, bytes - PNG_SIGNATURE.length))]);
}
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

function dm(text: string, files: Array<Record<string, unknown>>, ts = userTs()) {
  return messageEvent(text, {
    ts,
    channel: 'D_FILES',
    channelType: 'im',
    extra: { subtype: 'file_share', files },
  });
}

/** The content parts of the last user message the model received. */
function lastUserParts(requestIndex = -1): Array<Record<string, unknown>> {
  const request = h.fixture.server.requests.at(requestIndex);
  const user = request?.messages.findLast((m) => m.role === 'user');
  const content = user?.content;
  // Text-only messages are sent as one string, their parts joined by newlines.
  if (typeof content === 'string') return content.split('\n').map((text) => ({ type: 'text', text }));
  return Array.isArray(content) ? (content as Array<Record<string, unknown>>) : [];
}

function texts(parts: Array<Record<string, unknown>>): string[] {
  return parts.flatMap((p) => (p.type === 'text' && typeof p.text === 'string' ? [p.text] : []));
}

describe('Slack channel: files shared in a message', () => {
  it('downloads an image with the bot token and sends it to the model inline, on this turn and the next', async () => {
    h.setup();
    const image = png(2048);
    const url = h.fake.addFile('photo.png', image, 'image/png');
    const ts = userTs();
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Nice photo.' }), as(TRIAGE, { text: 'Still here.' }));
    const res = await h.postEvent(
      dm(
        'what is this?',
        [{ name: 'photo.png', mimetype: 'image/png', size: image.length, url_private: url }],
        ts,
      ),
    );
    expect(res.status).toBe(200);
    await h.settle();

    expect(h.fake.downloads).toEqual([{ path: new URL(url).pathname, token: TOKEN, answer: 'file' }]);
    const dataUrl = `data:image/png;base64,${image.toString('base64')}`;
    expect(lastUserParts()).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: dataUrl } },
    ]);
    expect(h.fake.thread('D_FILES', ts).map((m) => m.text)).toEqual(['Nice photo.']);

    // The image is in the transcript as data: the next turn sends it again and succeeds.
    await h.postEvent(messageEvent('and now?', { threadTs: ts, channel: 'D_FILES', channelType: 'im' }));
    await h.settle();
    expect(h.fixture.server.requests).toHaveLength(2);
    expect(JSON.stringify(h.fixture.server.requests[1]?.messages)).toContain(dataUrl);
    expect(h.fake.thread('D_FILES', ts).map((m) => m.text)).toEqual(['Nice photo.', 'Still here.']);
    // The token went to the file host only.
    for (const r of h.fixture.server.requests) expect(JSON.stringify(r.body)).not.toContain(TOKEN);
  });

  it('sends a PDF as a file part and any other file as a text placeholder, without downloading it', async () => {
    h.setup();
    const pdfUrl = h.fake.addFile('receipt.pdf', PDF, 'application/pdf');
    const xlsxUrl = h.fake.addFile('report.xlsx', randomBytes(32), 'application/vnd.ms-excel');
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Got them.' }));
    await h.postEvent(
      dm('', [
        { name: 'receipt.pdf', mimetype: 'application/pdf', url_private_download: pdfUrl },
        {
          name: 'report.xlsx',
          mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          size: Math.round(2.1 * MB),
          url_private: xlsxUrl,
        },
      ]),
    );
    await h.settle();

    expect(h.fake.downloads.map((d) => d.path)).toEqual([new URL(pdfUrl).pathname]);
    const parts = lastUserParts();
    expect(parts[0]).toEqual({
      type: 'file',
      file: { file_data: `data:application/pdf;base64,${PDF.toString('base64')}`, filename: 'receipt.pdf' },
    });
    expect(texts(parts)).toEqual([
      '[File "report.xlsx" (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, 2.1 MB) ' +
        'was shared but not read: this file type is not supported]',
    ]);
  });

  it('never fetches a file link outside Slack’s file host', async () => {
    h.setup();
    const real = h.fake.addFile('photo.png', png(), 'image/png');
    // The same fake under another host name: it would serve the file, but the host is not Slack's.
    const foreign = real.replace('127.0.0.1', 'localhost');
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Hm.' }));
    await h.postEvent(
      dm('look', [
        { name: 'photo.png', mimetype: 'image/png', url_private: foreign },
        { name: 'evil.png', mimetype: 'image/png', url_private: 'https://attacker.example/evil.png' },
        {
          name: 'sneaky.png',
          mimetype: 'image/png',
          url_private: `https://files.slack.com.attacker.example/x.png`,
        },
      ]),
    );
    await h.settle();

    expect(h.fake.downloads).toEqual([]);
    const placeholders = texts(lastUserParts()).slice(1);
    expect(placeholders).toEqual([
      '[File "photo.png" (image/png) was shared but not read: its link is not a Slack file link]',
      '[File "evil.png" (image/png) was shared but not read: its link is not a Slack file link]',
      '[File "sneaky.png" (image/png) was shared but not read: its link is not a Slack file link]',
    ]);
    expect(lastUserParts().some((p) => p.type === 'image_url')).toBe(false);
  });

  it('does not follow a redirect away from Slack’s file host', async () => {
    h.setup();
    const url = h.fake.addFile('photo.png', png(), 'image/png', { redirectTo: 'https://attacker.example/x' });
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Hm.' }));
    await h.postEvent(dm('look', [{ name: 'photo.png', mimetype: 'image/png', url_private: url }]));
    await h.settle();
    expect(h.fake.downloads).toHaveLength(1);
    expect(texts(lastUserParts())).toEqual([
      'look',
      '[File "photo.png" (image/png) was shared but not read: the download failed]',
    ]);
  });

  it('turns an oversize image into the placeholder, whether Slack said its size or not', async () => {
    h.setup();
    const big = png(5 * MB + 1);
    const declared = h.fake.addFile('big.png', big, 'image/png');
    const undeclared = h.fake.addFile('big2.png', big, 'image/png');
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Too big.' }));
    await h.postEvent(
      dm('two big ones', [
        { name: 'big.png', mimetype: 'image/png', size: big.length, url_private: declared },
        { name: 'big2.png', mimetype: 'image/png', url_private: undeclared },
      ]),
    );
    await h.settle();

    // Declared too large: not fetched at all. Undeclared: fetched, and given up on at the limit.
    expect(h.fake.downloads.map((d) => d.path)).toEqual([new URL(undeclared).pathname]);
    expect(texts(lastUserParts())).toEqual([
      'two big ones',
      '[File "big.png" (image/png, 5 MB) was shared but not read: larger than 5 MB]',
      '[File "big2.png" (image/png) was shared but not read: larger than 5 MB]',
    ]);
  });

  it('treats Slack’s sign-in page (a token without access) as a failed download', async () => {
    h.setup({ fake: { fileToken: 'xoxb-another-token' } });
    const url = h.fake.addFile('photo.png', png(), 'image/png');
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Hm.' }));
    await h.postEvent(dm('look', [{ name: 'photo.png', mimetype: 'image/png', url_private: url }]));
    await h.settle();
    expect(h.fake.downloads).toEqual([{ path: new URL(url).pathname, token: TOKEN, answer: 'login_page' }]);
    expect(texts(lastUserParts())[1]).toMatch(
      /^\[File "photo.png" \(image\/png, \d+ B\) was shared but not read: its content is not what its type says\]$/,
    );
  });

  it('downloads once for a mention in a thread (app_mention and message events)', async () => {
    h.setup();
    const root = userTs();
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Hello.' }));
    await h.postEvent(mentionEvent('hi', { ts: root }));
    await h.settle();

    const url = h.fake.addFile('photo.png', png(), 'image/png');
    const ts = userTs();
    const files = [{ name: 'photo.png', mimetype: 'image/png', url_private: url }];
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Seen.' }));
    const mention = { ...mentionEvent('see this', { ts, threadTs: root }), subtype: 'file_share', files };
    const message = messageEvent(mention.text, {
      ts,
      threadTs: root,
      extra: { subtype: 'file_share', files },
    });
    await Promise.all([h.postEvent(mention), h.postEvent(message)]);
    await h.settle();

    expect(h.fake.downloads).toHaveLength(1);
    expect(h.fixture.server.requests).toHaveLength(2);
    expect(lastUserParts().map((p) => p.type)).toEqual(['text', 'image_url']);
  });

  it('with dispatch, queues only the links; the runner downloads them', async () => {
    const jobs: SlackJob[] = [];
    const rig = h.setup({ dispatch: async (job) => void jobs.push(job) });
    const image = png();
    const url = h.fake.addFile('photo.png', image, 'image/png');
    h.fixture.server.enqueue(as(TRIAGE, { text: 'Seen.' }));
    await h.postEvent(dm('look', [{ name: 'photo.png', mimetype: 'image/png', url_private: url }]));
    await h.settle();

    // The ingress answered without downloading; the job is small JSON without the token.
    expect(h.fake.downloads).toEqual([]);
    expect(jobs).toHaveLength(1);
    const job = JSON.parse(JSON.stringify(jobs[0])) as SlackJob;
    expect(JSON.stringify(job)).not.toContain(TOKEN);
    expect(job.kind === 'message' && job.files).toEqual([
      { name: 'photo.png', mimetype: 'image/png', url_private: url },
    ]);

    await rig.channel.runJob(job);
    expect(h.fake.downloads).toEqual([{ path: new URL(url).pathname, token: TOKEN, answer: 'file' }]);
    expect(lastUserParts()).toEqual([
      { type: 'text', text: 'look' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } },
    ]);
  });
});

describe('readSlackFiles', () => {
  const file = {
    name: 'a.png',
    mimetype: 'image/png',
    url_private: 'https://files.slack.com/files-pri/T1-F1/a.png',
  };

  function streamingFetch(chunks: number, chunkBytes: number, seen: string[]): typeof fetch {
    return async (input, init) => {
      seen.push(String(input));
      expect(new Headers(init?.headers).get('authorization')).toBe(`Bearer ${TOKEN}`);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === chunks) return controller.close();
          controller.enqueue(sent === 0 ? png(chunkBytes) : new Uint8Array(chunkBytes));
          sent++;
        },
      });
      // No Content-Length: the cap is enforced while reading.
      return new Response(body, { status: 200, headers: { 'content-type': 'image/png' } });
    };
  }

  it('stops reading at the limit when no length was announced', async () => {
    const seen: string[] = [];
    const out = await readSlackFiles([file], {
      token: TOKEN,
      fetch: streamingFetch(100, 64 * 1024, seen),
      limits: { imageBytes: 256 * 1024 },
    });
    expect(seen).toEqual([file.url_private]);
    expect(out).toEqual([{ type: 'text', text: unreadFileText(file, 'larger than 256 KB') }]);
  });

  it('keeps a message within its total budget and file count', async () => {
    const seen: string[] = [];
    const files = Array.from({ length: 4 }, (_, i) => ({ ...file, name: `p${i}.png` }));
    const out = await readSlackFiles(files, {
      token: TOKEN,
      fetch: streamingFetch(1, 1024, seen),
      limits: { totalBytes: 1500, files: 3 },
    });
    expect(out.map((c: Content) => (c.type === 'text' ? c.text : c.type))).toEqual([
      'data',
      '[File "p1.png" (image/png) was shared but not read: the files of this message are too large together]',
      '[File "p2.png" (image/png) was shared but not read: the files of this message are too large together]',
      '[File "p3.png" (image/png) was shared but not read: only the first 3 files of a message are read]',
    ]);
  });

  it('trusts the configured API host and its files. host, over the same protocol', async () => {
    const seen: string[] = [];
    const gov = [
      { ...file, url_private: 'https://files.slack-gov.com/files-pri/T1-F1/a.png' },
      { ...file, url_private: 'https://slack-gov.com/files-pri/T1-F1/a.png' },
      { ...file, url_private: 'http://files.slack-gov.com/files-pri/T1-F1/a.png' },
      { ...file, url_private: 'https://files.slack.com/files-pri/T1-F1/a.png' },
    ];
    const out = await readSlackFiles(gov, {
      token: TOKEN,
      slackApiUrl: 'https://slack-gov.com/api/',
      fetch: streamingFetch(1, 64, seen),
    });
    expect(seen).toEqual([gov[0]!.url_private, gov[1]!.url_private, gov[3]!.url_private]);
    expect(out.map((c) => c.type)).toEqual(['data', 'data', 'text', 'data']);
  });

  it('gives a placeholder, not an error, when the download times out or fails', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const fail: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const timedOut = await readSlackFiles([file], { token: TOKEN, fetch: hang, limits: { timeoutMs: 50 } });
    const failed = await readSlackFiles([file], { token: TOKEN, fetch: fail });
    const noToken = await readSlackFiles([file], { token: undefined, fetch: fail });
    for (const out of [timedOut, failed, noToken]) {
      expect(out).toEqual([{ type: 'text', text: unreadFileText(file, 'the download failed') }]);
    }
  });
});
