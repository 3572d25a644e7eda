/**
 * `cdk synth` through the real CLI, offline: no credentials, an empty HOME (no ~/.aws), no version check or
 * notices, esbuild bundling both functions locally. Takes about 10 s, most of it bundling.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const infra = fileURLToPath(new URL('../../infra', import.meta.url));
const cdk = fileURLToPath(new URL('../../node_modules/.bin/cdk', import.meta.url));
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('cdk synth (CLI, offline)', () => {
  it('writes the Baton template and both bundled function assets', async () => {
    const home = await mkdtemp(join(tmpdir(), 'baton-cdk-home-'));
    const out = await mkdtemp(join(tmpdir(), 'baton-cdk-out-'));
    dirs.push(home, out);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      CDK_DISABLE_VERSION_CHECK: '1',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      // Anything that would let the CLI reach AWS is absent.
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    await run(cdk, ['synth', '--no-notices', '-q', '-o', out, '-c', 'secretName=baton/ci'], {
      cwd: infra,
      env,
      timeout: 90_000,
    });
    const template = JSON.parse(await readFile(join(out, 'Baton.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(2);
    expect(types).toContain('AWS::Lambda::Url');
    expect(types).toContain('AWS::Lambda::EventSourceMapping');
    const assets = JSON.parse(await readFile(join(out, 'Baton.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const zips = Object.values(assets.files).filter((f) => f.source.packaging === 'zip');
    expect(zips).toHaveLength(2);
    for (const zip of zips) {
      const bundle = await readFile(join(out, zip.source.path, 'index.mjs'), 'utf8');
      expect(bundle).toContain('createRequire');
    }
  }, 120_000);
});
