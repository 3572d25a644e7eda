/** Renders an eval report: a markdown table per model for the terminal, and a small self-contained HTML page. */
import type { EvalReport, ModelReport } from './evaluate.js';
import type { Ratio } from './score.js';

export const SCRIPTED_LABEL = 'scripted demo model (offline, keyword rules, not an AI)';

function pct(r: Ratio): string {
  return r.value === null ? 'n/a' : `${(r.value * 100).toFixed(1)}% (${r.hits}/${r.of})`;
}

function usd(n: number | null): string {
  if (n === null) return 'n/a (no price for this model)';
  return n < 0.01 ? `$${n.toFixed(5)}` : `$${n.toFixed(3)}`;
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Metric rows of one model: [metric, value]. */
export function metricRows(m: ModelReport): [string, string][] {
  const x = m.metrics;
  const u = x.usage;
  return [
    ['cases × runs', `${x.cases} × ${x.runs / Math.max(1, x.cases)} = ${x.runs} runs, ${x.turns} turns`],
    ['all checks passed', pct(x.passRate)],
    ['routing accuracy', pct(x.routingAccuracy)],
    ['tool-call accuracy', pct(x.toolCallAccuracy)],
    ['approval precision', pct(x.approvalPrecision)],
    ['approval recall', pct(x.approvalRecall)],
    ['ended when expected', pct(x.endAccuracy)],
    ['handoffs per turn (max)', `${x.handoffsPerTurn.toFixed(2)} (${x.maxHandoffsInTurn})`],
    ['turn latency p50 / p95', `${int(x.latencyMs.p50)} / ${int(x.latencyMs.p95)} ms`],
    [
      'tokens in / out (cached)',
      `${int(u.inputTokens)} / ${int(u.outputTokens)} (${int(u.cachedInputTokens ?? 0)}) in ${int(u.modelCalls)} calls`,
    ],
    ['tokens per turn', int(x.tokensPerTurn)],
    ['estimated cost', m.scripted ? '$0 (scripted)' : usd(x.estimatedCostUsd)],
    ['errors / 429 retries', `${x.errors} / ${x.retries}`],
  ];
}

function markdownTable(header: [string, string], rows: [string, string][]): string {
  const w0 = Math.max(header[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(header[1].length, ...rows.map((r) => r[1].length));
  const line = (a: string, b: string) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} |`;
  return [line(...header), `| ${'-'.repeat(w0)} | ${'-'.repeat(w1)} |`, ...rows.map((r) => line(...r))].join(
    '\n',
  );
}

/** What `npm run eval` prints: per model, its table, its pass rate by tag, and the first failures. */
export function renderMarkdown(report: EvalReport, options: { maxFailures?: number } = {}): string {
  const out: string[] = [];
  for (const m of report.models) {
    const scripted = m.scripted && m.label !== SCRIPTED_LABEL ? ` — ${SCRIPTED_LABEL}` : '';
    out.push(`### ${m.label}${scripted}`, '');
    out.push(markdownTable(['metric', 'value'], metricRows(m)), '');
    const tags = Object.entries(m.metrics.byTag);
    if (tags.length > 0) {
      out.push(`Passed by tag: ${tags.map(([t, r]) => `${t} ${pct(r)}`).join(' · ')}`, '');
    }
    const failed = m.runs.filter((r) => !r.score.passed);
    const limit = options.maxFailures ?? 10;
    if (failed.length > 0) {
      out.push(`Failed runs (${failed.length}${failed.length > limit ? `, first ${limit}` : ''}):`);
      for (const r of failed.slice(0, limit)) {
        const reasons = r.score.error
          ? [`${r.score.error.name}: ${r.score.error.message}`]
          : [
              ...r.score.turns.flatMap((t, i) => t.failures.map((f) => `turn ${i + 1} ${f}`)),
              ...(r.score.end === false ? [`end: expected ${r.evalCase.end ? 'ended' : 'still open'}`] : []),
            ];
        out.push(`- ${r.evalCase.id}#${r.run.repetition}: ${reasons.join('; ')}`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A horizontal bar chart (inline SVG) of the model's shares. */
function chart(m: ModelReport): string {
  const bars: [string, Ratio][] = [
    ['all checks', m.metrics.passRate],
    ['routing', m.metrics.routingAccuracy],
    ['tool calls', m.metrics.toolCallAccuracy],
    ['approval precision', m.metrics.approvalPrecision],
    ['approval recall', m.metrics.approvalRecall],
    ['ended', m.metrics.endAccuracy],
  ];
  const rowH = 26;
  const labelW = 150;
  const barW = 360;
  const rows = bars.map(([name, r], i) => {
    const y = i * rowH + 4;
    const w = r.value === null ? 0 : Math.round(r.value * barW);
    const text = r.value === null ? 'n/a' : `${(r.value * 100).toFixed(1)}%`;
    return (
      `<text x="0" y="${y + 15}" class="l">${escapeHtml(name)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${barW}" height="18" class="bg"/>` +
      `<rect x="${labelW}" y="${y}" width="${w}" height="18" class="fg"><title>${escapeHtml(pct(r))}</title></rect>` +
      `<text x="${labelW + barW + 8}" y="${y + 15}" class="v">${text}</text>`
    );
  });
  const h = bars.length * rowH + 8;
  return `<svg role="img" aria-label="${escapeHtml(m.label)} accuracy" viewBox="0 0 ${labelW + barW + 70} ${h}" width="${labelW + barW + 70}" height="${h}">${rows.join('')}</svg>`;
}

/** One page, no external assets: a chart and a table per model, then every failed run. */
export function renderHtml(report: EvalReport): string {
  const sections = report.models.map((m) => {
    const rows = metricRows(m)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('');
    const failed = m.runs
      .filter((r) => !r.score.passed)
      .map((r) => {
        const reasons = r.score.error
          ? [`${r.score.error.name}: ${r.score.error.message}`]
          : r.score.turns.flatMap((t, i) => t.failures.map((f) => `turn ${i + 1} ${f}`));
        if (r.score.end === false) reasons.push(`end: expected ${r.evalCase.end ? 'ended' : 'still open'}`);
        return `<li><code>${escapeHtml(`${r.evalCase.id}#${r.run.repetition}`)}</code> ${escapeHtml(reasons.join('; '))}</li>`;
      })
      .join('');
    const banner = m.scripted
      ? `<p class="scripted">${escapeHtml(SCRIPTED_LABEL)}: these figures test the harness, not a model.</p>`
      : '';
    return `<section><h2>${escapeHtml(m.label)}</h2>${banner}${chart(m)}<table>${rows}</table>${
      failed ? `<details><summary>Failed runs</summary><ul>${failed}</ul></details>` : ''
    }</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton eval: ${escapeHtml(report.workflow)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#111;max-width:60rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.2rem .8rem;border-bottom:1px solid #ddd;text-align:left}
th{font-weight:500;color:#444}.l,.v{font-size:12px;fill:#333}.bg{fill:#eef}.fg{fill:#4f46e5}
.scripted{background:#fff7d6;border:1px solid #e5c100;padding:.4rem .6rem}
</style></head><body>
<h1>Baton eval: ${escapeHtml(report.workflow)}</h1>
<p>${report.caseCount} cases × ${report.repetitions} run(s) per model · ${escapeHtml(report.generatedAt)}</p>
${sections.join('\n')}
</body></html>
`;
}
