/**
 * Estimated cost from token counts. The built-in prices are list prices in US dollars per million tokens as
 * published by OpenAI when this table was written; they change, and Azure and other hosts price differently —
 * pass your own table (`prices` option, `--prices file.json`) for figures you rely on.
 */

export interface ModelPrice {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
  /** USD per 1M cached input tokens (default: the input price). */
  cachedInput?: number;
}

/** Model name (or name prefix) → price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

export const DEFAULT_PRICES: PriceTable = {
  'gpt-4.1': { input: 2.0, output: 8.0, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  'gpt-4o': { input: 2.5, output: 10.0, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'o3-mini': { input: 1.1, output: 4.4, cachedInput: 0.55 },
};

/**
 * The price of a model: an exact entry, else the longest entry that prefixes its name (so
 * `gpt-4.1-mini-2025-04-14` costs what `gpt-4.1-mini` does). Undefined when the table has none.
 */
export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const prefix = Object.keys(table)
    .filter((name) => model.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : table[prefix];
}

/** USD for these tokens at this price; cached input tokens (part of input) at the cached price. */
export function costOf(
  usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number },
  price: ModelPrice,
): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (
    (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) /
    1_000_000
  );
}

/** Validates a user's price table (from JSON): every entry needs non-negative input and output prices. */
export function parsePriceTable(json: unknown, source = 'price table'): PriceTable {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TypeError(
      `${source} must be a JSON object of model → { "input": USD/1M, "output": USD/1M, "cachedInput"?: USD/1M }.`,
    );
  }
  const out: Record<string, ModelPrice> = {};
  for (const [model, value] of Object.entries(json as Record<string, unknown>)) {
    const v = value as Partial<Record<keyof ModelPrice, unknown>> | null;
    const ok = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    if (!v || !ok(v.input) || !ok(v.output) || (v.cachedInput !== undefined && !ok(v.cachedInput))) {
      throw new TypeError(
        `${source}: "${model}" needs non-negative numbers "input" and "output" (USD per 1M tokens), e.g. ` +
          '{ "input": 0.4, "output": 1.6 }.',
      );
    }
    out[model] = {
      input: v.input as number,
      output: v.output as number,
      ...(v.cachedInput !== undefined ? { cachedInput: v.cachedInput as number } : {}),
    };
  }
  return out;
}
