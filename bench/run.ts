/**
 * `npm run bench [slug...]`: runs the benchmark sections (all, or the named ones), prints each table and
 * records them in bench/results.json, keyed by slug (sections not run keep their previous results).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { BenchTable } from './table.js';
import { printTable } from './table.js';

/** Add a section with one line: its slug and how to run it. */
const sections: Record<string, () => Promise<BenchTable>> = {
  overhead: () => import('./overhead.js').then((m) => m.benchOverhead()),
  'state-size': () => import('./state-size.js').then((m) => m.benchStateSize()),
  'store-growth': () => import('./store-growth.js').then((m) => m.benchStoreGrowth()),
  'long-threads': () => import('./long-threads.js').then((m) => m.benchLongThreads()),
  'store-leases': () => import('./store-leases.js').then((m) => m.benchStoreLeases()),
  'slack-load': () => import('./slack-load.js').then((m) => m.benchSlackLoad()),
  memory: () => import('./memory.js').then((m) => m.benchMemory()),
};

const requested = process.argv.slice(2);
const unknown = requested.filter((slug) => !(slug in sections));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark section(s): ${unknown.join(', ')}. Known: ${Object.keys(sections).join(', ')}.`,
  );
  process.exit(2);
}

const resultsFile = new URL('./results.json', import.meta.url);
const previous = await readFile(resultsFile, 'utf8')
  .then((text) => (JSON.parse(text) as { sections?: Record<string, BenchTable> }).sections ?? {})
  .catch(() => ({}));

const results: Record<string, BenchTable> = { ...previous };
for (const [slug, run] of Object.entries(sections)) {
  if (requested.length > 0 && !requested.includes(slug)) continue;
  const table = await run();
  printTable(table);
  results[slug] = table;
}

const environment = { node: process.version, platform: `${process.platform} ${process.arch}` };
await writeFile(
  resultsFile,
  `${JSON.stringify({ generatedAt: new Date().toISOString(), ...environment, sections: results }, null, 2)}\n`,
);
