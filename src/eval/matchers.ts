/** Compares a turn's tool calls with the expected ones: names, then only the arguments the case lists. */
import type { ArgumentMatcher, ExpectedToolCall } from './cases.js';

export interface ObservedToolCall {
  name: string;
  /** Parsed arguments (`undefined` when the model sent something that is not a JSON object). */
  arguments: Record<string, unknown> | undefined;
}

export interface ToolCheck {
  ok: boolean;
  /** What did not match, for the report ('' when ok). */
  detail: string;
}

function isOperator(m: ArgumentMatcher): m is Extract<ArgumentMatcher, { $regex: string }> {
  return (
    typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).some((k) => k.startsWith('$'))
  );
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Whether one actual value satisfies one matcher. */
export function matchValue(matcher: ArgumentMatcher, actual: unknown): boolean {
  if (isOperator(matcher)) {
    const m = matcher as Record<string, unknown>;
    if (m.$any === true) return actual !== undefined;
    const text = scalarText(actual);
    if (typeof m.$regex === 'string') {
      return (
        text !== undefined && new RegExp(m.$regex, typeof m.$flags === 'string' ? m.$flags : '').test(text)
      );
    }
    if (typeof m.$contains === 'string') {
      return text?.toLowerCase().includes(m.$contains.toLowerCase()) ?? false;
    }
    if (Array.isArray(m.$oneOf))
      return m.$oneOf.some((option) => matchValue(option as ArgumentMatcher, actual));
    return false;
  }
  if (matcher === null) return actual === null;
  if (Array.isArray(matcher)) {
    return (
      Array.isArray(actual) &&
      actual.length === matcher.length &&
      matcher.every((m, i) => matchValue(m as ArgumentMatcher, actual[i]))
    );
  }
  if (typeof matcher === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(matcher).every(([k, m]) => matchValue(m as ArgumentMatcher, record[k]));
  }
  // Scalars: "1234" and 1234 are the same order number; surrounding spaces do not matter.
  const expected = scalarText(matcher);
  const got = scalarText(actual);
  return expected !== undefined && got !== undefined && expected === got;
}

function matchCall(expected: ExpectedToolCall, actual: ObservedToolCall): boolean {
  if (expected.name !== actual.name) return false;
  if (!expected.arguments) return true;
  if (!actual.arguments) return false;
  const args = actual.arguments;
  return Object.entries(expected.arguments).every(([k, m]) => matchValue(m, args[k]));
}

function describe(call: ObservedToolCall | ExpectedToolCall): string {
  return `${call.name}(${call.arguments === undefined ? '?' : JSON.stringify(call.arguments)})`;
}

/**
 * Every expected call must be matched by a distinct actual call, and no actual call may be left over.
 * Order does not matter. Backtracking keeps a loose matcher from taking the call a stricter one needed.
 */
export function checkToolCalls(
  expected: readonly ExpectedToolCall[],
  actual: readonly ObservedToolCall[],
): ToolCheck {
  const used = new Set<number>();
  const assign = (i: number): boolean => {
    if (i === expected.length) return true;
    for (let j = 0; j < actual.length; j++) {
      if (used.has(j) || !matchCall(expected[i]!, actual[j]!)) continue;
      used.add(j);
      if (assign(i + 1)) return true;
      used.delete(j);
    }
    return false;
  };
  const matched = assign(0);
  if (matched && actual.length === expected.length) return { ok: true, detail: '' };
  const want = expected.map(describe).join(', ') || 'no tool call';
  const got = actual.map(describe).join(', ') || 'no tool call';
  return { ok: false, detail: `expected ${want}; got ${got}` };
}
