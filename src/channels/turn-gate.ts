/**
 * Admission of turns in one process: a bounded number run at once, the rest wait in arrival order, and a new
 * turn is let in at most once per event-loop turn. A burst of new conversations then cannot starve the HTTP
 * server: Slack's acks (and Teams' 200s) are answered between admissions instead of after every turn's store and
 * model work has been started. (Pausing admissions while the loop runs late was tried and dropped: on a busy host
 * the loop is late for reasons of its own, and turns starved.)
 */

export interface TurnGateOptions {
  /**
   * Turns running at once in this process (default 32); the others wait, first come first served. `0` turns the
   * gate off: every turn starts at once, unpaced (what Baton did before the gate).
   */
  maxConcurrent?: number;
}

export const DEFAULT_MAX_CONCURRENT_TURNS = 32;

export class TurnGate {
  readonly maxConcurrent: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private pumping = false;

  constructor(options: TurnGateOptions = {}) {
    const max = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_TURNS;
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`maxConcurrent must be a whole number ≥ 0 (0: no limit) (got ${max}).`);
    }
    this.maxConcurrent = max;
  }

  /** Turns running now. */
  get active(): number {
    return this.running;
  }

  /** Turns waiting to be admitted. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `work` once admitted; its slot is freed however it ends. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.maxConcurrent === 0) return work();
    await new Promise<void>((admit) => {
      this.waiting.push(admit);
      this.pump();
    });
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.pump();
    }
  }

  /** Admits at most one waiter per event-loop turn: requests that arrived meanwhile are read in between. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      if (this.waiting.length === 0 || this.running >= this.maxConcurrent) return;
      this.running += 1;
      this.waiting.shift()!();
      this.pump();
    });
  }
}
