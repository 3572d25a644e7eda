/** The store-leases benchmark's code works at a tiny size (structure only, never timings). */
import { expect, it } from 'vitest';
import { benchStoreLeases } from '../../bench/store-leases.js';

it('measures every lease and inbox operation on both backends and a sweep that finds the interrupted ones', async () => {
  const table = await benchStoreLeases(3, 5, 2);
  expect(table.columns).toEqual(['backend', 'operation', 'p50', 'p95', 'max']);
  expect(table.rows).toHaveLength(12);
  expect(new Set(table.rows.map((row) => row[0]))).toEqual(new Set(['DynamoDB (dynalite)', 'file']));
  for (const row of table.rows) expect(typeof row[2]).toBe('number');
  expect(table.notes?.[1]).toMatch(/2 interrupted among 5 idle/);
});
