/** Deterministic made-up text for benchmark messages, so every run writes the same bytes. */

const SYLLABLES = (
  'ka lo mi ne ru ta shi po va de ren mon ul or ex tri an bel cor dis fu gra hil in jo ket lum mar nox ost ' +
  'pra qui sel tor und vex wil yar zen ar ber'
).split(' ');

/** mulberry32: a small seeded PRNG. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * About `bytes` characters of made-up words and order numbers. It gzips about 2:1, like short chat
 * messages; a small English vocabulary would compress far better than real text and flatter the numbers.
 */
export function prose(seed: number, bytes: number): string {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!;
  const words: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word =
      next() < 0.1
        ? `#${100_000 + Math.floor(next() * 900_000)}`
        : Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(SYLLABLES)).join('');
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ');
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The value below which `p` (0..1) of the samples fall (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
