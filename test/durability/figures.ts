/** The durability suite's table of figures: one row per scenario, printed by the tests and the bench. */

export interface FigureRow {
  scenario: string;
  trials: number;
  /** Trials whose flow was cut by the kill (or a fault) before it finished. */
  interrupted: number;
  lost: number;
  duplicated: number;
  duplicatedReplies: number;
  doubleRuns: number;
  lostResults: number;
  dishonest: number;
  waiting: number;
  resumeMs: number[];
  ghosts: number;
  apologies: number;
  modelCalls: number;
  /** Model calls the same turns make one after another without faults. */
  expectedModelCalls: number;
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);

export function figureTable(rows: readonly FigureRow[]): string {
  const header = [
    'scenario',
    'trials',
    'interrupted',
    'lost',
    'duplicated',
    'dup. replies',
    'double runs',
    'lost results',
    'dishonest',
    'waiting',
    'resume p50',
    'resume max',
    'ghosts',
    'apologies',
    'model calls (expected)',
  ];
  const lines = rows.map((r) => [
    r.scenario,
    String(r.trials),
    String(r.interrupted),
    String(r.lost),
    String(r.duplicated),
    String(r.duplicatedReplies),
    String(r.doubleRuns),
    String(r.lostResults),
    String(r.dishonest),
    String(r.waiting),
    ms(percentile(r.resumeMs, 50)),
    ms(percentile(r.resumeMs, 100)),
    String(r.ghosts),
    String(r.apologies),
    `${r.modelCalls} (${r.expectedModelCalls})`,
  ]);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(header), row(header.map(() => '---')), ...lines.map(row)].join('\n');
}
