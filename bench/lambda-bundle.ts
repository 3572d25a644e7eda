/**
 * The two Lambda functions as the CDK stack bundles them (esbuild, same options): bundle size, what fills it
 * (from the metafile), and the init time of a fresh Node process that imports the bundle.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import type { BenchTable } from './table.js';
import { median, round } from './text.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Inside the checkout, so the bundle resolves the AWS SDK from node_modules as the Lambda runtime provides it. */
const OUT = join(ROOT, 'node_modules', '.cache', 'baton-bench-lambda');
const FUNCTIONS = ['ingress', 'worker'] as const;
const IMPORT_REPEATS = 5;

/** The stack's bundling options (infra/lib/baton-stack.ts), for the same output. */
async function bundle(name: string): Promise<{ file: string; metafile: Metafile }> {
  const file = join(OUT, name, 'index.mjs');
  const result = await build({
    entryPoints: [join(ROOT, 'infra', 'functions', `${name}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    external: ['@aws-sdk/*', 'dynalite'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    metafile: true,
    logLevel: 'silent',
  });
  return { file, metafile: result.metafile };
}

/** Output bytes by npm package (or `baton` for this repository's code), largest first. */
function byPackage(metafile: Metafile): [string, number][] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const name = match ? match[1]! : 'baton';
      sizes.set(name, (sizes.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** A fresh process per sample: the time to import the bundle (parse, compile, evaluate), as a cold start does. */
async function importMs(file: string): Promise<number> {
  const script =
    'const t = performance.now(); await import(process.argv[1]); ' +
    'process.stdout.write(String(performance.now() - t));';
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, file], {
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--enable-source-maps' },
  });
  return Number(stdout);
}

/** `repeats` is a parameter so the smoke test can run it once. */
export async function benchLambdaBundle(repeats = IMPORT_REPEATS): Promise<BenchTable> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const rows: (string | number)[][] = [];
  for (const name of FUNCTIONS) {
    const { file, metafile } = await bundle(name);
    const bytes = (await stat(file)).size;
    const gzipped = gzipSync(await readFile(file)).byteLength;
    const samples: number[] = [];
    for (let i = 0; i < repeats; i += 1) samples.push(await importMs(file));
    const top = byPackage(metafile)
      .slice(0, 5)
      .map(([pkg, size]) => `${pkg} ${round(size / 1024, 0)} KB`)
      .join(', ');
    rows.push([
      name,
      round(bytes / 1024, 0),
      round(gzipped / 1024, 0),
      round(median(samples), 0),
      round(Math.max(...samples), 0),
      top,
    ]);
  }
  await rm(OUT, { recursive: true, force: true });
  return {
    title: 'Lambda functions: bundle size and init (import) time',
    columns: [
      'function',
      'bundle KB (minified ESM)',
      'gzip KB',
      `import ms (median of ${repeats})`,
      'import ms (max)',
      'largest parts (KB of bundle)',
    ],
    rows,
    notes: [
      'Bundled with esbuild and the stack’s options (infra/lib/baton-stack.ts): ESM, node22, minified, `@aws-sdk/*` and dynalite external (the Lambda runtime provides the SDK). The source map is written beside it and not counted.',
      `Import = a fresh \`node\` process (${process.version}, --enable-source-maps as on Lambda) timing \`await import(bundle)\`: parse, compile and evaluate, including the AWS SDK modules it loads. The handler builds its runtime (config, clients, channels) on the first invocation, which this does not include.`,
    ],
  };
}
