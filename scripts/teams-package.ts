/**
 * Builds the Teams app package `dist/teams-app.zip` (manifest.json + color.png + outline.png at the zip root,
 * ready for "Upload a custom app" or the Teams admin center). Placeholders `${{NAME}}` in
 * manifests/teams/manifest.json are filled from the environment; the filled manifest is validated offline
 * against Microsoft's schema (bundled in @microsoft/app-manifest) before anything is written.
 *
 *   BOT_ID=<Entra app id> npx tsx scripts/teams-package.ts      (BOT_ID defaults to MicrosoftAppId)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppManifest, AppManifestUtils } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST_DIR = join(ROOT, 'manifests', 'teams');

/** Values for placeholders that have a sensible default; `BOT_ID` has none. */
export function manifestVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const botId = env.BOT_ID ?? env.MicrosoftAppId;
  return {
    BOT_ID: botId,
    // One id for the app and its bot is allowed and keeps the registration simple.
    TEAMS_APP_ID: env.TEAMS_APP_ID ?? botId,
    APP_VERSION: env.APP_VERSION ?? '1.0.0',
    DEVELOPER_NAME: env.DEVELOPER_NAME ?? 'Baton',
    DEVELOPER_WEBSITE_URL: env.DEVELOPER_WEBSITE_URL ?? 'https://example.com/baton',
    DEVELOPER_PRIVACY_URL: env.DEVELOPER_PRIVACY_URL ?? 'https://example.com/baton/privacy',
    DEVELOPER_TERMS_URL: env.DEVELOPER_TERMS_URL ?? 'https://example.com/baton/terms',
  };
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** Replaces every `${{NAME}}`; a placeholder without a value is an error naming the variable. */
export function fillManifest(template: string, vars: Record<string, string | undefined>): string {
  const missing = new Set<string>();
  const filled = template.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return '';
    }
    // JSON-escape: values land inside JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
  if (missing.size > 0) {
    throw new ManifestError(
      `Teams manifest placeholders without a value: ${[...missing].join(', ')}. Set them in the environment ` +
        "(BOT_ID is the bot's Entra app id, the same as MicrosoftAppId).",
    );
  }
  return filled;
}

/** Schema errors of a filled manifest (empty when valid). Offline: schemas ship with @microsoft/app-manifest. */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as AppManifest);
}

export async function buildTeamsAppPackage(
  env: NodeJS.ProcessEnv,
  dir = MANIFEST_DIR,
): Promise<{ zip: Uint8Array; manifest: Record<string, unknown> }> {
  const template = await readFile(join(dir, 'manifest.json'), 'utf8');
  const text = fillManifest(template, manifestVariables(env));
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const errors = await validateManifest(manifest);
  if (errors.length > 0) throw new ManifestError(`Teams manifest is invalid:\n- ${errors.join('\n- ')}`);
  const zip = zipSync(
    {
      'manifest.json': new TextEncoder().encode(text),
      'color.png': await readFile(join(dir, 'color.png')),
      'outline.png': await readFile(join(dir, 'outline.png')),
    },
    // Fixed timestamps: the same inputs give the same zip.
    { level: 9, mtime: new Date('2026-01-01T00:00:00Z') },
  );
  return { zip, manifest };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { zip } = await buildTeamsAppPackage(process.env);
    const out = join(ROOT, 'dist', 'teams-app.zip');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, zip);
    console.log(`Wrote ${out} (${zip.length} bytes)`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
