/** Reads a V8 `.cpuprofile` (`node --cpu-prof`) into its top self-time costs, by function and by module. */
import { readFile } from 'node:fs/promises';

export interface CpuCost {
  /** `function (where)` or a module: an npm package, a folder of this repository, `node:` internals, or V8. */
  name: string;
  kind: 'function' | 'module';
  selfMs: number;
  /** Of all sampled time, idle included. */
  share: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

/** Where a script is, coarsely: the npm package, `src/<folder>` of this repository, node internals. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const own = /\/(src|bench|examples|test)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url;
}

export async function topCosts(file: string, count = 12): Promise<CpuCost[]> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerSample = totalMs / Math.max(1, profile.samples.length);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = moduleOf(url, functionName);
    const name = functionName.startsWith('(')
      ? functionName
      : `${functionName || '(anonymous)'} (${where}${url ? `:${lineNumber + 1}` : ''})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits * msPerSample);
    byModule.set(where, (byModule.get(where) ?? 0) + hits * msPerSample);
  }
  const top = (map: Map<string, number>, kind: CpuCost['kind']): CpuCost[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, selfMs]) => ({ name, kind, selfMs, share: selfMs / totalMs }));
  return [...top(byModule, 'module'), ...top(byFunction, 'function')];
}
