/**
 * `npm run eval -- [options]`: runs a case set on one or more models, prints a table per model and writes
 * JSON + HTML reports. Without a configured model it runs offline on the scripted demo model, and says so.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type EvalModel,
  evaluate,
  loadCases,
  parsePriceTable,
  renderHtml,
  renderMarkdown,
} from '../../src/eval/index.js';
import { type ScriptedOpenAIServer, startScriptedOpenAIServer } from '../../src/testing/index.js';
import { defaultModelSpecs, parseModelSpecs, SCRIPTED, scriptedModel } from './models.js';
import { SUITES } from './suites.js';

export const USAGE = `Usage: npm run eval -- [options]

  --suite NAME         ${Object.keys(SUITES).join(' | ')} (default customer-support)
  --cases FILE.jsonl   run these cases instead of the suite's (the suite still picks the workflow)
  --models A,B         gpt-4.1-mini | azure:<deployment> | <model>@<base URL> | scripted
                       (default: the model OPENAI_* / AZURE_OPENAI_* configure, else scripted)
  --runs N             runs per case and model (default 1)
  --concurrency N      runs in flight at once (default 4)
  --retries N          retries of a run after a rate limit (default 3)
  --prices FILE.json   { "model": { "input": USD/1M, "output": USD/1M, "cachedInput": USD/1M } }
  --out DIR            where report.json and report.html go (default .data/eval)
`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export class CliError extends Error {}

/** Runs the CLI; returns the exit code. */
export async function runEvalCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const suite = SUITES[values.suite ?? 'customer-support'];
  if (!suite) {
    io.err(`Unknown suite "${values.suite}". Known: ${Object.keys(SUITES).join(', ')}.\n`);
    return 2;
  }
  let server: ScriptedOpenAIServer | undefined;
  try {
    const cases = await loadCases(values.cases ? resolve(values.cases) : suite.casesPath);
    const specs = values.models
      ? values.models
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : defaultModelSpecs(env);
    const parsed = parseModelSpecs(specs, env);
    const models: EvalModel[] = [];
    for (const m of parsed) {
      if (m !== SCRIPTED) {
        models.push(m);
        continue;
      }
      server ??= await startScriptedOpenAIServer({ host: '127.0.0.1', responder: suite.offline() });
      models.push(scriptedModel(server.baseURL));
    }
    const prices = values.prices
      ? parsePriceTable(JSON.parse(await readFile(values.prices, 'utf8')), values.prices)
      : undefined;
    const scripted = models.some((m) => m.scripted);
    io.err(
      `Running ${cases.length} ${suite.name} cases × ${values.runs ?? 1} on ${models.map((m) => m.label ?? m.name).join(', ')}\n`,
    );
    if (scripted) {
      io.err(
        'No model configured: running OFFLINE on the scripted demo model (keyword rules, not an AI). ' +
          'Set OPENAI_API_KEY / AZURE_OPENAI_* or pass --models to measure a real model.\n',
      );
    }
    let done = 0;
    const total = cases.length * models.length * (values.runs ?? 1);
    const report = await evaluate(suite.workflow, cases, {
      models,
      repetitions: values.runs ?? 1,
      concurrency: values.concurrency ?? 4,
      maxRetries: values.retries ?? 3,
      ...(prices ? { prices } : {}),
      onRun: () => {
        done++;
        if (done % 10 === 0 || done === total) io.err(`  ${done}/${total} runs\n`);
      },
    });
    io.out(`${renderMarkdown(report)}\n`);
    const outDir = resolve(values.out ?? join('.data', 'eval'));
    await mkdir(outDir, { recursive: true });
    const stamp = report.generatedAt.replace(/[:.]/g, '-');
    const base = join(outDir, `${suite.name}-${stamp}`);
    await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(`${base}.html`, renderHtml(report));
    io.err(`Wrote ${base}.json and ${base}.html\n`);
    return 0;
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await server?.close();
  }
}

function count(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a whole number, got "${raw}".`);
  return n;
}

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      suite: { type: 'string' },
      cases: { type: 'string' },
      models: { type: 'string' },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      retries: { type: 'string' },
      prices: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  return {
    ...values,
    runs: count('runs', values.runs),
    concurrency: count('concurrency', values.concurrency),
    retries: count('retries', values.retries),
  };
}

export type CliValues = ReturnType<typeof parse>;
