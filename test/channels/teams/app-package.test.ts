/** The Teams app package: the filled manifest passes Microsoft's schema offline; the zip holds what Teams needs. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { renderIcons } from '../../../scripts/teams-icons.js';
import {
  buildTeamsAppPackage,
  fillManifest,
  MANIFEST_DIR,
  ManifestError,
  validateManifest,
} from '../../../scripts/teams-package.js';

const BOT_ID = '11111111-2222-4333-8444-555555555555';

/** Decodes an RGBA PNG written with filter 0 (what our generator writes). */
function decodePng(png: Uint8Array): {
  width: number;
  height: number;
  alpha: (x: number, y: number) => number;
  rgb: (x: number, y: number) => number[];
} {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]], '8-bit RGBA').toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  for (let y = 0; y < height; y++) expect(raw[y * stride]).toBe(0);
  const at = (x: number, y: number) => y * stride + 1 + x * 4;
  return {
    width,
    height,
    alpha: (x, y) => raw[at(x, y) + 3]!,
    rgb: (x, y) => [raw[at(x, y)]!, raw[at(x, y) + 1]!, raw[at(x, y) + 2]!],
  };
}

describe('Teams app package', () => {
  it('zips a schema-valid manifest (one bot, personal/team/groupChat) and the two icons at the root', async () => {
    const { zip } = await buildTeamsAppPackage({ BOT_ID });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(await validateManifest(manifest)).toEqual([]);
    expect(manifest.manifestVersion).toBe('1.30');
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots).toEqual([
      expect.objectContaining({ botId: BOT_ID, scopes: ['personal', 'team', 'groupChat'] }),
    ]);
    expect(JSON.stringify(manifest)).not.toContain('${{');
  });

  it('rejects a missing bot id by name, and the schema rejects a malformed one', async () => {
    await expect(buildTeamsAppPackage({})).rejects.toThrow(/BOT_ID/);
    await expect(buildTeamsAppPackage({ BOT_ID: 'not-a-guid' })).rejects.toBeInstanceOf(ManifestError);
    const template = await readFile(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
    const bad = JSON.parse(
      fillManifest(template, {
        BOT_ID,
        TEAMS_APP_ID: BOT_ID,
        APP_VERSION: '1.0.0',
        DEVELOPER_NAME: 'B',
        DEVELOPER_WEBSITE_URL: 'https://a.example',
        DEVELOPER_PRIVACY_URL: 'https://a.example/p',
        DEVELOPER_TERMS_URL: 'https://a.example/t',
      }),
    );
    bad.bots[0].scopes = ['everywhere'];
    expect((await validateManifest(bad)).length).toBeGreaterThan(0);
  });

  it('has a 192×192 color icon and a 32×32 white-on-transparent outline icon, as generated', async () => {
    const color = decodePng(await readFile(join(MANIFEST_DIR, 'color.png')));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect(color.alpha(96, 20)).toBe(255);
    const outline = decodePng(await readFile(join(MANIFEST_DIR, 'outline.png')));
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        if (outline.alpha(x, y) === 0) continue;
        opaque++;
        expect(outline.rgb(x, y)).toEqual([255, 255, 255]);
      }
    }
    expect(outline.alpha(0, 0)).toBe(0);
    expect(outline.alpha(31, 0)).toBe(0);
    expect(opaque).toBeGreaterThan(50);
    expect(opaque).toBeLessThan(32 * 32 * 0.6);
    // The committed files are exactly what the generator draws.
    const fresh = renderIcons();
    expect(Buffer.compare(fresh.color, await readFile(join(MANIFEST_DIR, 'color.png')))).toBe(0);
    expect(Buffer.compare(fresh.outline, await readFile(join(MANIFEST_DIR, 'outline.png')))).toBe(0);
  });
});
