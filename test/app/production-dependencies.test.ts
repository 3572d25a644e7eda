/** Installing the library must not build a native LevelDB: dynalite is only the app's embedded default. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, Record<string, unknown>>;
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
};

describe('production dependencies', () => {
  it('leave dynalite out: an optional peer of the app, a dev dependency of the repository', () => {
    expect(Object.keys(pkg.dependencies ?? {})).not.toContain('dynalite');
    expect(pkg.peerDependencies?.dynalite).toBeDefined();
    expect(pkg.peerDependenciesMeta?.dynalite).toEqual({ optional: true });
    expect(Object.keys(pkg.devDependencies ?? {})).toContain('dynalite');
  });

  it('resolve to no LevelDB package at all (npm marks them dev-only in the lockfile)', () => {
    const native = Object.keys(lock.packages).filter((p) =>
      /node_modules\/(dynalite|classic-level|leveldown|abstract-level|browser-level)$/.test(p),
    );
    expect(native.length).toBeGreaterThan(0);
    for (const path of native) expect(lock.packages[path], path).toMatchObject({ dev: true });
  });
});
