import { describe, expect, it } from 'vitest';
import { TurnGate } from '../../src/channels/turn-gate.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('turn gate', () => {
  it('runs at most maxConcurrent turns at once and admits the rest in arrival order', async () => {
    const gate = new TurnGate({ maxConcurrent: 2 });
    const started: number[] = [];
    const releases = Array.from({ length: 5 }, deferred);
    const runs = releases.map((release, i) =>
      gate.run(async () => {
        started.push(i);
        await release.promise;
        return i;
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([0, 1]);
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(3);
    releases[1]!.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([0, 1, 2]);
    for (const r of releases) r.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.active).toBe(0);
  });

  it('frees the slot of a turn that fails, and passes its error on', async () => {
    const gate = new TurnGate({ maxConcurrent: 1 });
    await expect(gate.run(async () => Promise.reject(new Error('model down')))).rejects.toThrow('model down');
    expect(await gate.run(async () => 'next')).toBe('next');
    expect(gate.active).toBe(0);
  });

  it('with maxConcurrent 0 starts every turn at once', async () => {
    const gate = new TurnGate({ maxConcurrent: 0 });
    const release = deferred();
    let running = 0;
    const runs = Array.from({ length: 50 }, () =>
      gate.run(async () => {
        running += 1;
        await release.promise;
      }),
    );
    await Promise.resolve();
    expect(running).toBe(50);
    release.resolve();
    await Promise.all(runs);
  });

  it('rejects settings that cannot work', () => {
    expect(() => new TurnGate({ maxConcurrent: -1 })).toThrow(/maxConcurrent/);
    expect(() => new TurnGate({ maxConcurrent: 1.5 })).toThrow(/maxConcurrent/);
  });
});
