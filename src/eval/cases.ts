/**
 * Eval cases: a conversation's user turns and what should happen on each — who answers, which tools are called
 * with which arguments, whether a person is asked to approve — and whether the conversation should end.
 * Stored one JSON object per line (JSONL) so case sets diff well and can be appended to from real threads.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BatonError } from '../errors.js';

/**
 * How an expected argument is compared with the model's: a JSON value must be equal (strings after trimming,
 * numbers and numeric strings alike: `"1234"` matches `1234`); an operator object matches more loosely.
 */
export type ArgumentMatcher =
  | string
  | number
  | boolean
  | null
  | readonly ArgumentMatcher[]
  | { readonly [key: string]: ArgumentMatcher }
  | { readonly $regex: string; readonly $flags?: string }
  | { readonly $contains: string }
  | { readonly $oneOf: readonly (string | number | boolean | null)[] }
  | { readonly $any: true };

const JsonValueSchema: z.ZodType<ArgumentMatcher> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

export const ExpectedToolCallSchema = z.strictObject({
  name: z.string().min(1),
  /** Only the listed arguments are checked; others may be present. Omitted: any arguments. */
  arguments: z.record(z.string(), JsonValueSchema).optional(),
});

export const EvalTurnSchema = z.strictObject({
  /** What the user says. */
  user: z.string().min(1),
  /** The agent that should answer this turn (the last one to speak), or any of several. */
  route: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /**
   * The tool calls this turn should make, in any order, and no others (handoffs are not tool calls here).
   * `[]`: no tool call. Omitted: not checked.
   */
  tools: z.array(ExpectedToolCallSchema).optional(),
  /** Whether a person should be asked to approve a tool call this turn. Omitted: not checked. */
  approval: z.boolean().optional(),
  /** How the eval answers approvals this turn (default approve), standing in for the person. */
  decision: z.enum(['approve', 'reject']).optional(),
});

export const EvalCaseSchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().optional(),
  /** e.g. clear, ambiguous, multi-intent, follow-up, adversarial, non-english. */
  tags: z.array(z.string()).optional(),
  turns: z.array(EvalTurnSchema).min(1),
  /** Whether the conversation should have ended after the last turn. Omitted: not checked. */
  end: z.boolean().optional(),
  /** Where a case came from when it was exported from a real thread (`--from-store`). */
  source: z
    .strictObject({
      conversationId: z.string(),
      reasons: z.array(z.string()),
      exportedAt: z.string(),
    })
    .optional(),
});

export type ExpectedToolCall = z.infer<typeof ExpectedToolCallSchema>;
export type EvalTurn = z.infer<typeof EvalTurnSchema>;
export type EvalCase = z.infer<typeof EvalCaseSchema>;

/** A case file is not valid JSONL of eval cases: says which line and field, and what is wrong. */
export class EvalCaseError extends BatonError {
  readonly code = 'BATON_EVAL_CASES';
  override readonly name = 'EvalCaseError';
}

/**
 * Parses JSONL: one case per line; blank lines and lines starting with `//` are skipped. Every problem is
 * reported at once (file, line, field), and duplicate ids are refused.
 */
export function parseCases(text: string, source = 'cases'): EvalCase[] {
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source}:${index + 1}`;
    if (line === '' || line.startsWith('//')) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    const parsed = EvalCaseSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.length ? issue.path.join('.') : '(case)';
        problems.push(`${where}: ${path}: ${issue.message}`);
      }
      return;
    }
    const matcherProblem = parsed.data.turns
      .flatMap((t) => t.tools ?? [])
      .map((t) => checkMatchers(t.arguments ?? {}))
      .find((p) => p !== undefined);
    if (matcherProblem) {
      problems.push(`${where}: ${matcherProblem}`);
      return;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      problems.push(`${where}: id "${parsed.data.id}" is already used on line ${earlier}`);
      return;
    }
    seen.set(parsed.data.id, index + 1);
    cases.push(parsed.data);
  });
  if (problems.length > 0) {
    throw new EvalCaseError(`Invalid eval cases:\n  ${problems.join('\n  ')}`);
  }
  if (cases.length === 0) throw new EvalCaseError(`${source} has no cases.`);
  return cases;
}

export async function loadCases(path: string): Promise<EvalCase[]> {
  return parseCases(await readFile(path, 'utf8'), path);
}

/** One line of JSONL per case (what `parseCases` reads back). */
export function formatCases(cases: readonly EvalCase[]): string {
  return cases.map((c) => `${JSON.stringify(c)}\n`).join('');
}

/** Operators must be well-formed before a run, not fail silently in the middle of one. */
function checkMatchers(args: Record<string, ArgumentMatcher>): string | undefined {
  for (const [key, m] of Object.entries(args)) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) continue;
    const ops = Object.keys(m).filter((k) => k.startsWith('$'));
    if (ops.length === 0) continue;
    const op = ops[0];
    const known = ['$regex', '$flags', '$contains', '$oneOf', '$any'];
    const unknown = ops.find((o) => !known.includes(o));
    if (unknown) return `argument "${key}": unknown matcher ${unknown} (use ${known.join(', ')})`;
    const record = m as Record<string, unknown>;
    if (op === '$regex' || '$regex' in record) {
      try {
        new RegExp(String(record.$regex), typeof record.$flags === 'string' ? record.$flags : undefined);
      } catch (error) {
        return `argument "${key}": invalid $regex (${error instanceof Error ? error.message : String(error)})`;
      }
    }
    if ('$oneOf' in record && !Array.isArray(record.$oneOf)) return `argument "${key}": $oneOf needs a list`;
    if ('$contains' in record && typeof record.$contains !== 'string')
      return `argument "${key}": $contains needs a string`;
  }
  return undefined;
}
