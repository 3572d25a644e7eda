/**
 * Files shared in a Slack message → contents a model can use. Slack's `url_private` needs the bot token, which no
 * model provider has, so a `uri` content would fail the model call (and, kept in the transcript, every later
 * turn). Baton downloads each file itself, from Slack's file host only, within size limits: images and PDFs
 * become inline `data` contents; anything else becomes a short text saying a file was shared but not read.
 */
import type { Content } from '../../agents/messages.js';
import { type Logger, silentLogger } from '../logger.js';

/** The fields of a Slack file object that Baton reads. */
export interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  /** Bytes, as Slack reports it. */
  size?: number;
  url_private?: string;
  url_private_download?: string;
}

export interface FileLimits {
  /** Largest image read (PNG, JPEG, GIF, WebP). Default 5 MB. */
  imageBytes: number;
  /** Largest PDF read. Default 10 MB. */
  pdfBytes: number;
  /** Bytes read for all the files of one message together. Default 10 MB. */
  totalBytes: number;
  /** Files of one message that are considered at all; the rest get a placeholder. Default 10. */
  files: number;
  /** Per download, headers and body. Default 20 s. */
  timeoutMs: number;
}

const MB = 1024 * 1024;

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = {
  imageBytes: 5 * MB,
  pdfBytes: 10 * MB,
  totalBytes: 10 * MB,
  files: 10,
  timeoutMs: 20_000,
};

/** Slack's file host; other hosts are never sent the token. */
export const SLACK_FILES_ORIGIN = 'https://files.slack.com';

export interface ReadFilesOptions {
  /** The workspace's bot token (needs `files:read`). Without one, files get a placeholder. */
  token: string | undefined;
  /** The configured Web API URL (GovSlack, a fake in tests): its host and `files.<host>` are also trusted. */
  slackApiUrl?: string;
  limits?: Partial<FileLimits>;
  logger?: Logger;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** One download per delivery: the app_mention and message events of one mention share it. */
export class SharedFileReads {
  private readonly reads = new Map<string, Promise<Content[]>>();
  constructor(private readonly options: Omit<ReadFilesOptions, 'token'>) {}

  read(key: string | undefined, files: readonly SlackFile[], token: string | undefined): Promise<Content[]> {
    const shared = key ? this.reads.get(key) : undefined;
    if (shared) return shared;
    const read = readSlackFiles(files, { ...this.options, token });
    if (key) {
      this.reads.set(key, read);
      // Kept a few seconds after the download: the other event of a mention arrives within milliseconds.
      void read.finally(() => setTimeout(() => this.reads.delete(key), 5_000).unref());
    }
    return read;
  }
}

type Kind = 'image' | 'pdf';

const READABLE: Readonly<Record<string, Kind>> = {
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/jpg': 'image',
  'image/gif': 'image',
  'image/webp': 'image',
  'application/pdf': 'pdf',
};

const MAX_REDIRECTS = 3;

/** What a model sees for a file it cannot see: enough for the agent to tell the person. */
export function unreadFileText(file: SlackFile, reason?: string, bytes?: number): string {
  const name = displayName(file);
  const size = bytes ?? (typeof file.size === 'number' && file.size >= 0 ? file.size : undefined);
  const details = [mediaTypeOf(file), ...(size !== undefined ? [formatBytes(size)] : [])].join(', ');
  return `[File "${name}" (${details}) was shared but not read${reason ? `: ${reason}` : ''}]`;
}

/** A placeholder for every file, without downloading anything. */
export function unreadFileContents(files: readonly SlackFile[] | undefined, reason?: string): Content[] {
  return (files ?? []).map((f) => ({ type: 'text', text: unreadFileText(f, reason) }));
}

/**
 * Downloads the files of one message (in order, one at a time) and returns one content per file: `data` for
 * an image or PDF that was read, a text placeholder for anything else. Never throws; never logs the token.
 */
export async function readSlackFiles(
  files: readonly SlackFile[] | undefined,
  options: ReadFilesOptions,
): Promise<Content[]> {
  const limits = { ...DEFAULT_FILE_LIMITS, ...options.limits };
  const logger = options.logger ?? silentLogger;
  const trusted = trustedOrigins(options.slackApiUrl);
  const doFetch = options.fetch ?? fetch;
  let budget = limits.totalBytes;
  const out: Content[] = [];
  for (const [index, file] of (files ?? []).entries()) {
    const skip = (reason: string, bytes?: number) => {
      out.push({ type: 'text', text: unreadFileText(file, reason, bytes) });
    };
    if (index >= limits.files) {
      skip(`only the first ${limits.files} files of a message are read`);
      continue;
    }
    const kind = READABLE[mediaTypeOf(file)];
    if (!kind) {
      skip('this file type is not supported');
      continue;
    }
    const cap = kind === 'image' ? limits.imageBytes : limits.pdfBytes;
    const max = Math.min(cap, budget);
    const tooLarge = () =>
      (typeof file.size === 'number' && file.size > cap) || budget >= cap
        ? `larger than ${formatBytes(cap)}`
        : 'the files of this message are too large together';
    if (typeof file.size === 'number' && file.size > max) {
      skip(tooLarge());
      continue;
    }
    const url = file.url_private_download ?? file.url_private;
    if (!url) {
      skip('Slack sent no download link');
      continue;
    }
    if (!isTrusted(url, trusted)) {
      logger.warn({ file: displayName(file), host: hostOf(url) }, 'Refused a file URL outside Slack');
      skip('its link is not a Slack file link');
      continue;
    }
    if (!options.token) {
      skip('the download failed');
      continue;
    }
    const result = await download(doFetch, url, options.token, max, limits.timeoutMs, trusted);
    if (!result.ok) {
      logger.warn({ file: displayName(file), reason: result.reason }, 'Could not read a Slack file');
      skip(result.reason === 'too_large' ? tooLarge() : 'the download failed');
      continue;
    }
    const sniffed = sniff(result.bytes);
    if (sniffed === undefined || READABLE[sniffed] !== kind) {
      // Slack answers a token without files:read with a 200 HTML login page; a mislabelled file would fail the
      // model call (and every later turn), so only what the bytes show to be an image or a PDF goes inline.
      logger.warn({ file: displayName(file), reason: 'content_mismatch' }, 'Could not read a Slack file');
      skip('its content is not what its type says', result.bytes.length);
      continue;
    }
    budget -= result.bytes.length;
    out.push({
      type: 'data',
      data: Buffer.from(result.bytes).toString('base64'),
      mediaType: sniffed,
      name: displayName(file),
    });
  }
  return out;
}

type Download = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

async function download(
  doFetch: typeof fetch,
  url: string,
  token: string,
  max: number,
  timeoutMs: number,
  trusted: ReadonlySet<string>,
): Promise<Download> {
  const signal = AbortSignal.timeout(timeoutMs);
  let current = url;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      // Redirects are followed by hand so the token only ever goes to a trusted host.
      const res = await doFetch(current, {
        headers: { authorization: `Bearer ${token}` },
        redirect: 'manual',
        signal,
      });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location) return { ok: false, reason: `http_${res.status}` };
        const next = new URL(location, current).toString();
        if (!isTrusted(next, trusted)) return { ok: false, reason: 'redirect_outside_slack' };
        current = next;
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        return { ok: false, reason: `http_${res.status}` };
      }
      const length = Number(res.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(length) && length > max) {
        await res.body?.cancel();
        return { ok: false, reason: 'too_large' };
      }
      return await readCapped(res, max);
    }
    return { ok: false, reason: 'too_many_redirects' };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    return { ok: false, reason: name === 'TimeoutError' ? 'timeout' : `fetch_failed:${name}` };
  }
}

/** Reads the body, giving up as soon as it passes `max` bytes (whatever Content-Length said). */
async function readCapped(res: Response, max: number): Promise<Download> {
  if (!res.body) return { ok: true, bytes: new Uint8Array() };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return { ok: false, reason: 'too_large' };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** The media type the bytes show, for the types Baton reads. */
function sniff(b: Uint8Array): string | undefined {
  const starts = (sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61)
    return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return undefined;
}

function trustedOrigins(slackApiUrl: string | undefined): Set<string> {
  const origins = new Set([SLACK_FILES_ORIGIN]);
  if (slackApiUrl) {
    try {
      const api = new URL(slackApiUrl);
      origins.add(api.origin);
      // GovSlack: slack-gov.com serves files from files.slack-gov.com.
      origins.add(`${api.protocol}//files.${api.host}`);
    } catch {
      // An invalid API URL trusts nothing more.
    }
  }
  return origins;
}

function isTrusted(url: string, trusted: ReadonlySet<string>): boolean {
  try {
    const u = new URL(url);
    return u.username === '' && u.password === '' && trusted.has(u.origin);
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

function mediaTypeOf(file: SlackFile): string {
  return (file.mimetype ?? '').split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
}

function displayName(file: SlackFile): string {
  const name = (file.name || file.title || 'file').replace(/[\r\n"]+/g, ' ').trim() || 'file';
  return name.length > 200 ? `${name.slice(0, 199)}…` : name;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MB) return `${Math.round(n / 1024)} KB`;
  return `${(n / MB).toFixed(1).replace(/\.0$/, '')} MB`;
}
