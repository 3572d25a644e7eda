/** A benchmark section's result: printed as a markdown table and stored in bench/results.json. */

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes?: string[];
}

function cell(value: string | number): string {
  const text =
    typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : value;
  return text.replace(/\|/g, '\\|');
}

export function formatTable(table: BenchTable): string {
  const lines = [
    `### ${table.title}`,
    '',
    `| ${table.columns.map(cell).join(' | ')} |`,
    `| ${table.columns.map(() => '---').join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  if (table.notes?.length) lines.push('', ...table.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

export function printTable(table: BenchTable): void {
  console.log(formatTable(table));
}
