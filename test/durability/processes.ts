/**
 * Child processes for the durability suite: TypeScript entry points run with tsx, waited for by a line they
 * print or a URL they answer, and stopped by SIGKILL (the crash under test) or SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Everything it wrote, for failure messages. */
  readonly output: () => string;
  /** Resolves with the exit code or signal once it has exited. */
  readonly exited: Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<string>;
}

/** Children still running: killed when this process exits, so a crashed run leaves no app behind. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function startTsx(entry: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    // Enough to explain a failure; a long run must not grow without bound.
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  live.add(child);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(signal ?? String(code));
    }),
  );
  return {
    process: child,
    pid: child.pid!,
    output: () => out,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The first stdout line that parses as JSON. */
export function firstJsonLine<T>(child: Child, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      reject(new Error(`no JSON line from pid ${child.pid} in ${timeoutMs} ms:\n${child.output()}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const value = JSON.parse(line) as T;
          clearTimeout(timer);
          child.process.stdout!.off('data', onData);
          resolve(value);
          return;
        } catch {
          // a partial line; wait for the rest
        }
      }
    };
    child.process.stdout!.on('data', onData);
    void child.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`pid ${child.pid} exited (${how}) before printing its JSON line:\n${child.output()}`));
    });
  });
}

/** Polls `url` until it answers 2xx. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: string | undefined;
  void child.exited.then((how) => {
    dead = how;
  });
  while (Date.now() < deadline) {
    if (dead !== undefined)
      throw new Error(`pid ${child.pid} exited (${dead}) while starting:\n${child.output()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child.output()}`);
}

/** A free loopback port (bound and released: the child binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface DynaliteProcess {
  endpoint: string;
  child: Child;
  stop(): Promise<void>;
}

/** dynalite in its own process (in memory unless `dataDir`): it survives every app process the suite kills. */
export async function startDynaliteProcess(dataDir?: string): Promise<DynaliteProcess> {
  const child = startTsx('test/durability/dynalite-server.ts', dataDir ? [dataDir] : [], {});
  const { endpoint } = await firstJsonLine<{ endpoint: string }>(child);
  return {
    endpoint,
    child,
    async stop() {
      await child.kill('SIGTERM');
    },
  };
}
