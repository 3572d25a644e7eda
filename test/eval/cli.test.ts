/** `npm run eval` end to end, offline: the shipped cases on the scripted demo model, reports on disk. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCli } from '../../scripts/eval/cli.js';
import type { EvalReport } from '../../src/eval/evaluate.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEvalCli(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('npm run eval', () => {
  it('runs the customer-support cases offline, says it is scripted, and writes JSON and HTML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baton-eval-'));
    dirs.push(dir);
    const result = await run(['--out', dir]);
    expect(result.code).toBe(0);
    expect(result.err).toContain('running OFFLINE on the scripted demo model');
    expect(result.out).toContain('### scripted demo model (offline, keyword rules, not an AI)');
    expect(result.out).toMatch(/\| routing accuracy +\| \d+\.\d% \(\d+\/\d+\)/);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^customer-support-.*\.html$/);
    const report = JSON.parse(await readFile(join(dir, files[1]!), 'utf8')) as EvalReport;
    const model = report.models[0]!;
    expect(model.scripted).toBe(true);
    expect(model.metrics.runs).toBe(report.caseCount);
    expect(report.caseCount).toBeGreaterThanOrEqual(40);
    // The seed's own flow is what the demo script plays: it must pass, approval and all.
    const seed = model.runs.find((r) => r.evalCase.id === 'refund-damaged')!;
    expect(seed.score.passed).toBe(true);
    expect(seed.run.turns[0]!.approvals).toEqual([
      { name: 'process_refund', arguments: { order_number: '1234' } },
    ]);
    expect(model.metrics.usage.totalTokens).toBeGreaterThan(0);
    const html = await readFile(join(dir, files[0]!), 'utf8');
    expect(html).toContain('these figures test the harness, not a model');
    expect(html).toContain('<svg');
  }, 180_000);

  it('explains bad arguments and models it cannot reach', async () => {
    const bad = await run(['--runs', 'two']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--runs must be a whole number, got "two".');
    const unknown = await run(['--suite', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown suite "nope". Known: customer-support, homework-tutors.');
    const noKey = await run(['--models', 'gpt-4.1-mini']);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toContain('"gpt-4.1-mini" is an OpenAI model: set OPENAI_API_KEY');
    const badUrl = await run(['--models', 'llama@localhost:11434']);
    expect(badUrl.err).toContain('after "@" comes the server\'s base URL');
  });
});
