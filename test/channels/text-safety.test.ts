import { describe, expect, it } from 'vitest';
import {
  argumentText,
  isAllowedLink,
  parseLinkHosts,
  restrictLinks,
  SafeTextStream,
  safeSlackMarkdown,
  safeTeamsMessageMarkdown,
} from '../../src/channels/text-safety.js';

const ZW = '\u200b';
const policy = parseLinkHosts('docs.example.com, *.corp.example');

describe('link host allow-list', () => {
  it('allows listed hosts and wildcard subdomains over http(s) only', () => {
    expect(isAllowedLink('https://docs.example.com/a', policy)).toBe(true);
    expect(isAllowedLink('https://wiki.corp.example/x', policy)).toBe(true);
    expect(isAllowedLink('https://corp.example/x', policy)).toBe(true);
    expect(isAllowedLink('https://docs.example.com.evil.example/a', policy)).toBe(false);
    expect(isAllowedLink('https://evilcorp.example/a', policy)).toBe(false);
    expect(isAllowedLink('https://docs.example.com@evil.example/a', policy)).toBe(false);
    expect(isAllowedLink('javascript:alert(1)', policy)).toBe(false);
    expect(isAllowedLink('https://user:pw@docs.example.com/', policy)).toBe(false);
  });

  it('refuses a malformed BATON_LINK_HOSTS entry with a clear message', () => {
    expect(() => parseLinkHosts('https://docs.example.com')).toThrow(
      /not a host name: use e\.g\. example\.com/,
    );
    expect(parseLinkHosts(undefined).hosts).toEqual([]);
  });

  it('keeps allowed links, shows other links as label plus visible address, never loads foreign images', () => {
    const text =
      '[ok](https://docs.example.com/r) [✅ Verified](https://evil.example/x) ![pixel](https://evil.example/p.png) ' +
      '<https://evil.example/s|click here> www.evil.example/w';
    expect(restrictLinks(text, policy)).toBe(
      '[ok](https://docs.example.com/r) ✅ Verified (`https://evil.example/x`) image: pixel (`https://evil.example/p.png`) ' +
        'click here (`https://evil.example/s`) `www.evil.example/w`',
    );
  });
});

describe('Slack and Teams model text', () => {
  it('Slack: breaks broadcasts, user, group and channel mentions', () => {
    expect(
      safeSlackMarkdown('<!channel> <!here|here> <@U1> <#C1> <!subteam^S1> @everyone me@here.com', policy),
    ).toBe(
      `<${ZW}!channel> <${ZW}!here|here> <${ZW}@U1> <${ZW}#C1> <${ZW}!subteam^S1> @${ZW}everyone me@here.com`,
    );
  });

  it('Teams message text: HTML and <at> mentions become literal, entities stay', () => {
    expect(safeTeamsMessageMarkdown('<at>CEO</at> <img src=x onerror=1> a & b &amp; c', policy)).toBe(
      '&lt;at>CEO&lt;/at> &lt;img src=x onerror=1> a &amp; b &amp; c',
    );
  });

  it('a stream made safe piece by piece reads as the whole text made safe, however it is chunked', () => {
    const text =
      'Hi <!channel> see [the label with spaces](https://evil.example/a b) and <https://evil.example|x> then ' +
      '@here, [docs](https://docs.example.com/z) https://evil.example/q end';
    const whole = safeSlackMarkdown(text, policy);
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const stream = new SafeTextStream((t) => safeSlackMarkdown(t, policy));
      let out = '';
      for (let i = 0; i < text.length; i += size) out += stream.push(text.slice(i, i + size));
      out += stream.end();
      expect(out, `chunks of ${size}`).toBe(whole);
    }
  });
});

describe('argument text', () => {
  it('is exact JSON with invisible and bidi characters spelled out', () => {
    expect(argumentText('a\u202eb\u200bc')).toBe('"a\\u202eb\\u200bc"');
    expect(argumentText('line1\nline2')).toBe('"line1\\nline2"');
    expect(argumentText(12.5)).toBe('12.5');
    expect(argumentText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});
